package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// openCorrection opens the correction form on batch id of the Batches
// screen.
func openCorrection(t *testing.T, u *UI, id protocol.BatchID) *correctForm {
	t.Helper()
	u.show(screenBatches)
	u.batches.selectBatch(id)
	settle(t, u)
	d := u.batches.detail
	if d.b.ID != id || d.correctBtn.Hidden {
		t.Fatalf("the detail of %s offers no correction: %q", id, texts(d.obj))
	}
	test.Tap(d.correctBtn)
	settle(t, u)
	if _, ok := topDialog(t, u).(interface{ Hide() }); !ok {
		t.Fatal("no correction dialog")
	}
	return d.correcting
}

// TestCorrectReplacesTheRecord: the mill corrects the quantity of its palm
// kernels from the batch detail, with a reason. Until a reason is given,
// and while the figures are those of the record, it cannot; afterwards
// the detail shows the batch that continues the old one, and verifying
// the old ID shows the correction and uses the new figure.
func TestCorrectReplacesTheRecord(t *testing.T) {
	u, m := newMillUI(t)
	c := openCorrection(t, u, m.PK)
	if !c.fm.publish.Disabled() {
		t.Error("a correction without a reason can be published")
	}
	test.Type(c.reason, "PK weight re-read from the weighbridge ticket")
	c.how.SetSelected(u.t("screens.correct.replace"))
	if !c.fm.publish.Disabled() || !contains(c.fm.summary.Text, "Change at least one figure") {
		t.Errorf("a replacement equal to the record: publish disabled %v, summary %q", c.fm.publish.Disabled(), c.fm.summary.Text)
	}
	i := int(m.PK.Index)
	c.qty[i].amount.SetText("")
	test.Type(c.qty[i].amount, "4,8")
	if c.fm.publish.Disabled() {
		t.Fatalf("the correction cannot be published: %s", c.fm.summary.Text)
	}
	before := len(feed(t, m.Node, millDevice.Public()))
	test.Tap(c.fm.publish)
	confirm := topDialog(t, u)
	test.Tap(buttonIn(t, confirm, "Yes"))
	settle(t, u)

	recs := feed(t, m.Node, millDevice.Public())
	if len(recs) != before+2 {
		t.Fatalf("the mill's feed grew by %d records, want the replacement and the correction", len(recs)-before)
	}
	corr, ok := recs[len(recs)-1].Body.(*protocol.Correct)
	if !ok || corr.Record != m.PK.Record || corr.By == nil || *corr.By != recs[len(recs)-2].CID || corr.Reason != "PK weight re-read from the weighbridge ticket" {
		t.Fatalf("the last record is %+v", recs[len(recs)-1].Body)
	}
	now := protocol.BatchID{Record: *corr.By, Index: m.PK.Index}
	eventually(t, u, "the detail shows the batch that continues the old one", func() bool {
		d := u.batches.detail
		return d.b.ID == now && d.corrNote.Visible() && d.b.Qty.Milli == 4800
	})

	r, err := m.Verify(context.Background(), api.VerifyRequest{Batch: m.PK})
	if err != nil {
		t.Fatal(err)
	}
	ch := r.Check("corrections")
	if ch == nil || len(ch.Reasons) == 0 || !contains(ch.Reasons[0].Text, "re-read from the weighbridge") {
		t.Fatalf("verifying the old ID says %+v", ch)
	}
	u.show(screenVerify)
	scan(t, u, m.PK.String())
	if u.verify.report == nil || !shows(u.verify.result, "Corrections") {
		t.Errorf("the Verify screen shows %q", texts(u.verify.result))
	}
}

// TestCorrectWithdraws: withdrawing a batch takes it off the list.
func TestCorrectWithdraws(t *testing.T) {
	u, m := newMillUI(t)
	c := openCorrection(t, u, m.PK)
	test.Type(c.reason, "recorded twice by mistake")
	test.Tap(c.fm.publish)
	test.Tap(buttonIn(t, topDialog(t, u), "Yes"))
	settle(t, u)
	recs := feed(t, m.Node, millDevice.Public())
	corr, ok := recs[len(recs)-1].Body.(*protocol.Correct)
	if !ok || corr.Record != m.PK.Record || corr.By != nil {
		t.Fatalf("the last record is %+v", recs[len(recs)-1].Body)
	}
	eventually(t, u, "the batch leaves the list", func() bool {
		for _, b := range u.batches.items {
			if b.ID.Record == m.PK.Record {
				return false
			}
		}
		return true
	})
	if !shows(topDialog(t, u), "withdrawn") {
		t.Errorf("after withdrawing, the window says %q", texts(topDialog(t, u)))
	}
	if d := u.batches.detail; d.b.Received && !d.correctBtn.Hidden {
		t.Errorf("a received batch (%s) offers a correction", d.b.ID)
	}
}
