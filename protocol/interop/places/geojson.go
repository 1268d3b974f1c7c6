package places

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// ParseGeoJSON reads places from a GeoJSON file (RFC 7946) as GIS tools
// and field apps export it (QGIS, KoboToolbox) and as the EU Information
// System (TRACES) takes it for EUDR: a FeatureCollection (or one Feature)
// of Point, Polygon and MultiPolygon features, coordinates in WGS 84
// [longitude, latitude]. The properties it reads, and what it does with a
// MultiPolygon, altitude, swapped coordinates and Point plots, are in the
// package documentation and docs/IMPORT.md.
//
// Three things might happen:
//   - Every feature makes a place that protocol.CheckDraft accepts: the
//     places are returned, in the order of the file, and a nil error.
//   - Some feature or the file is at fault: no places are returned, and
//     an *Error lists every problem found, each with the feature's number,
//     line and property.
//   - Reading r fails: no places, and that error, wrapped.
func ParseGeoJSON(r io.Reader, opt Options) ([]protocol.Place, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	data, err := readAll(r, sizeOf(r, opt))
	if err != nil {
		return nil, err
	}
	g := &geoReader{
		data: bytes.TrimPrefix(data, utf8BOM), // Windows tools may write one
		opt:  opt,
	}
	g.prog = newProgress(opt.Progress, int64(len(g.data)))
	places, err := g.read()
	g.prog.done(int64(len(g.data)))
	if err != nil {
		return nil, err
	}
	return places, nil
}

var utf8BOM = []byte("\xef\xbb\xbf")

// geoReader reads one GeoJSON file.
type geoReader struct {
	data   []byte
	opt    Options
	dec    *json.Decoder
	prog   *progress
	ps     problems
	places []protocol.Place
	// lineOff is the last offset looked up, line its line and lineStart
	// the offset where that line starts, so that lines are counted once
	// through the file.
	lineOff, lineStart int64
	line               int
}

// topLevel is what the top-level object says besides its features: its
// type, and the members of a file that is a single Feature.
type topLevel struct {
	typ            any
	geometry, prop json.RawMessage
	id             any
	sawFeatures    bool
}

func (g *geoReader) read() ([]protocol.Place, error) {
	g.dec = json.NewDecoder(bytes.NewReader(g.data))
	g.dec.UseNumber()
	g.line = 1
	if len(bytes.TrimSpace(g.data)) == 0 {
		return nil, fileProblem("the file is empty")
	}
	tok, err := g.dec.Token()
	if err != nil {
		return nil, g.syntax(err)
	}
	if tok != json.Delim('{') {
		return nil, fileProblem("this is not GeoJSON: a GeoJSON file is an object, {\"type\": \"FeatureCollection\", ...}")
	}
	var top topLevel
	for g.dec.More() {
		kt, err := g.dec.Token()
		if err != nil {
			return nil, g.syntax(err)
		}
		key, _ := kt.(string)
		switch key {
		case "features":
			if top.sawFeatures {
				return nil, fileProblem("the file has two \"features\" members")
			}
			top.sawFeatures = true
			if !g.features() {
				return nil, g.ps.err()
			}
			continue
		case "crs":
			crs, err := g.value()
			if err != nil {
				return nil, g.syntax(err)
			}
			if msg := crsProblem(crs); msg != "" {
				return nil, fileProblem("%s", msg)
			}
			continue
		}
		v, err := g.value()
		if err != nil {
			return nil, g.syntax(err)
		}
		switch key {
		case "type":
			top.typ = decodeAny(v)
		case "geometry":
			top.geometry = v
		case "properties":
			top.prop = v
		case "id":
			top.id = decodeAny(v)
		}
	}
	if _, err := g.dec.Token(); err != nil {
		return nil, g.syntax(err)
	}
	if end := g.skipSpace(g.dec.InputOffset()); end < int64(len(g.data)) {
		line, col := g.lineCol(end)
		return nil, &Error{Problems: []Problem{{Line: line, Column: col, Msg: "there is more after the end of the GeoJSON object"}}}
	}
	typ, _ := top.typ.(string)
	switch {
	case typ == "Feature" && !top.sawFeatures:
		g.feature(1, 0, top.typ, top.id, top.geometry, top.prop)
	case typ == "FeatureCollection" || (typ == "" && top.sawFeatures):
		if !top.sawFeatures {
			return nil, fileProblem("the FeatureCollection has no \"features\" member")
		}
	case isGeometryType(typ):
		return nil, fileProblem("the file is a bare %s, with no name or other properties: save it as a FeatureCollection whose features have a property \"name\"", typ)
	case top.typ == nil:
		return nil, fileProblem("this is not GeoJSON: the object has no \"type\" (want \"FeatureCollection\")")
	default:
		return nil, fileProblem("type %s is not a GeoJSON FeatureCollection", describe(top.typ))
	}
	if err := g.ps.err(); err != nil {
		return nil, err
	}
	if len(g.places) == 0 {
		return nil, fileProblem("the file has no features")
	}
	return g.places, nil
}

