package storage

import (
	"context"
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// background runs value-log GC and fsyncs buffered writes until ctx ends
// (at Close). It runs only for stores on disk.
func (s *Badger) background(ctx context.Context) {
	defer s.bg.Done()
	var gcC, syncC <-chan time.Time
	if d := s.opts.gcInterval(); d > 0 {
		t := time.NewTicker(d)
		defer t.Stop()
		gcC = t.C
	}
	if d := s.opts.syncInterval(); d > 0 {
		t := time.NewTicker(d)
		defer t.Stop()
		syncC = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-gcC:
			s.collect(ctx)
		case <-syncC:
			s.syncBuffered()
		}
	}
}

// syncBuffered fsyncs buffered commits, if there are any.
func (s *Badger) syncBuffered() {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	if !s.dirty {
		return
	}
	if err := s.sync(); err != nil {
		s.logf("sync buffered writes: %v", err)
	}
}

// collect runs value-log GC until a pass finds nothing worth rewriting. Each
// pass holds the write lock, because GC rewrites through Badger's write path
// (see Badger.sync).
func (s *Badger) collect(ctx context.Context) {
	for pass := 0; pass < 16 && ctx.Err() == nil; pass++ {
		s.wmu.Lock()
		err := s.checkSpace()
		if err == nil {
			err = s.db.RunValueLogGC(0.5)
		}
		s.wmu.Unlock()
		switch {
		case err == nil:
		case errors.Is(err, badger.ErrNoRewrite), errors.Is(err, badger.ErrRejected):
			return
		default:
			s.logf("value-log GC: %v", err)
			return
		}
	}
}
