package places

import (
	"fmt"
	"io"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// ParsePlacesCSV reads places from a CSV file laid out as docs/IMPORT.md
// says (docs/templates/places.csv): a header line naming the columns, then
// one place a line. The columns are found by name, in any order, under the
// names the package documentation lists; other columns are ignored. The
// separator (comma, semicolon or tab) is found from the header, and a
// UTF-8 byte order mark is skipped.
//
// Three things might happen:
//   - Every line makes places that protocol.CheckDraft accepts: they are
//     returned, in the order of the file, and a nil error.
//   - Some line or the file is at fault: no places are returned, and an
//     *Error lists every problem found, each with its line, column and
//     column name.
//   - Reading r fails: no places, and that error, wrapped.
func ParsePlacesCSV(r io.Reader, opt Options) ([]protocol.Place, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	var ps problems
	f, err := openCSV(r, opt, placeRoles, &ps)
	if err != nil {
		return nil, err
	}
	if !f.has(colName) {
		ps.add(Problem{Line: 1, Msg: "no column names the places: add a column \"name\" (the file's columns are " + strings.Join(f.header, ", ") + ")"})
	}
	if !f.has(colGeometry) && !(f.has(colLat) && f.has(colLon)) {
		ps.add(Problem{Line: 1, Msg: "no column locates the places: add columns \"lat\" and \"lon\", or \"geometry\" (the file's columns are " + strings.Join(f.header, ", ") + ")"})
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	var places []protocol.Place
	for f.next() {
		places = append(places, f.place(opt)...)
		if len(places) > MaxRecords {
			ps.add(Problem{Line: f.line, Msg: fmt.Sprintf("the file has more than %d places, the most one import makes: split it", MaxRecords)})
			break
		}
	}
	f.done()
	if err := f.result(); err != nil {
		return nil, err
	}
	if len(places) == 0 {
		return nil, fileProblem("the file has a header but no places")
	}
	return places, nil
}

// place reads the current line as a place (or several, for a
// MULTIPOLYGON).
func (f *csvFile) place(opt Options) []protocol.Place {
	loc := f.locator()
	var d draft
	bad := func(role, msg string) {
		f.ps.add(loc.problem(role, msg))
		d.failed = true
	}
	d.name = f.cell(colName)
	loc.name = d.name
	d.kind = opt.kind()
	if k := f.cell(colKind); k != "" {
		d.kind = strings.ToLower(k)
	}
	d.country = opt.Country
	if c := f.cell(colCountry); c != "" {
		d.country = countryCode(c)
	}
	for _, u := range []areaUnit{hectare, sqMetre, acre} {
		c := f.cell(u.role)
		if c == "" {
			continue
		}
		m2, msg := areaOf(c, u)
		if msg != "" {
			bad(u.role, msg)
			break
		}
		d.area, d.areaSet, d.areaUnit = m2, true, u
		break
	}
	d.evidence = readEvidence(f.cell, bad)
	geo, lat, lon := f.cell(colGeometry), f.cell(colLat), f.cell(colLon)
	switch {
	case geo != "":
		d.shape, d.shapeErr = readCell(geo)
	case lat != "" && lon != "":
		loc.fields[colGeometry] = loc.fields[colLat]
		loc.latLon = true
		d.shape = shape{kind: protocol.GeoPoint, notation: inWKT}
		y, msg := degrees(lat)
		if msg != "" {
			bad(colLat, "latitude "+msg)
		}
		x, msg2 := degrees(lon)
		if msg2 != "" {
			bad(colLon, "longitude "+msg2)
		}
		if msg != "" || msg2 != "" {
			d.shape.point = alonePoint
			break
		}
		d.shape.point = [2]float64{x, y}
		if msg := checkLonLat(x, y); strings.HasPrefix(msg, "longitude") {
			loc.fields[colGeometry] = loc.fields[colLon]
		}
	case lat != "" || lon != "":
		role, what := colLon, "longitude"
		if lon != "" {
			role, what = colLat, "latitude"
		}
		bad(role, "the "+what+" is empty")
		d.shape = shape{kind: protocol.GeoPoint, point: alonePoint}
	default:
		role := colGeometry
		if !f.has(colGeometry) {
			role = colLat
		}
		bad(role, "the place has no position: fill in lat and lon, or geometry")
		d.shape = shape{kind: protocol.GeoPoint, point: alonePoint}
	}
	return d.places(loc, f.ps)
}

// alonePoint stands in for a position that could not be read, so that the
// rest of the line is still checked.
var alonePoint = [2]float64{101.5, 3.1}
