package places

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// at is where one value came from: the field as the file names it, and
// for a CSV file its column and line.
type at struct {
	field  string
	column int
	line   int
}

// locator says where in the file the values of one feature or line are,
// so that every problem is told in the file's terms.
type locator struct {
	csv     bool // a CSV line, not a GeoJSON feature
	feature int
	line    int
	name    string
	fields  map[string]at // role (colName, colAreaHa, ...) → where
	// geoInCell says that a path into the geometry goes into the message
	// (a CSV cell), not the field (a GeoJSON feature's
	// "geometry.coordinates[0][3]").
	geoInCell bool
	latLon    bool // the position came from lat and lon columns
}

// problem returns a problem with the value of role ("" for the whole
// feature or line).
func (l *locator) problem(role, msg string) Problem {
	p := Problem{Feature: l.feature, Line: l.line, Name: l.name, Msg: msg}
	if a, ok := l.fields[role]; ok {
		p.Field, p.Column = a.field, a.column
		if a.line > 0 {
			p.Line = a.line
		}
	}
	return p
}

// geo returns a problem at a spot of the geometry s.
func (l *locator) geo(s shape, gp geoProblem) Problem {
	p := l.problem(colGeometry, gp.msg)
	path := s.path(gp.at)
	switch {
	case path == "":
	case l.geoInCell:
		p.Msg = path + ": " + p.Msg
	default:
		p.Field += "." + path
	}
	return p
}

// draft is what one feature or line says about a place, before it is
// checked.
type draft struct {
	name, kind, country string
	area                int64 // square metres, when areaSet
	areaSet             bool
	areaUnit            areaUnit // the unit the file gave the area in
	shape               shape
	shapeErr            *geoProblem // the geometry could not be read
	failed              bool        // a value could not be read; its problem is reported
	evidence            []protocol.Evidence
}

// readEvidence reads a place's EUDR evidence from its columns or
// properties: an assessment that its land was not deforested after the
// cut-off (reference, method, date) and its legality evidence (reference,
// what it is, date). A piece of evidence is all there or not at all.
func readEvidence(get func(role string) string, bad func(role, msg string)) []protocol.Evidence {
	var out []protocol.Evidence
	for _, k := range []struct {
		kind, ref, method, date, defaultMethod, what string
	}{
		{protocol.EvidenceDeforestationFree, colAssessment, colAssessMethod, colAssessDate, "", "the assessment"},
		{protocol.EvidenceLegality, colLegality, colLegalMethod, colLegalDate, "land title", "the legality evidence"},
	} {
		ref, method, date := get(k.ref), get(k.method), get(k.date)
		if ref == "" && method == "" && date == "" {
			continue
		}
		if method == "" {
			method = k.defaultMethod
		}
		e := protocol.Evidence{Kind: k.kind, Ref: ref, Method: method}
		switch {
		case ref == "":
			bad(k.ref, "is empty, but "+k.what+"'s other columns are filled in: give its reference")
			continue
		case method == "":
			bad(k.method, "is empty: say how "+k.what+" was made, such as \"satellite imagery (Global Forest Watch)\"")
			continue
		case date == "":
			bad(k.date, "is empty: give the date of "+k.what+" as YYYY-MM-DD")
			continue
		}
		t, msg := day(date)
		if msg != "" {
			bad(k.date, msg)
			continue
		}
		e.Date = t.UnixMilli()
		out = append(out, e)
	}
	return out
}

// alone is a place every rule accepts; checking a draft's name, kind or
// country in it alone reports each broken rule, not only the first.
var alone = protocol.Place{Name: "x", Kind: protocol.PlaceMill, Country: "MY",
	Geo: protocol.PointGeometry(protocol.Pos(101.5, 3.1)), Area: 1}

