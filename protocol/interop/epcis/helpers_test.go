package epcis_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/dlclark/regexp2"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// dataDir returns the folder of GS1's EPCIS reference data: shared/data/epcis,
// found by walking up from the package folder, in the repository or beside
// it (CI has shared/ beside the checkout). The test fails when it is absent.
func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		for _, cand := range []string{filepath.Join(dir, "shared", "data", "epcis"), filepath.Join(dir, "..", "shared", "data", "epcis")} {
			if _, err := os.Stat(filepath.Join(cand, "EPCIS-JSON-Schema.json")); err == nil {
				return cand
			}
		}
		up := filepath.Dir(dir)
		if up == dir {
			t.Fatal("GS1's EPCIS reference data (shared/data/epcis with EPCIS-JSON-Schema.json) is not in any folder above the package nor beside one: the tests need it")
		}
		dir = up
	}
}

// examples returns GS1's example documents by file name.
func examples(t testing.TB) map[string][]byte {
	t.Helper()
	dir := dataDir(t)
	names, err := filepath.Glob(filepath.Join(dir, "*.jsonld"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no GS1 example documents in %s", dir)
	}
	out := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(n)] = b
	}
	return out
}

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// ecmaRegexp is a regexp2 expression in ECMAScript mode: GS1's schema has
// patterns with look-ahead, which Go's regexp does not have, and GS1
// validates with ajv, whose patterns are JavaScript's.
type ecmaRegexp regexp2.Regexp

func (re *ecmaRegexp) MatchString(s string) bool {
	ok, err := (*regexp2.Regexp)(re).MatchString(s)
	return err == nil && ok
}

func (re *ecmaRegexp) String() string { return (*regexp2.Regexp)(re).String() }

func compileECMA(s string) (jsonschema.Regexp, error) {
	re, err := regexp2.Compile(s, regexp2.ECMAScript)
	if err != nil {
		return nil, err
	}
	return (*ecmaRegexp)(re), nil
}

// validate checks doc against GS1's EPCIS 2.0 JSON Schema (draft-07, with
// its formats asserted).
func validate(t testing.TB, doc []byte) {
	t.Helper()
	dir := dataDir(t) // fails the test here, not inside the Once
	schemaOnce.Do(func() {
		const loc = "https://gs1.github.io/EPCIS/EPCIS-JSON-Schema.json"
		f, err := os.Open(filepath.Join(dir, "EPCIS-JSON-Schema.json"))
		if err != nil {
			schemaErr = err
			return
		}
		defer f.Close()
		s, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			schemaErr = err
			return
		}
		c := jsonschema.NewCompiler()
		c.UseRegexpEngine(compileECMA)
		c.AssertFormat()
		if schemaErr = c.AddResource(loc, s); schemaErr != nil {
			return
		}
		schema, schemaErr = c.Compile(loc)
	})
	if schemaErr != nil {
		t.Fatalf("GS1's schema: %v", schemaErr)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(doc))
	if err != nil {
		t.Fatalf("the document is not JSON: %v", err)
	}
	if err := schema.Validate(inst); err != nil {
		t.Errorf("the document does not validate against GS1's EPCIS 2.0 schema:\n%v", err)
	}
}

// exportEvidence verifies a scenario's batch and exports what the
// verification read, as a buyer exporting evidence would.
func exportEvidence(t testing.TB, s *scenario.Scenario) ([]byte, []protocol.Signed) {
	t.Helper()
	rep, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), s.Batch,
		provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return scenario.Start.AddDate(0, 2, 0) }})
	if err != nil {
		t.Fatalf("%s: verify: %v", s.Name, err)
	}
	var buf bytes.Buffer
	if err := epcis.Export(&buf, rep, recs, epcis.ExportOptions{}); err != nil {
		t.Fatalf("%s: export: %v", s.Name, err)
	}
	return buf.Bytes(), recs
}

// exportAll exports every record of a scenario, with no report.
func exportAll(t testing.TB, s *scenario.Scenario) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := epcis.Export(&buf, nil, s.Records, epcis.ExportOptions{}); err != nil {
		t.Fatalf("%s: export: %v", s.Name, err)
	}
	return buf.Bytes()
}
