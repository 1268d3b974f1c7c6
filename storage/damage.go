package storage

import (
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/badger/v4/table"
	"github.com/dgraph-io/badger/v4/y"
	"google.golang.org/protobuf/proto"
)

// checkTables looks at the footer of every table the MANIFEST lists, the
// way Badger will when it opens them, so that a truncated or overwritten
// table is reported as a damaged store. Badger opens tables in goroutines
// of its own, where a damaged footer is a panic that kills the process (or,
// for a checksum mismatch, a table it skips without saying so). Tables the
// MANIFEST does not list are left to Badger, which deletes them (a crash
// can leave one half-written). A MANIFEST that cannot be read is left to
// Badger to report.
func checkTables(dir string, bo badger.Options) error {
	f, err := os.Open(filepath.Join(dir, badger.ManifestFilename))
	if err != nil {
		return nil
	}
	m, _, err := badger.ReplayManifestFile(f, bo.ExternalMagicVersion, bo)
	f.Close()
	if err != nil {
		return nil
	}
	for id := range m.Tables {
		path := table.NewFilename(id, dir)
		if err := checkTable(path); err != nil {
			return &kindError{msg: fmt.Sprintf("storage: open store at %s: the store is damaged: table %s: %v",
				dir, filepath.Base(path), err), kind: ErrCorrupt}
		}
	}
	return nil
}

// removeEmptyLogs deletes empty memtable and value logs. Badger creates a
// log file and then sizes it; a process killed in between leaves an empty
// file, which holds nothing but makes Badger refuse to open the store
// ("Create a new file").
func removeEmptyLogs(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".mem") && !strings.HasSuffix(e.Name(), ".vlog") {
			continue
		}
		if fi, err := e.Info(); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
			if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkTable checks one table's footer: from the end, the length of the
// checksum, the checksum of the index, the length of the index, and the
// index.
func checkTable(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	read := func(off, n int64) ([]byte, error) {
		if off < 0 || n < 0 || off+n > size {
			return nil, fmt.Errorf("its footer points outside the file (%d bytes): truncated or overwritten", size)
		}
		b := make([]byte, n)
		_, err := f.ReadAt(b, off)
		if err == io.EOF {
			err = fmt.Errorf("truncated while being read (%d bytes)", size)
		}
		return b, err
	}
	pos := size - 4
	b, err := read(pos, 4)
	if err != nil {
		return err
	}
	sumLen := int64(binary.BigEndian.Uint32(b))
	pos -= sumLen
	if b, err = read(pos, sumLen); err != nil {
		return err
	}
	var sum pb.Checksum
	if err := proto.Unmarshal(b, &sum); err != nil {
		return fmt.Errorf("unreadable index checksum")
	}
	if sum.Algo != pb.Checksum_CRC32C && sum.Algo != pb.Checksum_XXHash64 {
		return fmt.Errorf("unknown checksum kind %d", sum.Algo)
	}
	pos -= 4
	if b, err = read(pos, 4); err != nil {
		return err
	}
	indexLen := int64(binary.BigEndian.Uint32(b))
	pos -= indexLen
	index, err := read(pos, indexLen)
	if err != nil {
		return err
	}
	if y.CalculateChecksum(index, sum.Algo) != sum.Sum {
		return fmt.Errorf("the index does not match its checksum")
	}
	return nil
}
