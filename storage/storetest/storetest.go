// Package storetest is a suite of tests that every storage.Store passes:
// puts and gets, idempotence, every index, feed heads with records arriving
// out of order, range scans, fork evidence, counts, Reindex and Check,
// concurrent writers, and a closed store.
package storetest

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Run runs the suite. newStore returns an empty, open store for one
// subtest; the suite closes every store it is given.
func Run(t *testing.T, newStore func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"PutGetHas", testPutGetHas},
		{"Idempotent", testIdempotent},
		{"Invalid", testInvalid},
		{"Indexes", testIndexes},
		{"Counts", testCounts},
		{"OutOfOrderHeads", testOutOfOrderHeads},
		{"Range", testRange},
		{"Forks", testForks},
		{"ReindexCheck", testReindexCheck},
		{"Concurrent", testConcurrent},
		{"Canceled", testCanceled},
		{"Drafts", testDrafts},
		{"Pending", testPending},
		{"Closed", testClosed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			t.Cleanup(func() { s.Close() })
			tc.fn(t, s)
		})
	}
}

var ctx = context.Background()

// put stores one record and fails the test on any error.
func put(t *testing.T, s storage.Store, rec protocol.Signed, d storage.Durability) storage.PutResult {
	t.Helper()
	res, err := s.Put(ctx, rec, d)
	if err != nil {
		t.Fatalf("Put %s seq %d: %v", rec.Type(), rec.Seq, err)
	}
	return res
}

// putAll stores records in one PutBatch and fails the test on any error.
func putAll(t *testing.T, s storage.Store, recs []protocol.Signed) []storage.PutResult {
	t.Helper()
	res, err := s.PutBatch(ctx, recs)
	if err != nil {
		t.Fatalf("PutBatch of %d records: %v", len(recs), err)
	}
	if len(res) != len(recs) {
		t.Fatalf("PutBatch of %d records gave %d results", len(recs), len(res))
	}
	return res
}

// checkClean fails the test when the indexes differ from a rebuild.
func checkClean(t *testing.T, s storage.Store) {
	t.Helper()
	diffs, err := s.Check(ctx)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, d := range diffs {
		t.Errorf("Check: %s", d)
	}
}

// sameCIDs compares two CID lists as sets.
func sameCIDs(t *testing.T, what string, got []protocol.CID, err error, want ...protocol.CID) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: %v", what, err)
		return
	}
	g, w := cidStrings(got), cidStrings(want)
	if !slices.Equal(g, w) {
		t.Errorf("%s = %v, want %v", what, g, w)
	}
}

func cidStrings(cids []protocol.CID) []string {
	s := make([]string, len(cids))
	for i, c := range cids {
		s[i] = c.String()
	}
	slices.Sort(s)
	return s
}

// wantKind checks that err wraps kind and reads as one of this package's.
func wantKind(t *testing.T, what string, err, kind error) {
	t.Helper()
	if !errors.Is(err, kind) {
		t.Errorf("%s: error %v, want one wrapping %q", what, err, kind)
		return
	}
	if !strings.HasPrefix(err.Error(), "storage: ") {
		t.Errorf("%s: error %q does not start with \"storage: \"", what, err)
	}
}

func testPutGetHas(t *testing.T, s storage.Store) {
	w := newWorld("get")
	res := put(t, s, w.harvest, storage.Synced)
	if !res.Added || res.Fork != nil {
		t.Errorf("Put of a new record = %+v, want Added and no fork", res)
	}
	got, err := s.Get(ctx, w.harvest.CID)
	if err != nil {
		t.Fatalf("Get: %v", err)
	}
	if got.CID != w.harvest.CID || !bytes.Equal(got.Bytes, w.harvest.Bytes) {
		t.Errorf("Get returned %s (%d bytes), want %s (%d bytes)", got.CID, len(got.Bytes), w.harvest.CID, len(w.harvest.Bytes))
	}
	if got.Record == nil || got.Seq != w.harvest.Seq || got.Author != w.harvest.Author || got.Type() != protocol.TypeOrigin {
		t.Errorf("Get decoded %+v, want the harvest record", got.Record)
	} else if o, ok := got.Body.(*protocol.Origin); !ok || o.Out[0].Lot != "H-1" {
		t.Errorf("Get decoded body %+v, want the harvest's", got.Body)
	}
	if ok, err := s.Has(ctx, w.harvest.CID); !ok || err != nil {
		t.Errorf("Has(stored) = %v, %v; want true", ok, err)
	}
	if ok, err := s.Has(ctx, w.ship.CID); ok || err != nil {
		t.Errorf("Has(missing) = %v, %v; want false, nil", ok, err)
	}
	_, err = s.Get(ctx, w.ship.CID)
	wantKind(t, "Get(missing)", err, storage.ErrNotFound)
	if err != nil && !strings.Contains(err.Error(), w.ship.CID.String()) {
		t.Errorf("Get(missing): error %q does not name the CID", err)
	}
}

