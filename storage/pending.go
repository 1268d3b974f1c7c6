package storage

import (
	"context"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// Bounds on the records kept for a later release: a peer can send only
// authentic records (the signature is checked), but an author can sign
// many.
const (
	MaxPending      = 10_000
	MaxPendingBytes = 64 << 20
)

// ErrPendingFull means the store keeps as many records of newer versions
// as it will; the record was not kept (it comes again by sync after an
// upgrade).
var ErrPendingFull = errors.New("too many records of newer versions kept")

// PutPending keeps the bytes of an authentic record of a format version
// this release cannot judge, unindexed, until a release that can judge it
// opens the store; see Store.PutPending.
func (s *Badger) PutPending(ctx context.Context, c protocol.CID, data []byte) (bool, error) {
	op := "keep record " + c.String() + " of a newer version"
	if len(data) == 0 || len(data) > protocol.MaxRecordSize || protocol.ComputeCID(data) != c {
		return false, fmt.Errorf("storage: %s: the CID does not match the bytes: %w", op, ErrInvalid)
	}
	if err := s.enter(op); err != nil {
		return false, err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return false, fmt.Errorf("storage: %s: %w", op, err)
	}
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.checkSpace(); err != nil {
		return false, fmt.Errorf("storage: %s: %w", op, err)
	}
	added := false
	err := s.db.Update(func(txn *badger.Txn) error {
		if _, err := txn.Get(pendingKey(c)); err == nil {
			return nil
		} else if !errors.Is(err, badger.ErrKeyNotFound) {
			return err
		}
		n, size, err := pendingTotals(txn)
		if err != nil {
			return err
		}
		if n >= MaxPending || size+len(data) > MaxPendingBytes {
			return ErrPendingFull
		}
		added = true
		return txn.Set(pendingKey(c), data)
	})
	if errors.Is(err, ErrPendingFull) {
		return false, fmt.Errorf("storage: %s: %w", op, ErrPendingFull)
	}
	if err != nil {
		return false, fmt.Errorf("storage: %s: %w", op, dbError(err))
	}
	s.dirty = s.dirty || added
	return added, nil
}

// pendingTotals counts the kept records and their bytes.
func pendingTotals(txn *badger.Txn) (n, size int, err error) {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pPending}})
	defer it.Close()
	for it.Rewind(); it.Valid(); it.Next() {
		n++
		size += int(it.Item().ValueSize())
	}
	return n, size, nil
}

// Pending calls fn with every kept record of a newer version, in CID
// order. fn runs outside any transaction and may call the store.
func (s *Badger) Pending(ctx context.Context, fn func(c protocol.CID, data []byte) error) error {
	type kept struct {
		c    protocol.CID
		data []byte
	}
	var all []kept
	err := s.view(ctx, "read records of newer versions", func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{pPending}})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			c, err := protocol.CIDFromBytes(it.Item().Key()[1:])
			if err != nil {
				return fmt.Errorf("damaged entry: %w", ErrCorrupt)
			}
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			all = append(all, kept{c, v})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range all {
		if err := fn(k.c, k.data); err != nil {
			return err
		}
	}
	return nil
}

// DeletePending forgets a kept record (judged now, or stored as a record).
func (s *Badger) DeletePending(ctx context.Context, c protocol.CID) error {
	op := "forget kept record " + c.String()
	if err := s.enter(op); err != nil {
		return err
	}
	defer s.leave()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(pendingKey(c)) }); err != nil {
		return fmt.Errorf("storage: %s: %w", op, dbError(err))
	}
	s.dirty = true
	return nil
}