// places checks d by every rule a place record must pass (protocol.CheckDraft)
// and returns its places, or records its problems in ps and returns nil.
// A MultiPolygon gives one place per polygon, "NAME (part 2 of 3)", each
// with the area its polygon encloses.
//
// CheckDraft names the first broken rule only; when a place fails it, the
// name, kind and country are checked again each on its own, so that a
// line with a bad country and a bad area reports both.
func (d draft) places(loc *locator, ps *problems) []protocol.Place {
	var parts []part
	var gp *geoProblem
	if d.shapeErr != nil {
		gp = d.shapeErr
	} else {
		parts, gp = d.shape.parts()
	}
	if d.failed || gp != nil || d.name == "" || d.country == "" {
		d.fieldProblems(loc, ps)
		if gp != nil {
			ps.add(loc.geo(d.shape, *gp))
		}
		return nil
	}
	areaRole := colAreaHa
	if d.areaSet {
		areaRole = d.areaUnit.role
	}
	out, p := d.build(parts, areaRole, loc)
	if p != nil {
		d.fieldProblems(loc, ps)
		ps.add(*p)
		return nil
	}
	for i := range out {
		err := protocol.CheckDraft(&out[i])
		if err == nil {
			continue
		}
		n := d.fieldProblems(loc, ps)
		var fe *protocol.FieldError
		switch {
		case !errors.As(err, &fe):
			ps.add(loc.problem("", err.Error()))
		case n > 0 && (fe.Field == "body.name" || fe.Field == "body.kind" || fe.Field == "body.country"):
			// Reported by fieldProblems.
		default:
			part := -1
			if len(parts) > 1 {
				part = i
			}
			ps.add(d.translate(fe, parts[i], part, areaRole, loc))
		}
		return nil
	}
	return out
}

// build makes the places of d from its parts, or returns the problem with
// its area.
func (d draft) build(parts []part, areaRole string, loc *locator) ([]protocol.Place, *Problem) {
	out := make([]protocol.Place, 0, len(parts))
	if len(parts) > 1 {
		var sum float64
		for _, pt := range parts {
			sum += pt.geo.Area()
		}
		if d.areaSet && !withinTolerance(float64(d.area), sum) {
			msg := fmt.Sprintf("declared %s but its %d polygons enclose %s in all", hectares(float64(d.area)), len(parts), hectares(sum))
			p := loc.problem(areaRole, msg+d.squareMetresHint(sum, loc))
			return nil, &p
		}
		for i, pt := range parts {
			name := fmt.Sprintf("%s (part %d of %d)", d.name, i+1, len(parts))
			out = append(out, protocol.Place{Name: name, Kind: d.kind, Country: d.country, Geo: pt.geo, Area: int64(math.Round(pt.geo.Area())),
				Evidence: d.evidence})
		}
		return out, nil
	}
	pt := parts[0]
	p := protocol.Place{Name: d.name, Kind: d.kind, Country: d.country, Geo: pt.geo, Area: d.area, Evidence: d.evidence}
	if !d.areaSet && pt.geo.Type == protocol.GeoPolygon {
		p.Area = int64(math.Round(pt.geo.Area()))
	}
	needsArea := protocol.IsLandKind(d.kind)
	if p.Area == 0 && needsArea && pt.geo.Type == protocol.GeoPoint {
		msg := loc.missingArea(d.kind)
		if d.areaSet {
			msg = "is zero: " + msg
		}
		pr := loc.problem(areaRole, msg)
		return nil, &pr
	}
	return append(out, p), nil
}

// fieldProblems reports what is wrong with d's name, kind and country,
// each checked on its own, and returns how many problems it found.
func (d draft) fieldProblems(loc *locator, ps *problems) int {
	n := 0
	report := func(role, msg string) {
		ps.add(loc.problem(role, msg))
		n++
	}
	if d.name == "" {
		report(colName, loc.missing(colName))
	} else if fe := checkAlone(func(p *protocol.Place) { p.Name = d.name }); fe != nil {
		report(colName, fe.Rule)
	}
	if fe := checkAlone(func(p *protocol.Place) { p.Kind = d.kind }); fe != nil {
		report(colKind, fe.Rule)
	}
	if d.country == "" {
		report(colCountry, loc.missing(colCountry))
	} else if fe := checkAlone(func(p *protocol.Place) { p.Country = d.country }); fe != nil {
		report(colCountry, fe.Rule)
	}
	return n
}

// checkAlone checks alone with one field of a draft set, and returns the
// rule that field breaks, or nil.
func checkAlone(set func(*protocol.Place)) *protocol.FieldError {
	p := alone
	set(&p)
	var fe *protocol.FieldError
	if errors.As(protocol.CheckDraft(&p), &fe) {
		return fe
	}
	return nil
}

