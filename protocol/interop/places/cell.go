package places

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// readCell reads a geometry written in one CSV cell: a GeoJSON geometry
// object ({"type": "Polygon", ...}), WKT ("POLYGON ((lon lat, ...))"), or
// a KoboToolbox geopoint or geoshape ("lat lon alt acc;lat lon alt
// acc;..."). Which one it is, is told by the first character.
func readCell(s string) (shape, *geoProblem) {
	switch c := s[0]; {
	case c == '{':
		sh, gp := readGeometry([]byte(s))
		return sh, gp
	case c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z':
		return readWKT(s)
	case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
		return readKobo(s)
	}
	return shape{notation: inWKT}, &geoProblem{whole, "is not a geometry: write WKT (\"POINT (101.45 0.51)\", \"POLYGON ((...))\"), a GeoJSON geometry, or KoboToolbox's \"lat lon alt acc;...\""}
}

// readKobo reads a KoboToolbox (ODK) geopoint or geoshape: points
// separated by semicolons, each "latitude longitude [altitude [accuracy]]"
// (latitude first). One point is a Point; three or more are a boundary,
// closed if it is not.
func readKobo(s string) (shape, *geoProblem) {
	sh := shape{notation: inKobo, closeRings: true}
	var ring [][2]float64
	for i, p := range strings.Split(s, ";") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		if len(ring) >= maxFileRing {
			return sh, &geoProblem{whole, fmt.Sprintf("a boundary may have at most %d points", protocol.MaxRingPositions)}
		}
		f := strings.Fields(p)
		at := spot{-1, -1, i}
		if len(f) < 2 || len(f) > 4 {
			return sh, &geoProblem{at, fmt.Sprintf("%q is not \"latitude longitude altitude accuracy\"", p)}
		}
		lat, ok1 := plainFloat(f[0])
		lon, ok2 := plainFloat(f[1])
		if !ok1 || !ok2 {
			return sh, &geoProblem{at, fmt.Sprintf("%q is not \"latitude longitude altitude accuracy\" in decimal degrees", p)}
		}
		ring = append(ring, [2]float64{lon, lat})
	}
	switch {
	case len(ring) == 0:
		return sh, &geoProblem{whole, "has no points"}
	case len(ring) == 1:
		sh.kind, sh.point = protocol.GeoPoint, ring[0]
	case len(ring) < 3:
		return sh, &geoProblem{whole, fmt.Sprintf("a boundary needs at least 3 corners, has %d points", len(ring))}
	default:
		sh.kind, sh.polys = protocol.GeoPolygon, [][][][2]float64{{ring}}
	}
	return sh, nil
}

