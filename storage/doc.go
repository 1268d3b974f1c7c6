// Package storage keeps verified Jejak records in a local Badger store,
// with the indexes that sync, trace and the screens need: feeds and their
// heads, forks, batch uses, receipts, corrections, transfers to an
// organisation, lot codes, records by type, delegations, endorsements and
// revocations, and counts.
//
// Store is the interface; Badger implements it on disk (Open) and in memory
// (OpenMemory); storetest is the suite every implementation passes.
//
// # Transactions
//
// One transaction writes a record and all its index entries and counters,
// so the store never holds an index entry without its record or the
// reverse; PutBatch packs many records into each transaction, never
// splitting one. Writes are serialised (one writer at a time), so index
// maintenance reads a consistent store and transactions never conflict;
// reads run beside them on snapshots. Putting a stored record again
// changes nothing.
//
// # Durability
//
// A write is acknowledged when Put or PutBatch returns without error (or,
// for fork evidence, with ErrConflict). Every acknowledged write has been
// committed to Badger's log, which is a file the operating system holds,
// so it survives the process being killed. A Synced Put has also been
// fsynced, so it survives a power cut; a Buffered Put and PutBatch are
// fsynced by a background goroutine within Options.SyncInterval (one
// second), by the next Synced Put, and at Close. The crash test
// (TestCrash) kills a writing process with SIGKILL at random moments and
// checks every acknowledged record and the indexes after each kill.
//
// # Disk space
//
// Badger writes through memory-mapped files, and on a full disk a write
// into a mapped page kills the process with SIGBUS rather than returning an
// error. So the store refuses writes (ErrNoSpace) while the free space is
// under a reserve that covers flushing every memtable and a compaction:
// about 34 MiB for Desktop and 85 MiB for Relay, plus an eighth of the
// store's table files. Reads go on, the store closes and opens again, and
// writes succeed once space is freed.
//
// # Memory
//
// Badger allocates its memtables, caches and table builders on the Go
// heap, so the process's peak memory depends on the garbage collector as
// much as on the profile; docs/BENCHMARKS.md has measured figures, and an
// app can bound its heap further with GOMEMLIMIT.
//
// # Errors
//
// Every error starts with "storage:" and says what was being done. Errors
// callers act on wrap ErrNotFound, ErrConflict, ErrInUse, ErrCorrupt,
// ErrClosed, ErrNoSpace or ErrInvalid; Badger's errors are kept as text,
// so no Badger error type escapes the package.
package storage