func testIdempotent(t *testing.T, s storage.Store) {
	w := newWorld("idem")
	for _, r := range w.records() {
		put(t, s, r, storage.Synced)
	}
	before, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range w.records() {
		if res := put(t, s, r, storage.Buffered); res.Added || res.Fork != nil {
			t.Errorf("second Put of %s = %+v, want nothing added", r.Type(), res)
		}
	}
	for i, res := range putAll(t, s, append(w.records(), w.harvest)) {
		if res.Added {
			t.Errorf("PutBatch result %d: Added for a stored record", i)
		}
	}
	after, err := s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Records != before.Records || after.Authors != before.Authors {
		t.Errorf("counts changed by storing records again: %+v, then %+v", before, after)
	}
	// The same new record twice in one batch is added once.
	_, recs := feed("idem/batch", 1)
	res := putAll(t, s, []protocol.Signed{recs[0], recs[0]})
	if !res[0].Added || res[1].Added {
		t.Errorf("PutBatch of one record twice = %+v, want Added then not", res)
	}
	checkClean(t, s)
}

func testInvalid(t *testing.T, s storage.Store) {
	w := newWorld("invalid")
	bad := w.harvest
	bad.CID = w.ship.CID
	_, err := s.Put(ctx, bad, storage.Synced)
	wantKind(t, "Put with a CID that does not match the bytes", err, storage.ErrInvalid)
	_, err = s.Put(ctx, protocol.Signed{}, storage.Synced)
	wantKind(t, "Put of an empty Signed", err, storage.ErrInvalid)
	_, err = s.PutBatch(ctx, []protocol.Signed{w.plot, bad})
	wantKind(t, "PutBatch with a bad record", err, storage.ErrInvalid)
	if ok, _ := s.Has(ctx, w.plot.CID); ok {
		t.Errorf("PutBatch with a bad record stored the good one before it checked them all")
	}
}

func testCanceled(t *testing.T, s storage.Store) {
	w := newWorld("cancel")
	c, cancel := context.WithCancel(ctx)
	cancel()
	_, err := s.Put(c, w.plot, storage.Synced)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Put with a canceled context: %v, want context.Canceled", err)
	}
	res, err := s.PutBatch(c, w.records())
	if !errors.Is(err, context.Canceled) || len(res) != 0 {
		t.Errorf("PutBatch with a canceled context = %d results, %v; want none, context.Canceled", len(res), err)
	}
	if ok, _ := s.Has(ctx, w.plot.CID); ok {
		t.Errorf("Put with a canceled context stored the record")
	}
}

func testClosed(t *testing.T, s storage.Store) {
	w := newWorld("closed")
	put(t, s, w.plot, storage.Synced)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	a, c := w.millDev.Author(), w.plot.CID
	calls := map[string]func() error{
		"Close":      s.Close,
		"Put":        func() error { _, err := s.Put(ctx, w.harvest, storage.Synced); return err },
		"PutBatch":   func() error { _, err := s.PutBatch(ctx, w.records()); return err },
		"Get":        func() error { _, err := s.Get(ctx, c); return err },
		"Has":        func() error { _, err := s.Has(ctx, c); return err },
		"FeedAt":     func() error { _, err := s.FeedAt(ctx, a, 1); return err },
		"Head":       func() error { _, err := s.Head(ctx, a); return err },
		"Heads":      func() error { _, err := s.Heads(ctx); return err },
		"Range":      func() error { return s.Range(ctx, a, 1, 0, func(protocol.Signed) error { return nil }) },
		"Forks":      func() error { _, err := s.Forks(ctx, protocol.PublicKey{}); return err },
		"Uses":       func() error { _, err := s.Uses(ctx, protocol.BatchID{Record: c}); return err },
		"Receipts":   func() error { _, err := s.Receipts(ctx, c); return err },
		"Correction": func() error { _, err := s.Corrections(ctx, c); return err },
		"TransfersTo": func() error {
			_, err := s.TransfersTo(ctx, a)
			return err
		},
		"Lots":                func() error { _, err := s.Lots(ctx, a, "H-1"); return err },
		"ByType":              func() error { _, err := s.ByType(ctx, protocol.TypePlace, a); return err },
		"Delegations":         func() error { _, err := s.Delegations(ctx, a); return err },
		"Endorsements":        func() error { _, err := s.Endorsements(ctx, a); return err },
		"RevocationsOfKey":    func() error { _, err := s.RevocationsOfKey(ctx, a); return err },
		"RevocationsOfRecord": func() error { _, err := s.RevocationsOfRecord(ctx, c); return err },
		"Counts":              func() error { _, err := s.Counts(ctx); return err },
		"Reindex":             func() error { return s.Reindex(ctx, nil) },
		"Check":               func() error { _, err := s.Check(ctx); return err },
	}
	for name, call := range calls {
		wantKind(t, name+" after Close", call(), storage.ErrClosed)
	}
}

