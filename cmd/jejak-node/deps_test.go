package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBuildsWithoutCgo checks that the node builds with CGO_ENABLED=0. (What
// it may link is checked with every other arrow in internal/archtest.)
func TestBuildsWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping a full build in short mode")
	}
	out := filepath.Join(t.TempDir(), "jejak-node")
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, msg)
	}
}
