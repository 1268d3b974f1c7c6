package places_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

// The fuzz targets start from the files of testdata/ and the templates.
// To fuzz, one target at a time:
//
//	go test ./protocol/interop/places -run XXX -fuzz FuzzGeoJSON -fuzztime 60s -fuzzminimizetime 3s
//	go test ./protocol/interop/places -run XXX -fuzz FuzzCSV -fuzztime 60s -fuzzminimizetime 3s
//
// The seeds are whole files of a few kilobytes: with the default minimize
// time (60s) the fuzzer spends most of a short run shrinking each new
// input, and shows 0 execs/sec meanwhile.

// seed adds every file matching pattern to f's corpus.
func seed(f *testing.F, patterns ...string) {
	f.Helper()
	for _, pattern := range patterns {
		names, err := filepath.Glob(pattern)
		if err != nil || len(names) == 0 {
			f.Fatalf("no seeds match %s", pattern)
		}
		for _, name := range names {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
}

// checkOutcome fails t unless a parse gave either records and no error,
// or an *Error with problems and no records: never both, never neither,
// never a panic.
func checkOutcome[T any](t *testing.T, got []T, err error) {
	t.Helper()
	if err == nil {
		if len(got) == 0 {
			t.Fatal("no records and no error")
		}
		return
	}
	if got != nil {
		t.Fatalf("%d records and an error: %v", len(got), err)
	}
	var e *places.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *places.Error", err, err)
	}
	if len(e.Problems) == 0 || len(e.Problems) > places.MaxProblems {
		t.Fatalf("%d problems", len(e.Problems))
	}
	for _, p := range e.Problems {
		if p.Msg == "" {
			t.Fatalf("problem with no message: %+v", p)
		}
	}
}

// FuzzGeoJSON checks that ParseGeoJSON never panics, and that every place
// it returns would be signed as it is.
func FuzzGeoJSON(f *testing.F) {
	seed(f, "testdata/*.geojson")
	f.Add([]byte(`{"type":"Feature","properties":{"name":"P","Area":1},"geometry":{"type":"Point","coordinates":[101.45,0.51,12]}}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","id":7,"properties":null,"geometry":{"type":"MultiPolygon","coordinates":[[[[1,1],[2,1],[2,2],[1,1]]],[[[3,3],[4,3],[4,4],[3,3]]]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := places.ParseGeoJSON(bytes.NewReader(data), places.Options{Country: "ID"})
		checkOutcome(t, ps, err)
		signable(t, ps)
	})
}

// FuzzCSV checks that ParsePlacesCSV and ParseHarvestsCSV never panic,
// that every place would be signed as it is, and that every harvest makes
// an origin that would be signed once its places are found.
func FuzzCSV(f *testing.F) {
	seed(f, "testdata/*.csv", "../../../docs/templates/*.csv")
	f.Add([]byte("name;geometry\nA;\"MULTIPOLYGON Z (((1 1 0,2 1 0,2 2 0,1 1 0)),((3 3,4 3,4 4,3 3)))\"\n"))
	f.Add([]byte("name,geoshape,area_m2\nA,1 1 0 0;1 2 0 0;2 2 0 0;1 1 0 0,900\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opt := places.Options{Country: "ID", Product: "FFB", Unit: "TNE"}
		ps, err := places.ParsePlacesCSV(bytes.NewReader(data), opt)
		checkOutcome(t, ps, err)
		signable(t, ps)

		hs, err := places.ParseHarvestsCSV(bytes.NewReader(data), opt)
		checkOutcome(t, hs, err)
		if err != nil {
			return
		}
		// Each place named stands for a place of its own.
		origins, err := places.Resolve(hs, func(r places.PlaceRef) []protocol.CID {
			if r.Name == "" {
				return []protocol.CID{r.CID}
			}
			return []protocol.CID{protocol.ComputeCID([]byte("place:" + r.Name))}
		})
		if err != nil {
			t.Fatalf("resolving %d harvests: %v", len(hs), err)
		}
		for i := range origins {
			if err := protocol.CheckDraft(&origins[i]); err != nil {
				t.Fatalf("origin %d: %v", i, err)
			}
		}
	})
}
