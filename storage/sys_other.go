//go:build !linux && !darwin && !freebsd && !windows

package storage

// freeBytes cannot read the free space on this system.
func freeBytes(string) (int64, bool) { return 0, false }

// whileLocked runs fn; Badger locks the folder itself when it opens it.
func whileLocked(dir string, fn func() error) error { return fn() }
