package geomap

import (
	"reflect"
	"testing"

	"github.com/jejak/jejak/protocol"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name    string
		geo     protocol.Geometry
		country string
		want    []Finding
	}{
		{"in Johor, MY", point(103.9540, 1.8050), "MY", nil},
		{"a polygon in Riau, ID", square(101.45, 0.51, 0.01), "ID", nil},
		// In Malaysia a swap gives a latitude over 90°, which the protocol
		// rejects; nearer the prime meridian it gives a valid place.
		{"lat and lon swapped, Côte d'Ivoire", point(7.5, -5.5), "CI", []Finding{{Code: FindSwapped}}},
		{"in Côte d'Ivoire", point(-5.5, 7.5), "CI", nil},
		{"in the Strait of Malacca", point(100.5, 3.0), "MY", []Finding{{Code: FindSea}}},
		{"in Riau, declared MY", point(101.45, 0.51), "MY", []Finding{{Code: FindOutside, Country: "ID"}}},
		{"no country declared", point(101.45, 0.51), "", nil},
		{"invalid geometry", protocol.PointGeometry(protocol.Position{0, 95 * protocol.CoordScale}), "MY", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := Check(c.geo, c.country)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Check = %+v, want %+v", got, c.want)
			}
		})
	}
}
