package geomap

import "image/color"

// Status is what a plot's records show for the EUDR, as the map colours it.
type Status int

// The statuses, in the order a legend lists them.
const (
	// StatusOK: assessed deforestation-free after the cut-off, with
	// evidence of legal use, and no rule of the EUDR check broken.
	StatusOK Status = iota
	// StatusNotAssessed: not assessed, assessed before the cut-off, or
	// without evidence of legal use (a warning, not a failure).
	StatusNotAssessed
	// StatusFailing: the EUDR check fails for this plot (a point for a
	// plot over 4 ha, not production land, invalid geolocation).
	StatusFailing
	// StatusNoGeometry: the record has no usable geometry; the plot is
	// listed beside the map, not drawn on it.
	StatusNoGeometry
	// StatusOther: a place the EUDR does not judge (a smelter, a mine,
	// the origin of a product outside the regulation).
	StatusOther
)

// Statuses returns every status, in legend order.
func Statuses() []Status {
	return []Status{StatusOK, StatusNotAssessed, StatusFailing, StatusNoGeometry, StatusOther}
}

// Key returns a stable name of s, for translation keys and tests.
func (s Status) Key() string {
	switch s {
	case StatusOK:
		return "ok"
	case StatusNotAssessed:
		return "not_assessed"
	case StatusFailing:
		return "failing"
	case StatusNoGeometry:
		return "no_geometry"
	}
	return "other"
}

// Colour returns the colour plots of status s are drawn in.
func (s Status) Colour() color.RGBA {
	switch s {
	case StatusOK:
		return color.RGBA{0x2e, 0x7d, 0x32, 0xff}
	case StatusNotAssessed:
		return color.RGBA{0xef, 0x8f, 0x00, 0xff}
	case StatusFailing:
		return color.RGBA{0xc6, 0x28, 0x28, 0xff}
	case StatusNoGeometry:
		return color.RGBA{0x75, 0x75, 0x75, 0xff}
	}
	return color.RGBA{0x15, 0x65, 0xc0, 0xff}
}

// Colours of the basemap.
var (
	colSea       = color.RGBA{0xc9, 0xdf, 0xee, 0xff}
	colLand      = color.RGBA{0xf3, 0xf0, 0xe6, 0xff}
	colCoast     = color.RGBA{0x7d, 0x9d, 0xb3, 0xff}
	colBorder    = color.RGBA{0xa8, 0x8f, 0x86, 0xff}
	colGraticule = color.RGBA{0x00, 0x00, 0x00, 0x18}
	colInk       = color.RGBA{0x21, 0x21, 0x21, 0xff}
	colPaper     = color.RGBA{0xe6, 0xe6, 0xe6, 0xe6} // white at 90 %, premultiplied
)
