package p2p

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// verdict is what the node makes of record bytes from a peer. It maps onto
// pubsub's Accept, Ignore and Reject, and sync and fetch use it the same way.
type verdict int

const (
	// accept: a verified record the node did not have. Store and forward.
	accept verdict = iota
	// ignore: a record the node already has, one in a format version it
	// cannot read (from a newer peer), or one it could not check because of a
	// local failure. Not stored, not forwarded, no penalty for the sender.
	ignore
	// reject: bytes that can never be a valid record (too large,
	// malformed, a broken rule, a bad signature, a date absurdly far
	// ahead). The sender is penalised.
	reject
	// hold: a verified record dated ahead of this node's clock
	// (protocol.CheckTime says Early). Not stored, not forwarded, no
	// penalty: the caller holds it until its time (hold.go).
	hold
)

// errTooEarly marks an ignore for a record dated too far ahead of this
// node's clock to be held (protocol.CheckTime says TooEarly): sync brings
// it again once its time is near.
var errTooEarly = errors.New("dated too far ahead to hold")

func (v verdict) String() string {
	switch v {
	case accept:
		return "accept"
	case ignore:
		return "ignore"
	case hold:
		return "hold"
	}
	return "reject"
}

// examine is the one check every record from a peer goes through, whether
// it came by gossip, sync or fetch: the size bound, a duplicate check (the
// store and the records held), protocol.Open (strict decoding, field
// rules, the signature) and protocol.CheckTime (a record dated ahead of
// the clock is held, or left for later, or refused when absurdly far
// ahead). c is the record's CID when the caller has computed it already,
// or zero.
//
// Feed order is deliberately not checked here. A record whose predecessor
// is missing is stored (the store keeps the contiguous head apart from
// records beyond a gap) and the gap is filled by a sync with the sender. A
// record whose prev link or time contradicts the stored predecessor is the
// author's fault, not the sender's: an honest peer relaying one half of an
// equivocation must not be penalised, and the record is kept as evidence.
//
// An authentic record of a newer format version (an ignore with an error
// wrapping protocol.ErrNewerVersion) means a newer peer, not a misbehaving
// one: this node is behind. examine keeps it, unjudged, for the release
// that can judge it; it is not passed on.
func (e *Engine) examine(ctx context.Context, data []byte, c protocol.CID) (protocol.Signed, verdict, error) {
	rec, v, err := e.examineRecord(ctx, data, c)
	if v == ignore && errors.Is(err, protocol.ErrNewerVersion) {
		if c.IsZero() {
			c = protocol.ComputeCID(data)
		}
		if _, perr := e.store.PutPending(ctx, c, data); perr != nil {
			e.log.Debug("keep a record of a newer version", "cid", c, "err", perr)
		}
	}
	e.metrics.count(v, err)
	return rec, v, err
}

// examineRecord is examine's check without its effects: it reads the store
// but writes nothing and counts nothing but the signatures it checks, so Take can judge a whole lot
// before it keeps any of it. A record of a newer format version is an
// ignore with an error wrapping protocol.ErrNewerVersion; a record the
// store holds already is an ignore without an error; an ignore with any
// other error is a local failure.
func (e *Engine) examineRecord(ctx context.Context, data []byte, c protocol.CID) (protocol.Signed, verdict, error) {
	recs, vs, errs := e.examineRecords(ctx, [][]byte{data}, []protocol.CID{c})
	return recs[0], vs[0], errs[0]
}

// examineAll is examine for many records at once (a sync page): each gets
// the same check and the same effects, and the signatures are checked in
// batches on every core.
func (e *Engine) examineAll(ctx context.Context, datas [][]byte) ([]protocol.Signed, []verdict, []error) {
	recs, vs, errs := e.examineRecords(ctx, datas, nil)
	for i, data := range datas {
		if vs[i] == ignore && errors.Is(errs[i], protocol.ErrNewerVersion) {
			if _, perr := e.store.PutPending(ctx, protocol.ComputeCID(data), data); perr != nil {
				e.log.Debug("keep a record of a newer version", "err", perr)
			}
		}
		e.metrics.count(vs[i], errs[i])
	}
	return recs, vs, errs
}

