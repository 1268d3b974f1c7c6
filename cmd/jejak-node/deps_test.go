package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestDependencies keeps the headless node free of Fyne and of the GUI, so
// that it builds without cgo on any machine with Go.
func TestDependencies(t *testing.T) {
	for _, dep := range goListDeps(t, ".") {
		if strings.HasPrefix(dep, "fyne.io/") || dep == "github.com/jejak/jejak/gui" || strings.HasPrefix(dep, "github.com/jejak/jejak/gui/") {
			t.Errorf("jejak-node depends on %s; it must not import Fyne or the GUI", dep)
		}
	}
}

// TestBuildsWithoutCgo checks that the node builds with CGO_ENABLED=0.
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

// goListDeps returns the import paths of pkg and of every package it depends
// on, as "go list -deps" reports them with cgo disabled.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, cmd.Stderr)
	}
	return strings.Fields(string(out))
}
