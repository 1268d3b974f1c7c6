// Package geomap draws origin plots on a small map made from the records
// themselves: each plot's GPS point or imported boundary, over an embedded
// public-domain basemap (Natural Earth's 1:10m countries, see README.md),
// with no tile server and nothing fetched.
//
// The basemap is context, not evidence: it is accurate to about a
// kilometre, so a map zoomed to a plot says so ("coastline ±1 km") and
// nothing here turns a place on the map into a coordinate. Plots come only
// from their records.
//
// The projection is equirectangular scaled by the cosine of the view's
// middle latitude: at the scale of plots and districts it keeps shapes and
// distances true to a fraction of a per cent near the equator, where palm
// oil grows, and a kilometre on the scale bar is a kilometre anywhere in
// the view.
//
// The package is pure Go (no Fyne): the app shows its images, and tests or
// tools can write them to PNG files.
package geomap
