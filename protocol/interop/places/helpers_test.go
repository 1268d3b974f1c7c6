package places_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

// open opens a file of testdata/ (or a path from the package), closed when
// the test ends.
func open(t *testing.T, name string) *os.File {
	t.Helper()
	if !strings.Contains(name, "/") {
		name = filepath.Join("testdata", name)
	}
	f, err := os.Open(name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

// problems returns the problems of err, an *Error, one a line as a person
// reads them; it fails the test for any other error.
func problems(t *testing.T, err error) []string {
	t.Helper()
	var e *places.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v (%T) is not a *places.Error", err, err)
	}
	if !errors.Is(err, protocol.ErrInvalid) {
		t.Errorf("*places.Error does not match protocol.ErrInvalid")
	}
	if len(e.Problems) == 0 {
		t.Fatal("*places.Error with no problems")
	}
	var out []string
	for _, p := range e.Problems {
		out = append(out, p.String())
	}
	return out
}

// sameLines fails the test unless got and want are the same lines,
// showing both in full when they are not.
func sameLines(t *testing.T, got, want []string) {
	t.Helper()
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("problems:\n%s\n\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// signable fails the test unless every place would be signed as it is.
func signable(t *testing.T, ps []protocol.Place) {
	t.Helper()
	for i := range ps {
		if err := protocol.CheckDraft(&ps[i]); err != nil {
			t.Errorf("place %d %q: %v", i, ps[i].Name, err)
		}
	}
}

// placeWant is what a test checks of a place.
type placeWant struct {
	name, kind, country string
	area                int64  // square metres
	geo                 string // Point or Polygon
	rings               int    // of a polygon
	first               protocol.Position
}

func checkPlaces(t *testing.T, got []protocol.Place, want []placeWant) {
	t.Helper()
	signable(t, got)
	if len(got) != len(want) {
		for _, p := range got {
			t.Logf("got %q", p.Name)
		}
		t.Fatalf("got %d places, want %d", len(got), len(want))
	}
	for i, w := range want {
		p := got[i]
		if p.Name != w.name || p.Kind != w.kind || p.Country != w.country || p.Area != w.area || p.Geo.Type != w.geo || len(p.Geo.Rings) != w.rings {
			t.Errorf("place %d = %q %s %s %d m² %s with %d rings, want %q %s %s %d m² %s with %d rings",
				i, p.Name, p.Kind, p.Country, p.Area, p.Geo.Type, len(p.Geo.Rings), w.name, w.kind, w.country, w.area, w.geo, w.rings)
		}
		first := p.Geo.Centroid()
		if p.Geo.Type == protocol.GeoPolygon {
			first = p.Geo.Rings[0][0]
		}
		if w.first != (protocol.Position{}) && first != w.first {
			t.Errorf("place %d %q starts at %v, want %v", i, p.Name, first, w.first)
		}
	}
}
