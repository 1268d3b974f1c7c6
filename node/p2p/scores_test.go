package p2p

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/libp2p/go-libp2p/core/peer"
)

// TestPenaltiesDecay: a penalty halves every penaltyHalfLife and is gone
// within a few hours; its reasons are kept, latest last.
func TestPenaltiesDecay(t *testing.T) {
	var s scoreBoard
	p := peer.ID("peer")
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	for i := range 4 {
		s.penalise(p, fmt.Sprintf("violation %d", i), t0)
	}
	if v, why := s.penaltyOf(p, t0); v != -4*syncPenalty || len(why) != 4 || why[3] != "violation 3" {
		t.Fatalf("after four violations: %v, %q", v, why)
	}
	if v, _ := s.penaltyOf(p, t0.Add(penaltyHalfLife)); v > -599 || v < -601 {
		t.Errorf("after one half-life: %v, want -600", v)
	}
	if v, _ := s.penaltyOf(p, t0.Add(20*penaltyHalfLife)); v != 0 {
		t.Errorf("after twenty half-lives: %v, want forgiven", v)
	}
}

// TestHonestFailuresCostNothing: a stream that ends, is cut short or
// times out is not a protocol violation; a malformed frame is.
func TestHonestFailuresCostNothing(t *testing.T) {
	for _, tc := range []struct {
		name      string
		data      []byte
		err       error // from the reader after data
		violation bool
	}{
		{"ended before a frame", nil, io.EOF, false},
		{"ended inside a length", []byte{0x80}, io.EOF, false},
		{"ended inside a frame", []byte{10, frameSummary, 1}, io.EOF, false},
		{"timed out", nil, os.ErrDeadlineExceeded, false},
		{"reset", []byte{0x85}, errors.New("stream reset"), false},
		{"an empty frame", []byte{0}, io.EOF, true},
		{"a length beyond 64 bits", []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}, io.EOF, true},
		{"a frame too large", []byte{0xff, 0xff, 0xff, 0x7f}, io.EOF, true},
		{"the wrong kind", []byte{2, frameRecord, 0}, io.EOF, true},
		{"not CBOR", []byte{2, frameSummary, 0xff}, io.EOF, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newFrameReader(io.MultiReader(strings.NewReader(string(tc.data)), errReader{tc.err}))
			var sum syncSummary
			err := r.nextCBOR(frameSummary, &sum)
			if err == nil {
				t.Fatal("no error")
			}
			if isViolation(err) != tc.violation {
				t.Fatalf("%v: violation %v, want %v", err, isViolation(err), tc.violation)
			}
		})
	}
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// TestRestartedPeerKeepsItsGossip: a peer that is stopped in the middle of
// syncing and restarted five times is not penalised for it, keeps its
// place in the gossip mesh, and its next record reaches the other node by
// gossip (periodic sync is off).
func TestRestartedPeerKeepsItsGossip(t *testing.T) {
	ctx := context.Background()
	hub := startNode(t, testConfig(t, "restart-hub"))
	cfg := testConfig(t, "restarted")
	// The hub has much to send, so a restart lands in the middle of a sync.
	feed := newBulkFeed(t, hub, 3000)
	var m *testNode
	for i := range 5 {
		m = startNode(t, cfg)
		connect(t, m, hub)
		waitFor(t, "the sync begins", func() bool {
			h, _ := m.store.Head(ctx, feed)
			return h.Seq > 0 || i > 0
		})
		// Gone without a goodbye, as with kill -9: the connection drops
		// mid-stream.
		m.host.Network().ClosePeer(hub.ID())
		if err := m.Close(); err != nil {
			t.Fatal(err)
		}
	}
	m = startNode(t, cfg)
	connect(t, m, hub)
	waitForMesh(t, []*testNode{m, hub})
	if v, why := hub.scores.penaltyOf(m.ID(), time.Now()); v != 0 {
		t.Fatalf("the hub penalises the restarted peer %v for %q", v, why)
	}
	rec := publish(t, m, 1)
	waitFor(t, "the restarted peer's record reaches the hub by gossip", func() bool { return has(t, hub, rec.CID) })
}

// newBulkFeed stores count records of one new feed on n and returns its
// author.
func newBulkFeed(t *testing.T, n *testNode, count int) protocol.PublicKey {
	t.Helper()
	f := prototest.NewFeed(prototest.Key("bulk-author"))
	recs := make([]protocol.Signed, count)
	for i := range recs {
		recs[i] = f.MustAdd(orgBody(i))
	}
	if _, err := n.store.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return f.Author()
}
