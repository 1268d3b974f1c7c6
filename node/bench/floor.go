package bench

import (
	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/jejak/jejak/protocol"
)

// floor is the trace scenario's bare baseline: a graph's edges as Badger
// keys alone (child CID ‖ parent CID, no value), walked with key-only
// iteration. Nothing is decoded and nothing checked: it is what any store
// over Badger pays at least to find the records of a trace.
type floor struct{ db *badger.DB }

func openFloor(dir string) (*floor, error) {
	db, err := badger.Open(badger.DefaultOptions(dir).
		WithLogger(nil).
		WithCompression(options.None).
		WithBlockCacheSize(0).
		WithMetricsEnabled(false))
	if err != nil {
		return nil, err
	}
	return &floor{db}, nil
}

func (f *floor) close() error { return f.db.Close() }

// add stores edges.
func (f *floor) add(edges []edge) error {
	wb := f.db.NewWriteBatch()
	defer wb.Cancel()
	for _, e := range edges {
		k := append(append([]byte{}, e.from.Bytes()...), e.to.Bytes()...)
		if err := wb.Set(k, nil); err != nil {
			return err
		}
	}
	return wb.Flush()
}

// walk visits every record reachable from start and returns how many it
// reached, start included.
func (f *floor) walk(start protocol.CID) (int, error) {
	seen := map[string]bool{string(start.Bytes()): true}
	queue := [][]byte{start.Bytes()}
	err := f.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for len(queue) > 0 {
			from := queue[0]
			queue = queue[1:]
			for it.Seek(from); it.ValidForPrefix(from); it.Next() {
				to := it.Item().Key()[len(from):]
				if !seen[string(to)] {
					seen[string(to)] = true
					queue = append(queue, append([]byte{}, to...))
				}
			}
		}
		return nil
	})
	return len(seen), err
}
