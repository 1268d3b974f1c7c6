package p2p

import (
	"context"
	"fmt"
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
	if stats.bytesIn+stats.bytesOut >= 1024 {
		t.Errorf("sync with nothing missing cost %d bytes sent and %d received; want under 1 KiB in all", stats.bytesOut, stats.bytesIn)
	}
}

// TestSyncNothingMissingManyFeeds: with a thousand feeds held alike, a sync
// still costs one round trip and under 1 KiB, where sending every head
// would cost about 44 KiB.
func TestSyncNothingMissingManyFeeds(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "samemany", 2, func(_ int, c *testCfg) { c.NoSyncOnConnect = true })
	a, b := nodes[0], nodes[1]
	var recs []protocol.Signed
	for i := range 1000 {
		recs = append(recs, prototest.NewFeed(prototest.Key(fmt.Sprintf("feed-%d", i))).MustAdd(orgBody(i)))
	}
	for _, n := range nodes {
		if _, err := n.store.PutBatch(ctx, recs); err != nil {
			t.Fatal(err)
		}
	}
	connect(t, b, a)
	stats, err := b.syncWith(ctx, a.ID(), &syncJob{full: true})
	if err != nil {
		t.Fatal(err)
	}
	if stats.pages != 1 || stats.records != 0 || stats.bytesIn+stats.bytesOut >= 1024 {
		t.Errorf("sync of 1,000 feeds held alike: %d round trips, %d records, %d bytes sent, %d received; want 1, 0 and under 1 KiB",
			stats.pages, stats.records, stats.bytesOut, stats.bytesIn)
	}
	// One record more on a: the digests differ and the sync fetches it.
	extra := prototest.NewFeed(prototest.Key("feed-extra")).MustAdd(orgBody(1000))
	if _, err := a.store.PutBatch(ctx, []protocol.Signed{extra}); err != nil {
		t.Fatal(err)
	}
	stats, err = b.syncWith(ctx, a.ID(), &syncJob{full: true})
	if err != nil {
		t.Fatal(err)
	}
	if stats.added != 1 || !has(t, b, extra.CID) {
		t.Errorf("after a new feed on the peer the sync added %d records; want the new one", stats.added)
	}
}

// TestSyncWithAnOlderPeer: a peer that serves only sync 1.0.0 (release 0.2
// and older) is synced from as before.
func TestSyncWithAnOlderPeer(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "older", 2, func(_ int, c *testCfg) { c.NoSyncOnConnect = true })
	old, b := nodes[0], nodes[1]
	old.host.RemoveStreamHandler(old.protos.syncHeads)
	var want []protocol.Signed
	for i := range 5 {
		want = append(want, publish(t, old, i))
	}
	connect(t, b, old)
	stats, err := b.syncWith(ctx, old.ID(), &syncJob{full: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range want {
		if !has(t, b, rec.CID) {
			t.Fatalf("b lacks record %v after syncing from a 1.0.0 peer (%+v)", rec.CID, stats)
		}
	}
	stats, err = b.syncWith(ctx, old.ID(), &syncJob{full: true})
	if err != nil || stats.pages != 1 || stats.records != 0 {
		t.Errorf("second sync with a 1.0.0 peer: %+v, %v; want one round trip and nothing fetched", stats, err)
	}
}

// TestSyncDigestSeesRecordsBeyondAGap: both hold a feed up to seq 2, the
// peer also seqs 4 and 5 beyond its gap. The heads are the same, but the
// records are not, and the sync fetches 4 and 5.
func TestSyncDigestSeesRecordsBeyondAGap(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "digestgap", 2, func(_ int, c *testCfg) { c.NoSyncOnConnect = true })
	a, b := nodes[0], nodes[1]
	feed := prototest.NewFeed(prototest.Key("digest-gappy"))
	var recs []protocol.Signed
	for i := range 5 {
		recs = append(recs, feed.MustAdd(orgBody(i)))
	}
	if _, err := a.store.PutBatch(ctx, []protocol.Signed{recs[0], recs[1], recs[3], recs[4]}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.PutBatch(ctx, recs[:2]); err != nil {
		t.Fatal(err)
	}
	connect(t, b, a)
	if _, err := b.syncWith(ctx, a.ID(), &syncJob{full: true}); err != nil {
		t.Fatal(err)
	}
	if !has(t, b, recs[3].CID) || !has(t, b, recs[4].CID) {
		t.Fatal("b did not get the records beyond the peer's gap: the digest took equal heads for equal stores")
	}
}

// TestSyncDigestSeesOtherRecordsBeyondAGap: both hold a feed up to seq 2
// and one record beyond it, a seq 4 and the other seq 5: heads and record
// counts are the same, the records are not, and each sync fetches the
// other's.
func TestSyncDigestSeesOtherRecordsBeyondAGap(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "digestgap2", 2, func(_ int, c *testCfg) { c.NoSyncOnConnect = true })
	a, b := nodes[0], nodes[1]
	feed := prototest.NewFeed(prototest.Key("digest-gappy-2"))
	var recs []protocol.Signed
	for i := range 5 {
		recs = append(recs, feed.MustAdd(orgBody(i)))
	}
	if _, err := a.store.PutBatch(ctx, []protocol.Signed{recs[0], recs[1], recs[3]}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.store.PutBatch(ctx, []protocol.Signed{recs[0], recs[1], recs[4]}); err != nil {
		t.Fatal(err)
	}
	connect(t, b, a)
	if _, err := b.syncWith(ctx, a.ID(), &syncJob{full: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.syncWith(ctx, b.ID(), &syncJob{full: true}); err != nil {
		t.Fatal(err)
	}
	if !has(t, b, recs[3].CID) || !has(t, a, recs[4].CID) {
		t.Fatal("a record beyond a gap stayed on one node: equal heads and counts were taken for equal stores")
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
