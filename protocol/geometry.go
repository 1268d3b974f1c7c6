package protocol

import (
	"fmt"
	"math"

	"github.com/fxamacker/cbor/v2"
)

// CoordScale is how many units of a Position make one degree: positions are
// kept as integers (no floats in records), in ten-millionths of a degree,
// about 1.1 cm at the equator.
const CoordScale = 10_000_000

// MaxRingPositions bounds the positions in one polygon ring.
const MaxRingPositions = 4000

// PolygonRequiredArea is the plot area in square metres (4 ha) above which
// EUDR asks for a polygon rather than a point.
const PolygonRequiredArea = 40_000

// Position is a WGS84 position, [longitude, latitude] as in GeoJSON, each in
// ten-millionths of a degree.
type Position [2]int64

// Pos returns the position at lon, lat degrees, rounded to the nearest
// ten-millionth.
func Pos(lon, lat float64) Position {
	return Position{int64(math.Round(lon * CoordScale)), int64(math.Round(lat * CoordScale))}
}

// Lon returns the longitude in degrees.
func (p Position) Lon() float64 { return float64(p[0]) / CoordScale }

// Lat returns the latitude in degrees.
func (p Position) Lat() float64 { return float64(p[1]) / CoordScale }

// String formats p as "lat, lon" in degrees, the order people read.
func (p Position) String() string { return fmt.Sprintf("%.7f, %.7f", p.Lat(), p.Lon()) }

// UnmarshalCBOR decodes a two-integer array and rejects any other length.
func (p *Position) UnmarshalCBOR(data []byte) error {
	var v []int64
	if err := decMode.Unmarshal(data, &v); err != nil {
		return err
	}
	if len(v) != 2 {
		return fmt.Errorf("position has %d numbers, want 2 (longitude, latitude)", len(v))
	}
	*p = Position{v[0], v[1]}
	return nil
}

// MarshalCBOR encodes p as a two-integer array.
func (p Position) MarshalCBOR() ([]byte, error) { return encMode.Marshal([]int64{p[0], p[1]}) }

var _ cbor.Unmarshaler = (*Position)(nil)

// Geometry kinds, as in GeoJSON.
const (
	GeoPoint   = "Point"
	GeoPolygon = "Polygon"
)

// Geometry is a GeoJSON Point or Polygon with integer coordinates. A Point
// sets Point; a Polygon sets Rings, the first ring the outer boundary and any
// others holes, each ring closed (its last position equals its first).
type Geometry struct {
	Type  string       `cbor:"type" json:"type"`
	Point *Position    `cbor:"point,omitempty" json:"point,omitempty"`
	Rings [][]Position `cbor:"rings,omitempty" json:"rings,omitempty"`
}

// PointGeometry returns a Point geometry.
func PointGeometry(p Position) Geometry { return Geometry{Type: GeoPoint, Point: &p} }

// PolygonGeometry returns a Polygon geometry from its rings.
func PolygonGeometry(rings ...[]Position) Geometry { return Geometry{Type: GeoPolygon, Rings: rings} }

// Validate checks g by the rules of the newest record version and names the
// first broken rule with a field path that starts with field.
func (g Geometry) Validate(field string) error { return g.validate(field, Version) }

