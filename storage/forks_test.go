package storage

import (
	"fmt"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// forkFeeds returns n records of one author and, at the same seqs, n
// different records of the same author: n forks.
func forkFeeds(n int) (first, second []protocol.Signed) {
	a, b := prototest.NewFeed(prototest.Key("forker")), prototest.NewFeed(prototest.Key("forker"))
	body := func(side string, i int) protocol.Body {
		return &protocol.Origin{Places: []protocol.CID{genPlace}, From: prototest.BaseTime, Until: prototest.BaseTime,
			Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(10, protocol.TNE), Lot: fmt.Sprintf("%s-%d", side, i)}}}
	}
	for i := range n {
		first = append(first, a.MustAdd(body("A", i)))
		second = append(second, b.MustAdd(body("B", i)))
	}
	return first, second
}

// TestManyForksInOneBatch: a batch of hundreds of forks (what a dishonest
// peer can pack into one sync page) is stored whole: every fork is
// reported with the record stored first first, a third record at one seq in
// the same batch joins its fork, and the store checks clean and rebuilds to
// the same forks.
func TestManyForksInOneBatch(t *testing.T) {
	const n = 500
	s, _ := openTemp(t, Options{})
	first, second := forkFeeds(n)
	if _, err := s.PutBatch(bg, first); err != nil {
		t.Fatal(err)
	}
	third := prototest.NewFeed(prototest.Key("forker")).MustAdd(&protocol.Origin{Places: []protocol.CID{genPlace},
		From: prototest.BaseTime, Until: prototest.BaseTime, Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE)}}})
	res, err := s.PutBatch(bg, append(append([]protocol.Signed(nil), second...), third))
	if err != nil {
		t.Fatal(err)
	}
	for i, r := range res[:n] {
		if !r.Added || r.Fork == nil || len(r.Fork.CIDs) != 2 || r.Fork.CIDs[0] != first[i].CID || r.Fork.CIDs[1] != second[i].CID {
			t.Fatalf("record %d: %+v; want a fork of the first and the second record", i, r)
		}
	}
	if f := res[n].Fork; f == nil || len(f.CIDs) != 3 || f.CIDs[2] != third.CID {
		t.Fatalf("the third record at seq 1: %+v; want a fork of three", res[n])
	}
	check := func(when string) {
		t.Helper()
		forks, err := s.Forks(bg, protocol.PublicKey{})
		if err != nil {
			t.Fatal(err)
		}
		if len(forks) != n {
			t.Fatalf("%s: %d forks listed, want %d", when, len(forks), n)
		}
		c, err := s.Counts(bg)
		if err != nil {
			t.Fatal(err)
		}
		if c.Records != 2*n+1 {
			t.Errorf("%s: %d records, want %d", when, c.Records, 2*n+1)
		}
		if problems, err := s.Check(bg); err != nil || len(problems) > 0 {
			t.Fatalf("%s: check: %v %v", when, problems, err)
		}
	}
	check("after the batch")
	if err := s.Reindex(bg, nil); err != nil {
		t.Fatal(err)
	}
	check("after a rebuild")
}

// BenchmarkPutBatchForks: the cost of one fork in a batch of many; it must
// not grow with the batch (Badger sorts every pending write each time an
// iterator is made on a write transaction, which the fork path avoids).
func BenchmarkPutBatchForks(b *testing.B) {
	for _, n := range []int{50, 500} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			first, second := forkFeeds(n)
			for b.Loop() {
				b.StopTimer()
				s := benchStore(b, Options{})
				if _, err := s.PutBatch(bg, first); err != nil {
					b.Fatal(err)
				}
				b.StartTimer()
				if _, err := s.PutBatch(bg, second); err != nil {
					b.Fatal(err)
				}
				b.StopTimer()
				s.Close()
				b.StartTimer()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/fork")
		})
	}
}
