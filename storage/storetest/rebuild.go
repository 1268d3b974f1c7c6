package storetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// snapshot reads everything the indexes answer about a world and some
// feeds, to compare before and after Reindex.
func snapshot(t *testing.T, s storage.Store, w *world, feeds ...protocol.PublicKey) map[string]any {
	t.Helper()
	m := map[string]any{}
	add := func(name string, v any, err error) {
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		m[name] = v
	}
	v1, err := s.Heads(ctx)
	add("heads", v1, err)
	v2, err := s.Forks(ctx, protocol.PublicKey{})
	add("forks", v2, err)
	v3, err := s.Counts(ctx)
	add("counts", v3, err)
	v4, err := s.Uses(ctx, protocol.BatchID{Record: w.harvest.CID})
	add("uses", v4, err)
	v5, err := s.Lots(ctx, w.millDev.Author(), "CPO-1")
	add("lots", v5, err)
	for _, typ := range protocol.Types() {
		v, err := s.ByType(ctx, typ, protocol.PublicKey{})
		add("type "+string(typ), cidStrings(v), err)
	}
	for _, f := range append(feeds, w.millDev.Author()) {
		for seq := uint64(1); seq <= 12; seq++ {
			c, err := s.FeedAt(ctx, f, seq)
			if errors.Is(err, storage.ErrNotFound) {
				err = nil
			}
			add(fmt.Sprintf("feed %s %d", f.Short(), seq), c, err)
		}
	}
	return m
}

func testReindexCheck(t *testing.T, s storage.Store) {
	w := newWorld("reindex")
	putAll(t, s, w.records())
	f, recs := feed("reindex/feed", 12)
	for _, r := range recs {
		if r.Seq != 6 { // a gap
			put(t, s, r, storage.Buffered)
		}
	}
	fork, err := f.At(3, recs[1].CID, recs[2].Time, origin("fork"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, fork, storage.Synced); !errors.Is(err, storage.ErrConflict) {
		t.Fatalf("Put of a fork: %v", err)
	}
	checkClean(t, s)
	before := snapshot(t, s, w, f.Author())

	var calls [][2]int64
	if err := s.Reindex(ctx, func(done, total int64) { calls = append(calls, [2]int64{done, total}) }); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	records := int64(len(w.records()) + 11 + 1)
	if len(calls) == 0 || calls[len(calls)-1] != [2]int64{records, records} {
		t.Errorf("Reindex progress calls %v, want the last one (%d, %d)", calls, records, records)
	}
	for i := 1; i < len(calls); i++ {
		if calls[i][0] < calls[i-1][0] {
			t.Errorf("Reindex progress went back: %v", calls)
		}
	}
	after := snapshot(t, s, w, f.Author())
	for k, v := range before {
		if !reflect.DeepEqual(v, after[k]) {
			t.Errorf("after Reindex %s = %+v, was %+v", k, after[k], v)
		}
	}
	checkClean(t, s)

	// A reindex cut short leaves a store that a full one repairs.
	c, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.Reindex(c, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Reindex with a canceled context: %v, want context.Canceled", err)
	}
	if err := s.Reindex(ctx, nil); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	checkClean(t, s)
	if got := snapshot(t, s, w, f.Author()); !reflect.DeepEqual(got, before) {
		t.Errorf("after an interrupted and a full Reindex the indexes differ")
	}
}

func testConcurrent(t *testing.T, s storage.Store) {
	var all []protocol.Signed
	var feeds []protocol.PublicKey
	for i := range 3 {
		f, recs := feed(fmt.Sprintf("concurrent/%d", i), 30)
		all = append(all, recs...)
		feeds = append(feeds, f.Author())
	}
	// Two different records at seq 30 of the first feed: exactly one Put
	// stores the second of them and reports the fork.
	f0, _ := feed("concurrent/0", 29)
	fork := f0.MustAdd(origin("fork"))
	all = append(all, fork)

	const writers = 4
	var wg sync.WaitGroup
	var mu sync.Mutex
	conflicts := 0
	errs := make(chan error, writers*len(all))
	for g := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			recs := append([]protocol.Signed(nil), all...)
			r.Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
			for len(recs) > 0 {
				switch n := 1 + r.IntN(8); {
				case n == 1:
					d := storage.Durability(r.IntN(2))
					_, err := s.Put(ctx, recs[0], d)
					if errors.Is(err, storage.ErrConflict) {
						mu.Lock()
						conflicts++
						mu.Unlock()
					} else if err != nil {
						errs <- err
					}
					recs = recs[1:]
				default:
					n = min(n, len(recs))
					res, err := s.PutBatch(ctx, recs[:n])
					if err != nil {
						errs <- err
					}
					for _, x := range res {
						if x.Fork != nil {
							mu.Lock()
							conflicts++
							mu.Unlock()
						}
					}
					recs = recs[n:]
				}
				if _, err := s.Heads(ctx); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent writes: %v", err)
	}
	if conflicts != 1 {
		t.Errorf("the fork was reported %d times, want once", conflicts)
	}
	n, err := s.Counts(ctx)
	if err != nil || n.Records != int64(len(all)) || n.Authors != 3 || n.Forks != 1 {
		t.Errorf("Counts = %+v, %v; want %d records, 3 authors, 1 fork", n, err, len(all))
	}
	for _, a := range feeds {
		if h, err := s.Head(ctx, a); err != nil || h.Seq != 30 {
			t.Errorf("Head(%s) = %+v, %v; want seq 30", a.Short(), h, err)
		}
	}
	checkClean(t, s)
}