// features reads the features array, one feature at a time, and reports
// whether reading may go on.
func (g *geoReader) features() bool {
	tok, err := g.dec.Token()
	if err != nil {
		g.ps.add(g.syntaxProblem(err))
		return false
	}
	if tok == nil {
		return true // "features": null, reported as no features
	}
	if tok != json.Delim('[') {
		g.ps.add(Problem{Field: "features", Msg: fmt.Sprintf("is %s, not a list of features", describe(tok))})
		return false
	}
	for n := 1; g.dec.More(); n++ {
		start := g.skipSpace(g.dec.InputOffset())
		raw, err := g.value()
		if err != nil {
			g.ps.add(g.syntaxProblem(err))
			return false
		}
		if len(raw) > MaxFeatureSize {
			line, _ := g.lineCol(start)
			g.ps.add(Problem{Feature: n, Line: line, Msg: fmt.Sprintf("the feature is %s of JSON; a place holds at most %d KiB: simplify the boundary", mib(int64(len(raw))), protocol.MaxRecordSize>>10)})
		} else {
			var f struct {
				Type       any             `json:"type"`
				ID         any             `json:"id"`
				Geometry   json.RawMessage `json:"geometry"`
				Properties json.RawMessage `json:"properties"`
			}
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			if err := dec.Decode(&f); err != nil {
				line, _ := g.lineCol(start)
				g.ps.add(Problem{Feature: n, Line: line, Msg: "is not a GeoJSON Feature: " + jsonMsg(err)})
			} else {
				g.feature(n, start, f.Type, f.ID, f.Geometry, f.Properties)
			}
		}
		g.prog.at(g.dec.InputOffset())
		if g.ps.full {
			return false
		}
		if len(g.places) > MaxRecords {
			g.ps.add(Problem{Feature: n, Msg: fmt.Sprintf("the file has more than %d places, the most one import makes: split it", MaxRecords)})
			return false
		}
	}
	if _, err := g.dec.Token(); err != nil {
		g.ps.add(g.syntaxProblem(err))
		return false
	}
	return true
}

// feature reads feature n, which starts at byte start.
func (g *geoReader) feature(n int, start int64, typ, id any, geometry, properties json.RawMessage) {
	line, _ := g.lineCol(start)
	loc := &locator{feature: n, line: line, fields: map[string]at{colGeometry: {field: "geometry"}}}
	if t, _ := typ.(string); t != "Feature" {
		msg := fmt.Sprintf("type is %s, not \"Feature\"", describe(typ))
		if isGeometryType(t) {
			msg = fmt.Sprintf("is a bare %s: each item of \"features\" is a Feature, {\"type\": \"Feature\", \"geometry\": ..., \"properties\": ...}", t)
		}
		g.ps.add(Problem{Feature: n, Line: line, Msg: msg})
		return
	}
	var props map[string]any
	if t := bytes.TrimSpace(properties); len(t) > 0 && string(t) != "null" {
		dec := json.NewDecoder(bytes.NewReader(t))
		dec.UseNumber()
		if err := dec.Decode(&props); err != nil {
			g.ps.add(Problem{Feature: n, Line: line, Field: "properties", Msg: "is not an object of properties"})
			return
		}
	}
	d := g.draft(props, id, loc)
	d.shape, d.shapeErr = readGeometry(geometry)
	if d.shapeErr != nil {
		d.shape.notation = inGeoJSON
	}
	g.places = append(g.places, d.places(loc, &g.ps)...)
}

func isGeometryType(t string) bool {
	switch t {
	case "Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection":
		return true
	}
	return false
}

// skipSpace returns the offset of the first byte at or after off that is
// not JSON white space or a comma.
func (g *geoReader) skipSpace(off int64) int64 {
	for off < int64(len(g.data)) {
		switch g.data[off] {
		case ' ', '\t', '\r', '\n', ',':
			off++
			continue
		}
		break
	}
	return off
}

// value decodes the next JSON value whole. A syntax error in it is
// returned with its Offset at the broken byte of the file: the decoder
// counts a value's offsets from where it began reading it, a token's from
// the start of the file.
func (g *geoReader) value() (json.RawMessage, error) {
	start := g.skipSpace(g.dec.InputOffset())
	var raw json.RawMessage
	err := g.dec.Decode(&raw)
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Read it again from its first byte, where offsets are
		// known to count from; SyntaxError.Offset is the number of
		// bytes read when the error was found.
		again := json.NewDecoder(bytes.NewReader(g.data[start:]))
		if err2 := again.Decode(&raw); errors.As(err2, &se) {
			return nil, &brokenJSON{off: start + se.Offset - 1, msg: se.Error()}
		}
	}
	return raw, err
}

// brokenJSON is a JSON syntax error at byte off of the file.
type brokenJSON struct {
	off int64
	msg string
}

func (e *brokenJSON) Error() string { return e.msg }

// lineCol returns the line and column (from 1) of byte off of the file.
// Offsets mostly grow as the file is read, so each byte is looked at about
// once, even in a file that is all one line.
func (g *geoReader) lineCol(off int64) (int, int) {
	off = min(max(off, 0), int64(len(g.data)))
	if off < g.lineOff {
		g.lineOff, g.line, g.lineStart = 0, 1, 0
	}
	seg := g.data[g.lineOff:off]
	if n := bytes.Count(seg, []byte("\n")); n > 0 {
		g.line += n
		g.lineStart = g.lineOff + int64(bytes.LastIndexByte(seg, '\n')) + 1
	}
	g.lineOff = off
	return g.line, int(off-g.lineStart) + 1
}

// syntax returns the *Error of a JSON syntax error, with the problems
// found before it.
func (g *geoReader) syntax(err error) error {
	g.ps.add(g.syntaxProblem(err))
	return g.ps.err()
}

func (g *geoReader) syntaxProblem(err error) Problem {
	var se *json.SyntaxError
	var bj *brokenJSON
	switch {
	case errors.As(err, &bj):
		line, col := g.lineCol(bj.off)
		return Problem{Line: line, Column: col, Msg: "the JSON is broken here: " + strings.TrimPrefix(bj.msg, "json: ")}
	case errors.As(err, &se):
		line, col := g.lineCol(se.Offset)
		return Problem{Line: line, Column: col, Msg: "the JSON is broken here: " + strings.TrimPrefix(se.Error(), "json: ")}
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		line, col := g.lineCol(int64(len(g.data)))
		return Problem{Line: line, Column: col, Msg: "the file ends in the middle of the JSON: was it cut short?"}
	}
	return Problem{Msg: "the JSON cannot be read: " + jsonMsg(err)}
}
