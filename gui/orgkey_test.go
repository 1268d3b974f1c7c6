package gui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// entriesIn returns the entries under o, in layout order.
func entriesIn(o fyne.CanvasObject) []*widget.Entry {
	var out []*widget.Entry
	for _, obj := range test.LaidOutObjects(o) {
		if e, ok := obj.(*widget.Entry); ok && e.Visible() {
			out = append(out, e)
		}
	}
	return out
}

// unlock answers the organisation passphrase dialog on top with pass.
func unlock(t *testing.T, u *UI, pass string) {
	t.Helper()
	d := topDialog(t, u)
	if !shows(d, "Organisation passphrase") || !contains(strings.Join(texts(d), " "), "Records already signed stay valid") {
		t.Fatalf("no organisation passphrase dialog saying what a lost one costs: %q", texts(d))
	}
	es := entriesIn(d)
	if len(es) != 1 || !es[0].Password {
		t.Fatalf("the passphrase dialog has %d entries, want one hidden", len(es))
	}
	test.Type(es[0], pass)
	test.Tap(buttonIn(t, d, "Unlock"))
	settle(t, u)
}

// TestUnprotectedOrgKeyWarning: an install from before keys were
// encrypted says on the Identity screen that its organisation key is
// unprotected and how to fix it; the fix asks for a passphrase twice and
// encrypts the key, and the warning goes.
func TestUnprotectedOrgKeyWarning(t *testing.T) {
	dir := t.TempDir()
	v1, _ := json.Marshal(map[string]any{"format": "jejak-identity-v1", "org": millOrg.Public(), "org_seed": millOrg.Seed(),
		"device_seed": millDevice.Seed(), "device_name": "weighbridge"})
	if err := os.WriteFile(filepath.Join(dir, "identity.json"), v1, 0o600); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, nodeConfig{name: "old-mill", dataDir: dir, recs: newMillWorld().recs})
	u := newTestUI(t, n, Options{})
	u.show(screenIdentity)
	settle(t, u)
	s := u.identity
	if !visibleLabel(s.keyState, "Unprotected") || !contains(s.keyState.Text, "anyone who copies") || !s.protect.Visible() || s.change.Visible() {
		t.Fatalf("the identity screen of an unprotected install says %q (protect shown %v)", s.keyState.Text, s.protect.Visible())
	}
	test.Tap(buttonIn(t, s.obj, "Protect with a passphrase…"))
	d := topDialog(t, u)
	es := entriesIn(d)
	if !shows(d, "Protect the organisation key") || len(es) != 2 {
		t.Fatalf("the protect dialog: %q, %d entries", texts(d), len(es))
	}
	test.Type(es[0], "a new passphrase")
	test.Type(es[1], "a new passphrase")
	test.Tap(buttonIn(t, d, "Save"))
	settle(t, u)
	id, err := n.Identity(t.Context())
	if err != nil || !id.OrgKeyProtected {
		t.Fatalf("the node's key after Protect: %+v, %v", id, err)
	}
	if strings.Contains(s.keyState.Text, "Unprotected") || s.protect.Visible() || !s.change.Visible() {
		t.Errorf("after protecting, the screen says %q", s.keyState.Text)
	}
	data, err := os.ReadFile(filepath.Join(dir, "identity.json"))
	if err != nil || strings.Contains(string(data), "org_seed") {
		t.Errorf("identity.json still holds the plain seed: %v\n%s", err, data)
	}
}

// TestWithdrawStolenComputer: the Identity screen lists the
// organisation's other computers with Withdraw; withdrawing one asks why
// and for the organisation passphrase, and the node then holds the
// revocation.
func TestWithdrawStolenComputer(t *testing.T) {
	w := newMillWorld().withDesk2()
	m := &mill{testNode: startNode(t, millConfig(w)), millWorld: w}
	u := newTestUI(t, m, Options{})
	u.show(screenIdentity)
	settle(t, u)
	var row fyne.CanvasObject
	for _, o := range u.identity.devices.Objects {
		if shows(o, "desk 2") {
			row = o
		}
	}
	if row == nil {
		t.Fatalf("desk 2 is not listed to withdraw: %q", texts(u.identity.devices))
	}
	test.Tap(buttonIn(t, row, "Withdraw…"))
	d := topDialog(t, u)
	if !shows(d, "Withdraw a computer's key") {
		t.Fatalf("withdraw asks %q", texts(d))
	}
	test.Type(entriesIn(d)[0], "laptop stolen")
	test.Tap(buttonIn(t, d, "Withdraw"))
	settle(t, u)
	unlock(t, u, testOrgPass)
	revs, err := m.store.RevocationsOfKey(t.Context(), millDesk2.Public())
	if err != nil || len(revs) != 1 {
		t.Fatalf("revocations of desk 2: %v, %v", revs, err)
	}
	var found bool
	for _, r := range feed(t, m, millOrg.Public()) {
		if rv, ok := r.Body.(*protocol.Revoke); ok && rv.Key != nil && *rv.Key == millDesk2.Public() && rv.Reason == "laptop stolen" {
			found = true
		}
	}
	if !found {
		t.Error("no revocation of desk 2 with the reason typed")
	}
	id, _ := m.Identity(t.Context())
	for _, dev := range id.Devices {
		if dev.Key == millDesk2.Public() && !dev.Revoked {
			t.Error("the node still counts desk 2 as valid")
		}
	}
	for _, o := range u.identity.devices.Objects {
		if shows(o, "desk 2") {
			t.Error("desk 2 is still offered to withdraw")
		}
	}
}

// TestRestoreAsksForAnOrgPassphrase: restoring a backup that holds the
// organisation key asks for the passphrase that keeps it encrypted here
// (twice), and the restored key is protected with it.
func TestRestoreAsksForAnOrgPassphrase(t *testing.T) {
	ctx := t.Context()
	src := startNode(t, nodeConfig{name: "first"})
	backup := filepath.Join(t.TempDir(), "keys.jejakkey")
	if _, err := src.CreateIdentity(ctx, api.Setup{Name: "Kilang Pulih", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: backup, Passphrase: "backup passphrase", OrgPassphrase: testOrgPass}); err != nil {
		t.Fatal(err)
	}
	n := startNode(t, nodeConfig{name: "second"})
	u := newTestUI(t, n, Options{})
	u.files.(*stubPicker).openPath = backup
	test.Tap(buttonIn(t, u.first.obj, "Restore from backup…"))
	d := topDialog(t, u)
	test.Type(entriesIn(d)[0], "backup passphrase")
	test.Tap(buttonIn(t, d, "Restore"))
	settle(t, u)
	d = topDialog(t, u)
	es := entriesIn(d)
	if !shows(d, "Organisation passphrase") || len(es) != 2 {
		t.Fatalf("restoring the organisation key asks %q with %d entries, want a new organisation passphrase twice", texts(d), len(es))
	}
	test.Type(es[0], "this computer's passphrase")
	test.Type(es[1], "this computer's passphrase")
	test.Tap(buttonIn(t, d, "Restore"))
	settle(t, u)
	id, err := n.Identity(ctx)
	if err != nil || !id.Ready || !id.OrgKeyProtected {
		t.Fatalf("restored identity: %+v, %v", id, err)
	}
	if _, err := n.RotateDevice(ctx, "this computer's passphrase"); err != nil {
		t.Fatalf("the new passphrase does not unlock the restored key: %v", err)
	}
}