// testDrafts: a record stored for a draft is found by the draft's ID, and
// a draft that produced one record cannot produce another.
func testDrafts(t *testing.T, s storage.Store) {
	w := newWorld("drafts")
	a, b := w.certOrg, w.mill
	if _, err := s.DraftRecord(ctx, "d-1"); !errors.Is(err, storage.ErrNotFound) {
		t.Fatalf("DraftRecord of an unknown draft: %v, want ErrNotFound", err)
	}
	if _, err := s.PutDraft(ctx, a, "d-1"); err != nil {
		t.Fatal(err)
	}
	if c, err := s.DraftRecord(ctx, "d-1"); err != nil || c != a.CID {
		t.Fatalf("DraftRecord: %s, %v; want %s", c, err, a.CID)
	}
	if got, err := s.Get(ctx, a.CID); err != nil || got.CID != a.CID {
		t.Fatalf("the draft's record is not stored: %v", err)
	}
	if _, err := s.PutDraft(ctx, a, "d-1"); err != nil {
		t.Fatalf("the same record for the same draft again: %v", err)
	}
	if _, err := s.PutDraft(ctx, b, "d-1"); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("a second record for one draft: %v, want ErrConflict", err)
	}
	if ok, _ := s.Has(ctx, b.CID); ok {
		t.Fatal("the refused record was stored")
	}
	if _, err := s.PutDraft(ctx, b, ""); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("an empty draft ID: %v, want ErrInvalid", err)
	}
	// Drafts are data, not an index: Check finds nothing amiss and
	// Reindex keeps them.
	if diffs, err := s.Check(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("Check: %v %v", diffs, err)
	}
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if c, err := s.DraftRecord(ctx, "d-1"); err != nil || c != a.CID {
		t.Fatalf("after Reindex: %s, %v", c, err)
	}
}

// testPending: records of a newer version are kept, listed and forgotten,
// apart from the records and their indexes.
func testPending(t *testing.T, s storage.Store) {
	data := []byte("a record of a version from the future")
	c := protocol.ComputeCID(data)
	if added, err := s.PutPending(ctx, c, data); err != nil || !added {
		t.Fatalf("PutPending: %v, %v", added, err)
	}
	if added, err := s.PutPending(ctx, c, data); err != nil || added {
		t.Fatalf("PutPending again: %v, %v; want not added", added, err)
	}
	if _, err := s.PutPending(ctx, c, []byte("other bytes")); !errors.Is(err, storage.ErrInvalid) {
		t.Fatalf("PutPending with a wrong CID: %v, want ErrInvalid", err)
	}
	var seen []protocol.CID
	if err := s.Pending(ctx, func(pc protocol.CID, b []byte) error {
		if !bytes.Equal(b, data) {
			t.Errorf("kept bytes %q", b)
		}
		seen = append(seen, pc)
		return nil
	}); err != nil || len(seen) != 1 || seen[0] != c {
		t.Fatalf("Pending: %v, %v", seen, err)
	}
	if ok, _ := s.Has(ctx, c); ok {
		t.Fatal("a kept record counts as a stored record")
	}
	if diffs, err := s.Check(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("Check: %v %v", diffs, err)
	}
	if err := s.DeletePending(ctx, c); err != nil {
		t.Fatal(err)
	}
	seen = nil
	s.Pending(ctx, func(pc protocol.CID, _ []byte) error { seen = append(seen, pc); return nil })
	if len(seen) != 0 {
		t.Fatalf("after DeletePending: %v", seen)
	}
}
