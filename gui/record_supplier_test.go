package gui

import (
	"bytes"
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// TestHarvestFromSupplierWithoutJejak: a mill clerk records fruit bought
// from a smallholder who runs no Jejak. The section's fields say what is
// missing as they are typed; the stored origin holds commitments, not the
// name or the ID; and the mill's own verification names the smallholder.
func TestHarvestFromSupplierWithoutJejak(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	f := u.record.origin
	s := f.sup
	if s.fields.Visible() {
		t.Fatal("the supplier's fields show before the box is ticked")
	}
	f.places.SetSelected(f.places.Options[:1])
	r := f.outs.rows[0]
	test.Type(r.product, "FFB")
	test.Type(r.qty.amount, "2.4")
	if f.fm.publish.Disabled() {
		t.Fatalf("a complete harvest cannot be published: %s", f.fm.summary.Text)
	}
	test.Tap(s.on)
	if !s.fields.Visible() || !f.fm.publish.Disabled() || !contains(f.fm.summary.Text, "Supplier's name") {
		t.Fatalf("ticked with no supplier: fields visible %v, publish disabled %v, summary %q", s.fields.Visible(), f.fm.publish.Disabled(), f.fm.summary.Text)
	}
	test.Type(s.name, "x")
	s.name.SetText("")
	if !visibleLabel(s.fName.msg, "Enter the supplier's name") {
		t.Errorf("message under the emptied name = %q", s.fName.msg.Text)
	}
	test.Type(s.name, "Hassan bin Omar")
	if s.fName.msg.Visible() {
		t.Errorf("message under a name typed: %q", s.fName.msg.Text)
	}
	test.Type(s.id, "MPOB-554433-C")
	if f.fm.publish.Disabled() {
		t.Fatalf("a complete harvest from a smallholder cannot be published: %s", f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+1 {
		t.Fatalf("the node stored %d records, want the harvest", len(now)-len(mine))
	}
	rec := now[len(now)-1]
	o, ok := rec.Body.(*protocol.Origin)
	if !ok || o.Supplier == nil || o.Supplier.Kind != protocol.SupplierSmallholder || o.Supplier.Scheme != protocol.SchemeMPOB {
		t.Fatalf("stored %+v, want an origin on a smallholder's behalf", rec.Body)
	}
	if bytes.Contains(rec.Bytes, []byte("Hassan")) || bytes.Contains(rec.Bytes, []byte("554433")) {
		t.Error("the stored record holds the smallholder's name or ID in the clear")
	}
	if s.on.Checked || s.name.Text != "" {
		t.Errorf("after publishing, the section is still filled: ticked %v, name %q", s.on.Checked, s.name.Text)
	}
	rep, err := m.Verify(context.Background(), api.VerifyRequest{Batch: protocol.BatchID{Record: rec.CID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suppliers) != 1 || rep.Suppliers[0].Disclosure == nil || rep.Suppliers[0].Disclosure.Name != "Hassan bin Omar" {
		t.Fatalf("the mill's verification: suppliers %+v", rep.Suppliers)
	}
	found := false
	for _, x := range rep.Check("eudr").Reasons {
		found = found || x.Code == provenance.CodeOnBehalf && contains(x.Text, "on behalf of a smallholder who runs no Jejak: Hassan bin Omar")
	}
	if !found {
		t.Errorf("no on_behalf reason naming the smallholder:\n%s", rep.Text())
	}
}
