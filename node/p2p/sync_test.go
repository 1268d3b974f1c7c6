package p2p

import (
	"context"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestCatchUpAfterOffline: a node that is closed while 2,000 records are
// published catches up by sync when it starts again and reconnects, and
// reports its progress page by page.
func TestCatchUpAfterOffline(t *testing.T) {
	const total = 2000
	ctx := context.Background()
	nodes := startNodes(t, "catch", 2, nil)
	pub, hub := nodes[0], nodes[1]
	connect(t, pub, hub)
	waitForMesh(t, nodes)

	cfg := testConfig(t, "offline")
	x := startNode(t, cfg)
	connect(t, x, hub)
	if err := x.Close(); err != nil {
		t.Fatal(err)
	}

	author := pub.key.Public()
	start := time.Now()
	for i := range total {
		publish(t, pub, i)
	}
	t.Logf("published %d records in %v", total, time.Since(start))
	waitFor(t, "the hub has every record", func() bool {
		h, err := hub.store.Head(ctx, author)
		return err == nil && h.Seq == total
	})
	t.Logf("hub has them after %v", time.Since(start))
	start = time.Now()

	x = startNode(t, cfg)
	events := watch(t, x)
	connect(t, x, hub)
	var pages int
	last := waitEvent(t, events, "sync done", func(p SyncProgress) bool {
		if p.Peer != hub.ID().String() {
			return false
		}
		pages++
		if p.Expected != total {
			t.Errorf("progress expects %d records, want %d", p.Expected, total)
		}
		return p.Done
	})
	t.Logf("caught up in %v", time.Since(start))
	if last.Fetched != total || last.Added != total {
		t.Errorf("sync fetched %d records, added %d; want %d", last.Fetched, last.Added, total)
	}
	if pages < 2 {
		t.Errorf("saw %d progress events; want one per page (pages of %d records)", pages, x.cfg.Limits.SyncPage)
	}
	h, err := x.store.Head(ctx, author)
	if err != nil || h.Seq != total {
		t.Fatalf("after catch-up the feed head is %d (%v), want %d", h.Seq, err, total)
	}
	st, err := x.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Sync.Done || st.Sync.Fetched != total || st.Records != total {
		t.Errorf("Status after catch-up: sync %+v, %d records", st.Sync, st.Records)
	}
}

// TestSyncNothingMissing: two nodes holding the same records sync in one
// round trip and fetch nothing.
func TestSyncNothingMissing(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "same", 2, nil)
	a, b := nodes[0], nodes[1]
	for i := range 5 {
		rec := publish(t, a, i)
		if _, err := b.storeRecords(ctx, []protocol.Signed{rec}, "", false); err != nil {
			t.Fatal(err)
		}
	}
	connect(t, a, b)
	stats, err := b.syncWith(ctx, a.ID(), &syncJob{full: true})
	if err != nil {
		t.Fatal(err)
	}
	if stats.pages != 1 || stats.records != 0 {
		t.Errorf("sync with nothing missing: %d round trips, %d records; want 1 and 0", stats.pages, stats.records)
	}
}

// TestSyncBeyondGap: a peer whose own copy of a feed has a gap still sends
// the records beyond it, and the requester keeps them.
func TestSyncBeyondGap(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "gap", 2, nil)
	a, b := nodes[0], nodes[1]
	feed := prototest.NewFeed(prototest.Key("gappy"))
	var recs []protocol.Signed
	for i := range 5 {
		recs = append(recs, feed.MustAdd(orgBody(i)))
	}
	// a lacks seq 3.
	if _, err := a.store.PutBatch(ctx, []protocol.Signed{recs[0], recs[1], recs[3], recs[4]}); err != nil {
		t.Fatal(err)
	}
	connect(t, b, a)
	waitFor(t, "b holds the records beyond a's gap", func() bool {
		return has(t, b, recs[3].CID) && has(t, b, recs[4].CID)
	})
	if has(t, b, recs[2].CID) {
		t.Fatal("b holds a record nobody sent")
	}
	h, err := b.store.Head(ctx, feed.Author())
	if err != nil || h.Seq != 2 {
		t.Fatalf("b's contiguous head is %d (%v), want 2", h.Seq, err)
	}
}
