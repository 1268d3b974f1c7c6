package storage

import (
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// The benchmarks measure records/s for the store beside a bare Badger
// database with the same options writing (or reading) the same record bytes
// under the same keys with no indexes: the ratio is what the indexes, the
// checks and the decoding cost. The -syncwrites variants open Badger with
// SyncWrites (an fsync in every commit) instead of the store's Sync after a
// synced commit.
//
//	go test -run '^$' -bench . -benchtime 3s -count 3 ./storage/

// benchRecords returns n records, made once and kept for later benchmarks.
var (
	benchGen   = newRecordGen("bench", 64)
	benchCache []protocol.Signed
)

func benchRecords(b *testing.B, n int) []protocol.Signed {
	b.Helper()
	if len(benchCache) < n {
		b.StopTimer()
		benchCache = append(benchCache, benchGen.take(n-len(benchCache))...)
		b.StartTimer()
	}
	return benchCache[:n]
}

// benchStore opens a store on disk for a benchmark.
func benchStore(b *testing.B, opts Options) *Badger {
	b.Helper()
	s, err := Open(b.TempDir(), opts)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	return s
}

// bareDB opens a bare Badger database with the store's options.
func bareDB(b *testing.B, opts Options) *badger.DB {
	b.Helper()
	db, err := badger.Open(opts.badgerOptions(b.TempDir()))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return db
}

// barePut writes recs in one transaction the way the store writes a
// record: under its record key with the record header.
func barePut(b *testing.B, db *badger.DB, recs []protocol.Signed, sync bool) {
	err := db.Update(func(txn *badger.Txn) error {
		for _, r := range recs {
			if err := txn.Set(recordKey(r.CID), recordValue(1, r.Bytes)); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil && sync && !db.Opts().SyncWrites {
		err = db.Sync()
	}
	if err != nil {
		b.Fatal(err)
	}
}

func reportRate(b *testing.B, records int) {
	b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
}

func BenchmarkPut(b *testing.B) {
	for _, mode := range []struct {
		name string
		d    Durability
		opts Options
	}{
		{"synced", Synced, Options{}},
		{"synced-syncwrites", Synced, Options{syncWrites: true}},
		{"buffered", Buffered, Options{}},
		{"buffered-syncwrites", Buffered, Options{syncWrites: true}},
	} {
		b.Run(mode.name+"/jejak", func(b *testing.B) {
			recs := benchRecords(b, b.N)
			s := benchStore(b, mode.opts)
			b.ResetTimer()
			for i := range b.N {
				if _, err := s.Put(bg, recs[i], mode.d); err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, b.N)
		})
		b.Run(mode.name+"/bare", func(b *testing.B) {
			recs := benchRecords(b, b.N)
			db := bareDB(b, mode.opts)
			b.ResetTimer()
			for i := range b.N {
				barePut(b, db, recs[i:i+1], mode.d == Synced)
			}
			reportRate(b, b.N)
		})
	}
}

// batchSize is the size of a PutBatch in the benchmarks: what a sync
// session might hand over at once.
const batchSize = 1000

func BenchmarkPutBatch(b *testing.B) {
	b.Run("jejak", func(b *testing.B) {
		recs := benchRecords(b, b.N*batchSize)
		s := benchStore(b, Options{})
		b.ResetTimer()
		for i := range b.N {
			if _, err := s.PutBatch(bg, recs[i*batchSize:(i+1)*batchSize]); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, b.N*batchSize)
	})
	b.Run("bare", func(b *testing.B) {
		recs := benchRecords(b, b.N*batchSize)
		db := bareDB(b, Options{})
		b.ResetTimer()
		for i := range b.N {
			wb := db.NewWriteBatch()
			for _, r := range recs[i*batchSize : (i+1)*batchSize] {
				if err := wb.Set(recordKey(r.CID), recordValue(1, r.Bytes)); err != nil {
					b.Fatal(err)
				}
			}
			if err := wb.Flush(); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, b.N*batchSize)
	})
}

// readSet is how many records the read benchmarks store and read in turn.
const readSet = 20_000

func BenchmarkGet(b *testing.B) {
	recs := benchRecords(b, readSet)
	b.Run("jejak", func(b *testing.B) {
		s := benchStore(b, Options{})
		if _, err := s.PutBatch(bg, recs); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := range b.N {
			if _, err := s.Get(bg, recs[i%readSet].CID); err != nil {
				b.Fatal(err)
			}
		}
		reportRate(b, b.N)
	})
	for _, decode := range []bool{false, true} {
		name := "bare"
		if decode {
			name = "bare+decode"
		}
		b.Run(name, func(b *testing.B) {
			db := bareDB(b, Options{})
			wb := db.NewWriteBatch()
			for _, r := range recs {
				if err := wb.Set(recordKey(r.CID), recordValue(1, r.Bytes)); err != nil {
					b.Fatal(err)
				}
			}
			if err := wb.Flush(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				err := db.View(func(txn *badger.Txn) error {
					item, err := txn.Get(recordKey(recs[i%readSet].CID))
					if err != nil {
						return err
					}
					v, err := item.ValueCopy(nil)
					if err == nil && decode {
						_, err = protocol.Decode(v[recordHeaderLen:])
					}
					return err
				})
				if err != nil {
					b.Fatal(err)
				}
			}
			reportRate(b, b.N)
		})
	}
}
