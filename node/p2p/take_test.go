package p2p

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestTake: records from a file are counted as new, already held, kept
// for a newer release or forks, and a lot with one bad record is refused
// whole, naming the record, with nothing stored or kept.
func TestTake(t *testing.T) {
	ctx := context.Background()
	feed := prototest.NewFeed(prototest.Key("take-author"))
	first := feed.MustAdd(orgBody(1))
	second := feed.MustAdd(orgBody(2))
	other, err := feed.At(2, first.CID, second.Time, orgBody(3)) // a second record at seq 2
	if err != nil {
		t.Fatal(err)
	}
	future, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: orgBody(4)}, prototest.Key("take-ahead"), protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(second.Bytes)
	forged[len(forged)-1] ^= 0x01 // the last byte of the author key: a forgery

	tests := []struct {
		name    string
		held    []protocol.Signed // in the store before Take
		take    [][]byte
		want    TakeResult
		bad     int // the index a *TakeError names, or -1
		stored  []protocol.Signed
		pending []protocol.CID
	}{
		{name: "new", take: [][]byte{first.Bytes, second.Bytes},
			want: TakeResult{Added: 2}, bad: -1, stored: []protocol.Signed{first, second}},
		{name: "known and repeated", held: []protocol.Signed{first}, take: [][]byte{first.Bytes, second.Bytes, first.Bytes, second.Bytes},
			want: TakeResult{Added: 1, Known: 1}, bad: -1, stored: []protocol.Signed{first, second}},
		{name: "newer version", take: [][]byte{future.Bytes, first.Bytes},
			want: TakeResult{Added: 1, Pending: 1}, bad: -1, stored: []protocol.Signed{first}, pending: []protocol.CID{future.CID}},
		{name: "fork", held: []protocol.Signed{first, second}, take: [][]byte{other.Bytes},
			want: TakeResult{Added: 1, Forks: 1}, bad: -1, stored: []protocol.Signed{first, second, other}},
		{name: "a good record then a bad one", take: [][]byte{first.Bytes, future.Bytes, forged},
			bad: 2},
		{name: "too large", take: [][]byte{first.Bytes, bytes.Repeat([]byte{0x42}, protocol.MaxRecordSize+1)},
			bad: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := startNode(t, testConfig(t, "take"))
			if len(tt.held) > 0 {
				if _, err := n.store.PutBatch(ctx, tt.held); err != nil {
					t.Fatal(err)
				}
			}
			got, err := n.Take(ctx, tt.take)
			var te *TakeError
			switch {
			case tt.bad >= 0:
				if !errors.As(err, &te) || te.Index != tt.bad || te.CID != protocol.ComputeCID(tt.take[tt.bad]) {
					t.Fatalf("Take: %+v, %v; want a *TakeError naming record %d", got, err, tt.bad)
				}
				if got != (TakeResult{}) {
					t.Errorf("a refused Take reports %+v", got)
				}
			case err != nil:
				t.Fatalf("Take: %v", err)
			case got != tt.want:
				t.Errorf("Take: %+v, want %+v", got, tt.want)
			}
			if held := len(allCIDs(t, n)); held != len(tt.stored) {
				t.Errorf("the store holds %d records, want %d", held, len(tt.stored))
			}
			for _, rec := range tt.stored {
				if !has(t, n, rec.CID) {
					t.Errorf("record %s not stored", rec.CID.Short())
				}
			}
			var kept []protocol.CID
			if err := n.store.Pending(ctx, func(c protocol.CID, _ []byte) error { kept = append(kept, c); return nil }); err != nil {
				t.Fatal(err)
			}
			if len(kept) != len(tt.pending) || len(kept) > 0 && kept[0] != tt.pending[0] {
				t.Errorf("kept for a newer release: %v, want %v", kept, tt.pending)
			}
		})
	}
}
