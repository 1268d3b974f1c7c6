package eudr

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// File is one geolocation file: a GeoJSON FeatureCollection as the EU
// Information System takes it, ready to upload with a due diligence
// statement.
type File struct {
	// Name is the file's name: "eudr-abcd2345-0.geojson", or with
	// "-part-2-of-3" before ".geojson" when the features did not fit in
	// one file.
	Name string
	// Part and Parts say which part this is of how many (1 of 1 when not
	// split).
	Part, Parts int
	// Places are the places of its features, in order: feature i is the
	// place Places[i], and its GeoJSON "id" is that CID.
	Places []protocol.CID
	// Data is the file's content.
	Data []byte
}

// GeoJSON writes the geolocation of every plot and estate the batch came
// from, however many hops back (rep.Origins), as the EU Information
// System's geolocation file: one Feature per plot, with the properties
// ProducerName (the organisation that recorded the harvest),
// ProducerCountry (ISO 3166-1 alpha-2) and ProductionPlace (the plot's
// name), and its place CID as the Feature's "id". A plot recorded by a
// point (at most 4 ha) is a Point with its Area in hectares; one recorded
// by a polygon is a Polygon, exterior ring counterclockwise (RFC 7946), or
// a MultiPolygon of hole-free pieces when it has holes, which the
// Information System does not take. Coordinates are [longitude, latitude]
// in WGS84 degrees, written exactly from the records' ten-millionths of a
// degree with at least six decimals.
//
// recs must hold the place records (provenance.VerifyWithEvidence returns
// them). When the features would make a file over opts.MaxFileBytes
// (25 MB), they are split by whole features over several files, named
// "…-part-1-of-3.geojson" and so on; one statement takes at most 25 MB, so
// each part goes with its own statement.
//
// GeoJSON refuses an incomplete trace (ErrIncomplete: not every origin is
// known), a batch with no plot or estate among its origins (ErrNoPlots),
// and geolocation the Information System would refuse (ErrGeolocation,
// naming every such place: a plot over 4 ha located by a point, a polygon
// that crosses itself, an origin of an EUDR commodity that is not land or
// names a record that is not a place).
func GeoJSON(rep *provenance.Report, recs []protocol.Signed, s Subject, opts Options) ([]File, error) {
	if err := checkReport(rep); err != nil {
		return nil, err
	}
	if _, err := s.transfer(rep); err != nil {
		return nil, err
	}
	return geolocate(rep, index(recs), s, opts)
}

// geolocate writes GeoJSON's files from a report checkReport accepts, its
// records by CID and a subject whose transfer sends the report's batch.
func geolocate(rep *provenance.Report, byCID map[protocol.CID]protocol.Signed, s Subject, opts Options) ([]File, error) {
	var feats [][]byte
	var places []protocol.CID
	var problems []error
	for _, o := range rep.Origins {
		if !protocol.IsLandKind(o.Kind) {
			if isEUDR(o.Products) {
				problems = append(problems, fmt.Errorf("%s %q (place %s) is where %s entered the chain, but it is not a plot or an estate: declare the plots the crop was grown on",
					o.Kind, o.Name, o.Place.Short(), andList(o.Products)))
			}
			continue
		}
		rec, ok := byCID[o.Place]
		if !ok {
			return nil, fmt.Errorf("eudr: the record of place %s (%q) is not among the records given: pass the records VerifyWithEvidence returns", o.Place, o.Name)
		}
		pl, ok := rec.Body.(*protocol.Place)
		if !ok {
			return nil, fmt.Errorf("eudr: record %s is a %s record, not a place", o.Place, rec.Type())
		}
		f, err := newFeature(o, pl)
		if err != nil {
			problems = append(problems, fmt.Errorf("plot %q (place %s): %w", pl.Name, o.Place.Short(), err))
			continue
		}
		b, err := encode(f)
		if err != nil {
			return nil, fmt.Errorf("eudr: plot %q: %w", pl.Name, err)
		}
		feats = append(feats, b)
		places = append(places, o.Place)
	}
	// An origin that names no place is not among rep.Origins at all: the
	// EUDR check says which.
	if c := rep.Check("eudr"); c != nil {
		for _, r := range c.Reasons {
			if r.Code == provenance.CodeNotAPlace {
				problems = append(problems, errors.New(r.Text))
			}
		}
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("eudr: geolocation of batch %s: %w:\n%w", rep.Batch, ErrGeolocation, errors.Join(problems...))
	}
	if len(feats) == 0 {
		return nil, fmt.Errorf("eudr: batch %s: %w: there is no land to declare", rep.Batch, ErrNoPlots)
	}
	return split(feats, places, s.baseName(rep, opts), opts.maxBytes())
}

// The frame of a FeatureCollection around its features, one a line.
var (
	fileHead = []byte(`{"type":"FeatureCollection","features":[` + "\n")
	fileSep  = []byte(",\n")
	fileTail = []byte("\n]}\n")
)

