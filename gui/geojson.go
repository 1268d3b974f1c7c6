package gui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// namedGeometry is one geometry read from a GeoJSON file, with the name
// its feature gives it (properties "name", "Name" or "plot_id"), if any.
type namedGeometry struct {
	Name string
	Geo  protocol.Geometry
}

type geoJSON struct {
	Type        string            `json:"type"`
	Coordinates json.RawMessage   `json:"coordinates"`
	Geometry    *geoJSON          `json:"geometry"`
	Features    []geoJSON         `json:"features"`
	Properties  map[string]any    `json:"properties"`
	Geometries  []json.RawMessage `json:"geometries"`
}

// parseGeoJSON reads the Points and Polygons of a GeoJSON document: a bare
// geometry, a Feature, or a FeatureCollection. Positions are [longitude,
// latitude] in degrees, as GeoJSON has them (RFC 7946); a third number
// (altitude) is ignored. MultiPolygons are refused with advice, because a
// place is one plot.
func parseGeoJSON(data []byte) ([]namedGeometry, error) {
	var g geoJSON
	if err := json.Unmarshal(data, &g); err != nil {
		return nil, fmt.Errorf("not a GeoJSON file: %v", err)
	}
	var out []namedGeometry
	if err := collect(g, "", &out); err != nil {
		return nil, err
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("the file holds no Point or Polygon")
	}
	return out, nil
}

func collect(g geoJSON, name string, out *[]namedGeometry) error {
	switch g.Type {
	case "FeatureCollection":
		for i, f := range g.Features {
			if err := collect(f, "", out); err != nil {
				return fmt.Errorf("feature %d: %w", i+1, err)
			}
		}
		return nil
	case "Feature":
		if g.Geometry == nil {
			return fmt.Errorf("a feature without a geometry")
		}
		return collect(*g.Geometry, featureName(g.Properties), out)
	case "Point":
		var c []float64
		if err := json.Unmarshal(g.Coordinates, &c); err != nil || len(c) < 2 {
			return fmt.Errorf("a Point needs [longitude, latitude]")
		}
		*out = append(*out, namedGeometry{name, protocol.PointGeometry(protocol.Pos(c[0], c[1]))})
		return nil
	case "Polygon":
		var rings [][][]float64
		if err := json.Unmarshal(g.Coordinates, &rings); err != nil {
			return fmt.Errorf("a Polygon needs rings of [longitude, latitude] positions")
		}
		var geo protocol.Geometry
		geo.Type = protocol.GeoPolygon
		for _, ring := range rings {
			var r []protocol.Position
			for _, c := range ring {
				if len(c) < 2 {
					return fmt.Errorf("a position needs a longitude and a latitude")
				}
				r = append(r, protocol.Pos(c[0], c[1]))
			}
			geo.Rings = append(geo.Rings, r)
		}
		*out = append(*out, namedGeometry{name, geo})
		return nil
	case "MultiPolygon":
		return fmt.Errorf("a MultiPolygon: register each polygon as its own place (split the file in a GIS tool such as QGIS)")
	case "":
		return fmt.Errorf("no GeoJSON type")
	}
	return fmt.Errorf("a %s; a place is a Point or a Polygon", g.Type)
}

func featureName(p map[string]any) string {
	for _, k := range []string{"name", "Name", "NAME", "plot_id", "ProducerName", "id"} {
		if v, ok := p[k]; ok {
			if s := strings.TrimSpace(fmt.Sprint(v)); s != "" {
				return s
			}
		}
	}
	return ""
}
