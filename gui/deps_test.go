package gui_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// TestDependencies keeps the GUI talking to the node only through node/api:
// no libp2p, no Badger, no storage, none of the node's internals, and no
// fyne.io/fyne/v2/app, which needs cgo and a display and belongs to main.
func TestDependencies(t *testing.T) {
	deps := goListDeps(t, ".")
	for _, dep := range deps {
		if reason := forbidden(dep); reason != "" {
			t.Errorf("gui depends on %s: %s", dep, reason)
		}
	}
	if !slices.Contains(deps, "fyne.io/fyne/v2") {
		t.Errorf("go list -deps found no fyne.io/fyne/v2 among %d packages; the check is not seeing the real imports", len(deps))
	}
}

func TestForbidden(t *testing.T) {
	tests := []struct {
		path string
		want bool
	}{
		{"github.com/libp2p/go-libp2p", true},
		{"github.com/libp2p/go-libp2p-pubsub", true},
		{"github.com/dgraph-io/badger/v4", true},
		{"github.com/dgraph-io/badger", true},
		{"github.com/jejak/jejak/storage", true},
		{"github.com/jejak/jejak/storage/storetest", true},
		{"github.com/jejak/jejak/node", true},
		{"github.com/jejak/jejak/node/gossip", true},
		{"github.com/jejak/jejak/node/api", false},
		{"github.com/jejak/jejak/nodeapi", false},
		{"github.com/jejak/jejak/protocol", false},
		{"fyne.io/fyne/v2/app", true},
		{"fyne.io/fyne/v2/widget", false},
		{"github.com/dgraph-io/ristretto/v2", false},
	}
	for _, tt := range tests {
		if got := forbidden(tt.path) != ""; got != tt.want {
			t.Errorf("forbidden(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
}

// forbidden returns why gui must not depend on the package at path, or ""
// if it may.
func forbidden(path string) string {
	switch {
	case hasPathPrefix(path, "github.com/jejak/jejak/node/api"):
		return ""
	case strings.HasPrefix(path, "github.com/libp2p/"):
		return "libp2p belongs to the node"
	case strings.HasPrefix(path, "github.com/dgraph-io/badger"):
		return "Badger belongs to storage"
	case hasPathPrefix(path, "github.com/jejak/jejak/storage"):
		return "the GUI reads records through node/api, not the store"
	case hasPathPrefix(path, "github.com/jejak/jejak/node"):
		return "the GUI talks to the node only through node/api"
	case path == "fyne.io/fyne/v2/app":
		return "only package main creates the Fyne app (it needs cgo and a display)"
	}
	return ""
}

// hasPathPrefix reports whether path is prefix or a package below it.
func hasPathPrefix(path, prefix string) bool {
	return path == prefix || strings.HasPrefix(path, prefix+"/")
}

// goListDeps returns the import paths of pkg and of every package it depends
// on, as "go list -deps" reports them.
func goListDeps(t *testing.T, pkg string) []string {
	t.Helper()
	cmd := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}}", pkg)
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps %s: %v\n%s", pkg, err, cmd.Stderr)
	}
	return strings.Fields(string(out))
}
