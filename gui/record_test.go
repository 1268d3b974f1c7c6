package gui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func TestShipBadQuantityShowsErrorAndDoesNotPublish(t *testing.T) {
	u, m := newMillUI(t)
	f := u.record.ship
	f.batch.SetSelected(optionFor(t, f.batch.Options, "LSL-FFB-2403-02"))
	f.to.SetSelected(optionFor(t, f.to.Options, "Pasir Gudang"))
	tests := []struct {
		qty, msg string
	}{
		{"120", "Only 90 t of this batch is left."},
		{"abc", "Enter a number such as 12.5"},
		{"0", "Must be more than zero."},
		{"1.2345", "Enter a number such as 12.5"},
		{"", "Enter a quantity."},
	}
	for _, tt := range tests {
		f.amount.SetText("")
		test.Type(f.amount, tt.qty)
		if !visibleLabel(f.fQty.msg, tt.msg) {
			t.Errorf("quantity %q: message under the field = %q (visible %v), want %q", tt.qty, f.fQty.msg.Text, f.fQty.msg.Visible(), tt.msg)
		}
		if !f.fm.publish.Disabled() {
			t.Errorf("quantity %q: Publish is enabled", tt.qty)
		}
		test.Tap(f.fm.publish)
		u.idle()
		if m.PublishCalls != 0 {
			t.Fatalf("quantity %q: Publish was called %d times", tt.qty, m.PublishCalls)
		}
	}

	f.amount.SetText("")
	test.Type(f.amount, "30")
	if f.fQty.msg.Visible() || f.fm.publish.Disabled() {
		t.Fatalf("quantity 30 of 90 (%q): message %q, publish disabled %v; %s", f.amount.Text, f.fQty.msg.Text, f.fm.publish.Disabled(), f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	u.idle()
	if len(m.Published) != 1 {
		t.Fatalf("published %d records, want 1", len(m.Published))
	}
	tr := m.Published[0].Body.(*protocol.Transfer)
	if tr.Batch != m.FFB || tr.Qty != protocol.Q(30, protocol.TNE) || tr.To != m.Refinery {
		t.Errorf("published %+v, want 30 t of %s to the refinery", tr, m.FFB)
	}
	if d := u.win.Canvas().Overlays().Top(); d == nil || !shows(d, "Saved") {
		t.Error("no confirmation that the shipment is saved")
	}
}

func TestHarvestBadQuantityDoesNotPublish(t *testing.T) {
	u, m := newMillUI(t)
	f := u.record.origin
	f.places.SetSelected(f.places.Options[:1])
	r := f.outs.rows[0]
	test.Type(r.product, "FFB")
	test.Type(r.qty.amount, "-5")
	if !visibleLabel(r.fQty.msg, "Must be more than zero") {
		t.Errorf("message under the quantity = %q, want it to say it must be more than zero", r.fQty.msg.Text)
	}
	test.Tap(f.fm.publish)
	u.idle()
	if m.PublishCalls != 0 {
		t.Fatalf("Publish was called for a harvest of -5 t")
	}
}

func TestProtocolRuleShownNextToItsField(t *testing.T) {
	u, m := newMillUI(t)
	f := u.record.place
	test.Type(f.name, "Blok 14C")
	f.kind.SetSelected(protocol.PlacePlot)
	f.country.SetText("")
	test.Type(f.country, "M")
	test.Type(f.area, "3.2")
	test.Type(f.lat, "1.80412")
	test.Type(f.lon, "103.95821")
	country := f.fm.paths["body.country"]
	if !visibleLabel(country.msg, "ISO 3166-1 alpha-2") {
		t.Errorf("country message = %q, want the protocol's rule about ISO codes", country.msg.Text)
	}
	test.Type(f.country, "Y")
	if country.msg.Visible() || f.fm.publish.Disabled() {
		t.Fatalf("with country MY: message %q, publish disabled %v", country.msg.Text, f.fm.publish.Disabled())
	}
	// A plot over 4 ha needs a polygon: the protocol's rule, on the
	// location field.
	f.area.SetText("")
	test.Type(f.area, "12")
	if geo := f.fm.paths["body.geo"]; !visibleLabel(geo.msg, "needs a polygon") {
		t.Errorf("location message = %q, want it to ask for a polygon", geo.msg.Text)
	}
	test.Tap(f.fm.publish)
	u.idle()
	if m.PublishCalls != 0 {
		t.Fatal("a 12 ha plot located by a point was published")
	}
}

func TestProcessOffersOnlyBatchesIHold(t *testing.T) {
	u, m := newMillUI(t)
	all, err := m.Batches(t.Context(), api.BatchFilter{})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, b := range all {
		if b.Left.Milli > 0 {
			want = append(want, heldLabel(b))
		}
	}
	got := u.record.process.ins[0].batch.Options
	if !slices.Equal(got, want) || len(got) != 2 {
		t.Errorf("process inputs offered %q, want the 2 batches with something left %q", got, want)
	}
	for _, o := range got {
		for _, gone := range []string{"KSBL-CPO-0307", "LSL-FFB-2403-01"} {
			if contains(o, gone) {
				t.Errorf("offered %q, a batch with nothing left", o)
			}
		}
	}
	// More than is left is refused next to the quantity.
	in := u.record.process.ins[0]
	in.batch.SetSelected(optionFor(t, got, "KSBL-PK-0307"))
	in.amount.SetText("")
	test.Type(in.amount, "6")
	if !visibleLabel(in.fQty.msg, "Only 5 t") {
		t.Errorf("message = %q, want it to say only 5 t is left", in.fQty.msg.Text)
	}
	if !u.record.process.fm.publish.Disabled() {
		t.Error("Publish enabled for 6 t of a 5 t batch")
	}
}

func TestReceiveConfirmsAtMostWhatWasSent(t *testing.T) {
	u, m := newMillUI(t)
	r := u.record.receive
	if len(r.cards) != 1 {
		t.Fatalf("%d incoming shipments shown, want 1", len(r.cards))
	}
	c := r.cards[0]
	c.amount.SetText("")
	test.Type(c.amount, "61")
	if !visibleLabel(c.fQty.msg, "More than was sent") || !c.fm.publish.Disabled() {
		t.Errorf("61 t of 60 t: message %q, publish disabled %v", c.fQty.msg.Text, c.fm.publish.Disabled())
	}
	c.amount.SetText("")
	test.Type(c.amount, "59.5")
	test.Tap(c.fm.publish)
	u.idle()
	if len(m.Published) != 1 {
		t.Fatalf("published %d records, want 1", len(m.Published))
	}
	if got := m.Published[0].Body.(*protocol.Receive).Qty; got != (protocol.Quantity{Milli: 59_500, Unit: protocol.TNE}) {
		t.Errorf("received %v, want 59.5 TNE", got)
	}
	if len(r.cards) != 0 {
		t.Errorf("after confirming, %d shipments still wait", len(r.cards))
	}
}

// optionFor returns the option containing text.
func optionFor(t *testing.T, opts []string, text string) string {
	t.Helper()
	for _, o := range opts {
		if contains(o, text) {
			return o
		}
	}
	t.Fatalf("no option with %q among %q", text, opts)
	return ""
}
