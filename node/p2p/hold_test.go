package p2p

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// testClock is the wall clock moved by an offset the test sets.
type testClock struct{ offset atomic.Int64 }

func (c *testClock) Now() time.Time           { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *testClock) advance(d time.Duration)  { c.offset.Add(int64(d)) }
func (c *testClock) at(d time.Duration) int64 { return c.Now().Add(d).UnixMilli() }

// datedRecord is the first record of key's feed, dated t.
func datedRecord(t *testing.T, key string, when int64) protocol.Signed {
	t.Helper()
	rec, err := protocol.Seal(&protocol.Record{Seq: 1, Time: when, Body: orgBody(1)}, prototest.Key(key))
	if err != nil {
		t.Fatal(err)
	}
	return rec
}

// TestRecordsFromTheFuture: records dated ahead of a node's clock reach it
// by gossip, sync and a file. One dated 30 minutes ahead is held: not
// stored, not passed on to the node's neighbour, not held against the
// sender, and a sync does not go round for it; once the node's clock
// reaches it, it is stored, announced and passed on. One dated two days
// ahead is neither held nor stored, without a penalty; one dated two
// years ahead is rejected as invalid.
func TestRecordsFromTheFuture(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{}
	verdicts := &verdictTracer{}
	nodes := startNodes(t, "clocked", 2, func(i int, c *testCfg) {
		c.Now = clock.Now
		if i == 0 {
			c.GossipOptions = []pubsub.Option{pubsub.WithRawTracer(verdicts)}
		}
	})
	a, b := nodes[0], nodes[1]
	connect(t, a, b)
	waitForMesh(t, nodes)
	stored := watch(t, a)

	early := datedRecord(t, "early-gossip", clock.at(30*time.Minute))
	later := datedRecord(t, "two-days-ahead", clock.at(48*time.Hour))
	absurd := datedRecord(t, "two-years-ahead", clock.at(2*365*24*time.Hour))
	onTime := datedRecord(t, "five-minutes-ahead", clock.at(5*time.Minute))

	evil := newEvilHost(t, a.protos, nil)
	if err := evil.h.Connect(ctx, peer.AddrInfo{ID: a.ID(), Addrs: a.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the sender and the node see each other on the topic", func() bool {
		return slices.Contains(evil.topic.ListPeers(), a.ID()) && slices.Contains(a.topic.ListPeers(), evil.h.ID())
	})
	for _, rec := range []protocol.Signed{early, later} {
		if err := evil.topic.Publish(ctx, rec.Bytes); err != nil {
			t.Fatal(err)
		}
		if why := verdicts.wait(t, rec.CID); why != pubsub.RejectValidationIgnored {
			t.Errorf("gossip's verdict on a record dated ahead: %q, want %q", why, pubsub.RejectValidationIgnored)
		}
	}
	if err := evil.topic.Publish(ctx, onTime.Bytes); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "a record 5 minutes ahead is taken at once", func() bool { return has(t, a, onTime.CID) && has(t, b, onTime.CID) })
	if !a.held.has(early.CID) || a.held.has(later.CID) {
		t.Errorf("held: 30 minutes ahead %v (want true), two days ahead %v (want false)", a.held.has(early.CID), a.held.has(later.CID))
	}
	if s := freshScore(t, a, evil.h.ID()); s < 0 {
		t.Errorf("the node scores the sender %v for records dated ahead; clocks differ, no penalty is due", s)
	}
	if err := evil.topic.Publish(ctx, absurd.Bytes); err != nil {
		t.Fatal(err)
	}
	if why := verdicts.wait(t, absurd.CID); why != pubsub.RejectValidationFailed {
		t.Errorf("gossip's verdict on a record dated two years ahead: %q, want %q", why, pubsub.RejectValidationFailed)
	}

	// By sync: held too, and a second sync finds nothing to do and no
	// fault with the peer.
	synced := datedRecord(t, "early-sync", clock.at(20*time.Minute))
	responder := newEvilHost(t, a.protos, [][]byte{synced.Bytes})
	responder.armed.Store(true)
	if err := a.host.Connect(ctx, peer.AddrInfo{ID: responder.h.ID(), Addrs: responder.h.Addrs()}); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		st, err := a.SyncWith(ctx, responder.h.ID())
		if err != nil {
			t.Fatalf("sync %d: %v", i+1, err)
		}
		if st.Added != 0 || st.RoundTrips > 2 {
			t.Errorf("sync %d with a peer whose record is dated ahead: %+v", i+1, st)
		}
	}
	waitFor(t, "the synced record is held", func() bool { return a.held.has(synced.CID) })
	if v, why := a.scores.penaltyOf(responder.h.ID(), time.Now()); v != 0 {
		t.Errorf("the sync peer is penalised %v: %q", v, why)
	}

	// From a file: held; two days ahead refuses the file.
	filed := datedRecord(t, "early-file", clock.at(15*time.Minute))
	res, err := a.Take(ctx, [][]byte{filed.Bytes})
	if err != nil || res.Held != 1 || res.Added != 0 {
		t.Errorf("Take of a record 15 minutes ahead: %+v, %v; want it held", res, err)
	}
	var te *TakeError
	if _, err := a.Take(ctx, [][]byte{datedRecord(t, "file-two-days", clock.at(48*time.Hour)).Bytes}); !errors.As(err, &te) || !strings.Contains(err.Error(), "not taken before") {
		t.Errorf("Take of a record two days ahead: %v; want it refused with when it can be taken", err)
	}

	for _, c := range []protocol.CID{early.CID, later.CID, absurd.CID, synced.CID, filed.CID} {
		if has(t, a, c) || has(t, b, c) {
			t.Errorf("%s, dated ahead, was stored before its time", c.Short())
		}
	}
	if n, _ := a.held.len(); n != 3 {
		t.Errorf("%d records held, want 3", n)
	}

	// The clock reaches them: taken, announced and passed on.
	clock.advance(21 * time.Minute)
	for _, rec := range []protocol.Signed{early, synced, filed} {
		waitEvent(t, stored, "the node announces "+rec.CID.Short(), func(r protocol.Signed) bool { return r.CID == rec.CID || has(t, a, rec.CID) })
	}
	waitFor(t, "the records whose time came are stored and passed on", func() bool {
		return has(t, a, early.CID) && has(t, a, synced.CID) && has(t, a, filed.CID) &&
			has(t, b, early.CID) && has(t, b, synced.CID) && has(t, b, filed.CID)
	})
	if n, _ := a.held.len(); n != 0 {
		t.Errorf("%d records still held", n)
	}
	if has(t, a, later.CID) || has(t, a, absurd.CID) {
		t.Error("a record dated days or years ahead was stored")
	}
}

