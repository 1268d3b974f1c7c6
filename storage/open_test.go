package storage

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

var bg = context.Background()

// storeWithRecords makes a closed store in a new folder holding a few
// hundred records, flushed into tables by Close.
func storeWithRecords(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PutBatch(bg, newRecordGen("damaged", 3).take(300)); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

// writeFile writes n random bytes (or data) to a file.
func writeRandom(t *testing.T, path string, n int) {
	t.Helper()
	b := make([]byte, n)
	r := rand.New(rand.NewPCG(uint64(n), 1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestOpenDamagedOrForeign(t *testing.T) {
	for _, tc := range []struct {
		name  string
		make  func(t *testing.T) string
		want  error
		words string
	}{
		{"folder of other files", func(t *testing.T) string {
			dir := t.TempDir()
			writeRandom(t, filepath.Join(dir, "notes.txt"), 100)
			writeRandom(t, filepath.Join(dir, "photo.jpg"), 5000)
			return dir
		}, ErrCorrupt, "not a Jejak store"},
		{"random files named like a store", func(t *testing.T) string {
			dir := t.TempDir()
			writeRandom(t, filepath.Join(dir, "MANIFEST"), 300)
			writeRandom(t, filepath.Join(dir, "000001.sst"), 3000)
			return dir
		}, ErrCorrupt, "damaged"},
		{"empty MANIFEST", func(t *testing.T) string {
			dir := storeWithRecords(t)
			truncate(t, filepath.Join(dir, badger.ManifestFilename), 0)
			return dir
		}, ErrCorrupt, "damaged"},
		{"truncated MANIFEST", func(t *testing.T) string {
			dir := storeWithRecords(t)
			truncate(t, filepath.Join(dir, badger.ManifestFilename), 5)
			return dir
		}, ErrCorrupt, "damaged"},
		{"missing MANIFEST", func(t *testing.T) string {
			dir := storeWithRecords(t)
			if err := os.Remove(filepath.Join(dir, badger.ManifestFilename)); err != nil {
				t.Fatal(err)
			}
			return dir
		}, ErrCorrupt, "MANIFEST file is missing"},
		{"truncated table", func(t *testing.T) string {
			dir := storeWithRecords(t)
			tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
			if len(tables) == 0 {
				t.Fatal("the store has no table files")
			}
			truncate(t, tables[0], 100)
			return dir
		}, ErrCorrupt, "damaged"},
		{"overwritten table", func(t *testing.T) string {
			dir := storeWithRecords(t)
			tables, _ := filepath.Glob(filepath.Join(dir, "*.sst"))
			fi, err := os.Stat(tables[0])
			if err != nil {
				t.Fatal(err)
			}
			writeRandom(t, tables[0], int(fi.Size()))
			return dir
		}, ErrCorrupt, "damaged"},
		{"truncated key registry", func(t *testing.T) string {
			dir := storeWithRecords(t)
			truncate(t, filepath.Join(dir, "KEYREGISTRY"), 10)
			return dir
		}, ErrCorrupt, "damaged"},
		{"overwritten value log", func(t *testing.T) string {
			dir := storeWithRecords(t)
			logs, _ := filepath.Glob(filepath.Join(dir, "*.vlog"))
			writeRandom(t, logs[0], 4096)
			return dir
		}, ErrCorrupt, "damaged"},
		{"a file, not a folder", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "store")
			writeRandom(t, path, 10)
			return path
		}, ErrCorrupt, "a file, not a folder"},
		{"a Badger database of another program", func(t *testing.T) string {
			dir := t.TempDir()
			db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("hello"), []byte("world")) })
			db.Close()
			return dir
		}, ErrCorrupt, "not a Jejak store"},
		{"a store of a newer Jejak", func(t *testing.T) string {
			dir := storeWithRecords(t)
			db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
			if err != nil {
				t.Fatal(err)
			}
			db.Update(func(txn *badger.Txn) error { return txn.Set(keySchema, []byte{0, 0, 0, schemaVersion + 1}) })
			db.Close()
			return dir
		}, ErrCorrupt, "newer Jejak"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.make(t)
			s, err := Open(dir, Options{})
			if err == nil {
				s.Close()
				t.Fatalf("Open succeeded, want an error wrapping %v", tc.want)
			}
			if !errors.Is(err, tc.want) || !strings.HasPrefix(err.Error(), "storage: ") || !strings.Contains(err.Error(), tc.words) {
				t.Errorf("Open: %v\nwant an error wrapping %q that starts with \"storage: \" and says %q", err, tc.want, tc.words)
			}
			t.Logf("Open: %v", err)
		})
	}
}

func truncate(t *testing.T, path string, size int64) {
	t.Helper()
	if err := os.Truncate(path, size); err != nil {
		t.Fatal(err)
	}
}

func TestOpenEmptyAndMissingFolder(t *testing.T) {
	for _, dir := range []string{t.TempDir(), filepath.Join(t.TempDir(), "a", "b")} {
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatalf("Open(%s): %v", dir, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		s, err = Open(dir, Options{})
		if err != nil {
			t.Fatalf("Open(%s) again: %v", dir, err)
		}
		s.Close()
	}
}
