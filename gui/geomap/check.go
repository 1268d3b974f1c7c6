package geomap

import (
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Things Check finds wrong with a place's location.
const (
	// FindSwapped: the place is not in its declared country, but would be
	// with latitude and longitude swapped.
	FindSwapped = "swapped"
	// FindSea: the place's centre lies in the sea on the basemap.
	FindSea = "in_sea"
	// FindOutside: the place's centre lies in another country than the
	// one declared (Finding.Country).
	FindOutside = "outside_country"
)

// Finding is something that looks wrong with a location.
type Finding struct {
	Code    string
	Country string // for FindOutside: the country the basemap puts it in
}

// Check compares a place's geometry with its declared country (ISO 3166-1
// alpha-2) on the basemap, at the geometry's centre. It only warns: near a
// coast or a border the basemap is off by up to CoastlineKm, and the
// record, not the map, is the truth. It finds nothing for a geometry that
// breaks the protocol's rules (the form says what is wrong with those).
func Check(g protocol.Geometry, country string) ([]Finding, error) {
	if g.Validate("geo") != nil {
		return nil, nil
	}
	m, err := loadBasemap()
	if err != nil {
		return nil, err
	}
	country = strings.ToUpper(strings.TrimSpace(country))
	c := g.Centroid()
	code, land := m.countryAt(pt{c.Lon(), c.Lat()})
	if land && (code == country || code == "" || country == "") {
		return nil, nil
	}
	if country != "" && c.Lon() >= -90 && c.Lon() <= 90 {
		if sc, sl := m.countryAt(pt{c.Lat(), c.Lon()}); sl && sc == country {
			return []Finding{{Code: FindSwapped}}, nil
		}
	}
	if !land {
		return []Finding{{Code: FindSea}}, nil
	}
	return []Finding{{Code: FindOutside, Country: code}}, nil
}
