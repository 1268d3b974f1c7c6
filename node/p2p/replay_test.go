package p2p

import (
	"bufio"
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestReplayer: a peer replays old valid records the node holds, by gossip
// and by sync. They are ignored at no cost: none is opened (the node's
// count of signature checks does not move), none is written, none is
// reported as new, and the peer is not penalised.
func TestReplayer(t *testing.T) {
	ctx := context.Background()
	count := scaled(200, 2000)
	cfg := testConfig(t, "replayed")
	cfg.NoSyncOnConnect = true
	victim := startNode(t, cfg)
	feed := prototest.NewFeed(prototest.Key("replayed-author"))
	var old []protocol.Signed
	for i := range count {
		old = append(old, feed.MustAdd(orgBody(i)))
	}
	// Stored straight into the store, so gossip's own cache of messages
	// seen has none of them: every replay reaches the validator.
	if _, err := victim.store.PutBatch(ctx, old); err != nil {
		t.Fatal(err)
	}
	events := watch(t, victim)
	before, err := victim.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	verified := func() float64 { return counterValue(t, victim.metrics.verified) }
	ignored := func() float64 { return counterValue(t, victim.metrics.checked.WithLabelValues("ignored")) }
	v0, i0 := verified(), ignored()

	evil := newEvilHost(t, victim.protos, nil)
	evil.h.SetStreamHandler(victim.protos.sync, func(s network.Stream) {
		defer s.Close()
		var req syncRequest
		if err := newFrameReader(s).nextCBOR(frameSyncRequest, &req); err != nil {
			s.Reset()
			return
		}
		w := bufio.NewWriter(s)
		_ = writeCBOR(w, frameSummary, &syncSummary{Expected: int64(len(old))})
		for _, rec := range old[:min(len(old), req.Limit+maxFetch)] {
			_ = writeFrame(w, frameRecord, rec.Bytes)
		}
		_ = writeCBOR(w, frameSyncEnd, &syncEnd{})
		_ = w.Flush()
	})
	if err := evil.h.Connect(ctx, peer.AddrInfo{ID: victim.ID(), Addrs: victim.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the replayer and the node see each other on the topic", func() bool {
		return slices.Contains(evil.topic.ListPeers(), victim.ID()) && slices.Contains(victim.topic.ListPeers(), evil.h.ID())
	})
	for _, rec := range old {
		if err := evil.topic.Publish(ctx, rec.Bytes); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the node judges every replayed gossip message", func() bool { return ignored()-i0 >= float64(count) })
	bySync := min(len(old), victim.cfg.Limits.SyncPage+maxFetch)
	st, err := victim.SyncWith(ctx, evil.h.ID())
	if err != nil {
		t.Fatalf("sync with the replayer: %v", err)
	}
	if st.Records != bySync || st.Added != 0 {
		t.Errorf("sync received %d records and added %d; want %d and none", st.Records, st.Added, bySync)
	}

	if got := ignored() - i0; got != float64(count+bySync) {
		t.Errorf("%v replayed records ignored, want %d", got, count+bySync)
	}
	if got := verified() - v0; got != 0 {
		t.Errorf("%v replayed records were opened (decoded and signature-checked); want none", got)
	}
	after, err := victim.store.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(after, before) {
		t.Errorf("the store's counts went from %+v to %+v", before, after)
	}
	select {
	case ev := <-events:
		if rec, ok := ev.(protocol.Signed); ok {
			t.Errorf("a replayed record was reported as new: %s", rec.CID)
		}
	default:
	}
	if pen, why := victim.scores.penaltyOf(evil.h.ID(), time.Now()); pen != 0 {
		t.Errorf("the replayer was penalised %v: %q", pen, why)
	}
	if s := freshScore(t, victim, evil.h.ID()); s < 0 {
		t.Errorf("the replayer's gossip score is %v", s)
	}
	t.Logf("replay: %d old records by gossip and %d by sync, %d ignored, %d opened, 0 written, no penalty", count, bySync, int(ignored()-i0), int(verified()-v0))
}
