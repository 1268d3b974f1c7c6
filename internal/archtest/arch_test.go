package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const mod = "github.com/jejak/jejak"

// pkg is what go list says of one package.
type pkg struct {
	ImportPath string
	Imports    []string // direct imports of its non-test files
	Deps       []string // every package it depends on, transitively
}

// listAll returns every package of the module, as go list -json reports it
// with cgo enabled (the desktop app needs it) or not.
func listAll(t *testing.T, cgo bool) map[string]pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-e", "-json=ImportPath,Imports,Deps", mod+"/...")
	cmd.Env = append(os.Environ(), "CGO_ENABLED="+map[bool]string{true: "1", false: "0"}[cgo])
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, cmd.Stderr)
	}
	pkgs := map[string]pkg{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs[strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, mod), "/")] = p
	}
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; the test is not seeing the module", len(pkgs))
	}
	return pkgs
}

// ours returns the module's packages among paths, relative to the module
// ("" for the root package).
func ours(paths []string) []string {
	var out []string
	for _, p := range paths {
		if p == mod {
			out = append(out, "")
		} else if rel, ok := strings.CutPrefix(p, mod+"/"); ok {
			out = append(out, rel)
		}
	}
	return out
}

// TestImportArrows checks each package's direct imports of the module's
// own packages against the arrows of docs/ARCHITECTURE.md. A package not
// listed here is a new package: add it, and to the document.
func TestImportArrows(t *testing.T) {
	allowed := map[string][]string{
		"":                             {"assets", "gui", "node", "node/api", "node/demo", "node/p2p", "protocol", "storage"},
		"assets":                       {},
		"protocol":                     {"i18n"},
		"protocol/prototest":           {"protocol"},
		"protocol/provenance":          {"i18n", "protocol"},
		"protocol/provenance/scenario": {"protocol", "protocol/provenance"},
		"protocol/interop/car":         {"protocol"},
		"protocol/interop/epcis":       {"protocol", "protocol/provenance"},
		"protocol/interop/eudr":        {"protocol", "protocol/provenance"},
		"protocol/interop/places":      {"protocol"},
		"protocol/interop/cmrt":        {"protocol", "protocol/provenance"},
		"protocol/interop/capsule":     {"i18n", "protocol", "protocol/provenance"},
		"protocol/interop/printout":    {"i18n", "protocol", "protocol/provenance"},
		"protocol/interop/export":      {"protocol", "protocol/provenance", "protocol/interop/capsule", "protocol/interop/car", "protocol/interop/epcis", "protocol/interop/eudr", "protocol/interop/cmrt"},
		"storage":                      {"protocol"},
		"storage/storetest":            {"protocol", "protocol/prototest", "protocol/provenance/scenario", "storage"},
		"internal/atomicfile":          {},
		"internal/jsonerr":             {},
		"internal/archtest":            {},
		"i18n":                         {},
		"node/p2p":                     {"protocol", "storage", "internal/atomicfile"},
		"node/api":                     {"protocol", "protocol/provenance", "protocol/interop/places"},
		"node/localapi":                {"node/api", "protocol", "protocol/provenance"},
		"node":                         {"internal/atomicfile", "internal/jsonerr", "node/api", "node/localapi", "node/p2p", "protocol", "protocol/provenance", "protocol/interop/places", "storage"},
		"node/bench":                   {"node", "node/api", "node/p2p", "protocol", "protocol/provenance", "protocol/provenance/scenario", "storage"},
		"node/web":                     {"i18n", "node/api", "protocol", "protocol/interop/capsule"},
		"node/demo":                    {"node/api", "node/p2p", "protocol", "protocol/provenance/scenario", "storage"},
		"gui/geomap":                   {"protocol"},
		"gui/geomap/internal/gen":      {},
		"gui":                          {"i18n", "gui/geomap", "internal/atomicfile", "node/api", "protocol", "protocol/provenance", "protocol/interop/export", "protocol/interop/places", "protocol/interop/car", "protocol/interop/epcis", "protocol/interop/capsule", "protocol/interop/printout"},
		"cmd/jejak-node":               {"i18n", "internal/atomicfile", "internal/jsonerr", "node", "node/api", "node/localapi", "node/p2p", "protocol", "protocol/provenance", "protocol/interop/export", "protocol/interop/places", "protocol/interop/car", "protocol/interop/epcis", "protocol/interop/capsule", "storage", "node/bench", "node/web", "protocol/interop/printout"},
	}
	for path, p := range listAll(t, true) {
		allow, known := allowed[path]
		if !known {
			t.Errorf("package %q is not in the architecture: add it to docs/ARCHITECTURE.md and to this test", path)
			continue
		}
		for _, imp := range ours(p.Imports) {
			if !slices.Contains(allow, imp) {
				t.Errorf("%s imports %s: that arrow is not in docs/ARCHITECTURE.md", orRoot(path), orRoot(imp))
			}
		}
	}
}