// translate turns a broken rule of the place made from part pt of d
// (numbered part in a MultiPolygon, or -1) into a problem where the file
// has the field.
func (d draft) translate(fe *protocol.FieldError, pt part, part int, areaRole string, loc *locator) Problem {
	switch f := fe.Field; {
	case f == "body.name":
		return loc.problem(colName, fe.Rule)
	case f == "body.kind":
		return loc.problem(colKind, fe.Rule)
	case f == "body.country":
		return loc.problem(colCountry, fe.Rule)
	case f == "body.area":
		return loc.problem(areaRole, fe.Rule+d.squareMetresHint(pt.geo.Area(), loc))
	case f == "body.geo" && loc.latLon:
		// A point from lat and lon columns that should be a polygon:
		// the area says so.
		return loc.problem(areaRole, fe.Rule)
	case strings.HasPrefix(f, "body.geo"):
		where := spot{part, -1, -1}
		if rest, ok := strings.CutPrefix(f, "body.geo.rings"); ok {
			idx := indexes(rest)
			if len(idx) > 0 && idx[0] < len(pt.orig) {
				where.ring = idx[0]
				if len(idx) > 1 && idx[1] < len(pt.orig[idx[0]]) {
					where.pos = pt.orig[idx[0]][idx[1]]
				}
			}
		}
		// The protocol names rings as the record holds them.
		rule := strings.ReplaceAll(fe.Rule, "(rings[0])", "(the first ring)")
		return loc.geo(d.shape, geoProblem{where, rule})
	}
	return loc.problem("", fe.Rule)
}

// squareMetresHint asks whether an area given in hectares was meant in
// square metres, when read so it would match the polygon's.
func (d draft) squareMetresHint(enclosed float64, loc *locator) string {
	if !d.areaSet || d.areaUnit.role != colAreaHa || !withinTolerance(float64(d.area)/10_000, enclosed) {
		return ""
	}
	what := "property"
	if loc.csv {
		what = "column"
	}
	return fmt.Sprintf("; is it in square metres? Then name the %s area_m2", what)
}

// withinTolerance reports whether a declared area matches an enclosed one
// as protocol's rule for a place does (AreaTolerance, and 100 m² for small
// plots).
func withinTolerance(declared, enclosed float64) bool {
	return math.Abs(declared-enclosed) <= protocol.AreaTolerance*enclosed+100
}

// hectares formats square metres as hectares for a message.
func hectares(m2 float64) string {
	return protocol.FormatMilli(int64(math.Round(m2/10))) + " ha"
}

// indexes reads "[1][2]" into 1, 2.
func indexes(s string) []int {
	var out []int
	for strings.HasPrefix(s, "[") {
		end := strings.IndexByte(s, ']')
		if end < 0 {
			break
		}
		n, err := strconv.Atoi(s[1:end])
		if err != nil {
			break
		}
		out = append(out, n)
		s = s[end+1:]
	}
	return out
}

// missing says what to do about a value a feature or line lacks.
func (l *locator) missing(role string) string {
	switch {
	case role == colName && l.csv:
		return "the name is empty"
	case role == colName:
		return `has no name: give it a property "name" (or ProductionPlace, plot_name, nama)`
	case role == colCountry && l.csv:
		return "the country is empty: fill in an ISO 3166-1 code such as ID or MY, or choose a country for the whole import"
	case role == colCountry:
		return `has no country: give it a property "ProducerCountry" (or "country") with an ISO 3166-1 code such as ID or MY, or choose a country for the whole import`
	}
	return ""
}

// missingArea says what to do about a plot or estate marked by a point
// with no area.
func (l *locator) missingArea(kind string) string {
	if l.csv {
		return fmt.Sprintf("%s marked by a point needs its area: fill in area_ha (or area_m2)", withArticle(kind))
	}
	return fmt.Sprintf(`%s marked by a Point needs its area: give it a property "Area" in hectares, as the EUDR file has (or area_m2 in square metres)`, withArticle(kind))
}

// countryCode upper-cases a two-letter code ("id" is "ID"); anything else
// is kept as written, for the message that refuses it.
func countryCode(c string) string {
	if len(c) == 2 {
		return strings.ToUpper(c)
	}
	return c
}

// withArticle puts "a" or "an" before a kind of place.
func withArticle(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}
