//go:build unix

package bench

import (
	"os"
	"path/filepath"
	"syscall"
)

// diskUsage returns the disk space the files under dir take (Badger's
// logs are sparse files, much larger than what they hold).
func diskUsage(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				if st, ok := fi.Sys().(*syscall.Stat_t); ok {
					n += st.Blocks * 512
				}
			}
		}
		return nil
	})
	return n
}
