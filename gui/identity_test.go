package gui

import (
	"context"
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
	u.idle()
	if !visibleLabel(a.msg, "not a key") {
		t.Errorf("a bad key gave message %q", a.msg.Text)
	}

	a.key.SetText("")
	test.Type(a.key, key.String())
	test.Type(a.name, "ISCC")
	test.Tap(buttonIn(t, a.obj, "Add anchor"))
	u.idle()
	if !hasAnchor(t, m.Service, key, "ISCC") {
		t.Fatal("the typed key is not an anchor")
	}
	if !shows(a.obj, "ISCC") {
		t.Error("the new anchor is not listed")
	}

	// From a file holding the key among other text.
	other := scenario.Key("rmi").Public()
	u.files.(*fakePicker).openPath = tempFile(t, "rmi.txt", []byte("RMI signing key:\n  "+other.String()+"\n"))
	test.Tap(buttonIn(t, a.obj, "Add from file…"))
	u.idle()
	if !hasAnchor(t, m.Service, other, "") {
		t.Fatal("the key from the file is not an anchor")
	}

	// Remove asks first; only Yes removes.
	test.Tap(removeButtonFor(t, a, "ISCC"))
	confirm := u.win.Canvas().Overlays().Top()
	if confirm == nil || !shows(confirm, "Remove trust anchor?") {
		t.Fatal("Remove did not ask for confirmation")
	}
	test.Tap(buttonIn(t, confirm, "Yes"))
	u.idle()
	if hasAnchor(t, m.Service, key, "") {
		t.Error("the anchor is still there after Remove and Yes")
	}
	if !hasAnchor(t, m.Service, m.Anchor, "") {
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
	u.idle()
	if m.Rotations != 1 || u.ident.Device == before {
		t.Errorf("rotations %d, device %s (was %s)", m.Rotations, u.ident.Device.Short(), before.Short())
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
