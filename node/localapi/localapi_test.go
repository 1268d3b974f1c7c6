package localapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/localapi"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// serve starts a node with no keys in a new data folder (which serves the
// local API on the folder's socket, as every process that opens a store
// does) and returns the node, a client and the data folder.
func serve(t *testing.T) (*node.Node, *localapi.Client, string) {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	n, err := node.New(ctx, node.Config{DataDir: dir, KeyWorkFactor: protocol.MinScryptWorkFactor,
		Net: p2p.Config{Network: "localapi-test", ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, SyncInterval: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Error(err)
		}
	})
	c, err := localapi.Dial(ctx, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return n, c, dir
}

// TestRoundTrip runs every Service method through the socket against a real
// node and checks that the answers match what the node itself says.
func TestRoundTrip(t *testing.T) {
	ctx := context.Background()
	n, c, dir := serve(t)

	if fi, err := os.Stat(localapi.SocketPath(dir)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if id, err := c.Identity(ctx); err != nil || id.Ready {
		t.Fatalf("Identity before setup: %+v, %v", id, err)
	}
	backup := filepath.Join(t.TempDir(), "keys.age")
	id, err := c.CreateIdentity(ctx, api.Setup{Name: "Ladang Sungai Tiram", Roles: []protocol.Role{protocol.RolePlantation},
		Country: "MY", BackupPath: backup, Passphrase: "correct horse battery", OrgPassphrase: orgPass})
	if err != nil || !id.Ready || id.Name != "Ladang Sungai Tiram" {
		t.Fatalf("CreateIdentity: %+v, %v", id, err)
	}
	if _, err := c.CreateIdentity(ctx, api.Setup{Name: "again", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"}); !errors.Is(err, api.ErrConflict) {
		t.Fatalf("second CreateIdentity: %v, want ErrConflict", err)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatalf("backup: %v", err)
	}
	want, _ := n.Identity(ctx)
	// Compared as JSON: times come back equal but in another location.
	if got, err := c.Identity(ctx); err != nil || !sameJSON(t, got, want) {
		t.Fatalf("Identity through the socket:\n%+v, %v\nwant %+v", got, err, want)
	}

	events, err := c.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	place, err := c.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Blok A", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.9, 1.7)), Area: 20000}})
	if err != nil {
		t.Fatalf("Publish place: %v", err)
	}
	now := time.Now()
	harvest, err := c.Publish(ctx, api.Draft{Body: &protocol.Origin{Places: []protocol.CID{place.CID},
		From: now.Add(-48 * time.Hour).UnixMilli(), Until: now.Add(-24 * time.Hour).UnixMilli(),
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(100, protocol.TNE), Lot: "H-1"}}}})
	if err != nil {
		t.Fatalf("Publish origin: %v", err)
	}
	_, err = c.Publish(ctx, api.Draft{Body: &protocol.Origin{Places: []protocol.CID{place.CID},
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Quantity{Milli: 1, Unit: "bushel"}}}}})
	if !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "publish") {
		t.Fatalf("Publish of a bad draft: %v, want ErrInvalid naming publish", err)
	}
	seen := map[protocol.CID]bool{}
	timeout := time.After(10 * time.Second)
	for !seen[place.CID] || !seen[harvest.CID] {
		select {
		case e := <-events:
			if e.Kind == api.EventRecordAdded {
				seen[e.CID] = true
			}
		case <-timeout:
			t.Fatalf("Watch saw %v, want the place and the harvest", seen)
		}
	}

	if got, err := c.Get(ctx, harvest.CID); err != nil || got.CID != harvest.CID || string(got.Bytes) != string(harvest.Bytes) {
		t.Fatalf("Get: %v, %v", got.CID, err)
	}
	missing := protocol.ComputeCID([]byte("nothing"))
	gctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	if _, err := c.Get(gctx, missing); err == nil {
		t.Fatal("Get of a missing record: no error")
	}
	page, err := c.List(ctx, api.Filter{Author: id.Device})
	if err != nil || len(page.Records) != 2 || page.Records[1].CID != harvest.CID {
		t.Fatalf("List: %d records, %v", len(page.Records), err)
	}
	if _, err := c.List(ctx, api.Filter{Cursor: "not a cursor!"}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("List with a bad cursor: %v, want ErrInvalid", err)
	}
	st, err := c.Status(ctx)
	if err != nil || st.PeerID != n.PeerID() || st.Records != 4 || st.ByType[protocol.TypeOrigin] != 1 {
		t.Fatalf("Status: %+v, %v", st, err)
	}

	other := protocol.PublicKey{1, 2, 3}
	if err := c.AddAnchor(ctx, other, "Sawit Assurance"); err != nil {
		t.Fatal(err)
	}
	if a, err := c.Anchors(ctx); err != nil || len(a) != 1 || a[0].Key != other || a[0].Name != "Sawit Assurance" {
		t.Fatalf("Anchors: %+v, %v", a, err)
	}
	if err := c.AddAnchor(ctx, protocol.PublicKey{}, ""); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("AddAnchor of a zero key: %v, want ErrInvalid", err)
	}
	if err := c.RemoveAnchor(ctx, other); err != nil {
		t.Fatal(err)
	}
	err = c.RemoveAnchor(ctx, other)
	wantErr := n.RemoveAnchor(ctx, other)
	if !errors.Is(err, api.ErrNotFound) || err.Error() != wantErr.Error() {
		t.Fatalf("RemoveAnchor twice: %v, want %v", err, wantErr)
	}

	ffb := protocol.BatchID{Record: harvest.CID}
	rep, err := c.Verify(ctx, api.VerifyRequest{Batch: ffb, Forward: true})
	if err != nil || rep.Batch != ffb || rep.Verdict != provenance.Unendorsed {
		t.Fatalf("Verify: %+v, %v", rep, err)
	}
	if direct, _ := n.Verify(ctx, api.VerifyRequest{Batch: ffb, Forward: true}); direct.Text() != rep.Text() {
		t.Fatalf("report through the socket:\n%s\nwant\n%s", rep.Text(), direct.Text())
	}
	if b, err := c.Batches(ctx, api.BatchFilter{Text: "h-1"}); err != nil || len(b) != 1 || b[0].ID != ffb || b[0].Left != protocol.Q(100, protocol.TNE) {
		t.Fatalf("Batches: %+v, %v", b, err)
	}
	if b, err := c.Batch(ctx, ffb); err != nil || b.Lot != "H-1" {
		t.Fatalf("Batch: %+v, %v", b, err)
	}
	if _, err := c.Batch(ctx, protocol.BatchID{Record: missing}); !errors.Is(err, api.ErrNotFound) {
		t.Fatalf("Batch of an unknown batch: %v, want ErrNotFound", err)
	}
	if in, err := c.Incoming(ctx); err != nil || len(in) != 0 {
		t.Fatalf("Incoming: %+v, %v", in, err)
	}
	if o, err := c.Orgs(ctx); err != nil || len(o) != 1 || o[0].Name != "Ladang Sungai Tiram" {
		t.Fatalf("Orgs: %+v, %v", o, err)
	}
	if p, err := c.Places(ctx); err != nil || len(p) != 1 || p[0].Name != "Blok A" || p[0].Record != place.CID {
		t.Fatalf("Places: %+v, %v", p, err)
	}
	var calls int
	if err := c.Reindex(ctx, func(done, total int64) { calls++ }); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	if d, err := c.Check(ctx); err != nil || len(d) != 0 {
		t.Fatalf("Check: %v, %v", d, err)
	}

	second := filepath.Join(t.TempDir(), "again.age")
	if err := c.BackupKeys(ctx, api.Backup{Path: second, Passphrase: "short", OrgPassphrase: orgPass}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("BackupKeys with a short passphrase: %v, want ErrInvalid", err)
	}
	if err := c.BackupKeys(ctx, api.Backup{Path: second, Passphrase: "another good passphrase"}); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("BackupKeys without the organisation passphrase: %v, want ErrLocked", err)
	}
	if err := c.BackupKeys(ctx, api.Backup{Path: second, Passphrase: "another good passphrase", OrgPassphrase: orgPass}); err != nil {
		t.Fatal(err)
	}
	_, c2, _ := serve(t)
	if _, err := c2.RestoreIdentity(ctx, api.Restore{Path: second, Passphrase: "wrong passphrase", OrgPassphrase: orgPass}); !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "passphrase") {
		t.Fatalf("RestoreIdentity with a wrong passphrase: %v", err)
	}
	if rid, err := c2.RestoreIdentity(ctx, api.Restore{Path: second, Passphrase: "another good passphrase", OrgPassphrase: orgPass}); err != nil || rid.Org != id.Org {
		t.Fatalf("RestoreIdentity: %+v, %v", rid, err)
	}
	// The organisation passphrase crosses the socket, and so does its
	// error kind.
	if _, err := c.RotateDevice(ctx, "not the passphrase"); !errors.Is(err, api.ErrLocked) || !strings.Contains(err.Error(), "wrong organisation passphrase") {
		t.Fatalf("RotateDevice with a wrong passphrase: %v, want ErrLocked", err)
	}
	rot, err := c.RotateDevice(ctx, orgPass)
	if err != nil || rot.Device == id.Device {
		t.Fatalf("RotateDevice: %+v, %v", rot, err)
	}
	if rot, err = c.SetOrgPassphrase(ctx, api.OrgPassphrase{Old: orgPass, New: "a newer passphrase"}); err != nil || !rot.OrgKeyProtected {
		t.Fatalf("SetOrgPassphrase: %+v, %v", rot, err)
	}
}

// orgPass is the organisation passphrase of the identity these tests make.
const orgPass = "organisation passphrase"

// TestListen checks that a socket left by a dead process is replaced and
// that a live one is not taken over.
func TestListen(t *testing.T) {
	dir := t.TempDir()
	path := localapi.SocketPath(dir)
	// A stale socket: bound, then its listener gone without unlinking.
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("stale socket: %v", err)
	}
	l, err = localapi.Listen(dir)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	defer l.Close()
	if _, err := localapi.Listen(dir); !errors.Is(err, localapi.ErrRunning) {
		t.Fatalf("Listen over a live socket: %v, want ErrRunning", err)
	}
	if _, err := localapi.Dial(context.Background(), t.TempDir()); !errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("Dial with no node: %v, want ErrUnavailable", err)
	}
}

// sameJSON reports whether a and b encode to the same JSON.
func sameJSON(t *testing.T, a, b any) bool {
	t.Helper()
	ja, err := json.Marshal(a)
	if err != nil {
		t.Fatal(err)
	}
	jb, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(ja) == string(jb)
}
