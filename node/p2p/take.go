package p2p

import (
	"context"
	"errors"
	"fmt"

	"github.com/jejak/jejak/protocol"
)

// TakeResult says what Take did with records from elsewhere.
type TakeResult struct {
	Added   int // new records stored
	Known   int // records the store already held
	Pending int // authentic records of a newer format, kept unjudged
	Forks   int // records that are the second at a seq of their feed (kept as evidence)
	Held    int // records dated ahead of this node's clock, held until their time
}

// TakeError names the record of a file that Take refused, and why.
type TakeError struct {
	Index int          // its position in what was given
	CID   protocol.CID // its CID, computed from its bytes
	Err   error
}

func (e *TakeError) Error() string {
	return fmt.Sprintf("record %d (%s): %v", e.Index, e.CID.Short(), e.Err)
}

func (e *TakeError) Unwrap() error { return e.Err }

// Take stores records that came from elsewhere than a peer (a CAR file, an
// offline copy) as if a peer had sent them: each goes through the same
// checks as gossip and sync (size, strict decoding, field rules,
// signature, the date), records of a newer format are kept unjudged,
// records dated ahead of the node's clock are held until their time (and
// one dated more than protocol.HoldAhead ahead refuses the lot), and new
// records are announced to the node's watchers. It is all or nothing: a
// record that fails a check refuses the whole lot, with a *TakeError
// naming it, and nothing is stored. Records recent enough are passed on
// to peers, as records learnt by sync are.
func (e *Engine) Take(ctx context.Context, data [][]byte) (TakeResult, error) {
	var res TakeResult
	var recs []protocol.Signed
	type newer struct {
		c    protocol.CID
		data []byte
	}
	var later []newer
	var held []protocol.Signed
	// Each distinct record once, judged together (examineRecords: the
	// signatures in batches), then taken in the order given.
	seen := map[protocol.CID]bool{}
	var uniq [][]byte
	var cids []protocol.CID
	var index []int
	for i, b := range data {
		c := protocol.ComputeCID(b)
		if seen[c] {
			continue
		}
		seen[c] = true
		uniq, cids, index = append(uniq, b), append(cids, c), append(index, i)
	}
	opened, vs, errs := e.examineRecords(ctx, uniq, cids)
	for k, b := range uniq {
		rec, v, err, c := opened[k], vs[k], errs[k], cids[k]
		switch {
		case v == reject, errors.Is(err, errTooEarly):
			return TakeResult{}, &TakeError{index[k], c, err}
		case v == hold:
			held = append(held, rec)
		case errors.Is(err, protocol.ErrNewerVersion):
			later = append(later, newer{c, b})
		case err != nil:
			return TakeResult{}, err
		case v == ignore:
			res.Known++
		default:
			recs = append(recs, rec)
		}
	}
	for _, n := range later {
		added, err := e.store.PutPending(ctx, n.c, n.data)
		if err != nil {
			return TakeResult{}, fmt.Errorf("keep a record of a newer format: %w", err)
		}
		if added {
			res.Pending++
		}
	}
	for _, rec := range held {
		if e.held.add(rec, "") == holdAdded {
			res.Held++
		}
	}
	st, err := e.storeRecords(ctx, recs, "", false)
	if err != nil {
		return res, err
	}
	res.Added, res.Forks, res.Known = st.added, st.forks, res.Known+st.known
	return res, nil
}
