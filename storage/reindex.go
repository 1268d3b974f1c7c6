package storage

import (
	"context"
	"fmt"
	"os"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// Reindex drops every index and counter and rebuilds them from the records
// alone; see Store.Reindex.
func (s *Badger) Reindex(ctx context.Context, progress func(done, total int64)) error {
	op := "reindex store " + s.where()
	if err := s.enter(op); err != nil {
		return err
	}
	defer s.leave()
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if err := s.reindex(ctx, progress); err != nil {
		return fmt.Errorf("storage: %s: %w", op, err)
	}
	return nil
}

// reindex does Reindex's work; the caller holds wmu (or is Open). A marker
// key, synced before the indexes are dropped and deleted after they are
// rebuilt, lets Open finish a reindex the process did not live to finish.
func (s *Badger) reindex(ctx context.Context, progress func(done, total int64)) error {
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(keyReindex, nil) }); err != nil {
		return dbError(err)
	}
	if err := s.sync(); err != nil {
		return err
	}
	prefixes := make([][]byte, len(indexPrefixes))
	for i, p := range indexPrefixes {
		prefixes[i] = []byte{p}
	}
	if err := s.db.DropPrefix(prefixes...); err != nil {
		return fmt.Errorf("drop the indexes: %w", dbError(err))
	}
	txn := s.db.NewTransaction(false)
	defer txn.Discard()
	var total int64
	if progress != nil {
		if err := scan(ctx, txn, []byte{pRecord}, false, func(_, _ []byte) error { total++; return nil }); err != nil {
			return dbError(err)
		}
	}
	if err := rebuild(ctx, txn, s.db, s.checkSpace, total, progress); err != nil {
		return err
	}
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Delete(keyReindex) }); err != nil {
		return dbError(err)
	}
	return s.sync()
}

// rebuild indexes every record that src (a read transaction) holds into
// dst, in transactions that hold whole records. space is checked before
// each transaction.
func rebuild(ctx context.Context, src *badger.Txn, dst *badger.DB, space func() error, total int64, progress func(done, total int64)) error {
	c := newChunker(dst, func() *batch { return &batch{txn: dst.NewTransaction(true), db: dst} })
	c.before = func() error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return space()
	}
	var done int64
	c.onCommit = func(_ *batch, n int) {
		done += int64(n)
		if progress != nil {
			progress(done, total)
		}
	}
	err := scan(ctx, src, []byte{pRecord}, true, func(k, v []byte) error {
		cid, err := protocol.CIDFromBytes(k[1:])
		if err != nil {
			return damaged("record key %x: %v", k, err)
		}
		rec, err := decodeStored(cid, v)
		if err != nil {
			return fmt.Errorf("record %s: %w", cid, err)
		}
		arrival, _, _ := splitRecordValue(v)
		return c.do(func(b *batch) error {
			_, err := b.index(rec, arrival)
			return err
		})
	})
	if err == nil {
		err = c.flush()
	}
	if err != nil {
		c.abort()
		return dbError(err)
	}
	return nil
}

// openScratch opens an empty Badger database for Check's rebuild: in memory
// for an in-memory store, else in a new folder inside the store's folder
// (so it shares the store's disk and its reserve), removed by the returned
// function.
func (s *Badger) openScratch() (*badger.DB, func(), error) {
	opts := Options{Logger: s.opts.Logger}
	if s.dir == "" {
		db, err := badger.Open(opts.badgerOptions(""))
		if err != nil {
			return nil, nil, dbError(err)
		}
		return db, func() { db.Close() }, nil
	}
	dir, err := os.MkdirTemp(s.dir, scratchPattern)
	if err != nil {
		return nil, nil, fmt.Errorf("make a scratch folder: %w", err)
	}
	db, err := badger.Open(opts.badgerOptions(dir))
	if err != nil {
		os.RemoveAll(dir)
		return nil, nil, fmt.Errorf("open a scratch store: %w", dbError(err))
	}
	return db, func() {
		db.Close()
		os.RemoveAll(dir)
	}, nil
}
