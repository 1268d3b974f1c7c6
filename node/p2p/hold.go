package p2p

import (
	"cmp"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
)

// Records dated ahead of this node's clock (protocol.CheckTime says Early)
// are held: kept in memory, not stored, not passed on, and not held
// against the peer that sent them, since clocks differ. Once the clock
// reaches a record's time less protocol.ClockAhead it is taken as if it
// had just arrived: stored, announced to the node's watchers, and passed
// on by gossip. The holding area is bounded in records and bytes, and
// fair: each peer may fill only its share, so one peer dating records
// ahead cannot push out another's.
const (
	maxHeld          = 4096     // records held at once
	maxHeldBytes     = 16 << 20 // bytes of them
	maxHeldPerPeer   = 512      // records one peer may have held
	maxHeldPeerBytes = 2 << 20  // bytes one peer may have held
	holdTick         = 500 * time.Millisecond
)

// heldRecord is a record waiting for its time.
type heldRecord struct {
	rec  protocol.Signed
	from peer.ID // "" for a record from a file (Take)
}

// holding is the holding area. Its methods are safe for concurrent use.
type holding struct {
	mu    sync.Mutex
	recs  map[protocol.CID]heldRecord
	count map[peer.ID]int // records held, by the peer they came from
	bytes map[peer.ID]int // their bytes
	total int             // bytes of every record held
}

// holdResult says what add did.
type holdResult int

const (
	holdAdded holdResult = iota // held
	holdKnown                   // held already
	holdFull                    // not held: the peer's share or the whole area is full
)

// add holds rec, which came from p, unless it is held already or p's
// share is full. When the whole area is full, the record of the peer
// holding the most that is dated furthest ahead makes room, unless that
// peer is p.
func (h *holding) add(rec protocol.Signed, p peer.ID) holdResult {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.recs == nil {
		h.recs, h.count, h.bytes = map[protocol.CID]heldRecord{}, map[peer.ID]int{}, map[peer.ID]int{}
	}
	if _, ok := h.recs[rec.CID]; ok {
		return holdKnown
	}
	size := len(rec.Bytes)
	if h.count[p] >= maxHeldPerPeer || h.bytes[p]+size > maxHeldPeerBytes {
		return holdFull
	}
	for len(h.recs) >= maxHeld || h.total+size > maxHeldBytes {
		if !h.evictFromLargest(p) {
			return holdFull
		}
	}
	h.recs[rec.CID] = heldRecord{rec: rec, from: p}
	h.count[p]++
	h.bytes[p] += size
	h.total += size
	return holdAdded
}

// evictFromLargest drops the record dated furthest ahead of the peer
// holding the most records, if that is not p.
func (h *holding) evictFromLargest(p peer.ID) bool {
	var top peer.ID
	for q, n := range h.count {
		if n > h.count[top] || (n == h.count[top] && q < top) {
			top = q
		}
	}
	if top == p || h.count[top] == 0 {
		return false
	}
	var last protocol.CID
	var lastTime int64
	for c, r := range h.recs {
		if r.from == top && (last.IsZero() || r.rec.Time > lastTime) {
			last, lastTime = c, r.rec.Time
		}
	}
	h.drop(last)
	return true
}

func (h *holding) drop(c protocol.CID) {
	r := h.recs[c]
	delete(h.recs, c)
	h.count[r.from]--
	h.bytes[r.from] -= len(r.rec.Bytes)
	h.total -= len(r.rec.Bytes)
	if h.count[r.from] == 0 {
		delete(h.count, r.from)
		delete(h.bytes, r.from)
	}
}

// has reports whether c is held.
func (h *holding) has(c protocol.CID) bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	_, ok := h.recs[c]
	return ok
}

// len returns how many records are held, and their bytes.
func (h *holding) len() (int, int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.recs), h.total
}

// due removes and returns the records whose time has come by now, in
// order of time.
func (h *holding) due(now time.Time) []heldRecord {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []heldRecord
	for c, r := range h.recs {
		if t, _ := protocol.CheckTime(r.rec.Time, now); t == protocol.OnTime {
			out = append(out, r)
			h.drop(c)
		}
	}
	slices.SortFunc(out, func(a, b heldRecord) int { return cmp.Compare(a.rec.Time, b.rec.Time) })
	return out
}

// hold keeps a record dated ahead of the clock, from p, until its time.
func (e *Engine) hold(rec protocol.Signed, p peer.ID) {
	switch e.held.add(rec, p) {
	case holdAdded:
		e.log.Debug("hold a record dated ahead of this node's clock", "cid", rec.CID, "time", time.UnixMilli(rec.Time), "from", p)
	case holdFull:
		e.log.Debug("not held, the holding area is full: sync brings it again", "cid", rec.CID, "from", p)
	}
}

// releaseHeld takes the held records whose time has come, every holdTick,
// until the engine closes: stored, announced and passed on, as records
// learnt by sync are.
func (e *Engine) releaseHeld() {
	t := time.NewTicker(holdTick)
	defer t.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		due := e.held.due(e.cfg.Now())
		if len(due) == 0 {
			continue
		}
		recs := make([]protocol.Signed, len(due))
		for i, r := range due {
			recs[i] = r.rec
		}
		if _, err := e.storeRecords(e.ctx, recs, "", false); err != nil && e.ctx.Err() == nil {
			e.log.Warn("store records whose time has come", "records", len(recs), "err", err)
		}
	}
}
