package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReplacesWhole(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "anchors.json")
	if err := Write(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, []byte("new"), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new" {
		t.Fatalf("read back %q, %v; want \"new\"", got, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o644 {
		t.Errorf("permissions %v, want 0644", fi.Mode().Perm())
	}
	onlyFile(t, dir, "anchors.json")
}

// A fill that fails half way (a full disk, an encoder error) leaves the
// old file as it was and no temporary file behind.
func TestFailedWriteLeavesTheOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "identity.json")
	if err := Write(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := WriteFunc(path, 0o600, func(w io.Writer) error {
		if _, err := w.Write([]byte(strings.Repeat("half", 1<<14))); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s and wrapping %v", err, path, boom)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Fatalf("after a failed write the file holds %.20q…, want \"old\"", got)
	}
	onlyFile(t, dir, "identity.json")
}

// A secret is never readable by others, not even while it is written.
func TestSecretIsPrivateWhileWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keys.jejakkey")
	err := WriteFunc(path, 0o600, func(w io.Writer) error {
		tmps, _ := filepath.Glob(filepath.Join(dir, ".keys.jejakkey.tmp-*"))
		if len(tmps) != 1 {
			t.Fatalf("temporary files %v, want one", tmps)
		}
		if fi, err := os.Stat(tmps[0]); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("the temporary file has permissions %v (%v), want 0600", fi.Mode().Perm(), err)
		}
		_, err := w.Write([]byte("secret"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestWriteIntoMissingFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no-such-folder", "peers.json")
	err := Write(path, []byte("x"), 0o600)
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("error %v, want one naming %s", err, path)
	}
}

func onlyFile(t *testing.T, dir, name string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ents) != 1 || ents[0].Name() != name {
		var names []string
		for _, e := range ents {
			names = append(names, e.Name())
		}
		t.Errorf("the folder holds %v, want only %s", names, name)
	}
}