// validate checks g by the rules of record version v.
func (g Geometry) validate(field string, v int) error {
	switch g.Type {
	case GeoPoint:
		if g.Point == nil {
			return invalid(field+".point", "rule.point_needs_position")
		}
		if g.Rings != nil {
			return invalid(field+".rings", "rule.point_no_rings")
		}
		return checkPosition(field+".point", *g.Point)
	case GeoPolygon:
		if g.Point != nil {
			return invalid(field+".point", "rule.polygon_no_point")
		}
		if len(g.Rings) == 0 {
			return invalid(field+".rings", "rule.polygon_needs_ring")
		}
		for i, ring := range g.Rings {
			f := fmt.Sprintf("%s.rings[%d]", field, i)
			if len(ring) < 4 {
				return invalid(f, "rule.ring_few_positions", "n", len(ring))
			}
			if len(ring) > MaxRingPositions {
				return invalid(f, "rule.ring_many_positions", "max", MaxRingPositions, "n", len(ring))
			}
			for j, p := range ring {
				if err := checkPosition(fmt.Sprintf("%s[%d]", f, j), p); err != nil {
					return err
				}
			}
			if ring[0] != ring[len(ring)-1] {
				return invalid(f, "rule.ring_not_closed", "last", ring[len(ring)-1], "first", ring[0])
			}
			if v >= Version2 {
				if err := checkRing(f, ring); err != nil {
					return err
				}
			} else if ringArea(ring) < 1 {
				return invalid(f, "rule.ring_no_area")
			}
		}
		if v >= Version2 {
			// Crossings first: a bow-tie's two halves cancel out, and
			// "encloses no area" would not say what is wrong with it.
			if err := checkRings(field+".rings", g.Rings); err != nil {
				return err
			}
			for i, ring := range g.Rings {
				if ringArea(ring) < 1 {
					return invalid(fmt.Sprintf("%s.rings[%d]", field, i), "rule.ring_no_area")
				}
			}
		}
		return nil
	case "":
		return invalid(field+".type", "rule.geo_type_missing")
	default:
		return invalid(field+".type", "rule.geo_type_unknown", "type", quoted(g.Type))
	}
}

func checkPosition(field string, p Position) error {
	if p[0] < -180*CoordScale || p[0] > 180*CoordScale {
		return invalid(field, "rule.longitude_range", "lon", fmt.Sprintf("%.7f", p.Lon()))
	}
	if p[1] < -90*CoordScale || p[1] > 90*CoordScale {
		return invalid(field, "rule.latitude_range", "lat", fmt.Sprintf("%.7f", p.Lat()))
	}
	return nil
}

// Area returns the area g encloses in square metres: zero for a Point, the
// outer ring less its holes for a Polygon. It uses a spherical Earth, close
// enough to tell a 3 ha plot from a 30 ha one.
func (g Geometry) Area() float64 {
	if g.Type != GeoPolygon || len(g.Rings) == 0 {
		return 0
	}
	a := ringArea(g.Rings[0])
	for _, h := range g.Rings[1:] {
		a -= ringArea(h)
	}
	return math.Max(a, 0)
}

// Centroid returns a representative position: the point itself, or the mean
// of a polygon's outer ring corners.
func (g Geometry) Centroid() Position {
	if g.Point != nil {
		return *g.Point
	}
	if len(g.Rings) == 0 || len(g.Rings[0]) < 2 {
		return Position{}
	}
	ring := g.Rings[0][:len(g.Rings[0])-1]
	var lon, lat int64
	for _, p := range ring {
		lon += p[0]
		lat += p[1]
	}
	n := int64(len(ring))
	return Position{lon / n, lat / n}
}

// earthRadius is the mean Earth radius in metres (IUGG).
const earthRadius = 6_371_008.8

// ringArea returns the absolute area of a closed ring on a sphere, in square
// metres (the method of Chamberlain and Duquette, as used by GeoJSON tools).
func ringArea(ring []Position) float64 {
	if len(ring) < 4 {
		return 0
	}
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	var sum float64
	n := len(ring) - 1
	for i := 0; i < n; i++ {
		p1, p2, p3 := ring[i], ring[(i+1)%n], ring[(i+2)%n]
		// The explicit conversion rounds the product before the sum, so
		// no platform fuses them into one multiply-add: every node must
		// compute the same area to judge a record alike.
		sum += float64((rad(p3.Lon()) - rad(p1.Lon())) * math.Sin(rad(p2.Lat())))
	}
	return math.Abs(sum * earthRadius * earthRadius / 2)
}

// GeoJSON returns g as a GeoJSON geometry object with degrees as numbers,
// ready for json.Marshal (for EUDR plot lists).
func (g Geometry) GeoJSON() map[string]any {
	deg := func(p Position) []float64 { return []float64{p.Lon(), p.Lat()} }
	switch g.Type {
	case GeoPoint:
		if g.Point == nil {
			return nil
		}
		return map[string]any{"type": GeoPoint, "coordinates": deg(*g.Point)}
	case GeoPolygon:
		rings := make([][][]float64, len(g.Rings))
		for i, r := range g.Rings {
			for _, p := range r {
				rings[i] = append(rings[i], deg(p))
			}
		}
		return map[string]any{"type": GeoPolygon, "coordinates": rings}
	}
	return nil
}
