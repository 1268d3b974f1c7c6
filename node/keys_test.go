package node

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// TestKeysOverTheNetwork: an organisation's keys change and another
// install, which learns of it only over the network (real engines on
// 127.0.0.1), judges by it. The plantation rotates its device key: what the
// old key signed before stays trusted on the buyer's node. Then the new key
// is revoked from a time T, as for a stolen laptop: its records dated from
// T on fail on the buyer's node with a reason that names the revocation,
// and those dated before T stay trusted.
func TestKeysOverTheNetwork(t *testing.T) {
	ctx := context.Background()
	cert, plant, buyer := appNode(t, "keys-certifier"), appNode(t, "keys-plantation"), appNode(t, "keys-buyer")
	connect(t, cert, plant)
	connect(t, cert, buyer)
	connect(t, plant, buyer)

	cid := mustIdentity(t, cert, api.Setup{Name: "Sawit Assurance Sdn Bhd", Roles: []protocol.Role{protocol.RoleCertifier}, Country: "MY"})
	pid := mustIdentity(t, plant, api.Setup{Name: "Ladang Sungai Tiram", Roles: []protocol.Role{protocol.RolePlantation}, Country: "MY"})
	mustPublish(t, cert, &protocol.Endorse{Org: pid.Org, Role: protocol.RolePlantation})
	if err := buyer.AddAnchor(ctx, cid.Org, "Sawit Assurance"); err != nil {
		t.Fatal(err)
	}

	plot := protocol.PolygonGeometry([]protocol.Position{
		protocol.Pos(103.90, 1.70), protocol.Pos(103.91, 1.70), protocol.Pos(103.91, 1.71), protocol.Pos(103.90, 1.71), protocol.Pos(103.90, 1.70)})
	place := mustPublish(t, plant, &protocol.Place{Name: "Blok A", Kind: protocol.PlacePlot, Country: "MY", Geo: plot, Area: int64(plot.Area())})
	harvest := func(lot string) protocol.BatchID {
		t.Helper()
		now := time.Now()
		rec := mustPublish(t, plant, &protocol.Origin{Places: []protocol.CID{place.CID},
			From: now.Add(-48 * time.Hour).UnixMilli(), Until: now.Add(-24 * time.Hour).UnixMilli(),
			Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(10, protocol.TNE), Lot: lot}}})
		return protocol.BatchID{Record: rec.CID}
	}
	// verifyOn waits until the buyer has every record behind b, then
	// returns its report.
	verifyOn := func(b protocol.BatchID) *provenance.Report {
		t.Helper()
		var rep *provenance.Report
		waitFor(t, "the buyer holds what "+b.String()+" stands on", func() bool {
			var err error
			rep, err = buyer.Verify(ctx, api.VerifyRequest{Batch: b})
			if err != nil {
				t.Fatal(err)
			}
			return rep.Verdict != provenance.Incomplete && rep.Verdict != provenance.Unendorsed
		})
		return rep
	}

	before := harvest("H-old-key")
	rot, err := plant.RotateDevice(ctx, testOrgPass)
	if err != nil || rot.Device == pid.Device {
		t.Fatalf("RotateDevice: %+v, %v", rot, err)
	}
	// The buyer learns of the rotation (the revocation of the old key,
	// from the moment of rotating) by gossip.
	waitFor(t, "the buyer learns that the old device key was withdrawn", func() bool {
		revs, err := buyer.store.RevocationsOfKey(ctx, pid.Device)
		return err == nil && len(revs) == 1
	})
	if rep := verifyOn(before); rep.Verdict != provenance.Trusted {
		t.Fatalf("a harvest signed before the rotation, on the buyer's node: %s, want trusted:\n%s", rep.Verdict, rep.Text())
	}
	newKey := harvest("H-new-key")
	if rep := verifyOn(newKey); rep.Verdict != provenance.Trusted {
		t.Fatalf("a harvest signed with the rotated key: %s, want trusted:\n%s", rep.Verdict, rep.Text())
	}

	// The new device key is stolen: revoked from T, between two of its
	// records.
	t0 := newKey.Record
	rec0, err := buyer.store.Get(ctx, t0)
	if err != nil {
		t.Fatal(err)
	}
	for time.Now().UnixMilli() <= rec0.Time+2 {
		// Milliseconds of the clock, not the network: T lies strictly
		// between the two records' times.
	}
	stolen := harvest("H-after-theft")
	stolenRec, err := plant.store.Get(ctx, stolen.Record)
	if err != nil {
		t.Fatal(err)
	}
	from := rec0.Time + 1
	if stolenRec.Author != rot.Device || stolenRec.Time < from {
		t.Fatalf("the harvest after the theft is by %s at %d, want the rotated key after %d", stolenRec.Author.Short(), stolenRec.Time, from)
	}
	dev := rot.Device
	revoke := mustPublish(t, plant, &protocol.Revoke{Key: &dev, From: from, Reason: "laptop stolen"})
	waitFor(t, "the buyer learns of the revocation", func() bool { return has(t, buyer, revoke.CID) })

	rep := verifyOn(stolen)
	if rep.Verdict != provenance.Failed {
		t.Fatalf("a harvest signed by the revoked key after T, on the buyer's node: %s, want failed:\n%s", rep.Verdict, rep.Text())
	}
	text := rep.Text()
	if !strings.Contains(text, "revoked") || !strings.Contains(text, "laptop stolen") || !strings.Contains(text, revoke.CID.Short()) {
		t.Errorf("the failure does not name the revocation (%s, \"laptop stolen\"):\n%s", revoke.CID.Short(), text)
	}
	if !hasFinding(rep, provenance.CodeRevokedKey) {
		t.Errorf("no %s finding:\n%s", provenance.CodeRevokedKey, text)
	}
	for name, b := range map[string]protocol.BatchID{"the old key's": before, "the stolen key's, before T,": newKey} {
		if rep := verifyOn(b); rep.Verdict != provenance.Trusted {
			t.Errorf("%s harvest after the revocation: %s, want trusted:\n%s", name, rep.Verdict, rep.Text())
		}
	}
}

// hasFinding reports whether a check of rep has a reason with code.
func hasFinding(rep *provenance.Report, code string) bool {
	for _, c := range rep.Checks {
		for _, r := range c.Reasons {
			if r.Code == code {
				return true
			}
		}
	}
	return false
}
