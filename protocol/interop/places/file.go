package places

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// The kinds of import file ReadFile reads.
const (
	WhatPlaces   = "places"
	WhatHarvests = "harvests"
)

// File is what an import file holds, ready for the node to record.
type File struct {
	// Source names the file's content, its SHA-256 in hex: the same
	// content imported again records nothing twice.
	Source string
	// Places are a places file's places; Harvests a harvests file's
	// harvests. The other is nil.
	Places   []protocol.Place
	Harvests []Harvest
}

// ReadFile reads the content of an import file of places or harvests, as
// what says (WhatPlaces or WhatHarvests), whichever program wrote it: a
// places file is GeoJSON when its name ends in ".geojson" or ".json" (case
// aside) or its content starts with '{' (after a byte order mark and
// space), and CSV otherwise; a harvests file is CSV. name is the file's
// name, for telling the two apart; data its content, read up to
// MaxFileSize+1 bytes so that a larger file is refused as too large.
//
// Three things might happen. The file's places or harvests are returned
// with its Source and a nil error. The file is at fault (a harvests file
// in GeoJSON among them): an *Error lists every problem, as
// ParseGeoJSON, ParsePlacesCSV and ParseHarvestsCSV report them. what is
// neither kind: an error saying so.
func ReadFile(what, name string, data []byte, opt Options) (File, error) {
	geo := isGeoJSON(name, data)
	f := File{Source: source(data)}
	var err error
	switch {
	case what == WhatPlaces && geo:
		f.Places, err = ParseGeoJSON(bytes.NewReader(data), opt)
	case what == WhatPlaces:
		f.Places, err = ParsePlacesCSV(bytes.NewReader(data), opt)
	case what != WhatHarvests:
		return File{}, fmt.Errorf("places: read %s: unknown kind of import file %q (want %s or %s)", name, what, WhatPlaces, WhatHarvests)
	case geo:
		err = fileProblem("harvests come as a CSV file (see docs/IMPORT.md); a GeoJSON file holds places: import it as places")
	default:
		f.Harvests, err = ParseHarvestsCSV(bytes.NewReader(data), opt)
	}
	if err != nil {
		return File{}, err
	}
	return f, nil
}

// source returns what File.Source names content data by: its SHA-256, in
// hex.
func source(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// isGeoJSON reports whether a file named name holding data is GeoJSON
// rather than CSV.
func isGeoJSON(name string, data []byte) bool {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".geojson") || strings.HasSuffix(lower, ".json") {
		return true
	}
	return bytes.HasPrefix(bytes.TrimSpace(bytes.TrimPrefix(data, utf8BOM)), []byte("{"))
}
