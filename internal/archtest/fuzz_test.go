package archtest

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// decodes matches the calls that read bytes from outside the program:
// JSON, CSV and CBOR decoding, key files and CAR files.
var decodes = regexp.MustCompile(`json\.Unmarshal|json\.NewDecoder|csv\.NewReader|age\.Decrypt|` +
	`cbor[A-Za-z]*\.Unmarshal|[dD]ec\.Unmarshal|NewBlockReader|NewCarReader|UnmarshalPrivateKey`)

// notFuzzed are the packages that decode bytes but need no fuzz target,
// and why.
var notFuzzed = map[string]string{
	"node/bench":              "reads only what its own child processes write",
	"i18n":                    "decodes only its own catalog, embedded at build time and checked by TestCatalogComplete",
	"cmd/jejak-wasm":          "browser glue: what it decodes goes to capsule.Check, fuzzed as FuzzCheck",
	"gui/geomap/internal/gen": "run by hand on the world-atlas files to make the embedded basemap; never by the app",
}

// TestDecodersAreFuzzed fails when a package that decodes bytes from a
// peer or a file has no fuzz target: scripts/fuzz (make test, make soak)
// runs every target it finds, so a decoder without one is never fuzzed.
func TestDecodersAreFuzzed(t *testing.T) {
	root := filepath.Join("..", "..")
	decoders := map[string]string{} // package → a file that decodes
	fuzzed := map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); path != root && (strings.HasPrefix(n, ".") || n == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		rel = filepath.ToSlash(rel)
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, "_test.go") {
			if regexp.MustCompile(`(?m)^func Fuzz[A-Z0-9]\w*\(f \*testing\.F\)`).Match(src) {
				fuzzed[rel] = true
			}
			return nil
		}
		if decodes.Match(src) {
			decoders[rel] = filepath.Base(path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(decoders) < 5 {
		t.Fatalf("found %d packages that decode: the test is not seeing the module", len(decoders))
	}
	var missing []string
	for pkg, file := range decoders {
		if !fuzzed[pkg] && notFuzzed[pkg] == "" {
			missing = append(missing, pkg+" (decodes in "+file+")")
		}
	}
	slices.Sort(missing)
	for _, m := range missing {
		t.Errorf("%s has no fuzz target: add a Fuzz function to its tests, or list it in notFuzzed with the reason", m)
	}
	for pkg := range notFuzzed {
		if _, ok := decoders[pkg]; !ok {
			t.Errorf("notFuzzed lists %s, which decodes nothing any more", pkg)
		}
	}
	if fi, err := os.Stat(filepath.Join(root, "scripts", "fuzz")); err != nil || fi.Mode()&0o111 == 0 {
		t.Errorf("scripts/fuzz, which runs the targets, is missing or not executable (%v)", err)
	}
}
