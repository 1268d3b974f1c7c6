//go:build linux || darwin || freebsd

package storage

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// freeBytes returns the space an unprivileged user may still use on the
// file system holding dir.
func freeBytes(dir string) (int64, bool) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, false
	}
	return int64(st.Bavail) * int64(st.Bsize), true
}

// whileLocked runs fn holding the lock Badger takes on dir (flock on the
// folder), so that repairs and checks before Badger opens the store never
// touch a store another process has open. It returns ErrInUse if another
// process holds the lock.
func whileLocked(dir string, fn func() error) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("storage: open store at %s: %w", dir, err)
	}
	defer f.Close()
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB); err != nil {
		if errors.Is(err, unix.EWOULDBLOCK) {
			return errInUse(dir)
		}
		return fmt.Errorf("storage: open store at %s: lock the folder: %w", dir, err)
	}
	defer unix.Flock(int(f.Fd()), unix.LOCK_UN)
	return fn()
}
