package protocol_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

func TestCheckNext(t *testing.T) {
	feed := prototest.NewFeed(prototest.Key("mill-device"))
	place := func(name string) *protocol.Place {
		return &protocol.Place{Name: name, Kind: protocol.PlaceMill, Country: "MY",
			Geo: protocol.PointGeometry(protocol.Pos(117.9035, 5.5521))}
	}
	first := feed.MustAdd(place("Mill 1"))
	second := feed.MustAdd(place("Mill 2"))
	if err := protocol.CheckNext(first, second.Record); err != nil {
		t.Fatalf("the feed's own second record: %v", err)
	}
	other := prototest.NewFeed(prototest.Key("another-device"))
	otherFirst := other.MustAdd(place("Mill 1"))
	mustAt := func(f *prototest.Feed, seq uint64, prev protocol.CID, time int64, name string) *protocol.Record {
		t.Helper()
		s, err := f.At(seq, prev, time, place(name))
		if err != nil {
			t.Fatal(err)
		}
		return s.Record
	}
	for _, tc := range []struct {
		name string
		prev protocol.Signed
		next *protocol.Record
		seq  uint64 // the FeedError's Seq
		rule string // "" when next follows prev
	}{
		{name: "next record", prev: first, next: second.Record},
		{name: "same time as the previous record", prev: first, next: mustAt(feed, 2, first.CID, first.Time, "Mill 2")},
		{name: "another author", prev: first, next: mustAt(other, 2, first.CID, second.Time, "Mill 2"),
			seq: 2, rule: "author differs from the previous record's"},
		{name: "seq skips one", prev: first, next: mustAt(feed, 3, first.CID, second.Time, "Mill 3"),
			seq: 3, rule: "does not follow seq 1"},
		{name: "same seq (a fork)", prev: second, next: mustAt(feed, 2, first.CID, second.Time, "Mill 2b"),
			seq: 2, rule: "does not follow seq 2"},
		{name: "seq goes back", prev: second, next: first.Record,
			seq: 1, rule: "does not follow seq 2"},
		{name: "prev links another record", prev: first, next: mustAt(feed, 2, otherFirst.CID, second.Time, "Mill 2"),
			seq: 2, rule: "prev does not link record seq 1 (" + first.CID.String() + ")"},
		{name: "time goes back", prev: second, next: mustAt(feed, 3, second.CID, second.Time-1, "Mill 3"),
			seq: 3, rule: "time goes back before the previous record's"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := protocol.CheckNext(tc.prev, tc.next)
			if tc.rule == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *protocol.FeedError
			if !errors.As(err, &fe) || !errors.Is(err, protocol.ErrFeed) {
				t.Fatalf("CheckNext: %v, want a FeedError", err)
			}
			if fe.Seq != tc.seq || !strings.Contains(fe.Rule, tc.rule) {
				t.Fatalf("FeedError seq %d %q, want seq %d saying %q", fe.Seq, fe.Rule, tc.seq, tc.rule)
			}
			for _, k := range errKinds {
				if errors.Is(err, k) {
					t.Errorf("feed error %v is also %v", err, k)
				}
			}
		})
	}
}

// TestFeedChain checks that records a Feed writes open and follow each
// other, as a node syncing the feed would check them.
func TestFeedChain(t *testing.T) {
	feed := prototest.NewFeed(prototest.Key("refinery-device"))
	var prev protocol.Signed
	for i, v := range mustVectors(t) {
		s, err := feed.Add(v.signed.Body)
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		opened, err := protocol.Open(s.Bytes)
		if err != nil {
			t.Fatalf("record %d: %v", i+1, err)
		}
		if opened.CID != s.CID || opened.Seq != uint64(i+1) {
			t.Fatalf("record %d opened as seq %d %s, sealed as %s", i+1, opened.Seq, opened.CID, s.CID)
		}
		if i > 0 {
			if err := protocol.CheckNext(prev, opened.Record); err != nil {
				t.Fatalf("record %d: %v", i+1, err)
			}
		}
		prev = opened
	}
	if feed.Seq() != uint64(len(vectorDefs)) || feed.Last().CID != prev.CID {
		t.Fatalf("feed at seq %d, last %s", feed.Seq(), feed.Last().CID)
	}
}
