package storage

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// openTemp opens a store in a new folder and closes it at the end of the
// test.
func openTemp(t *testing.T, opts Options) (*Badger, string) {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, dir
}

func TestReopenKeepsRecordsAndArrivalOrder(t *testing.T) {
	s, dir := openTemp(t, Options{})
	recs := newRecordGen("reopen", 3).take(30)
	if _, err := s.PutBatch(bg, recs); err != nil {
		t.Fatal(err)
	}
	arrival := s.arrival
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if s.arrival != arrival {
		t.Errorf("arrival counter after reopening = %d, want %d", s.arrival, arrival)
	}
	for _, r := range recs {
		if got, err := s.Get(bg, r.CID); err != nil || string(got.Bytes) != string(r.Bytes) {
			t.Fatalf("Get after reopening: %v", err)
		}
	}
}

func TestCheckFindsDamageAndReindexRepairs(t *testing.T) {
	s, _ := openTemp(t, Options{})
	recs := newRecordGen("check", 2).take(12)
	if _, err := s.PutBatch(bg, recs); err != nil {
		t.Fatal(err)
	}
	// Damage three indexes behind the store's back: a batch use goes
	// missing, a counter is wrong, and a lot code appears from nowhere.
	proc := recs[2] // the first author's process record
	if proc.Type() != protocol.TypeProcess {
		t.Fatalf("record 2 is a %s", proc.Type())
	}
	in := proc.Body.(*protocol.Process).In[0]
	err := s.db.Update(func(txn *badger.Txn) error {
		if err := txn.Delete(key(pUse, batchBytes(in.Batch), proc.CID.Bytes())); err != nil {
			return err
		}
		if err := txn.Set(keyCountRecords, putInt64(99)); err != nil {
			return err
		}
		return txn.Set(lotKey(proc.Author, "NOWHERE", protocol.BatchID{Record: proc.CID}), nil)
	})
	if err != nil {
		t.Fatal(err)
	}
	diffs, err := s.Check(bg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"missing: batch use", "differs: counter", "extra: lot code"}
	if len(diffs) != len(want) {
		t.Fatalf("Check found %d differences, want %d:\n%s", len(diffs), len(want), strings.Join(diffs, "\n"))
	}
	for _, w := range want {
		found := false
		for _, d := range diffs {
			found = found || strings.HasPrefix(d, w)
		}
		if !found {
			t.Errorf("Check did not report %q:\n%s", w, strings.Join(diffs, "\n"))
		}
	}
	t.Logf("Check:\n%s", strings.Join(diffs, "\n"))
	if err := s.Reindex(bg, nil); err != nil {
		t.Fatal(err)
	}
	if diffs, err := s.Check(bg); err != nil || len(diffs) != 0 {
		t.Errorf("Check after Reindex: %v, %v", diffs, err)
	}
}

func TestOpenFinishesInterruptedReindex(t *testing.T) {
	s, dir := openTemp(t, Options{})
	recs := newRecordGen("interrupted", 2).take(20)
	if _, err := s.PutBatch(bg, recs); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// What a process killed in the middle of Reindex leaves: the marker,
	// and only some of the indexes.
	db, err := badger.Open(Options{}.badgerOptions(dir))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(func(txn *badger.Txn) error { return txn.Set(keyReindex, nil) }); err != nil {
		t.Fatal(err)
	}
	if err := db.DropPrefix([]byte{pHead}, []byte{pCount}, []byte{pUse}); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if diffs, err := s.Check(bg); err != nil || len(diffs) != 0 {
		t.Errorf("Check after an interrupted reindex: %v, %v", diffs, err)
	}
	if h, _ := s.Head(bg, recs[0].Author); h.Seq != 10 {
		t.Errorf("Head after an interrupted reindex = %d, want 10", h.Seq)
	}
	err = s.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(keyReindex)
		return err
	})
	if !errors.Is(err, badger.ErrKeyNotFound) {
		t.Errorf("the reindex marker is still there: %v", err)
	}
}

func TestBackgroundSyncAndGC(t *testing.T) {
	s, _ := openTemp(t, Options{SyncInterval: 5 * time.Millisecond, GCInterval: 5 * time.Millisecond})
	if _, err := s.Put(bg, newRecordGen("bg", 1).next(), Buffered); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		s.wmu.Lock()
		dirty := s.dirty
		s.wmu.Unlock()
		if !dirty {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("buffered writes were not synced in the background")
		}
		time.Sleep(time.Millisecond)
	}
	s.collect(bg) // nothing to collect: returns quietly
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestNoBadgerErrorEscapes(t *testing.T) {
	s, _ := openTemp(t, Options{})
	_, err := s.Get(bg, protocol.ComputeCID([]byte("nothing")))
	if !errors.Is(err, ErrNotFound) || errors.Is(err, badger.ErrKeyNotFound) {
		t.Errorf("Get of a missing record: %v; want ErrNotFound and no Badger error inside", err)
	}
	s.Close()
	_, err = s.Get(bg, protocol.ComputeCID([]byte("nothing")))
	if !errors.Is(err, ErrClosed) || errors.Is(err, badger.ErrDBClosed) {
		t.Errorf("Get on a closed store: %v; want ErrClosed and no Badger error inside", err)
	}
}