// examineRecords is examineRecord for many records: cids[i], when given
// and not zero, is datas[i]'s CID, already computed. The records the store
// does not hold are opened together (protocol.OpenAll: the same answer as
// protocol.Open for each, the signatures checked in batches on every core).
func (e *Engine) examineRecords(ctx context.Context, datas [][]byte, cids []protocol.CID) ([]protocol.Signed, []verdict, []error) {
	recs, vs, errs := make([]protocol.Signed, len(datas)), make([]verdict, len(datas)), make([]error, len(datas))
	var open [][]byte
	var at []int
	for i, data := range datas {
		if len(data) > protocol.MaxRecordSize {
			vs[i], errs[i] = reject, fmt.Errorf("record of %d bytes: %w", len(data), protocol.ErrTooLarge)
			continue
		}
		var c protocol.CID
		if i < len(cids) {
			c = cids[i]
		}
		if c.IsZero() {
			c = protocol.ComputeCID(data)
		}
		has, err := e.store.Has(ctx, c)
		if err != nil {
			vs[i], errs[i] = ignore, fmt.Errorf("check store for %s: %w", c, err)
			continue
		}
		if has || e.held.has(c) {
			vs[i] = ignore
			continue
		}
		open = append(open, data)
		at = append(at, i)
	}
	opened, oerrs := protocol.OpenAll(open)
	e.metrics.verified.Add(float64(len(open)))
	for k, i := range at {
		switch err := oerrs[k]; {
		case errors.Is(err, protocol.ErrNewerVersion):
			vs[i], errs[i] = ignore, err
		case err != nil:
			vs[i], errs[i] = reject, err
		default:
			recs[i], vs[i] = opened[k], accept
			// The one rule for records dated ahead of the clock.
			switch when, terr := protocol.CheckTime(opened[k].Time, e.cfg.Now()); when {
			case protocol.Early:
				vs[i], errs[i] = hold, terr
			case protocol.TooEarly:
				recs[i], vs[i], errs[i] = protocol.Signed{}, ignore, fmt.Errorf("%w: %w", errTooEarly, terr)
			case protocol.Refused:
				recs[i], vs[i], errs[i] = protocol.Signed{}, reject, terr
			}
		}
	}
	return recs, vs, errs
}

// stored counts what storeRecords did with records.
type stored struct {
	added int // new records
	forks int // records that are the second at a seq of their feed (kept as evidence)
	known int // records the store already held
}

// storeRecords stores verified records from peers (Buffered durability),
// emits an event for each new record and each fork, and counts the new
// records, the forks and the records already held (a new record that
// starts a fork counts as new and as a fork). When gossiped is set, a
// record stored ahead of its predecessor makes the node sync that author's
// feed from the sender if the gap has not closed by itself after gapDelay.
// Fork evidence that arrived other than by gossip is gossiped on, so that
// every node learns of the fork at once.
func (e *Engine) storeRecords(ctx context.Context, recs []protocol.Signed, from peer.ID, gossiped bool) (stored, error) {
	var st stored
	if len(recs) == 0 {
		return st, nil
	}
	results, err := e.store.PutBatch(ctx, recs)
	if err != nil {
		return st, fmt.Errorf("store %d records: %w", len(recs), err)
	}
	var fresh []protocol.Signed
	since := e.cfg.Now().Add(-passOnWithin).UnixMilli()
	for i, r := range results {
		if r.Fork != nil {
			st.forks++
		}
		if e.afterStore(ctx, recs[i], r, from, gossiped) {
			st.added++
			if !gossiped && recs[i].Time >= since {
				fresh = append(fresh, recs[i])
			}
		} else if r.Fork == nil {
			st.known++
		}
	}
	e.passOn(fresh)
	return st, nil
}

// passOnWithin is how recent a record learnt by sync or fetch must be for
// the node to gossip it on.
const passOnWithin = 24 * time.Hour

