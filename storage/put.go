package storage

import (
	"context"
	"fmt"

	"github.com/jejak/jejak/protocol"
)

// Put stores one record and all its index entries in one transaction; see
// Store.Put. With Synced it returns after an fsync.
func (s *Badger) Put(ctx context.Context, rec protocol.Signed, d Durability) (PutResult, error) {
	op := "put record " + rec.CID.String()
	if err := checkSigned(rec); err != nil {
		return PutResult{}, fmt.Errorf("storage: %s: %w", op, err)
	}
	res, err := s.write(ctx, op, []protocol.Signed{rec}, d == Synced, nil)
	if err != nil {
		return PutResult{}, err
	}
	r := res[0]
	if r.Fork != nil {
		return r, fmt.Errorf("storage: %s: %s already wrote a different record at seq %d (%s); both are kept as evidence of a fork: %w",
			op, rec.Author.Short(), rec.Seq, r.Fork.CIDs[0], ErrConflict)
	}
	return r, nil
}

// PutBatch stores many records, each whole with its index entries, in as
// few transactions as Badger's transaction size allows; see Store.PutBatch.
func (s *Badger) PutBatch(ctx context.Context, recs []protocol.Signed) ([]PutResult, error) {
	if len(recs) == 0 {
		return nil, nil
	}
	op := fmt.Sprintf("put %d records", len(recs))
	for i, r := range recs {
		if err := checkSigned(r); err != nil {
			return nil, fmt.Errorf("storage: %s: record %d (%s): %w", op, i, r.CID, err)
		}
	}
	return s.write(ctx, op, recs, false, nil)
}

// checkSigned refuses a Signed that cannot be what protocol.Open or
// protocol.Seal returned: the store trusts signatures, not its callers'
// bookkeeping.
func checkSigned(r protocol.Signed) error {
	switch {
	case r.Record == nil || r.Body == nil:
		return fmt.Errorf("no record: %w", ErrInvalid)
	case len(r.Bytes) == 0 || len(r.Bytes) > protocol.MaxRecordSize:
		return fmt.Errorf("record of %d bytes: %w", len(r.Bytes), ErrInvalid)
	case r.CID.IsZero() || protocol.ComputeCID(r.Bytes) != r.CID:
		return fmt.Errorf("the CID does not match the record's bytes: %w", ErrInvalid)
	case r.Author.IsZero() || r.Seq == 0:
		return fmt.Errorf("the record has no author or seq: %w", ErrInvalid)
	case typeCodes[r.Type()] == 0:
		return fmt.Errorf("unknown record type %q: %w", r.Type(), ErrInvalid)
	}
	return nil
}

// write stores recs in order, in as few transactions as fit, and fsyncs
// afterwards when sync is set. On an error it returns the results of the
// records already committed.
func (s *Badger) write(ctx context.Context, op string, recs []protocol.Signed, sync bool, also func(b *batch, i int) error) ([]PutResult, error) {
	if err := s.enter(op); err != nil {
		return nil, err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", op, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()

	results := make([]PutResult, len(recs))
	committed := 0
	c := s.chunker()
	c.before = func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return s.checkSpace()
	}
	c.onCommit = func(b *batch, n int) {
		s.arrival = b.arrival
		committed += n
	}
	for i := range recs {
		err := c.do(func(b *batch) error {
			r, err := b.put(recs[i])
			results[i] = r
			if err == nil && also != nil {
				err = also(b, i)
			}
			return err
		})
		if err == nil && i == len(recs)-1 {
			err = c.flush()
		}
		if err != nil {
			c.abort()
			s.dirty = true
			return results[:committed], fmt.Errorf("storage: %s: %w", op, dbError(err))
		}
	}
	if !sync {
		s.dirty = true
		return results, nil
	}
	if err := s.sync(); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", op, err)
	}
	return results, nil
}

// chunker returns a chunker whose batches give out arrival numbers after
// the last one committed; its onCommit must advance s.arrival.
func (s *Badger) chunker() *chunker {
	return newChunker(s.db, func() *batch {
		return &batch{txn: s.db.NewTransaction(true), db: s.db, arrival: s.arrival, keepArr: true}
	})
}

// sync fsyncs everything committed so far (with syncWrites every commit
// was fsynced already). The caller holds wmu, so no other commit can move
// Badger to a new log file in between.
func (s *Badger) sync() error {
	if s.dir == "" || s.opts.syncWrites {
		s.dirty = false
		return nil
	}
	if err := s.db.Sync(); err != nil {
		return fmt.Errorf("fsync: %w", dbError(err))
	}
	s.dirty = false
	return nil
}
