package storage

import (
	"bytes"
	"errors"
	"slices"

	"github.com/dgraph-io/badger/v4"
)

// batch is one write transaction: the records and index entries it sets,
// and the counter changes it adds up in memory and writes at commit.
type batch struct {
	txn     *badger.Txn
	db      *badger.DB // the store txn writes to, for forkKeys
	arrival uint64     // the last arrival number given out in this batch
	keepArr bool       // write the arrival counter at commit (not in a scratch store)
	counts  map[string]int64
	bytes   int // estimated size, for splitting work into transactions
	entries int
	// forks are the fork entries set in this transaction, by their
	// (author, seq) prefix.
	forks map[string][][]byte
}

// Soft limits of one batch: half of what Badger accepts in a transaction
// (15% of a memtable), so a transaction is never refused as too big in the
// usual case.
func batchLimits(bo badger.Options) (bytes, entries int) {
	max := int(bo.MemTableSize * 15 / 100)
	return max / 2, max / 2 / 128
}

func (b *batch) set(k, v []byte) error {
	b.bytes += len(k) + len(v) + 24
	b.entries++
	return b.txn.Set(k, v)
}

// get returns a copy of the value at k, or nil and false.
func (b *batch) get(k []byte) ([]byte, bool, error) {
	item, err := b.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	v, err := item.ValueCopy(nil)
	return v, err == nil, err
}

// has reports whether k is set.
func (b *batch) has(k []byte) (bool, error) {
	_, err := b.txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return false, nil
	}
	return err == nil, err
}

// setFork sets a fork entry and notes it for forkKeys.
func (b *batch) setFork(k []byte) error {
	if err := b.set(k, nil); err != nil {
		return err
	}
	if b.forks == nil {
		b.forks = map[string][][]byte{}
	}
	p := string(k[:len(k)-8-cidLen]) // forkPrefix: less the arrival and the CID
	b.forks[p] = append(b.forks[p], k)
	return nil
}

// forkKeys returns the fork entries under prefix (a forkPrefix), in key
// order: those committed before this transaction and those it set. It
// does not iterate the write transaction: Badger sorts every pending write
// each time an iterator is made on one, so a batch of n forks among p
// writes would cost n·p·log p; this costs a read of the committed entries
// and a map lookup. The caller holds the store's write lock, so nothing
// commits between the transaction's start and this read.
func (b *batch) forkKeys(prefix []byte) ([][]byte, error) {
	var keys [][]byte
	txn := b.db.NewTransaction(false)
	defer txn.Discard()
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Rewind(); it.ValidForPrefix(prefix); it.Next() {
		keys = append(keys, it.Item().KeyCopy(nil))
	}
	keys = append(keys, b.forks[string(prefix)]...)
	slices.SortFunc(keys, bytes.Compare)
	return slices.CompactFunc(keys, bytes.Equal), nil
}

// add changes a counter by d at commit.
func (b *batch) add(counter []byte, d int64) {
	if b.counts == nil {
		b.counts = make(map[string]int64)
	}
	b.counts[string(counter)] += d
}

// commit writes the counters (and the arrival counter) and commits.
func (b *batch) commit() error {
	for k, d := range b.counts {
		if d == 0 {
			continue
		}
		v, _, err := b.get([]byte(k))
		if err != nil {
			b.txn.Discard()
			return err
		}
		if err := b.txn.Set([]byte(k), putInt64(getInt64(v)+d)); err != nil {
			b.txn.Discard()
			return err
		}
	}
	if b.keepArr {
		if err := b.txn.Set(keyArrival, u64(b.arrival)); err != nil {
			b.txn.Discard()
			return err
		}
	}
	return b.txn.Commit()
}

// chunker splits a stream of steps (each one record with its index entries)
// into transactions: a step is always whole in one transaction, and when
// Badger refuses a transaction as too big, the steps before are committed
// on their own and the step runs again in a fresh transaction.
type chunker struct {
	db       *badger.DB
	newBatch func() *batch
	maxBytes int
	maxItems int
	before   func() error      // runs before each transaction starts
	onCommit func(*batch, int) // after each commit, with the steps it held

	b       *batch
	pending []func(*batch) error
}

func newChunker(db *badger.DB, newBatch func() *batch) *chunker {
	bytes, items := batchLimits(db.Opts())
	return &chunker{db: db, newBatch: newBatch, maxBytes: bytes, maxItems: items}
}

// do runs step in the current transaction, committing first if it is full.
func (c *chunker) do(step func(*batch) error) error {
	if c.b != nil && (c.b.bytes >= c.maxBytes || c.b.entries >= c.maxItems) {
		if err := c.flush(); err != nil {
			return err
		}
	}
	if err := c.begin(); err != nil {
		return err
	}
	err := step(c.b)
	if errors.Is(err, badger.ErrTxnTooBig) && len(c.pending) > 0 {
		// Redo the steps before in a fresh transaction, commit them, and
		// give this step a transaction of its own.
		c.b.txn.Discard()
		c.b = c.newBatch()
		for _, p := range c.pending {
			if err := p(c.b); err != nil {
				c.abort()
				return err
			}
		}
		if err := c.flush(); err != nil {
			return err
		}
		if err := c.begin(); err != nil {
			return err
		}
		err = step(c.b)
	}
	if err != nil {
		c.abort()
		return err
	}
	c.pending = append(c.pending, step)
	return nil
}

func (c *chunker) begin() error {
	if c.b != nil {
		return nil
	}
	if c.before != nil {
		if err := c.before(); err != nil {
			return err
		}
	}
	c.b = c.newBatch()
	return nil
}

// flush commits the current transaction, if any.
func (c *chunker) flush() error {
	if c.b == nil {
		return nil
	}
	b, n := c.b, len(c.pending)
	c.b, c.pending = nil, nil
	if err := b.commit(); err != nil {
		return err
	}
	if c.onCommit != nil {
		c.onCommit(b, n)
	}
	return nil
}

// abort discards the current transaction.
func (c *chunker) abort() {
	if c.b != nil {
		c.b.txn.Discard()
	}
	c.b, c.pending = nil, nil
}
