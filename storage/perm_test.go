//go:build linux

package storage

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

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
