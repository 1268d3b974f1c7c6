//go:build linux

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// Who may open a store: not a user without permission, and not a second
// process (or a second Open in one process) while the store is open.

// noPermsChild is the uid the permission test runs its child as when the
// test runs as root (for whom permission bits do not apply).
const noPermsChild = 65534

func TestOpenWithoutPermission(t *testing.T) {
	// A folder of its own that an unprivileged child can enter: t.TempDir's
	// parent is private to this user.
	base, err := os.MkdirTemp("", "jejak-perm-*")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "store")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Chmod(dir, 0o700) })
		_, err := Open(dir, Options{})
		if !errors.Is(err, fs.ErrPermission) || !strings.HasPrefix(err.Error(), "storage: open store at "+dir) {
			t.Errorf("Open of a folder without permission: %v, want a storage error wrapping fs.ErrPermission", err)
		}
		return
	}
	// Root may open anything: run the open as an unprivileged user, from a
	// copy of the test binary that user can run.
	bin := filepath.Join(base, "storage.test")
	copyFile(t, os.Args[0], bin, 0o755)
	cmd := exec.Command(bin)
	cmd.Env = append(os.Environ(), childEnv+"=lock", "JEJAK_LOCK_DIR="+dir)
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: noPermsChild, Gid: noPermsChild}}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Skipf("cannot run a child as uid %d to test permissions: %v: %s", noPermsChild, err, out)
	}
	if !strings.Contains(string(out), "permission: true") || !strings.Contains(string(out), "error: storage: open store at "+dir) {
		t.Errorf("Open as an unprivileged user of a folder it may not read:\n%s\nwant a storage error wrapping fs.ErrPermission", out)
	}
	t.Logf("uid %d: %s", noPermsChild, out)
}

func copyFile(t *testing.T, from, to string, mode os.FileMode) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, mode); err != nil {
		t.Fatal(err)
	}
}

func TestOpenInUse(t *testing.T) {
	dir := t.TempDir()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	want := "storage: the store at " + dir + " is in use by another Jejak process"

	_, err = Open(dir, Options{})
	if !errors.Is(err, ErrInUse) || err.Error() != want {
		t.Errorf("second Open in the same process: %v\nwant %q wrapping ErrInUse", err, want)
	}

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=lock", "JEJAK_LOCK_DIR="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	if !strings.Contains(string(out), "in use: true") || !strings.Contains(string(out), "error: "+want+"\n") {
		t.Errorf("Open from another process said:\n%s\nwant %q wrapping ErrInUse", out, want)
	}

	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

// lockChild opens the store in JEJAK_LOCK_DIR and reports what happened.
func lockChild() error {
	s, err := Open(os.Getenv("JEJAK_LOCK_DIR"), Options{})
	if err == nil {
		fmt.Println("opened")
		return s.Close()
	}
	fmt.Printf("error: %v\nin use: %v\npermission: %v\n", err, errors.Is(err, ErrInUse), errors.Is(err, fs.ErrPermission))
	return nil
}
