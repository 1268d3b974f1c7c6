package gui

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// FuzzParseGeoJSON reads a GeoJSON file as the place form's "Open a
// GeoJSON file" does, seeded with the GeoJSON files the importer's tests
// use. It either refuses with a reason or gives at least one Point or
// Polygon, each of the shape its type says.
func FuzzParseGeoJSON(f *testing.F) {
	files, _ := filepath.Glob("../protocol/interop/places/testdata/*.geojson")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"type":"Feature","properties":{"name":"Blok 14C"},"geometry":{"type":"Point","coordinates":[101.45,2.95,12]}}`))
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[101.4,2.9],[101.5,2.9],[101.5,3.0],[101.4,2.9]]]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		gs, err := parseGeoJSON(data)
		if err != nil {
			if err.Error() == "" || gs != nil {
				t.Fatalf("refused without a reason, or with geometries: %v", err)
			}
			return
		}
		if len(gs) == 0 {
			t.Fatal("accepted a file with no geometry")
		}
		for _, g := range gs {
			switch g.Geo.Type {
			case protocol.GeoPoint:
			case protocol.GeoPolygon:
			default:
				t.Fatalf("a geometry of type %q", g.Geo.Type)
			}
		}
	})
}
