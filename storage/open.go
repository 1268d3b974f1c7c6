package storage

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// schemaVersion is the layout of keys and values this package writes (see
// keys.go). A store with another version is refused.
const schemaVersion = 1

// Badger is a Store kept in a Badger database, on disk or in memory.
type Badger struct {
	db      *badger.DB
	dir     string // "" for an in-memory store
	opts    Options
	reserve int64 // the profile's disk reserve (see Options.diskReserve)

	mu     sync.RWMutex // read-held by every call; Close write-holds it
	closed bool

	wmu     sync.Mutex // one writer at a time, so no transaction conflicts
	arrival uint64     // the last arrival number committed (under wmu)
	dirty   bool       // buffered commits not yet fsynced (under wmu)

	spaceMu  sync.Mutex
	tables   int64     // bytes of table files when last looked (under spaceMu)
	tablesAt time.Time // when that was

	stop context.CancelFunc // ends the background goroutine
	bg   sync.WaitGroup
}

var _ Store = (*Badger)(nil)

// Open opens the store in the folder dir, creating the folder and an empty
// store if there is none. Four things might go wrong: another process has
// the store open (ErrInUse: "storage: the store at DIR is in use by another
// Jejak process"); the folder holds something that is not a Jejak store, a
// damaged store, or a store of a newer Jejak (ErrCorrupt); the folder
// cannot be read (fs.ErrPermission); or the disk is full (ErrNoSpace).
//
// Before Badger opens the store, Open checks the footer of every table (a
// damaged one would crash Badger) and deletes empty log files (which a
// process killed while creating them leaves behind, and which Badger
// refuses). After, it checks the schema version and finishes a Reindex
// that a killed process left half done.
func Open(dir string, opts Options) (*Badger, error) {
	if dir == "" {
		return nil, fmt.Errorf("storage: open store: no folder given: %w", ErrInvalid)
	}
	if err := prepareDir(dir); err != nil {
		return nil, err
	}
	bo := opts.badgerOptions(dir)
	err := whileLocked(dir, func() error {
		if err := removeEmptyLogs(dir); err != nil {
			return fmt.Errorf("storage: open store at %s: %w", dir, err)
		}
		return checkTables(dir, bo)
	})
	if err != nil {
		return nil, err
	}
	db, err := openBadger(bo, dir)
	if err != nil {
		return nil, err
	}
	return start(db, dir, opts)
}

// OpenMemory returns an empty store that lives in memory until Close, for
// tests and tools.
func OpenMemory(opts Options) (*Badger, error) {
	db, err := openBadger(opts.badgerOptions(""), "")
	if err != nil {
		return nil, err
	}
	return start(db, "", opts)
}

// start checks the schema, finishes an interrupted Reindex and starts the
// background goroutine.
func start(db *badger.DB, dir string, opts Options) (*Badger, error) {
	s := &Badger{db: db, dir: dir, opts: opts, reserve: opts.diskReserve()}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s.stop = cancel
	if dir != "" {
		s.bg.Add(1)
		go s.background(ctx)
	}
	return s, nil
}

// where names the store in errors.
func (s *Badger) where() string {
	if s.dir == "" {
		return "in memory"
	}
	return "at " + s.dir
}

// Dir returns the store's folder, or "" for an in-memory store.
func (s *Badger) Dir() string { return s.dir }

// prepareDir creates dir if it is missing and refuses a file or a folder
// that holds something other than a store.
func prepareDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("storage: create store at %s: %w", dir, err)
		}
		return nil
	case err != nil:
		return fmt.Errorf("storage: open store at %s: %w", dir, err)
	case !fi.IsDir():
		return &kindError{msg: fmt.Sprintf("storage: open store at %s: it is a file, not a folder", dir), kind: ErrCorrupt}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("storage: open store at %s: %w", dir, err)
	}
	var manifest, storeFiles bool
	var other []string
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == badger.ManifestFilename:
			manifest = true
		case name == "LOCK" || isScratchName(name):
		case name == "KEYREGISTRY" || name == "DISCARD" || name == "MANIFEST-REWRITE",
			strings.HasSuffix(name, ".sst"), strings.HasSuffix(name, ".vlog"), strings.HasSuffix(name, ".mem"):
			storeFiles = true
		default:
			other = append(other, name)
		}
	}
	switch {
	case manifest:
		return nil
	case storeFiles:
		return &kindError{msg: fmt.Sprintf("storage: open store at %s: the store is damaged: its MANIFEST file is missing", dir), kind: ErrCorrupt}
	case len(other) > 0:
		sort.Strings(other)
		if len(other) > 3 {
			other = append(other[:3], "…")
		}
		return &kindError{msg: fmt.Sprintf("storage: open store at %s: the folder is not a Jejak store (it holds %s); choose an empty folder",
			dir, strings.Join(other, ", ")), kind: ErrCorrupt}
	}
	return nil
}