func orRoot(p string) string {
	if p == "" {
		return "the desktop app (package main)"
	}
	return p
}

// TestWhatEachLayerLinks checks what each layer may not link at all, even
// through other packages.
func TestWhatEachLayerLinks(t *testing.T) {
	rules := []struct {
		pkg, why string
		cgo      bool
		bad      func(dep string) bool
	}{
		{"node/p2p", "the network engine knows nothing of the application", false, func(d string) bool {
			return d == mod+"/node" || strings.HasPrefix(d, mod+"/node/api") || strings.HasPrefix(d, mod+"/node/localapi") || strings.HasPrefix(d, mod+"/gui")
		}},
		{"gui", "the screens talk to the node only through node/api", true, func(d string) bool {
			return strings.HasPrefix(d, "github.com/libp2p/") || strings.HasPrefix(d, "github.com/dgraph-io/badger") ||
				d == mod+"/storage" || d == mod+"/node" || strings.HasPrefix(d, mod+"/node/p2p") || d == "fyne.io/fyne/v2/app"
		}},
		{"cmd/jejak-node", "the headless node builds without cgo", false, func(d string) bool {
			return strings.HasPrefix(d, "fyne.io/") || strings.HasPrefix(d, mod+"/gui")
		}},
		{"protocol", "records are pure: no network, no store", false, func(d string) bool {
			return strings.HasPrefix(d, "github.com/libp2p/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net/http"
		}},
		{"protocol/provenance", "verification is pure: no network, no store", false, func(d string) bool {
			return strings.HasPrefix(d, "github.com/libp2p/") || strings.HasPrefix(d, "github.com/dgraph-io/") || d == "net/http"
		}},
	}
	lists := map[bool]map[string]pkg{true: listAll(t, true), false: listAll(t, false)}
	for _, r := range rules {
		p, ok := lists[r.cgo][r.pkg]
		if !ok {
			t.Errorf("no package %s", r.pkg)
			continue
		}
		for _, d := range p.Deps {
			if r.bad(d) {
				t.Errorf("%s depends on %s: %s", r.pkg, d, r.why)
			}
		}
	}
}

// TestPureDoesNoFileIO keeps protocol, protocol/provenance and the interop
// formats under protocol/interop pure: they
// take readers, writers and values, and read or write no files (the node
// does, through internal/atomicfile).
func TestPureDoesNoFileIO(t *testing.T) {
	pkgs := listAll(t, false)
	for _, path := range []string{"protocol", "protocol/provenance", "protocol/interop/car", "protocol/interop/epcis",
		"protocol/interop/eudr", "protocol/interop/places", "protocol/interop/cmrt", "protocol/interop/export", "protocol/interop/capsule", "protocol/interop/printout"} {
		if _, ok := pkgs[path]; !ok {
			continue // not written yet
		}
		for _, imp := range pkgs[path].Imports {
			if imp == "os" || imp == "io/ioutil" || imp == "path/filepath" || imp == "net" {
				t.Errorf("%s imports %s: it must do no file or network I/O", path, imp)
			}
		}
	}
}
