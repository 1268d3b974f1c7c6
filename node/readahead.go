package node

import (
	"context"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// readAhead is a store source that reads what a verification will ask for
// next while the verification works on what it has. Verification walks a
// batch's ancestry breadth first: from a process record to the records
// that made its inputs and their uses, from a use that is a transfer to
// its receipts. So when a record or a list of uses comes back, the records
// and lists it names are queued, and a few goroutines read them from the
// store. A question already answered ahead takes the answer; one still
// queued is answered at once by the caller itself, never behind the
// queue; one being read waits for that read. The answers are the store's,
// only read earlier, so the report is the one the plain source gives (a
// test compares them over every scenario).
type readAhead struct {
	storeSource
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu     sync.Mutex
	wake   *sync.Cond
	queue  []*ahead
	gets   map[protocol.CID]*ahead
	uses   map[protocol.BatchID]*ahead
	rcpts  map[protocol.CID]*ahead
	seen   map[any]bool // every question queued, so none is read twice
	closed bool
}

// maxAhead bounds the questions queued at once; past it the verification
// asks the store itself.
const maxAhead = 4096

// ahead is one question read ahead.
type ahead struct {
	state atomic.Int32 // aheadQueued, aheadRunning or aheadTaken
	done  chan struct{}
	run   func(ctx context.Context) (any, error)
	v     any
	err   error
}

const (
	aheadQueued int32 = iota
	aheadRunning
	aheadTaken // the caller took it before a reader did, and asks itself
)

// newReadAhead starts reading ahead over s; stop ends it and waits for its
// readers.
func newReadAhead(s storeSource) (r *readAhead, stop func()) {
	r = &readAhead{storeSource: s,
		gets: map[protocol.CID]*ahead{}, uses: map[protocol.BatchID]*ahead{}, rcpts: map[protocol.CID]*ahead{}, seen: map[any]bool{}}
	r.wake = sync.NewCond(&r.mu)
	r.ctx, r.cancel = context.WithCancel(context.Background())
	for range max(1, runtime.GOMAXPROCS(0)) {
		r.wg.Add(1)
		go r.read()
	}
	return r, func() {
		r.cancel()
		r.mu.Lock()
		r.closed = true
		r.wake.Broadcast()
		r.mu.Unlock()
		r.wg.Wait()
	}
}

// read answers queued questions until stopped.
func (r *readAhead) read() {
	defer r.wg.Done()
	for {
		r.mu.Lock()
		for len(r.queue) == 0 && !r.closed {
			r.wake.Wait()
		}
		if r.closed {
			r.mu.Unlock()
			return
		}
		a := r.queue[0]
		r.queue = r.queue[1:]
		r.mu.Unlock()
		if !a.state.CompareAndSwap(aheadQueued, aheadRunning) {
			continue // the verification asked first
		}
		a.v, a.err = a.run(r.ctx)
		close(a.done)
		if a.err == nil {
			r.follow(a.v)
		}
	}
}

// want queues a question unless it was queued before or the queue is full.
func (r *readAhead) want(key any, put func(*ahead), run func(ctx context.Context) (any, error)) {
	if r.seen[key] || len(r.queue) >= maxAhead || r.closed {
		return
	}
	r.seen[key] = true
	a := &ahead{done: make(chan struct{}), run: run}
	put(a)
	r.queue = append(r.queue, a)
	r.wake.Signal()
}

// follow queues what a verification asks for after an answer v.
func (r *readAhead) follow(v any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch v := v.(type) {
	case protocol.Signed:
		switch b := v.Body.(type) {
		case *protocol.Process:
			if b.Place != nil {
				r.wantGet(*b.Place)
			}
			for _, in := range b.In {
				r.wantGet(in.Batch.Record)
				r.wantUses(in.Batch)
			}
		case *protocol.Origin:
			for _, p := range b.Places {
				r.wantGet(p)
			}
		case *protocol.Transfer:
			r.wantReceipts(v.CID)
		}
	case []provenance.Use:
		for _, u := range v {
			r.wantGet(u.Record)
			if u.Type == protocol.TypeTransfer {
				r.wantReceipts(u.Record)
			}
		}
	case []protocol.CID: // receipts
		for _, c := range v {
			r.wantGet(c)
		}
	}
}

func (r *readAhead) wantGet(c protocol.CID) {
	r.want(c, func(a *ahead) { r.gets[c] = a }, func(ctx context.Context) (any, error) { return r.storeSource.Get(ctx, c) })
}

func (r *readAhead) wantUses(b protocol.BatchID) {
	r.want(b, func(a *ahead) { r.uses[b] = a }, func(ctx context.Context) (any, error) { return r.storeSource.Uses(ctx, b) })
}

type receiptsOf protocol.CID

func (r *readAhead) wantReceipts(c protocol.CID) {
	r.want(receiptsOf(c), func(a *ahead) { r.rcpts[c] = a }, func(ctx context.Context) (any, error) {
		return r.storeSource.Referrers(ctx, c, protocol.TypeReceive)
	})
}

// answer returns the answer read ahead for a question, or asks the store
// with ask when there is none or it is still queued.
func answer[K comparable, T any](ctx context.Context, r *readAhead, m map[K]*ahead, k K, ask func() (T, error)) (T, error) {
	r.mu.Lock()
	a := m[k]
	delete(m, k)
	r.mu.Unlock()
	if a != nil && !a.state.CompareAndSwap(aheadQueued, aheadTaken) {
		select {
		case <-a.done:
			v, _ := a.v.(T)
			return v, a.err
		case <-ctx.Done():
			var zero T
			return zero, ctx.Err()
		}
	}
	v, err := ask()
	if err == nil {
		r.follow(v)
	}
	return v, err
}

func (r *readAhead) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	return answer(ctx, r, r.gets, c, func() (protocol.Signed, error) { return r.storeSource.Get(ctx, c) })
}

func (r *readAhead) Uses(ctx context.Context, b protocol.BatchID) ([]provenance.Use, error) {
	return answer(ctx, r, r.uses, b, func() ([]provenance.Use, error) { return r.storeSource.Uses(ctx, b) })
}

func (r *readAhead) Referrers(ctx context.Context, c protocol.CID, t protocol.Type) ([]protocol.CID, error) {
	if t != protocol.TypeReceive {
		return r.storeSource.Referrers(ctx, c, t)
	}
	return answer(ctx, r, r.rcpts, c, func() ([]protocol.CID, error) { return r.storeSource.Referrers(ctx, c, t) })
}