// split packs encoded features into files of at most limit bytes each, in
// order, by whole features.
func split(feats [][]byte, places []protocol.CID, base string, limit int) ([]File, error) {
	frame := len(fileHead) + len(fileTail)
	var groups [][2]int // [first, end) feature indexes
	start, size := 0, frame
	for i, f := range feats {
		if frame+len(f) > limit {
			return nil, fmt.Errorf("eudr: the feature of place %s alone takes %d bytes, more than the %d a file may hold: record the plot with fewer corners",
				places[i].Short(), frame+len(f), limit)
		}
		add := len(f)
		if i > start {
			add += len(fileSep)
		}
		if size+add > limit {
			groups = append(groups, [2]int{start, i})
			start, size, add = i, frame, len(f)
		}
		size += add
	}
	groups = append(groups, [2]int{start, len(feats)})
	files := make([]File, len(groups))
	for g, r := range groups {
		var buf bytes.Buffer
		buf.Write(fileHead)
		for i := r[0]; i < r[1]; i++ {
			if i > r[0] {
				buf.Write(fileSep)
			}
			buf.Write(feats[i])
		}
		buf.Write(fileTail)
		name := base + ".geojson"
		if len(groups) > 1 {
			name = fmt.Sprintf("%s-part-%d-of-%d.geojson", base, g+1, len(groups))
		}
		files[g] = File{Name: name, Part: g + 1, Parts: len(groups), Places: append([]protocol.CID{}, places[r[0]:r[1]]...), Data: buf.Bytes()}
	}
	return files, nil
}

// feature is a GeoJSON Feature with the properties the Information
// System reads.
type feature struct {
	Type       string     `json:"type"`
	ID         string     `json:"id"`
	Properties properties `json:"properties"`
	Geometry   geometry   `json:"geometry"`
}

// properties are a feature's properties, named exactly as the EUDR
// GeoJSON file description names them.
type properties struct {
	ProducerName    string      `json:"ProducerName"`
	ProducerCountry string      `json:"ProducerCountry"`
	ProductionPlace string      `json:"ProductionPlace"`
	Area            json.Number `json:"Area,omitempty"` // hectares; Points only
}

type geometry struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// coord is a position as GeoJSON numbers: [longitude, latitude].
type coord [2]json.Number

// newFeature returns the feature of a plot or estate, or why the
// Information System would refuse it.
func newFeature(o provenance.Origin, pl *protocol.Place) (feature, error) {
	if err := protocol.CheckDraft(pl); err != nil {
		return feature{}, fmt.Errorf("its record breaks today's geolocation rules: %w", err)
	}
	f := feature{Type: "Feature", ID: o.Place.String(), Properties: properties{
		ProducerName: o.Org, ProducerCountry: pl.Country, ProductionPlace: pl.Name}}
	if f.Properties.ProducerName == "" {
		f.Properties.ProducerName = pl.Name
	}
	switch pl.Geo.Type {
	case protocol.GeoPoint:
		if pl.Area > protocol.PolygonRequiredArea {
			return feature{}, fmt.Errorf("it covers %s ha but is located by a point: a plot over 4 ha needs a polygon", hectares(pl.Area))
		}
		f.Properties.Area = json.Number(hectares(pl.Area))
		f.Geometry = geometry{Type: "Point", Coordinates: toCoord(*pl.Geo.Point)}
	case protocol.GeoPolygon:
		pieces, err := withoutHoles(pl.Geo.Rings)
		if err != nil {
			return feature{}, err
		}
		if len(pieces) == 1 {
			f.Geometry = geometry{Type: "Polygon", Coordinates: [][]coord{toRing(pieces[0])}}
			break
		}
		multi := make([][][]coord, len(pieces))
		for i, p := range pieces {
			multi[i] = [][]coord{toRing(p)}
		}
		f.Geometry = geometry{Type: "MultiPolygon", Coordinates: multi}
	default:
		return feature{}, fmt.Errorf("geometry %q is neither a Point nor a Polygon", pl.Geo.Type)
	}
	return f, nil
}

// encode writes a feature as compact JSON, leaving <, > and & as they are.
func encode(f feature) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

func toCoord(p protocol.Position) coord { return coord{degrees(p[0]), degrees(p[1])} }

func toRing(r []protocol.Position) []coord {
	out := make([]coord, len(r))
	for i, p := range r {
		out[i] = toCoord(p)
	}
	return out
}

// degrees writes ten-millionths of a degree as a decimal number of
// degrees, exactly, with six or seven decimals: 1039510000 is "103.951000",
// -20610123 is "-2.0610123".
func degrees(units int64) json.Number {
	sign := ""
	u := uint64(units)
	if units < 0 {
		sign, u = "-", uint64(-units)
	}
	frac := fmt.Sprintf("%07d", u%protocol.CoordScale)
	if frac[6] == '0' {
		frac = frac[:6]
	}
	return json.Number(sign + strconv.FormatUint(u/protocol.CoordScale, 10) + "." + frac)
}

// hectares writes square metres as hectares, exactly: 25000 is "2.5".
func hectares(m2 int64) string {
	s := strconv.FormatInt(m2/10_000, 10)
	if f := m2 % 10_000; f != 0 {
		s += "." + trimZeros(fmt.Sprintf("%04d", f))
	}
	return s
}

func trimZeros(s string) string {
	for len(s) > 1 && s[len(s)-1] == '0' {
		s = s[:len(s)-1]
	}
	return s
}

// isEUDR reports whether any of the products is an EUDR commodity by the
// default table.
func isEUDR(products []string) bool {
	t := provenance.DefaultTable()
	for _, p := range products {
		if t.IsEUDR(p) {
			return true
		}
		if _, ok := HSCodeOf(p); ok {
			return true
		}
	}
	return false
}

// index maps records by CID.
func index(recs []protocol.Signed) map[protocol.CID]protocol.Signed {
	m := make(map[protocol.CID]protocol.Signed, len(recs))
	for _, r := range recs {
		if r.Record != nil {
			m[r.CID] = r
		}
	}
	return m
}

// andList joins words for people: "a", "a and b", "a, b and c".
func andList(ss []string) string {
	switch len(ss) {
	case 0:
		return ""
	case 1:
		return ss[0]
	}
	out := ss[0]
	for _, s := range ss[1 : len(ss)-1] {
		out += ", " + s
	}
	return out + " and " + ss[len(ss)-1]
}
