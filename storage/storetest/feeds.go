package storetest

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// wantHead checks an author's head.
func wantHead(t *testing.T, s storage.Store, what string, a protocol.PublicKey, seq uint64, c protocol.CID) {
	t.Helper()
	h, err := s.Head(ctx, a)
	if want := (storage.Head{Seq: seq, CID: c}); err != nil || h != want {
		t.Errorf("%s: Head = %+v, %v; want %+v", what, h, err, want)
	}
}

func testOutOfOrderHeads(t *testing.T, s storage.Store) {
	f, recs := feed("heads/a", 7)
	a := f.Author()
	wantHead(t, s, "unknown author", a, 0, protocol.CID{})
	for _, step := range []struct {
		seq, head int
	}{{1, 1}, {2, 2}, {5, 2}, {3, 3}, {4, 5}, {7, 5}, {6, 7}} {
		put(t, s, recs[step.seq-1], storage.Buffered)
		wantHead(t, s, fmt.Sprintf("after seq %d", step.seq), a, uint64(step.head), recs[step.head-1].CID)
	}

	// A feed whose seq 1 is missing is listed with head 0.
	g, grecs := feed("heads/b", 3)
	put(t, s, grecs[2], storage.Synced)
	wantHead(t, s, "only seq 3", g.Author(), 0, protocol.CID{})
	heads, err := s.Heads(ctx)
	if h, ok := heads[g.Author()]; err != nil || !ok || h.Seq != 0 {
		t.Errorf("Heads()[feed with a gap at 1] = %+v, %v (listed %v); want Seq 0, listed", h, err, ok)
	}
	if n, _ := s.Counts(ctx); n.Authors != 2 {
		t.Errorf("Counts.Authors = %d, want 2", n.Authors)
	}

	// A whole feed in reverse, in one batch and one record at a time.
	h, hrecs := feed("heads/c", 50)
	slices.Reverse(hrecs)
	putAll(t, s, hrecs)
	wantHead(t, s, "reversed batch", h.Author(), 50, hrecs[0].CID)
	k, krecs := feed("heads/d", 20)
	for i := len(krecs) - 1; i >= 0; i-- {
		put(t, s, krecs[i], storage.Buffered)
		want := 0
		if i == 0 {
			want = 20
		}
		if hd, _ := s.Head(ctx, k.Author()); hd.Seq != uint64(want) {
			t.Fatalf("reversed puts: after seq %d head is %d, want %d", i+1, hd.Seq, want)
		}
	}
	checkClean(t, s)
}

func testRange(t *testing.T, s storage.Store) {
	f, recs := feed("range", 150)
	var stored []protocol.Signed
	for _, r := range recs {
		if r.Seq != 10 && r.Seq != 100 {
			stored = append(stored, r)
		}
	}
	putAll(t, s, stored)
	a := f.Author()
	seqs := func(from, to uint64) []uint64 {
		var out []uint64
		for _, r := range recs {
			if r.Seq >= from && (to == 0 || r.Seq <= to) && r.Seq != 10 && r.Seq != 100 {
				out = append(out, r.Seq)
			}
		}
		return out
	}
	for _, tc := range []struct {
		name     string
		from, to uint64
		want     []uint64
	}{
		{"all", 1, 0, seqs(1, 0)},
		{"from 0", 0, 0, seqs(1, 0)},
		{"bounded with a gap", 5, 12, seqs(5, 12)},
		{"one", 7, 7, []uint64{7}},
		{"the missing one", 10, 10, nil},
		{"tail", 149, 0, []uint64{149, 150}},
		{"past the end", 151, 0, nil},
		{"upside down", 12, 5, nil},
		{"across chunks", 40, 140, seqs(40, 140)},
	} {
		var got []uint64
		err := s.Range(ctx, a, tc.from, tc.to, func(r protocol.Signed) error {
			if want := recs[r.Seq-1]; r.CID != want.CID || string(r.Bytes) != string(want.Bytes) {
				t.Errorf("Range %s: seq %d is %s, want %s", tc.name, r.Seq, r.CID, want.CID)
			}
			got = append(got, r.Seq)
			return nil
		})
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Range %s [%d, %d] = %v, %v; want %v", tc.name, tc.from, tc.to, got, err, tc.want)
		}
	}

	stop := errors.New("enough")
	calls := 0
	err := s.Range(ctx, a, 1, 0, func(protocol.Signed) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || calls != 3 {
		t.Errorf("Range stopped by fn: %d calls, %v; want 3 calls, fn's error", calls, err)
	}
	// fn may use the store.
	err = s.Range(ctx, a, 1, 5, func(r protocol.Signed) error {
		_, err := s.Get(ctx, r.CID)
		return err
	})
	if err != nil {
		t.Errorf("Range with fn calling Get: %v", err)
	}
	other := prototest.Key("range/nobody").Public()
	if err := s.Range(ctx, other, 1, 0, func(protocol.Signed) error { return errors.New("called") }); err != nil {
		t.Errorf("Range of an unknown author: %v", err)
	}
}

