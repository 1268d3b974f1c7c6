package node

import (
	"context"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// TestWatchNeverBlocks: a watcher that does not read loses the oldest
// events, never holds up emit, and is told how many it lost.
func TestWatchNeverBlocks(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	h := newHub(ctx, time.Now)
	ch, ok := h.watch(ctx)
	if !ok {
		t.Fatal("watch refused")
	}
	const extra = 10
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := range api.WatchBuffer + extra {
			h.emit(api.Event{Kind: api.EventRecordAdded, Seq: uint64(i)})
		}
	}()
	select {
	case <-done:
	case <-time.After(testTimeout):
		t.Fatal("emit blocked on a watcher that does not read")
	}
	var first api.Event
	for first = range ch {
		if first.Kind == api.EventRecordAdded || first.Kind == api.EventDropped {
			break
		}
	}
	// The deliver goroutine may have taken the first event before the
	// queue overflowed; after it, either the drop notice or the next
	// kept event comes.
	if first.Kind == api.EventRecordAdded && first.Seq != 0 {
		t.Fatalf("first event seq %d; want the oldest or a drop notice", first.Seq)
	}
	sawDrop := first.Kind == api.EventDropped
	var last api.Event
	for ev := range ch {
		if ev.Kind == api.EventDropped {
			sawDrop = true
			continue
		}
		last = ev
		if ev.Seq == api.WatchBuffer+extra-1 {
			break
		}
	}
	if !sawDrop {
		t.Error("no EventDropped after the buffer overflowed")
	}
	if last.Seq != api.WatchBuffer+extra-1 {
		t.Errorf("last event seq %d, want %d", last.Seq, api.WatchBuffer+extra-1)
	}
}

func TestWatchMergesSyncProgress(t *testing.T) {
	w := &watcher{wake: make(chan struct{}, 1)}
	w.push(api.Event{Kind: api.EventSyncProgress, Sync: api.SyncProgress{Peer: "a", Fetched: 1}})
	w.push(api.Event{Kind: api.EventSyncProgress, Sync: api.SyncProgress{Peer: "a", Fetched: 2}})
	w.push(api.Event{Kind: api.EventSyncProgress, Sync: api.SyncProgress{Peer: "b", Fetched: 5}})
	w.push(api.Event{Kind: api.EventRecordAdded, CID: protocol.ComputeCID([]byte("x"))})
	if len(w.queue) != 3 || w.queue[0].Sync.Fetched != 2 {
		t.Fatalf("queue %+v; want peer a's progress merged into its newest", w.queue)
	}
}

func TestWatchEndsWithContext(t *testing.T) {
	n := startNode(t, testConfig(t, "watcher"))
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := n.Watch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cancel()
	for range ch {
	}
	ch2, err := n.Watch(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	for range ch2 {
	}
	if _, err := n.Watch(context.Background()); err == nil {
		t.Fatal("Watch after Close succeeded")
	}
}
