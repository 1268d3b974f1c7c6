package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// view runs fn in a read transaction and turns its error into one that
// starts with "storage: op".
func (s *Badger) view(ctx context.Context, op string, fn func(txn *badger.Txn) error) error {
	if err := s.enter(op); err != nil {
		return err
	}
	defer s.leave()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("storage: %s: %w", op, err)
	}
	if err := s.db.View(fn); err != nil {
		return fmt.Errorf("storage: %s: %w", op, dbError(err))
	}
	return nil
}

// Get returns the record with the given CID, or an error wrapping
// ErrNotFound. The stored bytes are checked against the CID and decoded
// (not verified again: the store holds verified records only).
func (s *Badger) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	var rec protocol.Signed
	err := s.view(ctx, "get record "+c.String(), func(txn *badger.Txn) error {
		var err error
		rec, err = getRecord(txn, c)
		return err
	})
	return rec, err
}

// getRecord reads and decodes one record.
func getRecord(txn *badger.Txn, c protocol.CID) (protocol.Signed, error) {
	item, err := txn.Get(recordKey(c))
	if err != nil {
		return protocol.Signed{}, err
	}
	v, err := item.ValueCopy(nil)
	if err != nil {
		return protocol.Signed{}, err
	}
	return decodeStored(c, v)
}

// decodeStored turns a record value into a Signed, checking that its bytes
// are the record c names.
func decodeStored(c protocol.CID, v []byte) (protocol.Signed, error) {
	_, data, err := splitRecordValue(v)
	if err != nil {
		return protocol.Signed{}, err
	}
	if protocol.ComputeCID(data) != c {
		return protocol.Signed{}, &kindError{msg: "the store is damaged: the stored bytes do not match the CID", kind: ErrCorrupt}
	}
	// The bytes are those of a record protocol.Open accepted when it was
	// stored (they still hash to its CID), so the checks that proved them
	// then need not run again on every read.
	r, err := protocol.DecodeKnown(data)
	if err != nil {
		return protocol.Signed{}, &kindError{msg: "the store is damaged: " + err.Error(), kind: ErrCorrupt}
	}
	return protocol.Signed{Record: r, CID: c, Bytes: data}, nil
}

// Has reports whether the store holds the record.
func (s *Badger) Has(ctx context.Context, c protocol.CID) (bool, error) {
	var ok bool
	err := s.view(ctx, "look up record "+c.String(), func(txn *badger.Txn) error {
		_, err := txn.Get(recordKey(c))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		ok = err == nil
		return err
	})
	return ok, err
}

// FeedAt returns the CID of the first record stored at (author, seq).
func (s *Badger) FeedAt(ctx context.Context, author protocol.PublicKey, seq uint64) (protocol.CID, error) {
	var c protocol.CID
	err := s.view(ctx, fmt.Sprintf("look up seq %d of %s", seq, author.Short()), func(txn *badger.Txn) error {
		v, err := getValue(txn, feedKey(author, seq))
		if err != nil {
			return err
		}
		if v == nil {
			return &kindError{msg: "not found", kind: ErrNotFound}
		}
		_, c, err = splitFeedValue(v)
		return err
	})
	return c, err
}

// Head returns the contiguous head of an author's feed.
func (s *Badger) Head(ctx context.Context, author protocol.PublicKey) (Head, error) {
	var h Head
	err := s.view(ctx, "read the head of "+author.Short(), func(txn *badger.Txn) error {
		v, err := getValue(txn, headKey(author))
		if err != nil || v == nil {
			return err
		}
		h, err = parseHead(v)
		return err
	})
	return h, err
}

// Heads returns the head of every feed the store holds a record of.
func (s *Badger) Heads(ctx context.Context) (map[protocol.PublicKey]Head, error) {
	heads := make(map[protocol.PublicKey]Head)
	err := s.view(ctx, "read feed heads", func(txn *badger.Txn) error {
		return scan(ctx, txn, []byte{pHead}, true, func(k, v []byte) error {
			if len(k) != 1+keyLen {
				return damaged("head key of %d bytes", len(k))
			}
			h, err := parseHead(v)
			if err != nil {
				return err
			}
			heads[protocol.PublicKey(k[1:])] = h
			return nil
		})
	})
	return heads, err
}

// rangeChunk is how many records Range reads in one transaction.
const rangeChunk = 64

// Range calls fn with the author's records for seq in [from, to]; see
// Store.Range. It reads in chunks, so fn runs outside any transaction.
func (s *Badger) Range(ctx context.Context, author protocol.PublicKey, from, to uint64, fn func(protocol.Signed) error) error {
	if to == 0 {
		to = ^uint64(0)
	}
	op := fmt.Sprintf("read seq %d to %d of %s", from, to, author.Short())
	prefix := key(pFeed, author[:])
	for from <= to {
		var recs []protocol.Signed
		err := s.view(ctx, op, func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
			defer it.Close()
			for it.Seek(feedKey(author, from)); it.ValidForPrefix(prefix) && len(recs) < rangeChunk; it.Next() {
				seq := binary.BigEndian.Uint64(it.Item().Key()[1+keyLen:])
				if seq > to {
					break
				}
				v, err := it.Item().ValueCopy(nil)
				if err != nil {
					return err
				}
				_, c, err := splitFeedValue(v)
				if err != nil {
					return err
				}
				rec, err := getRecord(txn, c)
				if err != nil {
					return fmt.Errorf("seq %d: record %s: %w", seq, c, dbError(err))
				}
				recs = append(recs, rec)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("storage: %s: %w", op, err)
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(recs) < rangeChunk || recs[len(recs)-1].Seq == to {
			return nil
		}
		from = recs[len(recs)-1].Seq + 1
	}
	return nil
}

// Forks returns every fork, or those of one author.
func (s *Badger) Forks(ctx context.Context, author protocol.PublicKey) ([]Fork, error) {
	prefix := []byte{pFork}
	op := "list forks"
	if !author.IsZero() {
		prefix = key(pFork, author[:])
		op = "list forks of " + author.Short()
	}
	var forks []Fork
	err := s.view(ctx, op, func(txn *badger.Txn) error {
		return scan(ctx, txn, prefix, false, func(k, _ []byte) error {
			if len(k) != 1+keyLen+seqLen+8+cidLen {
				return damaged("fork key of %d bytes", len(k))
			}
			a := protocol.PublicKey(k[1 : 1+keyLen])
			seq := binary.BigEndian.Uint64(k[1+keyLen:])
			c, err := tailCID(k)
			if err != nil {
				return err
			}
			if n := len(forks); n == 0 || forks[n-1].Author != a || forks[n-1].Seq != seq {
				forks = append(forks, Fork{Author: a, Seq: seq})
			}
			f := &forks[len(forks)-1]
			f.CIDs = append(f.CIDs, c)
			return nil
		})
	})
	return forks, err
}

// scan calls fn with every key (and value, when values is set) under
// prefix, in key order. k and v are valid only during the call.
func scan(ctx context.Context, txn *badger.Txn, prefix []byte, values bool, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: values, PrefetchSize: 64})
	defer it.Close()
	n := 0
	for it.Rewind(); it.ValidForPrefix(prefix); it.Next() {
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		var v []byte
		if values {
			var err error
			if v, err = it.Item().ValueCopy(v); err != nil {
				return err
			}
		}
		if err := fn(it.Item().Key(), v); err != nil {
			return err
		}
	}
	return nil
}
