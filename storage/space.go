package storage

import (
	"fmt"
	"os"
	"strings"
	"time"
)

// reserveRefresh is how often the reserve is recomputed from the size of
// the store's tables.
const reserveRefresh = 10 * time.Second

// checkSpace refuses a write when the disk holding the store has less free
// space than the reserve. An in-memory store, a negative reserve or a disk
// whose free space cannot be read is never refused.
func (s *Badger) checkSpace() error {
	if s.dir == "" || s.reserve < 0 {
		return nil
	}
	free, ok := freeBytes(s.dir)
	if !ok {
		return nil
	}
	reserve := s.currentReserve()
	if free >= reserve {
		return nil
	}
	return &kindError{
		msg: fmt.Sprintf("no space left on device (%s free; the store needs %s free to write safely)",
			mib(free), mib(reserve)),
		kind: ErrNoSpace,
	}
}

// currentReserve returns the profile's reserve plus an eighth of the size
// of the store's tables, which a compaction may rewrite before it deletes
// the tables it replaces. The table size is read again every
// reserveRefresh.
func (s *Badger) currentReserve() int64 {
	if s.opts.reserve != 0 {
		return s.reserve
	}
	s.spaceMu.Lock()
	defer s.spaceMu.Unlock()
	if now := time.Now(); now.Sub(s.tablesAt) > reserveRefresh {
		s.tablesAt = now
		s.tables = tableBytes(s.dir)
	}
	return s.reserve + s.tables/8
}

// tableBytes returns the size of the table files in dir.
func tableBytes(dir string) int64 {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return 0
	}
	var n int64
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".sst") {
			continue
		}
		if fi, err := e.Info(); err == nil {
			n += fi.Size()
		}
	}
	return n
}

// mib formats a byte count in MiB with one decimal.
func mib(n int64) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }
