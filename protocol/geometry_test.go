package protocol_test

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// square returns a closed ring around a square of side metres whose
// south-west corner is at lon, lat (on the spherical Earth Area uses).
func square(lon, lat, side float64) []protocol.Position {
	const metresPerDegree = 6_371_008.8 * math.Pi / 180
	dLat := side / metresPerDegree
	dLon := dLat / math.Cos((lat+dLat/2)*math.Pi/180)
	return []protocol.Position{
		protocol.Pos(lon, lat),
		protocol.Pos(lon+dLon, lat),
		protocol.Pos(lon+dLon, lat+dLat),
		protocol.Pos(lon, lat+dLat),
		protocol.Pos(lon, lat),
	}
}

func TestGeometryArea(t *testing.T) {
	ring := square(109.95, 0.45, 1000) // West Kalimantan, near the equator
	hole := square(109.952, 0.452, 100)
	reversed := slices.Clone(ring)
	slices.Reverse(reversed)
	for _, tc := range []struct {
		name string
		g    protocol.Geometry
		want float64 // square metres
	}{
		{"1 km square near the equator", protocol.PolygonGeometry(ring), 1_000_000},
		{"the same square, clockwise", protocol.PolygonGeometry(reversed), 1_000_000},
		{"a hole is subtracted", protocol.PolygonGeometry(ring, hole), 1_000_000 - 10_000},
		{"4 ha square in Sabah", protocol.PolygonGeometry(square(117.9, 5.55, 200)), 40_000},
		{"1 km square in Riau", protocol.PolygonGeometry(square(101.45, 1.67, 1000)), 1_000_000},
		{"the vector plot", plotC7, 135_900},
		{"a point has no area", protocol.PointGeometry(protocol.Pos(117.9, 5.55)), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.g.Validate("geo"); err != nil {
				t.Fatal(err)
			}
			got := tc.g.Area()
			if tc.want == 0 {
				if got != 0 {
					t.Fatalf("Area() = %.1f, want 0", got)
				}
				return
			}
			if rel := math.Abs(got-tc.want) / tc.want; rel > 0.01 {
				t.Fatalf("Area() = %.1f m², want %.0f m² within 1%% (off by %.2f%%)", got, tc.want, rel*100)
			}
		})
	}
}

func TestPos(t *testing.T) {
	p := protocol.Pos(117.9035, 5.5521)
	if p != (protocol.Position{1_179_035_000, 55_521_000}) {
		t.Fatalf("Pos = %v", [2]int64(p))
	}
	if p.Lon() != 117.9035 || p.Lat() != 5.5521 {
		t.Fatalf("Lon, Lat = %v, %v", p.Lon(), p.Lat())
	}
	if s := p.String(); s != "5.5521000, 117.9035000" {
		t.Fatalf("String() = %q, want latitude first", s)
	}
	if q := protocol.Pos(-0.00000004, 0.00000006); q != (protocol.Position{0, 1}) {
		t.Fatalf("Pos rounds to %v", [2]int64(q))
	}
}

// mid returns the position halfway between a and b.
func mid(a, b protocol.Position) protocol.Position {
	return protocol.Position{(a[0] + b[0]) / 2, (a[1] + b[1]) / 2}
}

// eight returns a ring shaped like a figure of eight: two triangles of the
// square ring that meet at its first corner.
func eight(ring []protocol.Position) []protocol.Position {
	c, far := ring[0], ring[2]
	return []protocol.Position{c, ring[1], mid(ring[1], far), c, mid(ring[3], far), ring[3], c}
}

