package storage

import (
	"bytes"
	"slices"

	"github.com/jejak/jejak/protocol"
)

// put stores rec and its index entries in the batch, unless the store
// already holds it. A new record gets the next arrival number.
func (b *batch) put(rec protocol.Signed) (PutResult, error) {
	rk := recordKey(rec.CID)
	if ok, err := b.has(rk); err != nil || ok {
		return PutResult{}, err
	}
	b.arrival++
	if err := b.set(rk, recordValue(b.arrival, rec.Bytes)); err != nil {
		return PutResult{}, err
	}
	fork, err := b.index(rec, b.arrival)
	return PutResult{Added: true, Fork: fork}, err
}

// index writes every index entry of one record that arrived as number
// arrival, and counts it. The result does not depend on the order in which
// records are indexed, so Reindex (in CID order) rebuilds exactly what Put
// (in arrival order) built. It returns the fork the record is part of, if
// any.
func (b *batch) index(rec protocol.Signed, arrival uint64) (*Fork, error) {
	a, c := rec.Author, rec.CID.Bytes()
	code := typeCodes[rec.Type()]
	sets := [][2][]byte{{key(pType, []byte{code}, a[:], c)}}
	b.add(keyCountRecords, 1)
	b.add(countTypeKey(code), 1)
	lots := func(out []protocol.Output) {
		for i, o := range out {
			if o.Lot != "" {
				sets = append(sets, [2][]byte{lotKey(a, o.Lot, protocol.BatchID{Record: rec.CID, Index: uint32(i)})})
			}
		}
	}
	switch body := rec.Body.(type) {
	case *protocol.Device:
		sets = append(sets, [2][]byte{key(pDelegation, body.Key[:], c)})
	case *protocol.Endorse:
		sets = append(sets, [2][]byte{key(pEndorse, body.Org[:], c)})
	case *protocol.Revoke:
		if body.Key != nil {
			sets = append(sets, [2][]byte{key(pRevokeKey, body.Key[:], c)})
		}
		if body.Record != nil {
			sets = append(sets, [2][]byte{key(pRevokeRec, body.Record.Bytes(), c)})
		}
	case *protocol.Origin:
		lots(body.Out)
	case *protocol.Process:
		for _, in := range body.In {
			sets = append(sets, [2][]byte{key(pUse, batchBytes(in.Batch), c), useValue(protocol.TypeProcess, a, in.Qty)})
		}
		lots(body.Out)
	case *protocol.Transfer:
		sets = append(sets,
			[2][]byte{key(pUse, batchBytes(body.Batch), c), useValue(protocol.TypeTransfer, a, body.Qty)},
			[2][]byte{key(pTransferTo, body.To[:], c)})
	case *protocol.Receive:
		sets = append(sets, [2][]byte{key(pReceipt, body.Transfer.Bytes(), c)})
	case *protocol.Correct:
		sets = append(sets, [2][]byte{key(pCorrection, body.Record.Bytes(), c)})
		if body.By != nil && *body.By != body.Record {
			// The replacement leads back to what it replaced: a label
			// printed with the new batch ID still shows the correction.
			sets = append(sets, [2][]byte{key(pCorrection, body.By.Bytes(), c)})
		}
	}
	for _, kv := range sets {
		if err := b.set(kv[0], kv[1]); err != nil {
			return nil, err
		}
	}
	return b.indexFeed(rec, arrival)
}

// indexFeed records rec at its (author, seq): the feed entry and head for
// the first record there, fork entries for a second one.
func (b *batch) indexFeed(rec protocol.Signed, arrival uint64) (*Fork, error) {
	a, seq := rec.Author, rec.Seq
	fk := feedKey(a, seq)
	v, ok, err := b.get(fk)
	if err != nil {
		return nil, err
	}
	if !ok {
		if err := b.set(fk, feedValue(arrival, rec.CID)); err != nil {
			return nil, err
		}
		return nil, b.advanceHead(a, seq, rec.CID)
	}
	firstArrival, first, err := splitFeedValue(v)
	if err != nil {
		return nil, err
	}
	if first == rec.CID {
		return nil, nil
	}
	// A fork: keep every record at this position as evidence.
	prefix := forkPrefix(a, seq)
	keys, err := b.forkKeys(prefix)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		b.add(keyCountForks, 1)
		k := forkKey(a, seq, firstArrival, first)
		if err := b.setFork(k); err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	k := forkKey(a, seq, arrival, rec.CID)
	if err := b.setFork(k); err != nil {
		return nil, err
	}
	keys = append(keys, k)
	if arrival < firstArrival {
		// Only in a rebuild: this record was stored first, so the feed
		// entry (and the head, if it ends here) name it.
		if err := b.set(fk, feedValue(arrival, rec.CID)); err != nil {
			return nil, err
		}
		hv, ok, err := b.get(headKey(a))
		if err != nil {
			return nil, err
		}
		if h, err := parseHead(hv); ok && err == nil && h.Seq == seq {
			if err := b.set(headKey(a), headValue(Head{Seq: seq, CID: rec.CID})); err != nil {
				return nil, err
			}
		}
	}
	return forkOf(a, seq, keys)
}

// advanceHead moves the author's head when the record at seq closes the gap
// after it, over every record that arrived early.
func (b *batch) advanceHead(a protocol.PublicKey, seq uint64, c protocol.CID) error {
	hk := headKey(a)
	v, ok, err := b.get(hk)
	if err != nil {
		return err
	}
	var h Head
	if ok {
		if h, err = parseHead(v); err != nil {
			return err
		}
	} else {
		b.add(keyCountAuthors, 1)
	}
	if seq != h.Seq+1 {
		if ok {
			return nil
		}
		return b.set(hk, headValue(h))
	}
	// Walk forward over records that arrived early. Point reads, not an
	// iterator: an iterator in a write transaction sorts every pending
	// write each time it is made.
	h = Head{Seq: seq, CID: c}
	for {
		fv, ok, err := b.get(feedKey(a, h.Seq+1))
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		_, fc, err := splitFeedValue(fv)
		if err != nil {
			return err
		}
		h = Head{Seq: h.Seq + 1, CID: fc}
	}
	return b.set(hk, headValue(h))
}

// forkOf is the fork at (a, seq) whose entries are keys, first stored
// first (keys sort by arrival).
func forkOf(a protocol.PublicKey, seq uint64, keys [][]byte) (*Fork, error) {
	slices.SortFunc(keys, bytes.Compare)
	keys = slices.CompactFunc(keys, bytes.Equal)
	f := &Fork{Author: a, Seq: seq}
	for _, k := range keys {
		c, err := tailCID(k)
		if err != nil {
			return nil, err
		}
		f.CIDs = append(f.CIDs, c)
	}
	return f, nil
}