// plainFloat reads a decimal number as GIS tools write it: a sign,
// digits, a point, digits, and perhaps an exponent; not "inf", "nan" or
// hexadecimal, which strconv.ParseFloat would take.
func plainFloat(s string) (float64, bool) {
	if s == "" {
		return 0, false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E') {
			return 0, false
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// wkt reads Well-Known Text (OGC Simple Features), the geometries QGIS
// writes into CSV: POINT, POLYGON and MULTIPOLYGON, with Z or M values
// dropped, and a PostGIS "SRID=4326;" prefix.
type wkt struct {
	s   string
	i   int
	err *geoProblem
}

func readWKT(s string) (shape, *geoProblem) {
	sh := shape{notation: inWKT}
	if rest, ok := cutFold(s, "SRID="); ok {
		srid, geom, found := strings.Cut(rest, ";")
		if !found {
			return sh, &geoProblem{whole, "SRID= is not followed by ';' and a geometry"}
		}
		if strings.TrimSpace(srid) != "4326" {
			return sh, &geoProblem{whole, fmt.Sprintf("the coordinates are in SRID %s, not WGS 84 longitude and latitude: export them in EPSG:4326", strings.TrimSpace(srid))}
		}
		s = geom
	}
	w := &wkt{s: s}
	typ := strings.ToUpper(w.word())
	for _, dim := range []string{"ZM", "Z", "M"} {
		if t, ok := strings.CutSuffix(typ, dim); ok && (t == "POINT" || t == "POLYGON" || t == "MULTIPOLYGON") {
			typ = t
			break
		}
	}
	if d := strings.ToUpper(w.peekWord()); d == "Z" || d == "M" || d == "ZM" {
		w.word()
	}
	if strings.EqualFold(w.peekWord(), "EMPTY") {
		return sh, &geoProblem{whole, "the geometry is EMPTY"}
	}
	switch typ {
	case "POINT":
		sh.kind = protocol.GeoPoint
		w.expect('(')
		sh.point = w.position(spot{-1, -1, -1})
		w.expect(')')
	case "POLYGON":
		sh.kind = protocol.GeoPolygon
		sh.polys = [][][][2]float64{w.polygon(-1)}
	case "MULTIPOLYGON":
		sh.kind = geoMulti
		w.expect('(')
		for part := 0; w.err == nil; part++ {
			if part >= MaxParts {
				return sh, &geoProblem{whole, fmt.Sprintf("has more than %d polygons: give each plot its own line", MaxParts)}
			}
			sh.polys = append(sh.polys, w.polygon(part))
			if !w.more() {
				break
			}
		}
		w.expect(')')
	case "LINESTRING", "MULTILINESTRING":
		return sh, &geoProblem{whole, "a " + typ + " is a line, not an area: write the plot's boundary as a POLYGON"}
	case "MULTIPOINT", "GEOMETRYCOLLECTION":
		return sh, &geoProblem{whole, "a " + typ + " is not one place: give each plot its own line"}
	default:
		return sh, &geoProblem{whole, fmt.Sprintf("%q is not a WKT geometry Jejak reads (POINT, POLYGON or MULTIPOLYGON)", typ)}
	}
	if w.err == nil {
		w.space()
		if w.i < len(w.s) {
			w.fail(whole, "has more after the end of the geometry")
		}
	}
	return sh, w.err
}

// cutFold is strings.CutPrefix without regard to case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

func (w *wkt) fail(at spot, format string, args ...any) {
	if w.err == nil {
		w.err = &geoProblem{at, fmt.Sprintf(format, args...)}
	}
}

func (w *wkt) space() {
	for w.i < len(w.s) && (w.s[w.i] == ' ' || w.s[w.i] == '\t' || w.s[w.i] == '\n' || w.s[w.i] == '\r') {
		w.i++
	}
}

func (w *wkt) peekWord() string {
	j := w.i
	defer func() { w.i = j }()
	return w.word()
}

func (w *wkt) word() string {
	w.space()
	start := w.i
	for w.i < len(w.s) && (w.s[w.i] >= 'A' && w.s[w.i] <= 'Z' || w.s[w.i] >= 'a' && w.s[w.i] <= 'z') {
		w.i++
	}
	return w.s[start:w.i]
}

// expect consumes c or fails.
func (w *wkt) expect(c byte) {
	if w.err != nil {
		return
	}
	w.space()
	if w.i >= len(w.s) || w.s[w.i] != c {
		found := "the end"
		if w.i < len(w.s) {
			found = strconv.Quote(w.s[w.i : w.i+1])
		}
		w.fail(whole, "expected %q at character %d, found %s", string(c), w.i+1, found)
		return
	}
	w.i++
}

// more consumes a comma and reports whether there was one.
func (w *wkt) more() bool {
	w.space()
	if w.err == nil && w.i < len(w.s) && w.s[w.i] == ',' {
		w.i++
		return true
	}
	return false
}

// polygon reads "((x y, ...), (x y, ...))"; part is its index in a
// MULTIPOLYGON, or -1.
func (w *wkt) polygon(part int) [][][2]float64 {
	var rings [][][2]float64
	w.expect('(')
	for r := 0; w.err == nil; r++ {
		var ring [][2]float64
		w.expect('(')
		for j := 0; w.err == nil; j++ {
			if j >= maxFileRing {
				w.fail(spot{part, r, -1}, "a ring may have at most %d positions: simplify the boundary", protocol.MaxRingPositions)
				break
			}
			ring = append(ring, w.position(spot{part, r, j}))
			if !w.more() {
				break
			}
		}
		w.expect(')')
		rings = append(rings, ring)
		if !w.more() {
			break
		}
	}
	w.expect(')')
	return rings
}

// position reads "x y [z [m]]": longitude, latitude, and what is dropped.
func (w *wkt) position(at spot) [2]float64 {
	var p [2]float64
	n := 0
	for w.err == nil {
		w.space()
		start := w.i
		for w.i < len(w.s) && strings.IndexByte("0123456789.-+eE", w.s[w.i]) >= 0 {
			w.i++
		}
		if start == w.i {
			break
		}
		f, ok := plainFloat(w.s[start:w.i])
		if !ok {
			w.fail(at, "%q is not a number", w.s[start:w.i])
			break
		}
		if n < 2 {
			p[n] = f
		}
		n++
	}
	if w.err == nil && (n < 2 || n > 4) {
		w.fail(at, "a position is \"longitude latitude\", with at most altitude and a measure after; found %d numbers", n)
	}
	return p
}
