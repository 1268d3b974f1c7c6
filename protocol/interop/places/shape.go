package places

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// geoMulti is the GeoJSON type of several polygons. Jejak's places hold one
// polygon each, so a MultiPolygon becomes one place per part.
const geoMulti = "MultiPolygon"

// notation is how a file writes a geometry, for saying where in it a
// problem is.
type notation int

const (
	inGeoJSON notation = iota // "coordinates[0][3]", indexes from 0
	inWKT                     // "ring 1, position 4", from 1
	inKobo                    // "point 4", from 1
)

// shape is a geometry as a file gives it, in degrees, before it is
// checked: a point, one polygon, or several (a MultiPolygon).
type shape struct {
	kind  string           // protocol.GeoPoint, protocol.GeoPolygon or geoMulti
	point [2]float64       // longitude, latitude
	polys [][][][2]float64 // the polygons: rings of [longitude, latitude]
	// closeRings closes a ring whose last position is not its first, as
	// KoboToolbox geoshapes may be written; elsewhere that is refused.
	closeRings bool
	notation   notation
}

// spot is a place in a shape: part (polygon), ring and position, each -1
// when the problem is not with one.
type spot struct{ part, ring, pos int }

var whole = spot{-1, -1, -1}

// geoProblem is a problem at a spot of a shape.
type geoProblem struct {
	at  spot
	msg string
}

// path says where spot is in the file's notation ("" for the whole
// geometry).
func (s shape) path(at spot) string {
	multi := s.kind == geoMulti
	switch s.notation {
	case inGeoJSON:
		p := "coordinates"
		if at.part < 0 && at.ring < 0 && at.pos < 0 && s.kind != protocol.GeoPoint {
			return ""
		}
		if multi && at.part >= 0 {
			p += fmt.Sprintf("[%d]", at.part)
		}
		if at.ring >= 0 {
			p += fmt.Sprintf("[%d]", at.ring)
		}
		if at.pos >= 0 {
			p += fmt.Sprintf("[%d]", at.pos)
		}
		return p
	case inKobo:
		if at.pos >= 0 {
			return fmt.Sprintf("point %d", at.pos+1)
		}
		return ""
	}
	var p []string
	if multi && at.part >= 0 {
		p = append(p, fmt.Sprintf("polygon %d", at.part+1))
	}
	if at.ring >= 0 {
		p = append(p, fmt.Sprintf("ring %d", at.ring+1))
	}
	if at.pos >= 0 {
		p = append(p, fmt.Sprintf("position %d", at.pos+1))
	}
	return strings.Join(p, ", ")
}

// show writes a position as the file does: [lon, lat] in GeoJSON,
// "lon lat" in WKT, "lat lon" in KoboToolbox.
func (s shape) show(p [2]float64) string {
	switch s.notation {
	case inGeoJSON:
		return "[" + num(p[0]) + ", " + num(p[1]) + "]"
	case inKobo:
		return num(p[1]) + " " + num(p[0])
	}
	return num(p[0]) + " " + num(p[1])
}

// part is one protocol geometry made from a shape, with, for each ring,
// the index in the file of each position kept, so that a rule broken at
// rings[i][j] is reported where the file has it.
type part struct {
	geo  protocol.Geometry
	orig [][]int
}

// parts turns s into protocol geometries: one for a point or a polygon, one
// per polygon of a MultiPolygon. It checks each position's range, drops
// altitude (already dropped when s was read), closes or refuses open
// rings, and drops a position that repeats the one before it (after
// rounding to protocol.CoordScale): that changes nothing of the shape, and
// GPS walks and digitising leave such repeats.
func (s shape) parts() ([]part, *geoProblem) {
	if s.kind == protocol.GeoPoint {
		if msg := checkLonLat(s.point[0], s.point[1]); msg != "" {
			return nil, &geoProblem{whole, msg}
		}
		return []part{{geo: protocol.PointGeometry(protocol.Pos(s.point[0], s.point[1]))}}, nil
	}
	if len(s.polys) == 0 {
		return nil, &geoProblem{whole, "has no polygons"}
	}
	if len(s.polys) > MaxParts {
		return nil, &geoProblem{whole, fmt.Sprintf("has %d polygons, at most %d: give each plot its own feature or line", len(s.polys), MaxParts)}
	}
	out := make([]part, 0, len(s.polys))
	for pi, poly := range s.polys {
		if len(poly) == 0 {
			return nil, &geoProblem{spot{pi, -1, -1}, "a polygon needs at least one ring, has none"}
		}
		var pt part
		for ri, ring := range poly {
			at := spot{pi, ri, -1}
			if len(ring) > maxFileRing {
				return nil, &geoProblem{at, fmt.Sprintf("a ring may have at most %d positions, has %d: simplify the boundary", protocol.MaxRingPositions, len(ring))}
			}
			if len(ring) == 0 {
				return nil, &geoProblem{at, "the ring has no positions"}
			}
			kept := make([]protocol.Position, 0, len(ring)+1)
			idx := make([]int, 0, len(ring)+1)
			for j, c := range ring {
				if msg := checkLonLat(c[0], c[1]); msg != "" {
					return nil, &geoProblem{spot{pi, ri, j}, msg}
				}
				p := protocol.Pos(c[0], c[1])
				if n := len(kept); n > 0 && kept[n-1] == p {
					continue
				}
				kept = append(kept, p)
				idx = append(idx, j)
			}
			if kept[0] != kept[len(kept)-1] {
				if !s.closeRings {
					return nil, &geoProblem{at, fmt.Sprintf("the ring is not closed: its last position, %s, must repeat its first, %s", s.show(ring[len(ring)-1]), s.show(ring[0]))}
				}
				kept = append(kept, kept[0])
				idx = append(idx, idx[0])
			}
			pt.geo.Rings = append(pt.geo.Rings, kept)
			pt.orig = append(pt.orig, idx)
		}
		pt.geo.Type = protocol.GeoPolygon
		out = append(out, pt)
	}
	return out, nil
}

// maxFileRing bounds the positions of one ring as the file gives them,
// before repeats are dropped; protocol.MaxRingPositions bounds them after.
const maxFileRing = 2 * protocol.MaxRingPositions
