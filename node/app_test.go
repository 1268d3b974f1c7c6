package node

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// testOrgPass is the organisation passphrase of identities made in tests.
const testOrgPass = "organisation passphrase"

// appNode starts a node with no keys, as a fresh desktop install is.
func appNode(t *testing.T, name string) *Node {
	t.Helper()
	cfg := testConfig(t, name)
	cfg.DeviceKey = protocol.PrivateKey{}
	return startNode(t, cfg)
}

func mustIdentity(t *testing.T, n *Node, s api.Setup) api.Identity {
	t.Helper()
	if s.OrgPassphrase == "" {
		s.OrgPassphrase = testOrgPass
	}
	id, err := n.CreateIdentity(context.Background(), s)
	if err != nil {
		t.Fatalf("CreateIdentity %s: %v", s.Name, err)
	}
	if !id.Ready || id.Name != s.Name || !id.HasOrgKey || !id.OrgKeyProtected || id.Device.IsZero() {
		t.Fatalf("CreateIdentity %s: %+v", s.Name, id)
	}
	return id
}

func mustPublish(t *testing.T, n *Node, body protocol.Body) protocol.Signed {
	t.Helper()
	rec, err := n.Publish(context.Background(), api.Draft{Body: body, OrgPassphrase: testOrgPass})
	if err != nil {
		t.Fatalf("Publish %s: %v", body.Type(), err)
	}
	return rec
}

