package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/node/api"
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
	// malformed, a broken rule, a bad signature). The sender is penalised.
	reject
)

func (v verdict) String() string {
	switch v {
	case accept:
		return "accept"
	case ignore:
		return "ignore"
	}
	return "reject"
}

// examine is the one check every record from a peer goes through, whether
// it came by gossip, sync or fetch: the size bound, a duplicate check, and
// protocol.Open (strict decoding, field rules, the signature). c is the
// record's CID when the caller has computed it already, or zero.
//
// Feed order is deliberately not checked here. A record whose predecessor
// is missing is stored (the store keeps the contiguous head apart from
// records beyond a gap) and the gap is filled by a sync with the sender. A
// record whose prev link or time contradicts the stored predecessor is the
// author's fault, not the sender's: an honest peer relaying one half of an
// equivocation must not be penalised, and the record is kept as evidence.
func (n *Node) examine(ctx context.Context, data []byte, c protocol.CID) (protocol.Signed, verdict, error) {
	rec, v, err := n.examineRecord(ctx, data, c)
	n.metrics.count(v, err)
	return rec, v, err
}

func (n *Node) examineRecord(ctx context.Context, data []byte, c protocol.CID) (protocol.Signed, verdict, error) {
	if len(data) > protocol.MaxRecordSize {
		return protocol.Signed{}, reject, fmt.Errorf("record of %d bytes: %w", len(data), protocol.ErrTooLarge)
	}
	if c.IsZero() {
		c = protocol.ComputeCID(data)
	}
	has, err := n.store.Has(ctx, c)
	if err != nil {
		return protocol.Signed{}, ignore, fmt.Errorf("check store for %s: %w", c, err)
	}
	if has {
		return protocol.Signed{}, ignore, nil
	}
	rec, err := protocol.Open(data)
	if err != nil {
		var fe *protocol.FieldError
		if errors.As(err, &fe) && fe.Field == "v" {
			// Another format version: a newer peer is not
			// misbehaving, this node is behind.
			return protocol.Signed{}, ignore, err
		}
		return protocol.Signed{}, reject, err
	}
	return rec, accept, nil
}

// storeRecords stores verified records from peers (Buffered durability),
// emits an event for each new record and each fork, and reports how many
// were new. When gossiped is set, a record stored ahead of its
// predecessor makes the node sync that author's feed from the sender if the
// gap has not closed by itself after gapDelay. Fork evidence that arrived
// other than by gossip is gossiped on, so that every node learns of the
// fork at once.
func (n *Node) storeRecords(ctx context.Context, recs []protocol.Signed, from peer.ID, gossiped bool) (int, error) {
	if len(recs) == 0 {
		return 0, nil
	}
	results, err := n.store.PutBatch(ctx, recs)
	if err != nil {
		return 0, fmt.Errorf("store %d records: %w", len(recs), err)
	}
	added := 0
	var fresh []protocol.Signed
	since := n.cfg.Now().Add(-passOnWithin).UnixMilli()
	for i, r := range results {
		if n.afterStore(ctx, recs[i], r, from, gossiped) {
			added++
			if !gossiped && recs[i].Time >= since {
				fresh = append(fresh, recs[i])
			}
		}
	}
	n.passOn(fresh)
	return added, nil
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
func (n *Node) passOn(recs []protocol.Signed) {
	if len(recs) == 0 {
		return
	}
	n.spawn(func() {
		for _, rec := range recs {
			ctx, cancel := context.WithTimeout(n.ctx, 10*time.Second)
			err := n.gossip(ctx, rec)
			cancel()
			if err != nil {
				if n.ctx.Err() == nil {
					n.log.Debug("pass on synced record", "cid", rec.CID, "err", err)
				}
				return
			}
		}
	})
}

// afterStore does what follows storing one record, and reports whether it
// was new.
func (n *Node) afterStore(ctx context.Context, rec protocol.Signed, r storage.PutResult, from peer.ID, gossiped bool) bool {
	if r.Added {
		n.emitRecord(rec, false)
		if n.cfg.onStored != nil {
			n.cfg.onStored(rec)
		}
		if gossiped && rec.Seq > 1 {
			n.checkGap(ctx, rec, from)
		}
	}
	if r.Fork != nil {
		n.emitFork(*r.Fork)
		if !gossiped {
			n.spawnGossip(rec)
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
func (n *Node) storeGossip(ctx context.Context, rec protocol.Signed, from peer.ID) error {
	select {
	case n.writes <- gossipWrite{rec: rec, from: from}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-n.ctx.Done():
		return n.ctx.Err()
	}
}

// commitGossip is the group committer: records validated concurrently are
// stored together in one PutBatch, so a burst costs one transaction per
// batch instead of one per record, and an idle node adds no delay. The
// validator does not wait for the commit: a verified record is forwarded
// while it is being stored, which keeps the store off the path of every
// hop. A record that fails to store (a local fault) is logged and comes
// back by sync.
func (n *Node) commitGossip() {
	batch := make([]gossipWrite, 0, maxGroupCommit)
	recs := make([]protocol.Signed, 0, maxGroupCommit)
	for {
		batch, recs = batch[:0], recs[:0]
		select {
		case w := <-n.writes:
			batch = append(batch, w)
		case <-n.ctx.Done():
			return
		}
	more:
		for len(batch) < maxGroupCommit {
			select {
			case w := <-n.writes:
				batch = append(batch, w)
			default:
				break more
			}
		}
		for _, w := range batch {
			recs = append(recs, w.rec)
		}
		results, err := n.store.PutBatch(n.ctx, recs)
		if err != nil && n.ctx.Err() == nil {
			n.log.Warn("gossip: store records", "records", len(recs), "stored", len(results), "err", err)
		}
		for i, r := range results {
			n.afterStore(n.ctx, batch[i].rec, r, batch[i].from, true)
		}
	}
}

// checkGap notes a record whose predecessor is missing; if the gap is still
// open after gapDelay, the node syncs the author's feed from the sender.
func (n *Node) checkGap(ctx context.Context, rec protocol.Signed, from peer.ID) {
	if from == "" || from == n.host.ID() {
		return
	}
	if _, err := n.store.FeedAt(ctx, rec.Author, rec.Seq-1); errors.Is(err, storage.ErrNotFound) {
		n.syncer.noteGap(from, rec.Author, rec.Seq)
	}
}

func (n *Node) emitRecord(rec protocol.Signed, local bool) {
	n.events.emit(api.Event{
		Kind: api.EventRecordAdded, CID: rec.CID, Type: rec.Type(),
		Author: rec.Author, Seq: rec.Seq, Local: local,
	})
}

func (n *Node) emitFork(f storage.Fork) {
	n.log.Warn("fork found: an author signed two records at one seq", "author", f.Author.Short(), "seq", f.Seq)
	n.events.emit(api.Event{Kind: api.EventForkFound, Fork: apiFork(f)})
}

func apiFork(f storage.Fork) api.Fork {
	return api.Fork{Author: f.Author, Seq: f.Seq, CIDs: append([]protocol.CID(nil), f.CIDs...)}
}
