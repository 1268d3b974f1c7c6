//go:build windows

package storage

import "golang.org/x/sys/windows"

// freeBytes returns the space the current user may still use on the volume
// holding dir.
func freeBytes(dir string) (int64, bool) {
	p, err := windows.UTF16PtrFromString(dir)
	if err != nil {
		return 0, false
	}
	var avail, total, free uint64
	if err := windows.GetDiskFreeSpaceEx(p, &avail, &total, &free); err != nil {
		return 0, false
	}
	return int64(avail), true
}

// whileLocked runs fn; Badger locks the folder itself when it opens it.
func whileLocked(dir string, fn func() error) error { return fn() }
