package gui

import (
	"testing"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/protocol/provenance"
)

// graphBoxes returns the graph's boxes on the Verify screen.
func graphBoxes(t *testing.T, u *UI) []*graphBox {
	t.Helper()
	var tabs *container.AppTabs
	for _, o := range test.LaidOutObjects(u.verify.result) {
		if a, ok := o.(*container.AppTabs); ok {
			tabs = a
		}
	}
	if tabs == nil {
		t.Fatal("no tabs on the Verify screen")
	}
	tabs.SelectIndex(1)
	var out []*graphBox
	for _, o := range test.LaidOutObjects(tabs.Items[1].Content) {
		if b, ok := o.(*graphBox); ok {
			out = append(out, b)
		}
	}
	return out
}

// TestGraphBoxesOpen: pointing at a box of the graph shows its whole text;
// tapping it opens its facts, with a button that verifies that batch.
func TestGraphBoxesOpen(t *testing.T) {
	u, m := newMillUI(t)
	u.win.Resize(windowSize)
	u.show(screenVerify)
	scan(t, u, m.Honest.String())
	boxes := graphBoxes(t, u)
	if len(boxes) == 0 {
		t.Fatal("the graph has no boxes to open")
	}
	var origin *graphBox
	for _, b := range boxes {
		if b.n.Type == "origin" && b.n.Kind == provenance.NodeBatch && !b.n.Missing {
			origin = b
		}
	}
	if origin == nil {
		t.Fatal("no origin box")
	}
	origin.MouseIn(nil)
	if origin.tip == nil || !origin.tip.Visible() || !shows(origin.tip, "ID: "+origin.n.ID) || !shows(origin.tip, origin.n.Org) {
		t.Fatalf("hovering shows %v", origin.tip)
	}
	origin.MouseOut()
	if origin.tip.Visible() {
		t.Error("the text stays after the pointer left")
	}
	test.Tap(origin)
	d := topDialog(t, u)
	if !shows(d, "Lot: "+origin.n.Lot) {
		t.Errorf("the box opens %q", texts(d))
	}
	test.Tap(buttonIn(t, d, "Verify this batch"))
	settle(t, u)
	if r := u.verify.report; r == nil || r.Batch.String() != origin.n.ID {
		t.Errorf("Verify this batch shows %v, want %s", r, origin.n.ID)
	}
}
