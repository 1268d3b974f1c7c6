package gui

import (
	"context"
	"errors"
	"slices"
	"strings"
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
	mine := feed(t, m, millDevice.Public())
	tests := []struct {
		qty, msg string
	}{
		{"120", "Only 90 t of this batch is left."},
		{"abc", `"abc" is not a decimal number`},
		{"0", "Must be more than zero."},
		{"1.2345", "more than three decimal places"},
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
		settle(t, u)
		if n := len(feed(t, m, millDevice.Public())); n != len(mine) {
			t.Fatalf("quantity %q: the node stored %d records of the mill's desk", tt.qty, n-len(mine))
		}
	}

	f.amount.SetText("")
	test.Type(f.amount, "30")
	if f.fQty.msg.Visible() || f.fm.publish.Disabled() {
		t.Fatalf("quantity 30 of 90 (%q): message %q, publish disabled %v; %s", f.amount.Text, f.fQty.msg.Text, f.fm.publish.Disabled(), f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "Saved") {
		t.Errorf("no confirmation that the shipment is saved: %q", texts(d))
	}
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+1 {
		t.Fatalf("the node stored %d records of the mill's desk, want the shipment", len(now)-len(mine))
	}
	tr, ok := now[len(now)-1].Body.(*protocol.Transfer)
	if !ok || tr.Batch != m.FFB || tr.Qty != protocol.Q(30, protocol.TNE) || tr.To != m.Refinery {
		t.Fatalf("stored %+v, want 30 t of %s to the refinery", now[len(now)-1].Body, m.FFB)
	}
	// 60 t of the harvest are left, on the node and on the screen.
	if b := batch(t, m, m.FFB); b.Left != protocol.Q(60, protocol.TNE) || b.Held != protocol.Q(90, protocol.TNE) {
		t.Errorf("after shipping 30 t of 90 t the node says %s held, %s left", formatQty(b.Held), formatQty(b.Left))
	}
	if o := optionFor(t, f.batch.Options, "LSL-FFB-2403-02"); !contains(o, "60 t left") {
		t.Errorf("after shipping 30 t of 90 t the ship form offers %q", o)
	}
	if got := subtitleOf(t, u.batches, "LSL-FFB-2403-02"); !contains(got, "90 t · 60 t left") {
		t.Errorf("after shipping 30 t of 90 t the batch list says %q", got)
	}
}

func TestHarvestBadQuantityDoesNotPublish(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	f := u.record.origin
	f.places.SetSelected(f.places.Options[:1])
	r := f.outs.rows[0]
	test.Type(r.product, "FFB")
	test.Type(r.qty.amount, "-5")
	if !visibleLabel(r.fQty.msg, "quantities are never negative") {
		t.Errorf("message under the quantity = %q, want it to say quantities are never negative", r.fQty.msg.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	if n := len(feed(t, m, millDevice.Public())); n != len(mine) {
		t.Fatalf("the node stored %d records for a harvest of -5 t", n-len(mine))
	}
}

func TestProtocolRuleShownNextToItsField(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	f := u.record.place
	test.Type(f.name, "Blok 14C")
	f.kind.SetSelected(f.u.kindName(protocol.PlacePlot))
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
	settle(t, u)
	if n := len(feed(t, m, millDevice.Public())); n != len(mine) {
		t.Fatalf("a 12 ha plot located by a point was published (%d records stored)", n-len(mine))
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
			want = append(want, u.heldLabel(b))
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
	if r.r.recvTab.Text != "Receive (1)" {
		t.Errorf("the Receive tab is titled %q, want it to count the shipment waiting", r.r.recvTab.Text)
	}
	c := r.cards[0]
	if !shows(r.obj, "60 t FFB from Ladang Sungai Lebam Sdn Bhd") || !shows(r.obj, "WB-0321-077") {
		t.Errorf("the shipment waiting is shown as %q", texts(r.obj))
	}
	c.amount.SetText("")
	test.Type(c.amount, "61")
	if !visibleLabel(c.fQty.msg, "More than was sent") || !c.fm.publish.Disabled() {
		t.Errorf("61 t of 60 t: message %q, publish disabled %v", c.fQty.msg.Text, c.fm.publish.Disabled())
	}
	c.amount.SetText("")
	test.Type(c.amount, "59.5")
	test.Tap(c.fm.publish)
	settle(t, u)
	// The node stored the receipt of 59.5 t, and the mill holds that much
	// of the harvest.
	mine := feed(t, m, millDevice.Public())
	rc, ok := mine[len(mine)-1].Body.(*protocol.Receive)
	if !ok || rc.Transfer != m.NextTransfer.CID || rc.Qty != (protocol.Quantity{Milli: 59_500, Unit: protocol.TNE}) {
		t.Fatalf("the mill's desk last stored %+v, want a receipt of 59.5 t for the transfer", mine[len(mine)-1].Body)
	}
	if b := batch(t, m, m.Next); !b.Received || b.Held != (protocol.Quantity{Milli: 59_500, Unit: protocol.TNE}) || b.Left != b.Held {
		t.Errorf("after receiving 59.5 t the node says %s held, %s left (received %v)", formatQty(b.Held), formatQty(b.Left), b.Received)
	}
	if in, err := m.Incoming(t.Context()); err != nil || len(in) != 0 {
		t.Errorf("after confirming, the node lists %d shipments waiting (%v)", len(in), err)
	}
	if len(r.cards) != 0 || !shows(r.obj, "Nothing is waiting to be received.") || r.r.recvTab.Text != "Receive" {
		t.Errorf("after confirming, %d shipments still wait (tab %q)", len(r.cards), r.r.recvTab.Text)
	}
	if got := subtitleOf(t, u.batches, "LSL-FFB-2403-03"); !contains(got, "59.5 t · 59.5 t left") || !contains(got, "from Ladang Sungai Lebam Sdn Bhd") {
		t.Errorf("the batch list shows the harvest received as %q", got)
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

// TestQuantitiesAsPeopleWriteThem: in the ship form, "12,5" reads as
// 12.5 t and says so before anything is published; "1.250" asks which is
// meant and keeps Publish disabled.
func TestQuantitiesAsPeopleWriteThem(t *testing.T) {
	for _, tc := range []struct {
		typed, says string
		ok          bool
	}{
		{"12,5", "Reads as 12.5 t.", true},
		{"12.5", "", true},
		{"1 250", "Only 90 t of this batch is left.", false}, // read as 1250: more than is left
		{"1.250", "could be 1250 or 1.25", false},
		{"1,250", "could be 1250 or 1.25", false},
		{"12,3456", "at most three", false},
	} {
		t.Run(tc.typed, func(t *testing.T) {
			u, _ := newMillUI(t)
			f := u.record.ship
			f.batch.SetSelected(optionFor(t, f.batch.Options, "LSL-FFB-2403-02"))
			f.to.SetSelected(optionFor(t, f.to.Options, "Pasir Gudang"))
			test.Type(f.amount, tc.typed)
			settle(t, u)
			text := f.fQty.msg.Text
			if tc.says != "" && (!f.fQty.msg.Visible() || !strings.Contains(text, tc.says)) {
				t.Errorf("under the quantity: %q (shown %v), want %q", text, f.fQty.msg.Visible(), tc.says)
			}
			if tc.says == "" && f.fQty.msg.Visible() {
				t.Errorf("under the quantity: %q, want nothing", text)
			}
			if tc.ok && f.fm.publish.Disabled() && strings.Contains(f.fm.summary.Text, "Quantity") {
				t.Errorf("publish disabled for %q: %s", tc.typed, f.fm.summary.Text)
			}
			if !tc.ok && !f.fm.publish.Disabled() {
				t.Errorf("publish enabled for %q", tc.typed)
			}
		})
	}
}

// TestImplausibleYieldAsksFirst: 150 t of CPO from 90 t of FFB is not
// signed without a word: the mill is told what verification will say,
// nothing is recorded until it confirms, and then it is.
func TestImplausibleYieldAsksFirst(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	u.show(screenRecord)
	u.record.open(tabProcess)
	f := u.record.process
	in := f.ins[0]
	in.batch.SetSelected(optionFor(t, in.batch.Options, "LSL-FFB-2403-02"))
	in.amount.SetText("")
	test.Type(in.amount, "90")
	out := f.outs.rows[0]
	test.Type(out.product, "CPO")
	test.Type(out.qty.amount, "150")
	test.Type(out.lot, "KSBL-CPO-0402")
	settle(t, u)
	if f.fm.publish.Disabled() {
		t.Fatalf("Publish disabled: %s", f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	d := topDialog(t, u)
	if !shows(d, "Record this processing run anyway?") || !shows(d, "150 t of CPO from 90 t of FFB") || !shows(d, "17–25 %") {
		t.Fatalf("the dialog says %q", texts(d))
	}
	if n := len(feed(t, m, millDevice.Public())); n != len(mine) {
		t.Fatalf("%d records stored before the mill confirmed", n-len(mine))
	}
	test.Tap(buttonIn(t, d, "Record anyway"))
	settle(t, u)
	after := feed(t, m, millDevice.Public())
	if len(after) != len(mine)+1 {
		t.Fatalf("%d records stored after confirming, want 1", len(after)-len(mine))
	}
	if p, ok := after[len(after)-1].Body.(*protocol.Process); !ok || p.Out[0].Qty != protocol.Q(150, protocol.TNE) {
		t.Fatalf("stored %+v", after[len(after)-1].Body)
	}
}

// TestPlotEvidenceRecorded: the clerk registers a plot with its
// deforestation-free assessment and land title; a half-filled assessment
// says what is missing beside it, and the stored place carries both.
func TestPlotEvidenceRecorded(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	f := u.record.place
	f.kind.SetSelected(f.u.kindName(protocol.PlaceMill))
	if f.evidence.Visible() {
		t.Error("a mill is offered EUDR land evidence")
	}
	test.Type(f.name, "Blok 15")
	f.kind.SetSelected(f.u.kindName(protocol.PlacePlot))
	if !f.evidence.Visible() {
		t.Fatal("a plot is not offered EUDR land evidence")
	}
	test.Type(f.area, "3.2")
	test.Type(f.lat, "1.80412")
	test.Type(f.lon, "103.95821")
	test.Type(f.dfRef, "GFW-2026-0042")
	if !visibleLabel(f.fDF.msg, "how the land was assessed") || !f.fm.publish.Disabled() {
		t.Fatalf("an assessment without its method: message %q, publish disabled %v", f.fDF.msg.Text, f.fm.publish.Disabled())
	}
	f.dfMethod.SetText(assessmentMethods[0])
	test.Type(f.dfDate, "2020-06-30")
	if !visibleLabel(f.fDF.msg, "before 2021") {
		t.Errorf("an assessment from 2020: message %q, want a warning of the cut-off", f.fDF.msg.Text)
	}
	f.dfDate.SetText("")
	test.Type(f.dfDate, "2026-01-15")
	test.Type(f.legalRef, "Geran 12345 Lot 678")
	f.legalKind.SetText("land title")
	test.Type(f.legalDate, "15/06/2015")
	if !visibleLabel(f.fLegal.msg, "YYYY-MM-DD") {
		t.Errorf("a date typed as 15/06/2015: message %q", f.fLegal.msg.Text)
	}
	f.legalDate.SetText("")
	test.Type(f.legalDate, "2015-06-01")
	if f.fm.publish.Disabled() {
		t.Fatalf("a complete plot cannot be published: %s", f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+1 {
		t.Fatalf("the node stored %d records of the mill's desk, want the plot", len(now)-len(mine))
	}
	p, ok := now[len(now)-1].Body.(*protocol.Place)
	if !ok || len(p.Evidence) != 2 || p.Evidence[0].Kind != protocol.EvidenceDeforestationFree || p.Evidence[0].Ref != "GFW-2026-0042" ||
		p.Evidence[1].Kind != protocol.EvidenceLegality || p.Evidence[1].Method != "land title" {
		t.Fatalf("stored %+v, want the plot with its assessment and land title", now[len(now)-1].Body)
	}
}

// TestShipWithDueDiligenceStatement: the clerk pastes the statement's two
// numbers from TRACES into one document row; a mistyped reference is named
// beside it, and the stored transfer carries both numbers.
func TestShipWithDueDiligenceStatement(t *testing.T) {
	u, m := newMillUI(t)
	f := u.record.ship
	f.batch.SetSelected(optionFor(t, f.batch.Options, "LSL-FFB-2403-02"))
	f.to.SetSelected(optionFor(t, f.to.Options, "Pasir Gudang"))
	test.Type(f.amount, "30")
	d := f.docs[0]
	d.kind.SetText(protocol.DocDDS)
	test.Type(d.ref, "24ITYGBJFOS25 K7R8LA90")
	if !visibleLabel(d.fRef.msg, "not a due diligence statement reference number") || !f.fm.publish.Disabled() {
		t.Fatalf("a reference one character short: message %q, publish disabled %v", d.fRef.msg.Text, f.fm.publish.Disabled())
	}
	d.ref.SetText("")
	test.Type(d.ref, "24itygbjfos258 k7r8la90")
	if f.fm.publish.Disabled() {
		t.Fatalf("a good statement cannot be published: %s (%s)", f.fm.summary.Text, d.fRef.msg.Text)
	}
	mine := feed(t, m, millDevice.Public())
	test.Tap(f.fm.publish)
	settle(t, u)
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+1 {
		t.Fatalf("the node stored %d records, want the shipment", len(now)-len(mine))
	}
	tr := now[len(now)-1].Body.(*protocol.Transfer)
	if len(tr.Docs) != 1 || tr.Docs[0].Kind != protocol.DocDDS || tr.Docs[0].Ref != "24ITYGBJFOS258" || tr.Docs[0].Verification != "K7R8LA90" {
		t.Fatalf("stored documents %+v, want the statement with both numbers", tr.Docs)
	}
}

// lostAnswer is the node behind a connection that drops the answer to the
// first publish: the record is made, the form hears only "unavailable".
type lostAnswer struct {
	*mill
	lost bool
}

func (l *lostAnswer) Publish(ctx context.Context, d api.Draft) (protocol.Signed, error) {
	rec, err := l.mill.Publish(ctx, d)
	if err == nil && !l.lost {
		l.lost = true
		return protocol.Signed{}, api.E("publish", api.ErrUnavailable, errors.New("no answer from the node"))
	}
	return rec, err
}

// TestEditedDraftIsANewDraft: the answer to a shipment of 30 t is lost;
// the clerk changes it to 3 t and publishes: that is recorded as 3 t, not
// answered with the 30 t record. Publishing the unchanged form again after
// a lost answer records nothing twice.
func TestEditedDraftIsANewDraft(t *testing.T) {
	m := startMill(t)
	svc := &lostAnswer{mill: m}
	u := newTestUI(t, svc, Options{})
	f := u.record.ship
	f.batch.SetSelected(optionFor(t, f.batch.Options, "LSL-FFB-2403-02"))
	f.to.SetSelected(optionFor(t, f.to.Options, "Pasir Gudang"))
	test.Type(f.amount, "30")
	mine := feed(t, m, millDevice.Public())
	test.Tap(f.fm.publish)
	settle(t, u)
	f.amount.SetText("")
	test.Type(f.amount, "3")
	test.Tap(f.fm.publish)
	settle(t, u)
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+2 {
		t.Fatalf("the node stored %d records, want the 30 t (answer lost) and the 3 t shipments", len(now)-len(mine))
	}
	if tr := now[len(now)-1].Body.(*protocol.Transfer); tr.Qty != protocol.Q(3, protocol.TNE) {
		t.Fatalf("the edited shipment was stored as %s, want 3 t", formatQty(tr.Qty))
	}

	// Unchanged after a lost answer: the same record, nothing twice.
	svc.lost = false
	f.batch.SetSelected(optionFor(t, f.batch.Options, "LSL-FFB-2403-02"))
	f.to.SetSelected(optionFor(t, f.to.Options, "Pasir Gudang"))
	f.amount.SetText("")
	test.Type(f.amount, "2")
	test.Tap(f.fm.publish)
	settle(t, u)
	test.Tap(f.fm.publish)
	settle(t, u)
	if n := len(feed(t, m, millDevice.Public())); n != len(now)+1 {
		t.Fatalf("publishing an unchanged draft again after a lost answer stored %d records, want 1", n-len(now))
	}
}
