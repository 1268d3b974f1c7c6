package places

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// geometryObject is a GeoJSON geometry as decoded, its coordinates not yet
// read.
type geometryObject struct {
	Type        any `json:"type"`
	Coordinates any `json:"coordinates"`
}

// readGeometry reads a GeoJSON geometry object (RFC 7946 section 3.1):
// a Point, Polygon or MultiPolygon, positions [longitude, latitude] with
// any altitude dropped. Other types are refused with the reason.
func readGeometry(raw []byte) (shape, *geoProblem) {
	s := shape{notation: inGeoJSON}
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return s, &geoProblem{whole, "has no geometry: a place needs a point or a polygon"}
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var g geometryObject
	if err := dec.Decode(&g); err != nil {
		return s, &geoProblem{whole, "is not a GeoJSON geometry object: " + jsonMsg(err)}
	}
	t, _ := g.Type.(string)
	switch {
	case strings.EqualFold(t, protocol.GeoPoint):
		s.kind = protocol.GeoPoint
		p, msg := readPosition(g.Coordinates)
		if msg != "" {
			return s, &geoProblem{whole, msg}
		}
		s.point = p
	case strings.EqualFold(t, protocol.GeoPolygon):
		s.kind = protocol.GeoPolygon
		poly, gp := readPolygon(g.Coordinates, -1)
		if gp != nil {
			return s, gp
		}
		s.polys = [][][][2]float64{poly}
	case strings.EqualFold(t, geoMulti):
		s.kind = geoMulti
		list, ok := g.Coordinates.([]any)
		if !ok {
			return s, &geoProblem{whole, "coordinates are " + describe(g.Coordinates) + ", not a list of polygons"}
		}
		if len(list) > MaxParts {
			return s, &geoProblem{whole, fmt.Sprintf("has %d polygons, at most %d: give each plot its own feature", len(list), MaxParts)}
		}
		for i, v := range list {
			poly, gp := readPolygon(v, i)
			if gp != nil {
				return s, gp
			}
			s.polys = append(s.polys, poly)
		}
	case strings.EqualFold(t, "LineString"), strings.EqualFold(t, "MultiLineString"):
		return s, &geoProblem{whole, "a " + t + " is a line, not an area: draw the plot's boundary as a Polygon (a closed ring)"}
	case strings.EqualFold(t, "MultiPoint"):
		return s, &geoProblem{whole, "a MultiPoint holds several points: give each plot its own feature with a Point"}
	case strings.EqualFold(t, "GeometryCollection"):
		return s, &geoProblem{whole, "a GeometryCollection is not one place: give each plot its own feature"}
	case g.Type == nil:
		return s, &geoProblem{whole, "the geometry has no type (want Point, Polygon or MultiPolygon)"}
	default:
		return s, &geoProblem{whole, fmt.Sprintf("type %s is not a GeoJSON geometry (want Point, Polygon or MultiPolygon)", describe(g.Type))}
	}
	return s, nil
}

// readPolygon reads a polygon's rings; part is its index in a
// MultiPolygon, or -1.
func readPolygon(v any, part int) ([][][2]float64, *geoProblem) {
	rings, ok := v.([]any)
	if !ok {
		return nil, &geoProblem{spot{part, -1, -1}, "is " + describe(v) + ", not a list of rings"}
	}
	if len(rings) == 0 {
		return nil, &geoProblem{spot{part, -1, -1}, "a polygon needs at least one ring, has none"}
	}
	out := make([][][2]float64, 0, len(rings))
	for ri, r := range rings {
		list, ok := r.([]any)
		if !ok {
			return nil, &geoProblem{spot{part, ri, -1}, "is " + describe(r) + ", not a ring (a list of positions)"}
		}
		if len(list) > maxFileRing {
			return nil, &geoProblem{spot{part, ri, -1}, fmt.Sprintf("a ring may have at most %d positions, has %d: simplify the boundary", protocol.MaxRingPositions, len(list))}
		}
		ring := make([][2]float64, 0, len(list))
		for j, c := range list {
			p, msg := readPosition(c)
			if msg != "" {
				return nil, &geoProblem{spot{part, ri, j}, msg}
			}
			ring = append(ring, p)
		}
		out = append(out, ring)
	}
	return out, nil
}

// readPosition reads [longitude, latitude] with an optional altitude (and
// measure), which is dropped.
func readPosition(v any) ([2]float64, string) {
	list, ok := v.([]any)
	if !ok {
		return [2]float64{}, "is " + describe(v) + ", not a position [longitude, latitude]"
	}
	if len(list) < 2 {
		return [2]float64{}, fmt.Sprintf("a position needs longitude and latitude, has %d number(s)", len(list))
	}
	if len(list) > 4 {
		return [2]float64{}, fmt.Sprintf("a position has longitude, latitude and at most altitude, not %d numbers", len(list))
	}
	var p [2]float64
	for i, name := range []string{"longitude", "latitude"} {
		n, ok := list[i].(json.Number)
		if !ok {
			return p, name + " is " + describe(list[i]) + ", not a number"
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil || math.IsInf(f, 0) {
			return p, fmt.Sprintf("%s %s is out of range", name, n)
		}
		p[i] = f
	}
	for _, extra := range list[2:] {
		if _, ok := extra.(json.Number); !ok {
			return p, "altitude is " + describe(extra) + ", not a number"
		}
	}
	return p, ""
}

// jsonMsg is an encoding/json error in plain words.
func jsonMsg(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		f := te.Field
		if f == "" {
			return "found " + te.Value + " where an object was expected"
		}
		return fmt.Sprintf("%s is %s, of the wrong type", f, te.Value)
	}
	return strings.TrimPrefix(err.Error(), "json: ")
}