func testForks(t *testing.T, s storage.Store) {
	f, recs := feed("forks/a", 3)
	for _, r := range recs {
		put(t, s, r, storage.Synced)
	}
	a := f.Author()
	second, err := f.At(2, recs[0].CID, recs[1].Time, origin("second"))
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Put(ctx, second, storage.Synced)
	wantKind(t, "Put of a fork", err, storage.ErrConflict)
	want := storage.Fork{Author: a, Seq: 2, CIDs: []protocol.CID{recs[1].CID, second.CID}}
	if !res.Added || res.Fork == nil || !sameFork(*res.Fork, want) {
		t.Errorf("Put of a fork = %+v, want Added and fork %+v", res, want)
	}
	if got, err := s.Get(ctx, second.CID); err != nil || got.CID != second.CID {
		t.Errorf("Get of the fork evidence: %v", err)
	}
	checkForks := func(what string, want storage.Fork) {
		t.Helper()
		if c, err := s.FeedAt(ctx, a, 2); err != nil || c != recs[1].CID {
			t.Errorf("%s: FeedAt(2) = %s, %v; want the first stored %s", what, c, err, recs[1].CID)
		}
		wantHead(t, s, what, a, 3, recs[2].CID)
		for _, who := range []protocol.PublicKey{a, {}} {
			forks, err := s.Forks(ctx, who)
			if err != nil || len(forks) != 1 || !sameFork(forks[0], want) {
				t.Errorf("%s: Forks = %+v, %v; want [%+v]", what, forks, err, want)
			}
		}
		if n, _ := s.Counts(ctx); n.Forks != 1 || n.Records != int64(2+len(want.CIDs)) {
			t.Errorf("%s: Counts = %+v, want 1 fork, %d records", what, n, 2+len(want.CIDs))
		}
		checkClean(t, s)
	}
	checkForks("after a fork", want)

	if res, err := s.Put(ctx, second, storage.Buffered); err != nil || res.Added {
		t.Errorf("Put of stored fork evidence again = %+v, %v; want nothing added, no error", res, err)
	}
	third, err := f.At(2, recs[0].CID, recs[1].Time, origin("third"))
	if err != nil {
		t.Fatal(err)
	}
	results := putAll(t, s, []protocol.Signed{third})
	want.CIDs = append(want.CIDs, third.CID)
	if results[0].Fork == nil || !sameFork(*results[0].Fork, want) {
		t.Errorf("PutBatch of a third record at a fork = %+v, want fork %+v", results[0], want)
	}
	checkForks("after a third record", want)
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	checkForks("after Reindex", want)

	// The record stored first keeps its place even when it is not the
	// honest one.
	g := prototest.NewFeed(prototest.Key("forks/b"))
	honest := g.MustAdd(origin("honest"))
	liar, err := g.At(1, protocol.CID{}, honest.Time, origin("liar"))
	if err != nil {
		t.Fatal(err)
	}
	put(t, s, liar, storage.Synced)
	if _, err := s.Put(ctx, honest, storage.Synced); !errors.Is(err, storage.ErrConflict) {
		t.Errorf("Put of the second record at seq 1: %v, want ErrConflict", err)
	}
	if c, _ := s.FeedAt(ctx, g.Author(), 1); c != liar.CID {
		t.Errorf("FeedAt gives %s, want the first stored %s", c, liar.CID)
	}
	wantHead(t, s, "fork at seq 1", g.Author(), 1, liar.CID)
}

func sameFork(a, b storage.Fork) bool {
	return a.Author == b.Author && a.Seq == b.Seq && slices.Equal(a.CIDs, b.CIDs)
}