// TestHoldingIsBounded: the holding area keeps at most its bounds, each
// peer at most its share, and a full area makes room from the peer that
// holds the most, not from a peer with few.
func TestHoldingIsBounded(t *testing.T) {
	var h holding
	rec := func(p string, i int) protocol.Signed {
		b := []byte(fmt.Sprintf("%s-%d", p, i))
		return protocol.Signed{Record: &protocol.Record{Time: int64(i)}, CID: protocol.ComputeCID(b), Bytes: b}
	}
	for i := range maxHeldPerPeer {
		if got := h.add(rec("flood", i), "flood"); got != holdAdded {
			t.Fatalf("record %d of one peer: %v", i, got)
		}
	}
	if got := h.add(rec("flood", maxHeldPerPeer), "flood"); got != holdFull {
		t.Errorf("a record past a peer's share: %v, want holdFull", got)
	}
	if got := h.add(rec("flood", 0), "flood"); got != holdKnown {
		t.Errorf("a record held already: %v, want holdKnown", got)
	}
	// Fill the rest with peers of a share each, all but one of the first.
	peers := maxHeld/maxHeldPerPeer - 1
	for p := range peers {
		id := peer.ID(fmt.Sprintf("peer%d", p))
		for i := range maxHeldPerPeer {
			h.add(rec(string(id), i), id)
		}
	}
	if n, _ := h.len(); n != maxHeld {
		t.Fatalf("%d held, want the bound %d", n, maxHeld)
	}
	// A newcomer still gets room, from the peer holding the most (the
	// first one, by ID order among equals), and its latest record goes.
	if got := h.add(rec("newcomer", 1), "newcomer"); got != holdAdded {
		t.Fatalf("a newcomer's record in a full area: %v", got)
	}
	if n, _ := h.len(); n != maxHeld {
		t.Errorf("%d held after making room, want %d", n, maxHeld)
	}
	// One peer of the largest shrank by one, and it was its latest.
	if h.count["flood"] != maxHeldPerPeer-1 && h.count["peer0"] != maxHeldPerPeer-1 {
		t.Errorf("room was not made from a peer holding the most: %v", h.count)
	}
	if h.has(rec("flood", maxHeldPerPeer-1).CID) && h.has(rec("peer0", maxHeldPerPeer-1).CID) {
		t.Error("the record dated furthest ahead did not go first")
	}
	// A peer at the top may not push out others: its own share is full.
	due := h.due(time.UnixMilli(int64(maxHeldPerPeer)).Add(protocol.ClockAhead))
	if len(due) != maxHeld {
		t.Errorf("due: %d records, want all %d", len(due), maxHeld)
	}
	if n, b := h.len(); n != 0 || b != 0 {
		t.Errorf("after due: %d records, %d bytes", n, b)
	}
	if !slices.IsSortedFunc(due, func(x, y heldRecord) int { return int(x.rec.Time - y.rec.Time) }) {
		t.Error("due records are not in order of time")
	}
}

