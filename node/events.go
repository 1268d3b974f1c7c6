package node

import (
	"context"
	"sync"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// hub hands events to watchers without ever blocking the node. Each watcher
// has a bounded queue of api.WatchBuffer events and its own goroutine that
// moves them to the watcher's channel. A sync progress event replaces an
// undelivered one for the same peer at the tail of the queue; when the queue
// is still full, the oldest event is dropped and counted, and the watcher is
// told how many were lost (api.EventDropped) before the next event.
type hub struct {
	ctx context.Context
	now func() time.Time

	mu       sync.Mutex
	watchers map[*watcher]struct{}
	closed   bool
	wg       sync.WaitGroup
}

type watcher struct {
	mu      sync.Mutex
	queue   []api.Event
	dropped int
	wake    chan struct{} // one token: the queue is not empty
}

func newHub(ctx context.Context, now func() time.Time) *hub {
	return &hub{ctx: ctx, now: now, watchers: map[*watcher]struct{}{}}
}

// watch adds a watcher that lasts until ctx or the hub ends. It returns
// false when the hub is closed.
func (h *hub) watch(ctx context.Context) (<-chan api.Event, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, false
	}
	w := &watcher{wake: make(chan struct{}, 1)}
	h.watchers[w] = struct{}{}
	out := make(chan api.Event)
	h.wg.Add(1)
	go h.deliver(ctx, w, out)
	return out, true
}

// deliver moves w's queue to out until ctx or the hub ends, then removes w
// and closes out.
func (h *hub) deliver(ctx context.Context, w *watcher, out chan<- api.Event) {
	defer h.wg.Done()
	defer func() {
		h.mu.Lock()
		delete(h.watchers, w)
		h.mu.Unlock()
		close(out)
	}()
	for {
		ev, ok := w.pop(h.now)
		if !ok {
			select {
			case <-w.wake:
				continue
			case <-ctx.Done():
				return
			case <-h.ctx.Done():
				return
			}
		}
		select {
		case out <- ev:
		case <-ctx.Done():
			return
		case <-h.ctx.Done():
			return
		}
	}
}

// pop takes the next event, or an EventDropped first when events were lost.
func (w *watcher) pop(now func() time.Time) (api.Event, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.dropped > 0 {
		ev := api.Event{Kind: api.EventDropped, Time: now(), Dropped: w.dropped}
		w.dropped = 0
		return ev, true
	}
	if len(w.queue) == 0 {
		return api.Event{}, false
	}
	ev := w.queue[0]
	w.queue[0] = api.Event{}
	w.queue = w.queue[1:]
	return ev, true
}

func (w *watcher) push(ev api.Event) {
	w.mu.Lock()
	if ev.Kind == api.EventSyncProgress && len(w.queue) > 0 {
		last := &w.queue[len(w.queue)-1]
		if last.Kind == api.EventSyncProgress && last.Sync.Peer == ev.Sync.Peer {
			*last = ev
			w.mu.Unlock()
			return
		}
	}
	if len(w.queue) >= api.WatchBuffer {
		w.queue[0] = api.Event{}
		w.queue = w.queue[1:]
		w.dropped++
	}
	w.queue = append(w.queue, ev)
	w.mu.Unlock()
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// emit sends ev to every watcher. It never blocks on a watcher.
func (h *hub) emit(ev api.Event) {
	if ev.Time.IsZero() {
		ev.Time = h.now()
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return
	}
	for w := range h.watchers {
		w.push(ev)
	}
}

// close stops accepting watchers and waits for their goroutines, which end
// with the hub's context (cancelled before close is called), closing their
// channels.
func (h *hub) close() {
	h.mu.Lock()
	h.closed = true
	h.mu.Unlock()
	h.wg.Wait()
}

// netEvents turns what the network engine reports into events for
// watchers.
type netEvents struct{ n *Node }

func (e netEvents) Stored(rec protocol.Signed) { e.n.emitRecord(rec, false) }

func (e netEvents) Forked(f storage.Fork) { e.n.emitFork(f) }

func (e netEvents) PeerJoined(id string, via p2p.Via) {
	e.n.events.emit(api.Event{Kind: api.EventPeerJoined, Peer: id, Via: api.Via(via)})
}

func (e netEvents) PeerLeft(id string) {
	e.n.events.emit(api.Event{Kind: api.EventPeerLeft, Peer: id})
}

func (e netEvents) Synced(p p2p.SyncProgress) {
	e.n.events.emit(api.Event{Kind: api.EventSyncProgress, Sync: api.SyncProgress(p)})
}

func (n *Node) emitRecord(rec protocol.Signed, local bool) {
	n.events.emit(api.Event{
		Kind: api.EventRecordAdded, CID: rec.CID, Type: rec.Type(),
		Author: rec.Author, Seq: rec.Seq, Local: local,
	})
}

func (n *Node) emitFork(f storage.Fork) {
	n.events.emit(api.Event{Kind: api.EventForkFound, Fork: apiFork(f)})
}

func apiFork(f storage.Fork) api.Fork {
	return api.Fork{Author: f.Author, Seq: f.Seq, CIDs: append([]protocol.CID(nil), f.CIDs...)}
}
