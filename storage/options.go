package storage

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
)

// Profile sizes the store's memory for the machine it runs on.
type Profile int

const (
	// Desktop keeps memory small for an app on an office PC: two 8 MiB
	// memtables, 2 MiB tables at every level, no compression (so no block
	// cache) and a 16 MiB index cache; it keeps about 34 MiB of disk free.
	// It is the zero Profile.
	Desktop Profile = iota
	// Relay gives more memory to throughput on an always-on server that
	// replicates every record: three 16 MiB memtables, the desktop's
	// tables and a 32 MiB index cache; it keeps about 85 MiB of disk
	// free.
	Relay
)

// String returns "desktop" or "relay".
func (p Profile) String() string {
	switch p {
	case Desktop:
		return "desktop"
	case Relay:
		return "relay"
	}
	return fmt.Sprintf("Profile(%d)", int(p))
}

// Options configure a store. The zero Options are a desktop store that
// discards Badger's log, runs value-log GC every 10 minutes and fsyncs
// buffered writes every second.
type Options struct {
	// Profile sizes memtables and caches; zero is Desktop.
	Profile Profile
	// Logger receives Badger's errors and warnings (at Error and Warn) and
	// its chatter (at Debug), and the store's own notices. Nil discards
	// them.
	Logger *slog.Logger
	// GCInterval is how often value-log GC runs in the background. Zero
	// means 10 minutes; negative turns it off.
	GCInterval time.Duration
	// SyncInterval is how often buffered writes are fsynced in the
	// background. Zero means 1 second; negative leaves them to Close and
	// to the next synced write.
	SyncInterval time.Duration

	// syncWrites makes Badger fsync every commit (SyncWrites) instead of
	// the store calling Sync after synced commits: for benchmarks.
	syncWrites bool
	// reserve overrides the profile's disk reserve (bytes): for tests.
	reserve int64
}

func (o Options) gcInterval() time.Duration {
	if o.GCInterval == 0 {
		return 10 * time.Minute
	}
	return o.GCInterval
}

func (o Options) syncInterval() time.Duration {
	if o.SyncInterval == 0 {
		return time.Second
	}
	return o.SyncInterval
}

// badgerOptions returns the Badger options for a store in dir ("" for an
// in-memory store).
func (o Options) badgerOptions(dir string) badger.Options {
	bo := badger.DefaultOptions(dir).
		WithLogger(badgerLogger{o.Logger}).
		WithMetricsEnabled(false).
		WithDetectConflicts(false). // one writer at a time: see Badger.wmu
		WithSyncWrites(o.syncWrites).
		WithNumVersionsToKeep(1).
		// A damaged block is an error, not garbage or a panic.
		WithChecksumVerificationMode(options.OnBlockRead).
		// Records up to 1 KiB live in the LSM tree beside their key; larger
		// ones (places with polygons, long processes) go to the value log.
		WithValueThreshold(1 << 10)
	switch o.Profile {
	case Relay:
		// The desktop's tables (below) with three times the memtables'
		// room, for throughput. Measured by the memory scenario of
		// jejak-node bench, syncing 1,000,000 records: four 64 MiB
		// memtables, 8 MiB Snappy tables and 256 MiB caches held over
		// 500 MiB and were killed in a cgroup of 512 MiB. Pooled table
		// builders (a compaction keeps up to 13 in flight, each holding
		// its table and, compressed, a second copy) and the memtables
		// were most of the heap. Snappy and larger tables made a store
		// of 1,000,000 records about a quarter smaller on disk (511
		// against 669 MiB); on a relay, disk is cheaper than memory.
		bo = bo.WithCompression(options.None).
			WithBlockCacheSize(0).
			WithMemTableSize(16 << 20).
			WithNumMemtables(3).
			WithNumLevelZeroTables(5).
			WithNumLevelZeroTablesStall(15).
			WithBaseTableSize(2 << 20).
			WithBaseLevelSize(16 << 20).
			WithIndexCacheSize(32 << 20).
			WithValueLogFileSize(512 << 20).
			WithNumCompactors(2)
		bo.TableSizeMultiplier = 1 // see Desktop
	default:
		// Measured (docs/BENCHMARKS.md): most of a desktop store's heap
		// is Badger's pooled table builders, which grow with the table
		// size and with compression buffers. Tables of one size at every
		// level and no compression keep them small (for about 40% more
		// disk); without compression blocks are read straight from the
		// memory-mapped tables, so no block cache is needed.
		bo = bo.WithCompression(options.None).
			WithBlockCacheSize(0).
			WithMemTableSize(8 << 20).
			WithNumMemtables(2).
			WithNumLevelZeroTables(2).
			WithNumLevelZeroTablesStall(4).
			WithBaseTableSize(2 << 20).
			WithBaseLevelSize(8 << 20).
			WithIndexCacheSize(16 << 20).
			WithValueLogFileSize(64 << 20).
			WithNumCompactors(2).
			WithNumGoroutines(2)
		bo.TableSizeMultiplier = 1
	}
	if dir == "" {
		bo = bo.WithInMemory(true)
	}
	return bo
}

// diskReserve is the free space (bytes) below which the store refuses
// writes, before the eighth of the tables' size that Badger.currentReserve
// adds. Badger writes its logs and tables through memory maps, and a write
// into a mapped page that a full disk cannot back kills the process
// (SIGBUS) instead of returning an error; the reserve leaves room for the
// writes in flight, for flushing every memtable and for a compaction.
func (o Options) diskReserve() int64 {
	if o.reserve != 0 {
		return o.reserve
	}
	bo := o.badgerOptions("x")
	batch := bo.MemTableSize * 15 / 100 // Badger's largest transaction
	return bo.MemTableSize*int64(bo.NumMemtables+1) + bo.BaseLevelSize + 2*batch
}

// badgerLogger routes Badger's log to a slog.Logger, or nowhere.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) log(level slog.Level, format string, args ...any) {
	if b.l == nil {
		return
	}
	b.l.Log(context.Background(), level, "badger: "+trimNewline(fmt.Sprintf(format, args...)))
}

func (b badgerLogger) Errorf(f string, a ...any)   { b.log(slog.LevelError, f, a...) }
func (b badgerLogger) Warningf(f string, a ...any) { b.log(slog.LevelWarn, f, a...) }
func (b badgerLogger) Infof(f string, a ...any)    { b.log(slog.LevelDebug, f, a...) }
func (b badgerLogger) Debugf(f string, a ...any)   { b.log(slog.LevelDebug, f, a...) }

func trimNewline(s string) string {
	for len(s) > 0 && s[len(s)-1] == '\n' {
		s = s[:len(s)-1]
	}
	return s
}
