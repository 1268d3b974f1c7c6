package node

import (
	"os"
	"runtime/debug"
)

// The Go memory limits of a node's process: the soft limit the collector
// keeps the process's memory under by collecting more often as it nears
// it, instead of letting the heap grow to twice what is live. Badger keeps
// its memtables, caches and table builders on the Go heap, so without a
// limit a busy store holds about twice what it needs. jejak-node bench
// (the memory scenario) measures what these buy.
var (
	desktopMemoryLimit int64 = 160 << 20
	relayMemoryLimit   int64 = 224 << 20
)

// LimitMemory sets the Go memory limit of this process to a desktop's or
// a relay's, unless the GOMEMLIMIT environment variable sets one, and
// returns the limit in effect. A program that runs one node calls it
// before New (the desktop app, "jejak-node serve"); New does not, since
// the limit is the whole process's.
func LimitMemory(relay bool) int64 {
	if os.Getenv("GOMEMLIMIT") != "" {
		return debug.SetMemoryLimit(-1)
	}
	limit := desktopMemoryLimit
	if relay {
		limit = relayMemoryLimit
	}
	debug.SetMemoryLimit(limit)
	return limit
}
