//go:build linux

package storage

import (
	"fmt"
	"os"
	"testing"
)

// childEnv names the role a re-executed test binary plays: the crash and
// lock tests run their subject in a child process.
const childEnv = "JEJAK_STORAGE_CHILD"

// TestMain runs a child role instead of the tests when childEnv is set.
func TestMain(m *testing.M) {
	role := os.Getenv(childEnv)
	if role == "" {
		os.Exit(m.Run())
	}
	var err error
	switch role {
	case "crash":
		err = crashChild()
	case "lock":
		err = lockChild()
	default:
		err = fmt.Errorf("unknown child role %q", role)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		os.Exit(1)
	}
	os.Exit(0)
}