// TestAppChain runs a small chain through the service as the GUI and the
// command line use it: a certifier endorses a plantation and a mill; the
// plantation harvests and ships; the mill receives, processes, and the
// resulting CPO verifies as trusted for a buyer who trusts the certifier and
// as unendorsed for one who trusts nobody.
func TestAppChain(t *testing.T) {
	ctx := context.Background()
	cert, plant, mill := appNode(t, "certifier"), appNode(t, "plantation"), appNode(t, "mill")
	connect(t, cert, plant)
	connect(t, cert, mill)
	connect(t, plant, mill)

	backup := filepath.Join(t.TempDir(), "plantation-keys.age")
	cid := mustIdentity(t, cert, api.Setup{Name: "Sawit Assurance Sdn Bhd", Roles: []protocol.Role{protocol.RoleCertifier}, Country: "MY"})
	pid := mustIdentity(t, plant, api.Setup{Name: "Ladang Sungai Tiram", Roles: []protocol.Role{protocol.RolePlantation}, Country: "MY",
		BackupPath: backup, Passphrase: "correct horse battery"})
	mid := mustIdentity(t, mill, api.Setup{Name: "Kilang Kelapa Sawit Kota Tinggi", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"})
	if _, err := mill.CreateIdentity(ctx, api.Setup{Name: "again", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"}); !errors.Is(err, api.ErrConflict) {
		t.Fatalf("second CreateIdentity: %v, want ErrConflict", err)
	}
	if _, err := appNode(t, "bad").CreateIdentity(ctx, api.Setup{Name: "No Country", Roles: []protocol.Role{protocol.RoleMill}, Country: "Malaysia"}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("CreateIdentity with a bad country: %v, want ErrInvalid", err)
	}

	mustPublish(t, cert, &protocol.Endorse{Org: pid.Org, Role: protocol.RolePlantation})
	mustPublish(t, cert, &protocol.Endorse{Org: mid.Org, Role: protocol.RoleMill})
	for _, n := range []*Node{plant, mill} {
		if err := n.AddAnchor(ctx, cid.Org, "Sawit Assurance"); err != nil {
			t.Fatal(err)
		}
	}

	now := time.Now()
	plot := protocol.PolygonGeometry([]protocol.Position{
		protocol.Pos(103.90, 1.70), protocol.Pos(103.91, 1.70), protocol.Pos(103.91, 1.71), protocol.Pos(103.90, 1.71), protocol.Pos(103.90, 1.70)})
	place := mustPublish(t, plant, &protocol.Place{Name: "Blok A", Kind: protocol.PlacePlot, Country: "MY", Geo: plot, Area: int64(plot.Area())})
	harvest := mustPublish(t, plant, &protocol.Origin{Places: []protocol.CID{place.CID},
		From: now.Add(-48 * time.Hour).UnixMilli(), Until: now.Add(-24 * time.Hour).UnixMilli(),
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(100, protocol.TNE), Lot: "H-001"}}})
	ffb := protocol.BatchID{Record: harvest.CID}

	waitFor(t, "the plantation knows the mill by name", func() bool {
		orgs, err := plant.Orgs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range orgs {
			if o.Key == mid.Org && o.Name == mid.Name && o.Endorsed {
				return true
			}
		}
		return false
	})
	ship := mustPublish(t, plant, &protocol.Transfer{Batch: ffb, Qty: protocol.Q(100, protocol.TNE), To: mid.Org,
		Docs: []protocol.Document{{Kind: "invoice", Ref: "INV-2026-0042"}}})

	var incoming []api.Incoming
	waitFor(t, "the mill sees the shipment waiting, from the plantation by name", func() bool {
		var err error
		incoming, err = mill.Incoming(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// The transfer may arrive before the plantation's organisation
		// record does: the name follows it.
		return len(incoming) == 1 && incoming[0].FromName == pid.Name
	})
	if in := incoming[0]; in.Transfer != ship.CID || in.Product != "FFB" || in.FromName != pid.Name || in.Qty != protocol.Q(100, protocol.TNE) {
		t.Fatalf("incoming: %+v", in)
	}
	mustPublish(t, mill, &protocol.Receive{Transfer: ship.CID, Qty: protocol.Q(100, protocol.TNE)})
	if in, err := mill.Incoming(ctx); err != nil || len(in) != 0 {
		t.Fatalf("incoming after receipt: %v, %v", in, err)
	}
	got, err := mill.Batches(ctx, api.BatchFilter{Received: true})
	if err != nil || len(got) != 1 || got[0].ID != ffb || !got[0].Received || got[0].Left != protocol.Q(100, protocol.TNE) || got[0].MakerName != pid.Name {
		t.Fatalf("received batches: %+v, %v", got, err)
	}

	run := mustPublish(t, mill, &protocol.Process{
		In: []protocol.Input{{Batch: ffb, Qty: protocol.Q(100, protocol.TNE)}},
		Out: []protocol.Output{
			{Product: "CPO", Qty: protocol.Q(21, protocol.TNE), Lot: "CPO-7"},
			{Product: "PK", Qty: protocol.Q(5, protocol.TNE), Lot: "PK-7"},
		}})
	cpo := protocol.BatchID{Record: run.CID}
	b, err := mill.Batch(ctx, ffb)
	// Two uses: the plantation's shipment to the mill, and the mill's run.
	if err != nil || b.Left.Milli != 0 || len(b.Uses) != 2 || b.Uses[0].Mine || !b.Uses[1].Mine || b.Uses[1].Record != run.CID {
		t.Fatalf("FFB after processing: %+v, %v", b, err)
	}
	if held, err := mill.Batches(ctx, api.BatchFilter{Held: true}); err != nil || len(held) != 2 {
		t.Fatalf("batches the mill holds after milling all its FFB: %+v, %v (want CPO and PK)", held, err)
	}
	made, err := mill.Batches(ctx, api.BatchFilter{Made: true, Text: "cpo-7"})
	if err != nil || len(made) != 1 || made[0].ID != cpo || made[0].Left != protocol.Q(21, protocol.TNE) {
		t.Fatalf("batches made matching cpo-7: %+v, %v", made, err)
	}
	if places, err := plant.Places(ctx); err != nil || len(places) != 1 || places[0].Name != "Blok A" {
		t.Fatalf("places: %+v, %v", places, err)
	}

	rep, err := mill.Verify(ctx, api.VerifyRequest{Batch: cpo, Forward: false})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != provenance.Trusted {
		t.Fatalf("verdict %s, want trusted:\n%s", rep.Verdict, rep.Text())
	}
	if err := mill.RemoveAnchor(ctx, cid.Org); err != nil {
		t.Fatal(err)
	}
	if err := mill.RemoveAnchor(ctx, cid.Org); !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("RemoveAnchor twice: %v, want ErrNotFound", err)
	}
	if rep, err = mill.Verify(ctx, api.VerifyRequest{Batch: cpo, Forward: false}); err != nil || rep.Verdict != provenance.Unendorsed {
		t.Fatalf("verdict without anchors: %v, %v, want unendorsed", rep.Verdict, err)
	}

	id, err := plant.Identity(ctx)
	if err != nil || len(id.Endorsements) != 1 || !id.Endorsements[0].Anchored || id.Endorsements[0].ByName != cid.Name {
		t.Fatalf("plantation identity: %+v, %v", id, err)
	}

	// The plantation's backup restores on a new install, which gets a
	// device key of its own, delegated by the organisation key.
	other := appNode(t, "plantation-laptop")
	if _, err := other.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "wrong passphrase"}); !errors.Is(err, api.ErrInvalid) || !errors.Is(err, protocol.ErrWrongPassphrase) {
		t.Fatalf("restore with a wrong passphrase: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other.cfg.DataDir, identityFile)); !os.IsNotExist(err) {
		t.Fatalf("a failed restore wrote the identity file: %v", err)
	}
	rid, err := other.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "correct horse battery", OrgPassphrase: testOrgPass})
	if err != nil || rid.Org != pid.Org || !rid.HasOrgKey || rid.Device != pid.Device {
		t.Fatalf("restored identity: %+v, %v (want org %s device %s)", rid, err, pid.Org.Short(), pid.Device.Short())
	}

	// Rotating the mill's device key: the new key is delegated, the old one
	// revoked, and records go on being signed with the new key.
	rot, err := mill.RotateDevice(ctx, testOrgPass)
	if err != nil || rot.Device == mid.Device || rot.Org != mid.Org {
		t.Fatalf("RotateDevice: %+v, %v", rot, err)
	}
	if len(rot.Devices) != 2 || !rot.Devices[0].Revoked || rot.Devices[0].This || rot.Devices[1].Revoked || !rot.Devices[1].This {
		t.Fatalf("devices after rotation: %+v (want the old one withdrawn, the new one this computer's)", rot.Devices)
	}
	revs, err := mill.store.RevocationsOfKey(ctx, mid.Device)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revocations of the old device key: %v, %v", revs, err)
	}
	after := mustPublish(t, mill, &protocol.Transfer{Batch: cpo, Qty: protocol.Q(21, protocol.TNE), To: pid.Org})
	if after.Author != rot.Device {
		t.Fatalf("record after rotation signed by %s, want %s", after.Author.Short(), rot.Device.Short())
	}
	if b, err := mill.Batch(ctx, cpo); err != nil || b.Left.Milli != 0 {
		t.Fatalf("CPO after shipping it all with the new key: %+v, %v", b, err)
	}

	// The identity survives a restart of the install.
	dir := mill.cfg.DataDir
	if err := mill.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "mill-again")
	cfg.DataDir, cfg.DeviceKey = dir, protocol.PrivateKey{}
	again := startNode(t, cfg)
	if id, err := again.Identity(ctx); err != nil || id.Device != rot.Device || id.Name != mid.Name {
		t.Fatalf("identity after restart: %+v, %v", id, err)
	}
}
