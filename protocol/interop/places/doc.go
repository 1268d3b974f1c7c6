// Package places reads the places (plots, estates, mills) and harvests a
// plantation already keeps elsewhere into Jejak record bodies: places from
// GeoJSON, as QGIS, KoboToolbox and the EUDR geolocation file of the EU
// Information System (TRACES) write it, and places and harvests from CSV,
// as a spreadsheet writes it. docs/IMPORT.md is the guide for the people
// who prepare the files; this comment is the same for programmers.
//
// The package is pure: it reads from an io.Reader and returns values, and
// does no file or network I/O. The node imports what it returns (signing a
// place record for each place, then resolving and signing the harvests).
// ReadFile takes a file's name and content, as the app and jejak-node read
// them, picks the parser and names the content (File.Source).
//
// # All or nothing
//
// ParseGeoJSON, ParsePlacesCSV and ParseHarvestsCSV return every record of
// the file, or none: a file with one bad feature or line imports nothing,
// and the *Error returned lists every problem found (up to MaxProblems),
// each with the feature's number or the line and column, the property or
// column as the file names it, the place's name when known, and what to do.
// Each body has passed protocol.CheckDraft, so signing it cannot fail on a
// rule of the format; each rule CheckDraft reports is told in the file's
// terms ("Area" rather than "body.area", a position's index in the file
// rather than in the record).
//
// # Names
//
// Columns and properties are found by name, in any order, without regard
// to case, spaces or punctuation ("Area (ha)", "area_ha" and "AreaHa" are
// one name), and without a KoboToolbox group prefix ("plot/plot_name" is
// "plot_name"). Among them:
//
//   - name: name, plot_name, place_name, ProductionPlace (EUDR), nama,
//     nama_blok, blok, farm_name, ProducerName, plot_id, ... and, in
//     GeoJSON, the feature's "id" when no property names the place;
//   - kind: kind (protocol.PlaceKinds; Options.Kind, or plot, when empty);
//   - country: country, ProducerCountry (EUDR), country_code, negara
//     (ISO 3166-1 alpha-2, any case; Options.Country when empty);
//   - area in hectares: Area (EUDR), area_ha, hectares, ha, luas; in square
//     metres: area_m2, sqm, m2; in acres: area_acres, acres, ekar;
//   - in CSV, the position: lat and lon (latitude, longitude, y, x, and any
//     column ending in "latitude" or "longitude", as KoboToolbox writes
//     "_gps_latitude"), or geometry (geometry, wkt, geoshape, boundary).
//
// Options.Columns maps a file's own names to these. A name the package
// does not know is ignored.
//
// # Geometry
//
// Coordinates are WGS 84 degrees, rounded to protocol.CoordScale (about a
// centimetre). An altitude (and a measure) after longitude and latitude is
// dropped. A position that repeats the one before it, after rounding, is
// dropped: it changes nothing of the shape, and GPS walks and digitising
// leave such repeats. Beyond that nothing is mended: a ring that is not
// closed, crosses itself or has too few corners is refused with the reason,
// except a KoboToolbox geoshape, which is closed if it is not (field apps
// may or may not repeat the first point).
//
// A latitude beyond ±90 whose longitude is within ±90 is reported as
// "latitude 103.9 is out of range -90..90: are longitude and latitude
// swapped?"; numbers beyond ±360 as coordinates in metres (a projected
// system such as UTM); a position of exactly 0, 0 as a GPS without a fix.
// A GeoJSON "crs" member other than WGS 84 (CRS84, EPSG:4326) refuses the
// file.
//
// A MultiPolygon (QGIS writes every polygon layer so) of one polygon is a
// Polygon. One of several polygons becomes one place per polygon, named
// "NAME (part 2 of 3)", each with the area its own polygon encloses; an
// area the file declares is checked against the sum of the parts. Jejak's
// place holds one polygon, and keeping the parts apart keeps each one's
// area and deforestation evidence its own.
//
// A polygon with no declared area gets the area it encloses; with one, the
// declared area must be within protocol.AreaTolerance of it (when it
// matches if read as square metres rather than hectares, the message asks).
// A plot or estate given as a Point needs a declared area, and one over
// 4 ha needs a polygon (EUDR). Other kinds of place need no area.
//
// In a CSV cell, a geometry is WKT ("POINT (101.45 0.51)", "POLYGON
// ((...))", "MULTIPOLYGON (...)", with Z or M and a PostGIS "SRID=4326;"),
// a GeoJSON geometry object, or a KoboToolbox geopoint or geoshape ("lat
// lon alt acc;lat lon alt acc;...": latitude first).
//
// # CSV
//
// The separator is a comma, a semicolon (what spreadsheets write where
// the decimal separator is a comma, in Indonesia and much of Europe) or a
// tab, whichever the header line has most of. A UTF-8 byte order mark is
// skipped; UTF-16 and spreadsheet workbooks are refused with what to do.
// Blank lines, and lines of separators only, are skipped. Values are
// trimmed of surrounding space. Numbers are read as people write them,
// by protocol.ParseAmount ("2,5", "1 250"; "1.250" is refused as
// ambiguous), except coordinates ("-0,512345" or "-0.512345"). Dates are
// YYYY-MM-DD, in UTC: a harvest's period runs from the start of its first
// day to the end of its last. A harvest names its places in one cell,
// separated by "|", each by name or CID.
//
// # Progress and limits
//
// Options.Progress is called as the file is read and checked, for a
// progress bar. A file over MaxFileSize is refused before it is read when
// its size is known, and as soon as it passes the limit otherwise; so is a
// file of more than MaxRecords places or harvests, a feature over
// MaxFeatureSize, a MultiPolygon of more than MaxParts polygons, and a ring
// of more than twice protocol.MaxRingPositions positions.
package places