// TestHoldingUnderFlood: peers gossip more records dated ahead than the
// holding area takes from one peer. Each peer gets no more than its share
// held, the area stays within its bounds, an honest peer's record dated
// ahead is still held, and every record held is stored once its time
// comes. Short: 2 flooding peers of 600 records each; JEJAK_SOAK=1: 10,
// which fill the whole area.
func TestHoldingUnderFlood(t *testing.T) {
	ctx := context.Background()
	floods, each := 2, maxHeldPerPeer+88
	if os.Getenv("JEJAK_SOAK") != "" {
		floods = 10
	}
	clock := &testClock{}
	verdicts := &verdictTracer{}
	cfg := testConfig(t, "flooded")
	cfg.Now = clock.Now
	cfg.GossipOptions = []pubsub.Option{pubsub.WithRawTracer(verdicts)}
	n := startNode(t, cfg)
	send := func(evil *evilHost, recs []protocol.Signed) {
		t.Helper()
		// A few at a time, each judged before the next few: the sender's
		// own queue is pubsub's default.
		for lo := 0; lo < len(recs); lo += 16 {
			chunk := recs[lo:min(lo+16, len(recs))]
			for _, rec := range chunk {
				if err := evil.topic.Publish(ctx, rec.Bytes); err != nil {
					t.Fatal(err)
				}
			}
			for _, rec := range chunk {
				verdicts.wait(t, rec.CID)
			}
		}
	}
	sender := func() *evilHost {
		evil := newEvilHost(t, n.protos, nil)
		if err := evil.h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the sender and the node see each other on the topic", func() bool {
			return slices.Contains(evil.topic.ListPeers(), n.ID()) && slices.Contains(n.topic.ListPeers(), evil.h.ID())
		})
		return evil
	}
	sent := 0
	for f := range floods {
		var recs []protocol.Signed
		for i := range each {
			recs = append(recs, datedRecord(t, fmt.Sprintf("flood-%d-%d", f, i), clock.at(30*time.Minute+time.Duration(i)*time.Second)))
		}
		send(sender(), recs)
		sent += len(recs)
		held, bytes := n.held.len()
		if want := min((f+1)*maxHeldPerPeer, maxHeld); held != want || bytes > maxHeldBytes {
			t.Fatalf("after %d flooding peers: %d records (%d bytes) held, want %d within %d bytes", f+1, held, bytes, want, maxHeldBytes)
		}
	}
	honest := datedRecord(t, "honest-but-fast", clock.at(20*time.Minute))
	send(sender(), []protocol.Signed{honest})
	if !n.held.has(honest.CID) {
		t.Fatal("an honest peer's record dated ahead is not held after the flood")
	}
	held, bytes := n.held.len()
	if held > maxHeld || bytes > maxHeldBytes {
		t.Fatalf("%d records, %d bytes held: over the bounds", held, bytes)
	}
	c, err := n.store.Counts(ctx)
	if err != nil || c.Records != 0 {
		t.Fatalf("%d records stored before their time (%v)", c.Records, err)
	}
	t.Logf("%d records dated ahead sent by %d peers; %d held (%d KiB), the honest one among them", sent+1, floods+1, held, bytes>>10)

	clock.advance(time.Hour)
	waitFor(t, "every held record is stored once its time comes", func() bool {
		c, err := n.store.Counts(ctx)
		return err == nil && c.Records == int64(held)
	})
	if !has(t, n, honest.CID) {
		t.Error("the honest record was not stored once its time came")
	}
	if h, _ := n.held.len(); h != 0 {
		t.Errorf("%d records still held", h)
	}
}
