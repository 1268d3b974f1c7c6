package gui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestAnchorsAddAndRemove(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenIdentity)
	a := u.identity.anchors
	key := scenario.Key("iscc").Public()

	test.Type(a.key, "ed25519:nonsense")
	test.Tap(buttonIn(t, a.obj, "Add anchor"))
	settle(t, u)
	if !visibleLabel(a.msg, "not a key") {
		t.Errorf("a bad key gave message %q", a.msg.Text)
	}

	a.key.SetText("")
	test.Type(a.key, key.String())
	test.Type(a.name, "ISCC")
	test.Tap(buttonIn(t, a.obj, "Add anchor"))
	settle(t, u)
	if !hasAnchor(t, m, key, "ISCC") {
		t.Fatal("the typed key is not an anchor")
	}
	if !shows(a.obj, "ISCC") {
		t.Error("the new anchor is not listed")
	}

	// From a file holding the key among other text.
	other := scenario.Key("rmi").Public()
	u.files.(*stubPicker).openPath = tempFile(t, "rmi.txt", []byte("RMI signing key:\n  "+other.String()+"\n"))
	test.Tap(buttonIn(t, a.obj, "Add from file…"))
	settle(t, u)
	if !hasAnchor(t, m, other, "") {
		t.Fatal("the key from the file is not an anchor")
	}

	// Remove asks first; only Yes removes.
	test.Tap(removeButtonFor(t, a, "ISCC"))
	confirm := u.win.Canvas().Overlays().Top()
	if confirm == nil || !shows(confirm, "Remove trust anchor?") {
		t.Fatal("Remove did not ask for confirmation")
	}
	test.Tap(buttonIn(t, confirm, "Yes"))
	settle(t, u)
	if hasAnchor(t, m, key, "") {
		t.Error("the anchor is still there after Remove and Yes")
	}
	if !hasAnchor(t, m, m.Anchor, "") {
		t.Error("another anchor went too")
	}
}

func TestRotateDeviceAsksFirst(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenIdentity)
	before := u.ident.Device
	test.Tap(buttonIn(t, u.identity.obj, "Rotate device key…"))
	d := u.win.Canvas().Overlays().Top()
	if d == nil || !shows(d, "Rotate the device key?") {
		t.Fatal("no confirmation before rotating the device key")
	}
	test.Tap(buttonIn(t, d, "Yes"))
	settle(t, u)
	// The organisation key signs the new delegation: its passphrase is
	// asked for, and a wrong one changes nothing.
	unlock(t, u, "not the passphrase")
	if d := topDialog(t, u); !shows(d, "Could not rotate the device key") || !contains(strings.Join(texts(d), " "), "wrong organisation passphrase") {
		t.Fatalf("a wrong passphrase says %q", texts(d))
	}
	if id, err := m.Identity(t.Context()); err != nil || id.Device != before {
		t.Fatalf("a wrong passphrase rotated the key: %v", err)
	}
	test.Tap(buttonIn(t, u.identity.obj, "Rotate device key…"))
	test.Tap(buttonIn(t, topDialog(t, u), "Yes"))
	settle(t, u)
	unlock(t, u, testOrgPass)
	// The node signs with a new key, and the organisation withdrew the
	// old one, naming the new one as its successor.
	id, err := m.Identity(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if id.Device == before || u.ident.Device != id.Device {
		t.Fatalf("the node's device is %s, the screen's %s (was %s)", id.Device.Short(), u.ident.Device.Short(), before.Short())
	}
	var revokes []*protocol.Revoke
	for _, r := range feed(t, m, millOrg.Public()) {
		if rv, ok := r.Body.(*protocol.Revoke); ok {
			revokes = append(revokes, rv)
		}
	}
	if len(revokes) != 1 || revokes[0].Key == nil || *revokes[0].Key != before || revokes[0].Successor == nil || *revokes[0].Successor != id.Device {
		t.Errorf("the organisation's revocations are %+v, want one of %s succeeded by %s", revokes, before.Short(), id.Device.Short())
	}
	for _, dev := range id.Devices {
		if dev.Key == before && !dev.Revoked {
			t.Error("the node still counts the old device key as valid")
		}
	}
	// The screen says so.
	dev := u.identity.device.Text
	if !contains(dev, "Device key: "+id.Device.String()) || !contains(lineWith(dev, before.Short()+", since"), "(withdrawn)") ||
		!contains(lineWith(dev, id.Device.Short()+", since"), "(this computer)") {
		t.Errorf("the identity screen says %q", dev)
	}
	if d := topDialog(t, u); !shows(d, "This computer now signs with "+id.Device.Short()) {
		t.Errorf("the confirmation says %q", texts(d))
	}
}

func hasAnchor(t *testing.T, s interface {
	Anchors(ctx context.Context) ([]provenance.Anchor, error)
}, key protocol.PublicKey, name string) bool {
	t.Helper()
	list, err := s.Anchors(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range list {
		if a.Key == key && (name == "" || a.Name == name) {
			return true
		}
	}
	return false
}

// lineWith returns the first line of text that contains sub, or "".
func lineWith(text, sub string) string {
	for _, l := range strings.Split(text, "\n") {
		if contains(l, sub) {
			return l
		}
	}
	return ""
}

// buttonIn finds the button labelled text under o.
func buttonIn(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text && b.Visible() {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

// removeButtonFor finds the Remove button on the anchor named name.
func removeButtonFor(t *testing.T, a *anchorsView, name string) *widget.Button {
	t.Helper()
	for _, row := range a.list.Objects {
		if shows(row, name) {
			return buttonIn(t, row, "Remove")
		}
	}
	t.Fatalf("no anchor %q listed", name)
	return nil
}