// passOn gossips recent records this node learnt by sync or fetch rather
// than by gossip. Sync only pulls, so without this a record written while
// its author was offline (or before the gossip mesh formed) would reach a
// third node only at that node's next periodic sync. Peers that have a
// record already ignore it by its message ID; older records are left to
// sync, so a node catching up on history does not flood the network.
func (e *Engine) passOn(recs []protocol.Signed) {
	if len(recs) == 0 {
		return
	}
	e.spawn(func() {
		for _, rec := range recs {
			ctx, cancel := context.WithTimeout(e.ctx, 10*time.Second)
			err := e.gossip(ctx, rec)
			cancel()
			if err != nil {
				if e.ctx.Err() == nil {
					e.log.Debug("pass on synced record", "cid", rec.CID, "err", err)
				}
				return
			}
		}
	})
}

// afterStore does what follows storing one record, and reports whether it
// was new.
func (e *Engine) afterStore(ctx context.Context, rec protocol.Signed, r storage.PutResult, from peer.ID, gossiped bool) bool {
	if r.Added {
		e.events.Stored(rec)
		if gossiped && rec.Seq > 1 {
			e.checkGap(ctx, rec, from)
		}
	}
	if r.Fork != nil {
		e.emitFork(*r.Fork)
		if !gossiped {
			e.spawnGossip(rec)
		}
	}
	return r.Added
}

// gossipWrite is a record from gossip waiting to be stored.
type gossipWrite struct {
	rec  protocol.Signed
	from peer.ID
}

// maxGroupCommit is the most gossip records stored in one transaction.
const maxGroupCommit = 256

// storeGossip hands a verified record from gossip to the group committer.
// It waits only while the committer's queue is full, which slows gossip
// validation to the store's pace instead of dropping records.
func (e *Engine) storeGossip(ctx context.Context, rec protocol.Signed, from peer.ID) error {
	select {
	case e.writes <- gossipWrite{rec: rec, from: from}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-e.ctx.Done():
		return e.ctx.Err()
	}
}

// commitGossip is the group committer: records validated concurrently are
// stored together in one PutBatch, so a burst costs one transaction per
// batch instead of one per record, and an idle node adds no delay. The
// validator does not wait for the commit: a verified record is forwarded
// while it is being stored, which keeps the store off the path of every
// hop. A record that fails to store (a local fault) is logged and comes
// back by sync.
func (e *Engine) commitGossip() {
	batch := make([]gossipWrite, 0, maxGroupCommit)
	recs := make([]protocol.Signed, 0, maxGroupCommit)
	for {
		batch, recs = batch[:0], recs[:0]
		select {
		case w := <-e.writes:
			batch = append(batch, w)
		case <-e.ctx.Done():
			return
		}
	more:
		for len(batch) < maxGroupCommit {
			select {
			case w := <-e.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		for _, w := range batch {
			recs = append(recs, w.rec)
		}
		results, err := e.store.PutBatch(e.ctx, recs)
		if err != nil && e.ctx.Err() == nil {
			e.log.Warn("gossip: store records", "records", len(recs), "stored", len(results), "err", err)
		}
		for i, r := range results {
			e.afterStore(e.ctx, batch[i].rec, r, batch[i].from, true)
		}
	}
}

// checkGap notes a record whose predecessor is missing; if the gap is still
// open after gapDelay, the node syncs the author's feed from the sender.
func (e *Engine) checkGap(ctx context.Context, rec protocol.Signed, from peer.ID) {
	if from == "" || from == e.host.ID() {
		return
	}
	if _, err := e.store.FeedAt(ctx, rec.Author, rec.Seq-1); errors.Is(err, storage.ErrNotFound) {
		e.syncer.noteGap(from, rec.Author, rec.Seq)
	}
}

func (e *Engine) emitFork(f storage.Fork) {
	e.log.Warn("fork found: an author signed two records at one seq", "author", f.Author.Short(), "seq", f.Seq)
	e.events.Forked(f)
}
