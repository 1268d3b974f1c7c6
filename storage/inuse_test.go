//go:build linux

package storage

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"testing"
)

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