// openBadger opens Badger, turning its errors and panics into ours.
func openBadger(bo badger.Options, dir string) (db *badger.DB, err error) {
	where := "in memory"
	if dir != "" {
		where = "at " + dir
	}
	defer func() {
		if r := recover(); r != nil {
			db = nil
			err = &kindError{msg: fmt.Sprintf("storage: open store %s: the store is damaged: %v", where, r), kind: ErrCorrupt}
		}
	}()
	db, err = badger.Open(bo)
	if err == nil {
		return db, nil
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "Cannot acquire directory lock"):
		return nil, errInUse(dir)
	case strings.Contains(msg, "permission denied"):
		return nil, &kindError{msg: fmt.Sprintf("storage: open store %s: permission denied: %s", where, msg), kind: fs.ErrPermission}
	case strings.Contains(msg, "no space left on device"):
		return nil, &kindError{msg: fmt.Sprintf("storage: open store %s: %s", where, msg), kind: ErrNoSpace}
	}
	return nil, &kindError{msg: fmt.Sprintf("storage: open store %s: the store is damaged or not a Jejak store: %s", where, msg), kind: ErrCorrupt}
}

// errInUse is the error for a store another process has open.
func errInUse(dir string) error {
	return &kindError{msg: fmt.Sprintf("storage: the store at %s is in use by another Jejak process", dir), kind: ErrInUse}
}

// init checks the schema version of an existing store or writes it into a
// new one, loads the arrival counter and finishes an interrupted Reindex.
func (s *Badger) init() error {
	var schema, arrival []byte
	var reindex, empty bool
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		if schema, err = getValue(txn, keySchema); err != nil {
			return err
		}
		if arrival, err = getValue(txn, keyArrival); err != nil {
			return err
		}
		if _, err := txn.Get(keyReindex); err == nil {
			reindex = true
		}
		it := txn.NewIterator(badger.IteratorOptions{})
		defer it.Close()
		it.Rewind()
		empty = !it.Valid()
		return nil
	})
	if err != nil {
		return &kindError{msg: fmt.Sprintf("storage: open store %s: read the schema version: %v", s.where(), err), kind: ErrCorrupt}
	}
	switch {
	case schema == nil && !empty:
		return &kindError{msg: fmt.Sprintf("storage: open store %s: the folder holds a Badger database that is not a Jejak store", s.where()), kind: ErrCorrupt}
	case schema == nil:
		err := s.db.Update(func(txn *badger.Txn) error {
			return txn.Set(keySchema, binary.BigEndian.AppendUint32(nil, schemaVersion))
		})
		if err == nil {
			err = s.db.Sync()
		}
		if err != nil {
			return fmt.Errorf("storage: create store %s: %w", s.where(), dbError(err))
		}
	case len(schema) != 4:
		return &kindError{msg: fmt.Sprintf("storage: open store %s: the schema version is unreadable", s.where()), kind: ErrCorrupt}
	case binary.BigEndian.Uint32(schema) > schemaVersion:
		return &kindError{msg: fmt.Sprintf("storage: open store %s: the store was written by a newer Jejak (schema %d; this version reads schema %d)",
			s.where(), binary.BigEndian.Uint32(schema), schemaVersion), kind: ErrCorrupt}
	case binary.BigEndian.Uint32(schema) != schemaVersion:
		return &kindError{msg: fmt.Sprintf("storage: open store %s: unknown schema %d", s.where(), binary.BigEndian.Uint32(schema)), kind: ErrCorrupt}
	}
	if len(arrival) == 8 {
		s.arrival = binary.BigEndian.Uint64(arrival)
	}
	if reindex {
		s.logf("an earlier reindex was interrupted; rebuilding the indexes")
		if err := s.reindex(context.Background(), nil); err != nil {
			return fmt.Errorf("storage: open store %s: finish an interrupted reindex: %w", s.where(), err)
		}
	}
	return s.removeScratch()
}

// getValue returns a copy of the value at k, or nil if there is none.
func getValue(txn *badger.Txn, k []byte) ([]byte, error) {
	item, err := txn.Get(k)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

// Close waits for running calls, stops the background work, and closes
// Badger, which flushes its memtables to disk.
func (s *Badger) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return fmt.Errorf("storage: close store %s: %w", s.where(), ErrClosed)
	}
	s.closed = true
	s.stop()
	s.bg.Wait()
	s.wmu.Lock()
	serr := s.sync()
	s.wmu.Unlock()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("storage: close store %s: %w", s.where(), dbError(err))
	}
	if serr != nil {
		return fmt.Errorf("storage: close store %s: %w", s.where(), serr)
	}
	return nil
}

// enter starts a call: it fails with ErrClosed once the store is closed,
// and otherwise holds off Close until leave.
func (s *Badger) enter(op string) error {
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return fmt.Errorf("storage: %s: %w", op, ErrClosed)
	}
	return nil
}

func (s *Badger) leave() { s.mu.RUnlock() }

// logf sends a notice to the configured logger.
func (s *Badger) logf(format string, args ...any) {
	if s.opts.Logger != nil {
		s.opts.Logger.Info("storage: " + fmt.Sprintf(format, args...))
	}
}

// scratch folders hold Check's rebuild inside the store's folder.
const scratchPattern = "check-*.tmp"

func isScratchName(name string) bool {
	ok, _ := filepath.Match(scratchPattern, name)
	return ok
}

// removeScratch deletes scratch folders a killed Check left behind.
func (s *Badger) removeScratch() error {
	if s.dir == "" {
		return nil
	}
	names, _ := filepath.Glob(filepath.Join(s.dir, scratchPattern))
	for _, n := range names {
		if err := os.RemoveAll(n); err != nil {
			return fmt.Errorf("storage: open store %s: remove scratch folder: %w", s.where(), err)
		}
	}
	return nil
}
