package gui

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func TestBatchesSearchAndDetail(t *testing.T) {
	u, m := newMillUI(t)
	s := u.batches
	if len(s.items) != 4 {
		t.Fatalf("%d batches listed, want the mill's 4 (two FFB received, CPO and PK made)", len(s.items))
	}
	if !visibleLabel(s.count, "4 batches") {
		t.Errorf("the list says %q, want it to count 4 batches", s.count.Text)
	}
	test.Type(s.search, "ksbl")
	settle(t, u)
	if len(s.items) != 2 {
		t.Errorf("search \"ksbl\" lists %d batches, want CPO and PK", len(s.items))
	}
	s.search.SetText("")
	settle(t, u)
	s.which.SetSelected(u.t(filterReceived))
	settle(t, u)
	if len(s.items) != 2 {
		t.Errorf("%d batches listed under Received, want the two FFB harvests", len(s.items))
	}
	for _, b := range s.items {
		if !b.Received {
			t.Errorf("%s listed under Received", u.batchTitle(b))
		}
	}
	s.which.SetSelected(u.t(filterAll))
	test.Type(s.since, time.Now().AddDate(1, 0, 0).Format(dayLayout))
	settle(t, u)
	if len(s.items) != 0 {
		t.Errorf("%d batches made since next year", len(s.items))
	}
	s.since.SetText("")
	settle(t, u)

	// The list says what is left of each batch: the second harvest is
	// untouched, the first went into the CPO and PK.
	for lot, want := range map[string]string{
		"LSL-FFB-2403-01": "100 t · 0 t left", "LSL-FFB-2403-02": "90 t · 90 t left",
		"KSBL-CPO-0307": "21 t · 0 t left", "KSBL-PK-0307": "5 t · 5 t left",
	} {
		if got := subtitleOf(t, s, lot); !contains(got, want) {
			t.Errorf("lot %s: the list says %q, want %q", lot, got, want)
		}
	}

	u.show(screenBatches)
	s.selectBatch(m.CPO)
	d := s.detail
	if d.b.ID != m.CPO || !shows(d.obj, "sent 21 t to Pasir Gudang Edible Oils Sdn Bhd") {
		t.Errorf("detail of the CPO batch does not say where it went: %q", texts(d.obj))
	}
	if !shows(d.obj, "0 t — all used or sent") {
		t.Errorf("detail of the CPO batch does not say none of it is left: %q", texts(d.obj))
	}
	if d.label.Image == nil {
		t.Fatal("no label shown")
	}
	if id, err := decodeQR(d.label.Image); err != nil || id != m.CPO {
		t.Errorf("the label shown decodes to %s, %v", id, err)
	}
	path := filepath.Join(t.TempDir(), "label.png")
	u.files.(*stubPicker).savePath = path
	test.Tap(buttonIn(t, d.obj, "Save label as PNG…"))
	if id, err := decodeQRFile(path); err != nil || id != m.CPO {
		t.Errorf("the saved label decodes to %s, %v", id, err)
	}
	test.Tap(buttonIn(t, d.obj, "Verify this batch"))
	settle(t, u)
	if u.current != screenVerify || u.verify.report == nil || u.verify.report.Batch != m.CPO {
		t.Error("\"Verify this batch\" did not verify the batch")
	}
}

// subtitleOf returns the second line the batch list shows for the batch
// with lot code lot.
func subtitleOf(t *testing.T, s *batchesScreen, lot string) string {
	t.Helper()
	for _, b := range s.items {
		if b.Lot == lot {
			return s.u.batchSubtitle(b)
		}
	}
	t.Fatalf("no batch with lot %s listed", lot)
	return ""
}

func TestPublishErrorSaysWhatToDo(t *testing.T) {
	u, m := newMillUI(t)
	c := u.record.receive.cards[0]
	// The disk under the node fails: every write to its store fails.
	if err := m.store.Close(); err != nil {
		t.Fatal(err)
	}
	test.Tap(c.fm.publish)
	settle(t, u)
	d := topDialog(t, u)
	if !shows(d, "Could not save the receipt") || !shows(d, "Nothing was saved") || !shows(d, "free space") {
		t.Fatalf("error dialog says %q", texts(d))
	}
	if c.fm.publish.Disabled() {
		t.Error("after a failed save the button stays disabled; the user cannot try again")
	}
	if len(u.record.receive.cards) != 1 || !shows(u.record.receive.obj, "60 t FFB from Ladang Sungai Lebam Sdn Bhd") {
		t.Errorf("after a failed save the shipment no longer waits to be received: %q", texts(u.record.receive.obj))
	}
}

func TestEventsRefreshTheScreens(t *testing.T) {
	// Two desks of the mill, each on its own computer, over the same
	// records: this one with the app, and desk 2.
	w := newMillWorld().withDesk2()
	here := &mill{testNode: startNode(t, millConfig(w)), millWorld: w}
	desk2 := startNode(t, nodeConfig{name: "desk-2", recs: w.recs, device: millDesk2})
	u := newTestUI(t, here, Options{})
	before := len(u.batches.items)
	if !offers(u.record.process.ins[0].batch.Options, "LSL-FFB-2403-02") {
		t.Fatalf("the process form does not offer the second harvest: %q", u.record.process.ins[0].batch.Options)
	}

	// Desk 2 records a processing run of the second harvest, and then
	// comes online: this computer gets the record from it and the
	// screens reload.
	ctx := context.Background()
	run, err := desk2.Publish(ctx, api.Draft{Body: &protocol.Process{In: []protocol.Input{{Batch: w.FFB, Qty: protocol.Q(90, protocol.TNE)}},
		Out: []protocol.Output{{Product: "CPO", Qty: protocol.Q(19, protocol.TNE), Lot: "KSBL-CPO-0402"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := desk2.Connect(ctx, here.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	eventually(t, u, "the batch list to show the new CPO", func() bool {
		return len(u.batches.items) == before+1
	})
	if b := u.batches.items[0]; b.ID != (protocol.BatchID{Record: run.CID}) || b.Lot != "KSBL-CPO-0402" || b.Left != protocol.Q(19, protocol.TNE) {
		t.Errorf("newest batch listed is %s (%s left), want desk 2's 19 t of CPO", u.batchTitle(b), formatQty(b.Left))
	}
	if got := subtitleOf(t, u.batches, "LSL-FFB-2403-02"); !contains(got, "90 t · 0 t left") {
		t.Errorf("after desk 2 processed all of the second harvest the list says %q", got)
	}
	for _, o := range u.record.process.ins[0].batch.Options {
		if contains(o, "LSL-FFB-2403-02") {
			t.Errorf("the process form still offers %q, which desk 2 used up", o)
		}
	}
	if !offers(u.record.ship.batch.Options, "KSBL-CPO-0402") {
		t.Errorf("the ship form does not offer the new CPO: %q", u.record.ship.batch.Options)
	}
	if k := kindOf(api.Event{Kind: api.EventRecordAdded, Type: protocol.TypeTransfer}); k&refreshIncoming == 0 {
		t.Errorf("a transfer reloads %b, not the incoming shipments", k)
	}
}

func TestDataFolderShown(t *testing.T) {
	dir := t.TempDir()
	c := millConfig(newMillWorld())
	c.dataDir = dir
	n := startNode(t, c)
	u := newTestUI(t, n, Options{DataDir: dir})
	u.show(screenIdentity)
	settle(t, u)
	if !contains(u.identity.device.Text, dir) {
		t.Errorf("identity screen says %q, without the data folder", u.identity.device.Text)
	}
}
