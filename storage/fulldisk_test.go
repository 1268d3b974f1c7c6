//go:build linux

package storage

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// fullDiskNS marks the child that runs TestFullDisk inside user and mount
// namespaces of its own, where an unprivileged user may mount a tmpfs.
const fullDiskNS = "JEJAK_FULLDISK_NS"

// fullDiskSize is the size of the file system the test fills: the desktop
// reserve (about 34 MiB) and room for the store.
const fullDiskSize = "64m"

// TestFullDisk fills a small tmpfs holding a store and checks that writes
// fail with a clear error, that the store can be closed and opened again,
// and that writes resume once space is freed. As root it mounts the tmpfs
// itself; otherwise (or if root may not mount) it runs again in new user
// and mount namespaces, where it may.
func TestFullDisk(t *testing.T) {
	inNS := os.Getenv(fullDiskNS) != ""
	var rootErr error
	if inNS || os.Geteuid() == 0 {
		mnt := t.TempDir()
		rootErr = syscall.Mount("tmpfs", mnt, "tmpfs", 0, "size="+fullDiskSize+",mode=0700")
		if rootErr == nil {
			t.Cleanup(func() {
				if err := syscall.Unmount(mnt, 0); err != nil {
					t.Errorf("unmount %s: %v", mnt, err)
				}
			})
			fullDisk(t, mnt)
			return
		}
		if inNS {
			t.Fatalf("mount a tmpfs in the namespace: %v", rootErr)
		}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestFullDisk$", "-test.v")
	cmd.Env = append(os.Environ(), fullDiskNS+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	if err != nil && !strings.Contains(string(out), "--- FAIL") {
		t.Skipf("cannot mount a small file system: as root: %v; in a user namespace: %v\n%s", rootErr, err, out)
	}
	t.Logf("in a user namespace:\n%s", out)
	if err != nil {
		t.Fatal("the full-disk test failed in its namespace")
	}
}

// fullDisk runs the scenario on the file system mounted at mnt.
func fullDisk(t *testing.T, mnt string) {
	dir := filepath.Join(mnt, "store")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	gen := newRecordGen("fulldisk", 8)
	var stored []protocol.Signed
	putSome := func(n int) error {
		recs := gen.take(n)
		for _, r := range recs[:1] {
			if _, err := s.Put(bg, r, Synced); err != nil {
				return err
			}
		}
		res, err := s.PutBatch(bg, recs[1:])
		stored = append(stored, recs[:1+len(res)]...)
		return err
	}
	if err := putSome(100); err != nil {
		t.Fatalf("before the disk is full: %v", err)
	}

	// Fill the disk to just above the reserve, then write until refused.
	free, _ := freeBytes(dir)
	filler := filepath.Join(mnt, "filler")
	if err := os.WriteFile(filler, make([]byte, free-s.reserve-(1<<20)), 0o600); err != nil {
		t.Fatalf("fill the disk: %v", err)
	}
	fill := func() error {
		t.Helper()
		for range 1000 {
			if err := putSome(200); err != nil {
				return err
			}
		}
		t.Fatal("writes never failed on a full disk")
		return nil
	}
	full := fill()
	if !errors.Is(full, ErrNoSpace) || !strings.HasPrefix(full.Error(), "storage: put ") ||
		!strings.Contains(full.Error(), "no space left on device") {
		t.Errorf("write on a full disk: %v\nwant a storage error wrapping ErrNoSpace that says so", full)
	}
	t.Logf("full: %v", full)
	_, err = s.Put(bg, gen.next(), Synced)
	if !errors.Is(err, ErrNoSpace) {
		t.Errorf("synced Put on a full disk: %v, want ErrNoSpace", err)
	}
	checkStored(t, s, stored)

	// The store closes and opens on a full disk. (Close flushes the
	// memtables into tables and drops their logs, which may free a little
	// space: fill it again.)
	if err := s.Close(); err != nil {
		t.Fatalf("Close on a full disk: %v", err)
	}
	if s, err = Open(dir, Options{}); err != nil {
		t.Fatalf("Open on a full disk: %v", err)
	}
	checkStored(t, s, stored)
	if err := fill(); !errors.Is(err, ErrNoSpace) {
		t.Errorf("writes on a full disk after reopening: %v, want ErrNoSpace", err)
	}
	checkStored(t, s, stored)

	// Free the space: writes resume.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	gen = newRecordGen("fulldisk/after", 2)
	if err := putSome(500); err != nil {
		t.Fatalf("after freeing space: %v", err)
	}
	checkStored(t, s, stored)
	diffs, err := s.Check(bg)
	if err != nil || len(diffs) > 0 {
		t.Errorf("Check after the disk was full: %v, %v", diffs, err)
	}
}

// checkStored checks that every record in recs can be read.
func checkStored(t *testing.T, s *Badger, recs []protocol.Signed) {
	t.Helper()
	for _, r := range recs {
		if _, err := s.Get(bg, r.CID); err != nil {
			t.Fatalf("record stored before the disk was full: %v", err)
		}
	}
	n, err := s.Counts(bg)
	if err != nil || n.Records != int64(len(recs)) {
		t.Errorf("Counts = %+v, %v; want %d records", n, err, len(recs))
	}
}