func TestGeometryValidate(t *testing.T) {
	ring := square(117.9, 5.55, 300)
	open := slices.Clone(ring[:4])
	open = append(open, protocol.Pos(117.9001, 5.55))
	pt := func(lon, lat int64) *protocol.Position { return &protocol.Position{lon, lat} }
	const deg = protocol.CoordScale
	tooMany := make([]protocol.Position, 0, protocol.MaxRingPositions+1)
	for i := 0; i < protocol.MaxRingPositions; i++ {
		a := 2 * math.Pi * float64(i) / protocol.MaxRingPositions
		tooMany = append(tooMany, protocol.Pos(117.9+0.01*math.Cos(a), 5.55+0.01*math.Sin(a)))
	}
	tooMany = append(tooMany, tooMany[0])
	for _, tc := range []struct {
		name  string
		g     protocol.Geometry
		field string // "" when valid
		rule  string
	}{
		{name: "closed ring", g: protocol.PolygonGeometry(ring)},
		{name: "point", g: protocol.PointGeometry(protocol.Pos(117.9, 5.55))},
		{name: "corners of the map", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(-180*deg, 90*deg)}},
		{name: "other corner", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(180*deg, -90*deg)}},
		{name: "open ring", g: protocol.PolygonGeometry(open), field: "geo.rings[0]", rule: "ring is not closed"},
		{name: "open hole", g: protocol.PolygonGeometry(ring, open), field: "geo.rings[1]", rule: "ring is not closed"},
		{name: "three positions", g: protocol.PolygonGeometry(ring[:3]), field: "geo.rings[0]", rule: "at least 4 positions"},
		{name: "no area", g: protocol.PolygonGeometry([]protocol.Position{ring[0], mid(ring[0], ring[1]), ring[1], ring[0]}), field: "geo.rings[0]", rule: "encloses no area"},
		{name: "position repeated", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[1], ring[1], ring[2], ring[3], ring[0]}), field: "geo.rings[0][2]", rule: "repeats the one before it"},
		{name: "closing position repeated", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[1], ring[2], ring[3], ring[0], ring[0]}), field: "geo.rings[0][5]", rule: "repeats the one before it"},
		{name: "two corners", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[1], ring[0], ring[1], ring[0]}), field: "geo.rings[0]", rule: "at least 3 distinct corners, has 2"},
		{name: "bow-tie", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[2], ring[1], ring[3], ring[0]}), field: "geo.rings[0]", rule: "the ring crosses itself"},
		{name: "spike back along an edge", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[1], ring[2], mid(ring[1], ring[2]), ring[3], ring[0]}), field: "geo.rings[0]", rule: "crosses itself"},
		{name: "figure of eight touching at a corner", g: protocol.PolygonGeometry(eight(ring)), field: "geo.rings[0]", rule: "crosses itself"},
		{name: "hole inside", g: protocol.PolygonGeometry(square(117.9, 5.55, 300), square(117.9005, 5.5505, 50))},
		{name: "hole outside", g: protocol.PolygonGeometry(square(117.9, 5.55, 300), square(118.9, 5.55, 50)), field: "geo.rings[1]", rule: "a hole must lie inside the outer ring"},
		{name: "hole crossing the boundary", g: protocol.PolygonGeometry(square(117.9, 5.55, 300), square(117.8999, 5.5505, 50)), field: "geo.rings[1]", rule: "ring 1 crosses ring 0"},
		{name: "too many positions", g: protocol.PolygonGeometry(tooMany), field: "geo.rings[0]", rule: "at most 4000 positions"},
		{name: "no rings", g: protocol.Geometry{Type: protocol.GeoPolygon}, field: "geo.rings", rule: "at least one ring"},
		{name: "polygon with a point", g: protocol.Geometry{Type: protocol.GeoPolygon, Point: pt(0, 0), Rings: [][]protocol.Position{ring}}, field: "geo.point", rule: "rings, not a point"},
		{name: "point without a position", g: protocol.Geometry{Type: protocol.GeoPoint}, field: "geo.point", rule: "needs a position"},
		{name: "point with rings", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(0, 0), Rings: [][]protocol.Position{ring}}, field: "geo.rings", rule: "no rings"},
		{name: "latitude above 90", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(0, 90*deg+1)}, field: "geo.point", rule: "latitude 90.0000001 out of range -90..90"},
		{name: "latitude below -90", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(0, -91*deg)}, field: "geo.point", rule: "latitude -91.0000000 out of range"},
		{name: "longitude above 180", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(180*deg+1, 0)}, field: "geo.point", rule: "longitude 180.0000001 out of range -180..180"},
		{name: "latitude and longitude swapped", g: protocol.Geometry{Type: protocol.GeoPoint, Point: pt(5*deg, 117*deg)}, field: "geo.point", rule: "latitude 117.0000000 out of range"},
		{name: "ring corner out of range", g: protocol.PolygonGeometry([]protocol.Position{ring[0], ring[1], {0, 100 * deg}, ring[0]}), field: "geo.rings[0][2]", rule: "latitude 100.0000000"},
		{name: "no type", g: protocol.Geometry{Point: pt(0, 0)}, field: "geo.type", rule: "missing (want Point or Polygon)"},
		{name: "other type", g: protocol.Geometry{Type: "MultiPolygon"}, field: "geo.type", rule: `"MultiPolygon" is not supported`},
		{name: "lower-case type", g: protocol.Geometry{Type: "point", Point: pt(0, 0)}, field: "geo.type", rule: `"point" is not supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.g.Validate("geo")
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertFieldError(t, err, tc.field, tc.rule)
		})
	}
}

// assertFieldError checks that err is a *FieldError (ErrInvalid) for field
// whose rule says rule.
func assertFieldError(t *testing.T, err error, field, rule string) {
	t.Helper()
	var fe *protocol.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v, want a FieldError on %s", err, field)
	}
	if !errors.Is(err, protocol.ErrInvalid) {
		t.Errorf("error %v is not ErrInvalid", err)
	}
	if fe.Field != field || !strings.Contains(fe.Rule, rule) {
		t.Fatalf("FieldError on %q: %q; want %q saying %q", fe.Field, fe.Rule, field, rule)
	}
}

func TestGeometryCentroidAndGeoJSON(t *testing.T) {
	ring := []protocol.Position{{0, 0}, {20, 0}, {20, 10}, {0, 10}, {0, 0}}
	g := protocol.PolygonGeometry(ring)
	if c := g.Centroid(); c != (protocol.Position{10, 5}) {
		t.Fatalf("Centroid() = %v", [2]int64(c))
	}
	p := protocol.PointGeometry(protocol.Pos(117.9035, 5.5521))
	if c := p.Centroid(); c != *p.Point {
		t.Fatalf("Centroid() of a point = %v", c)
	}
	j := p.GeoJSON()
	if j["type"] != "Point" || !slices.Equal(j["coordinates"].([]float64), []float64{117.9035, 5.5521}) {
		t.Fatalf("GeoJSON() = %v, want [lon, lat] in degrees", j)
	}
	pj := plotC7.GeoJSON()
	coords := pj["coordinates"].([][][]float64)
	if pj["type"] != "Polygon" || len(coords) != 1 || len(coords[0]) != 6 || !slices.Equal(coords[0][0], []float64{117.9012, 5.5531}) {
		t.Fatalf("GeoJSON() = %v", pj)
	}
}

// TestPlaceGeometryRules checks the rules that tie a place's kind, area and
// geometry together, through Seal as a user of the package meets them.
func TestPlaceGeometryRules(t *testing.T) {
	point := protocol.PointGeometry(protocol.Pos(117.9035, 5.5521))
	fourHa := protocol.PolygonGeometry(square(117.9, 5.55, 200))
	for _, tc := range []struct {
		name  string
		place protocol.Place
		field string // "" when valid
		rule  string
	}{
		{name: "mill as a point without an area", place: protocol.Place{Name: "Mill", Kind: protocol.PlaceMill, Country: "MY", Geo: point}},
		{name: "plot of exactly 4 ha as a point", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: point, Area: 40_000}},
		{name: "plot of 4 ha and 1 m² as a point", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: point, Area: 40_001},
			field: "body.geo", rule: "a plot of 4 ha needs a polygon"},
		{name: "estate of 12 ha as a point", place: protocol.Place{Name: "Estate", Kind: protocol.PlaceEstate, Country: "ID", Geo: point, Area: 120_000},
			field: "body.geo", rule: "estate of 12 ha needs a polygon"},
		{name: "plot without an area", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: fourHa},
			field: "body.area", rule: "a plot needs its area in square metres"},
		{name: "declared area matches", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: fourHa, Area: 40_000}},
		{name: "declared area 9 % over", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: fourHa, Area: 43_600}},
		{name: "declared area 15 % over", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: fourHa, Area: 46_000},
			field: "body.area", rule: "declared 4.6 ha but the polygon encloses 3.99"},
		{name: "declared area in hectares, not m²", place: protocol.Place{Name: "Plot", Kind: protocol.PlacePlot, Country: "MY", Geo: fourHa, Area: 4},
			field: "body.area", rule: "but the polygon encloses 3.99"},
		{name: "negative area", place: protocol.Place{Name: "Mill", Kind: protocol.PlaceMill, Country: "MY", Geo: point, Area: -1},
			field: "body.area", rule: "must not be negative"},
		{name: "geometry errors name the body field", place: protocol.Place{Name: "Mill", Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.Geometry{Type: "Point"}},
			field: "body.geo.point", rule: "a Point needs a position"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			place := tc.place
			_, err := prototest.NewFeed(prototest.Key("mill-device")).Add(&place)
			if tc.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			assertFieldError(t, err, tc.field, tc.rule)
		})
	}
}

// TestIsLand: plots and estates are production land, every other kind of
// place is not.
func TestIsLand(t *testing.T) {
	for _, kind := range protocol.PlaceKinds() {
		want := kind == protocol.PlacePlot || kind == protocol.PlaceEstate
		if got := (&protocol.Place{Kind: kind}).IsLand(); got != want {
			t.Errorf("a %s: IsLand %v, want %v", kind, got, want)
		}
	}
}
