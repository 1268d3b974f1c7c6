package gui

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/gui/fake"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func TestBatchesSearchAndDetail(t *testing.T) {
	u, m := newMillUI(t)
	s := u.batches
	if len(s.items) != 4 {
		t.Fatalf("%d batches listed, want the mill's 4 (two FFB received, CPO and PK made)", len(s.items))
	}
	test.Type(s.search, "ksbl")
	u.idle()
	if len(s.items) != 2 {
		t.Errorf("search \"ksbl\" lists %d batches, want CPO and PK", len(s.items))
	}
	s.search.SetText("")
	u.idle()
	s.which.SetSelected(filterReceived)
	u.idle()
	for _, b := range s.items {
		if !b.Received {
			t.Errorf("%s listed under Received", batchTitle(b))
		}
	}
	s.which.SetSelected(filterAll)
	test.Type(s.since, time.Now().AddDate(1, 0, 0).Format(dayLayout))
	u.idle()
	if len(s.items) != 0 {
		t.Errorf("%d batches made since next year", len(s.items))
	}
	s.since.SetText("")
	u.idle()

	u.show(screenBatches)
	s.selectBatch(m.CPO)
	d := s.detail
	if d.b.ID != m.CPO || !shows(d.obj, "sent 21 t to Pasir Gudang Edible Oils Sdn Bhd") {
		t.Errorf("detail of the CPO batch does not say where it went: %q", texts(d.obj))
	}
	if d.label.Image == nil {
		t.Fatal("no label shown")
	}
	if id, err := decodeQR(d.label.Image); err != nil || id != m.CPO {
		t.Errorf("the label shown decodes to %s, %v", id, err)
	}
	path := filepath.Join(t.TempDir(), "label.png")
	u.files.(*fakePicker).savePath = path
	test.Tap(buttonIn(t, d.obj, "Save label as PNG…"))
	if id, err := decodeQRFile(path); err != nil || id != m.CPO {
		t.Errorf("the saved label decodes to %s, %v", id, err)
	}
	test.Tap(buttonIn(t, d.obj, "Verify this batch"))
	u.idle()
	if u.current != screenVerify || u.verify.report == nil || u.verify.report.Batch != m.CPO {
		t.Error("\"Verify this batch\" did not verify the batch")
	}
}

func TestPublishErrorSaysWhatToDo(t *testing.T) {
	u, m := newMillUI(t)
	m.PublishErr = api.E("publish", api.ErrUnavailable, errors.New("store: disk full"))
	c := u.record.receive.cards[0]
	test.Tap(c.fm.publish)
	u.idle()
	d := u.win.Canvas().Overlays().Top()
	if d == nil || !shows(d, "Could not save the receipt") || !shows(d, "free space") {
		t.Fatalf("error dialog says %q", texts(d))
	}
	if c.fm.publish.Disabled() {
		t.Error("after a failed save the button stays disabled; the user cannot try again")
	}
}

func TestEventsRefreshTheScreens(t *testing.T) {
	m := fake.NewMill()
	a := test.NewTempApp(t)
	u := New(a, m.Service, Options{inline: true})
	t.Cleanup(func() { u.Stop(); u.idle() })
	u.idle()
	before := len(u.batches.items)
	// Another desk of the mill records a processing run: it arrives as an
	// event, and the batch list reloads.
	m.Extend(fake.MillDevice(), &protocol.Process{In: []protocol.Input{{Batch: m.FFB, Qty: protocol.Q(90, protocol.TNE)}},
		Out: []protocol.Output{{Product: "CPO", Qty: protocol.Q(19, protocol.TNE), Lot: "KSBL-CPO-0402"}}})
	m.Emit(api.Event{Kind: api.EventRecordAdded, Type: protocol.TypeProcess})
	eventually(t, "the batch list to reload", func() bool {
		u.idle()
		return len(u.batches.items) == before+1
	})
	if k := kindOf(api.Event{Kind: api.EventRecordAdded, Type: protocol.TypeTransfer}); k&refreshIncoming == 0 {
		t.Errorf("a transfer reloads %b, not the incoming shipments", k)
	}
}

func TestDataFolderShown(t *testing.T) {
	m := fake.NewMill()
	dir := t.TempDir()
	u := newTestUI(t, m.Service, Options{DataDir: dir})
	u.show(screenIdentity)
	u.idle()
	if !contains(u.identity.device.Text, dir) {
		t.Errorf("identity screen says %q, without the data folder", u.identity.device.Text)
	}
}
