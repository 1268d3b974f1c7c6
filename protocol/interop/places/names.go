package places

import (
	"sort"
	"strings"
	"unicode"
)

// The names this package reads: each is a CSV column or a GeoJSON property
// (docs/IMPORT.md), and Options.Columns maps a file's own names to them.
const (
	colName      = "name"
	colKind      = "kind"
	colCountry   = "country"
	colAreaHa    = "area_ha"
	colAreaM2    = "area_m2"
	colAreaAcres = "area_acres"
	colLat       = "lat"
	colLon       = "lon"
	colGeometry  = "geometry"

	colAssessment   = "assessment"
	colAssessMethod = "assessment_method"
	colAssessDate   = "assessment_date"
	colLegality     = "legality"
	colLegalMethod  = "legality_method"
	colLegalDate    = "legality_date"

	colDate     = "date"
	colFrom     = "from"
	colUntil    = "until"
	colPlaces   = "places"
	colProduct  = "product"
	colQuantity = "quantity"
	colUnit     = "unit"
	colLot      = "lot"
	colScheme   = "scheme"
	colModel    = "model"
)

// role is a name this package reads and the names files give it, most
// preferred first, in normalised form (see norm). When a file has several
// of them, the first in this list is read and the others are ignored.
type role struct {
	name    string
	aliases []string
	suffix  string // also any name that ends so ("_plot_gps_latitude")
}

// placeRoles are the columns of a places file and the properties of a
// GeoJSON feature.
var placeRoles = []role{
	{name: colName, aliases: []string{"name", "plotname", "placename", "productionplace", "parcelname",
		"fieldname", "blockname", "nama", "namablok", "namakebun", "namalahan", "namapetak", "blok",
		"block", "plot", "farmname", "farmername", "producername", "plotid", "parcelid", "plotcode",
		"kodeblok", "id"}},
	{name: colKind, aliases: []string{"kind", "placekind", "kindofplace", "jenis"}},
	{name: colCountry, aliases: []string{"country", "producercountry", "countrycode", "iso2",
		"countryiso", "negara", "kodenegara"}},
	{name: colAreaHa, aliases: []string{"areaha", "area", "hectares", "hectare", "ha", "areahectares",
		"hectarage", "luas", "luasha", "keluasan", "keluasanha"}},
	{name: colAreaM2, aliases: []string{"aream2", "areasqm", "sqm", "m2", "areasquaremetres",
		"areasquaremeters", "luasm2"}},
	{name: colAreaAcres, aliases: []string{"areaacres", "acres", "acre", "areaac", "ekar", "keluasanekar"}},
	{name: colGeometry, aliases: []string{"geometry", "geom", "thegeom", "wkt", "geojson", "geoshape",
		"shape", "polygon", "boundary", "plotboundary", "batas"}},
	{name: colAssessment, aliases: []string{"assessment", "assessmentref", "deforestationfree", "deforestationassessment",
		"deforestationfreeref", "dfassessment"}},
	{name: colAssessMethod, aliases: []string{"assessmentmethod", "deforestationmethod", "dfmethod"}},
	{name: colAssessDate, aliases: []string{"assessmentdate", "assessedon", "deforestationdate", "dfdate"}},
	{name: colLegality, aliases: []string{"legality", "legalityref", "landtitle", "hgu", "legalitas"}},
	{name: colLegalMethod, aliases: []string{"legalitymethod", "legalitykind", "titlekind"}},
	{name: colLegalDate, aliases: []string{"legalitydate", "titledate", "permitdate"}},
	{name: colLat, aliases: []string{"lat", "latitude", "y", "lintang"}, suffix: "latitude"},
	{name: colLon, aliases: []string{"lon", "lng", "long", "longitude", "x", "bujur"}, suffix: "longitude"},
}

// harvestRoles are the columns of a harvests file.
var harvestRoles = []role{
	{name: colDate, aliases: []string{"date", "harvestdate", "day", "tanggal", "tanggalpanen"}},
	{name: colFrom, aliases: []string{"from", "start", "startdate", "datefrom", "harvestfrom", "periodstart"}},
	{name: colUntil, aliases: []string{"until", "to", "end", "enddate", "dateto", "untildate", "harvestuntil", "periodend"}},
	{name: colPlaces, aliases: []string{"places", "place", "plots", "plot", "placecid", "cid", "blok", "block"}},
	{name: colProduct, aliases: []string{"product", "produk", "commodity", "material"}},
	{name: colQuantity, aliases: []string{"quantity", "qty", "weight", "netweight", "amount", "berat",
		"beratbersih", "jumlah", "tonnage"}},
	{name: colUnit, aliases: []string{"unit", "uom", "satuan"}},
	{name: colLot, aliases: []string{"lot", "lotcode", "lotnumber", "lotno", "batchcode"}},
	{name: colScheme, aliases: []string{"scheme", "certification", "certificationscheme", "claimscheme"}},
	{name: colModel, aliases: []string{"model", "supplychainmodel", "claimmodel", "scmodel"}},
}

// norm returns the form in which names are compared: a KoboToolbox group
// prefix ("group_plot/") dropped, letters in lower case, and nothing but
// letters and digits, so that "Area (ha)", "area_ha" and "AreaHa" are one
// name, and "m²" is "m2".
func norm(s string) string {
	if i := strings.LastIndexByte(s, '/'); i >= 0 && i < len(s)-1 {
		s = s[i+1:]
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '²':
			b.WriteByte('2')
		case r == '³':
			b.WriteByte('3')
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// match assigns names of the file (columns or property keys, as written)
// to roles: it returns, for each role found, the index in names of the one
// read, and for each role the indexes of every name that means it equally
// well (two columns "name" and "Name"), so that the caller can say so.
func match(names []string, roles []role, mapped map[string]string) (chosen map[string]int, twins map[string][]int) {
	byNorm := map[string][]int{}
	for i, n := range names {
		if k := norm(n); k != "" {
			byNorm[k] = append(byNorm[k], i)
		}
	}
	chosen = map[string]int{}
	twins = map[string][]int{}
	taken := map[int]bool{}
	take := func(r string, idx []int) bool {
		var free []int
		for _, i := range idx {
			if !taken[i] {
				free = append(free, i)
			}
		}
		if len(free) == 0 {
			return false
		}
		chosen[r] = free[0]
		if len(free) > 1 {
			twins[r] = free
		}
		for _, i := range free {
			taken[i] = true
		}
		return true
	}
	// Names the person mapped come first, in a fixed order.
	keys := make([]string, 0, len(mapped))
	for k := range mapped {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		r := norm(mapped[k])
		for _, ro := range roles {
			if norm(ro.name) == r {
				if _, done := chosen[ro.name]; !done {
					take(ro.name, byNorm[norm(k)])
				}
			}
		}
	}
	for _, ro := range roles {
		if _, done := chosen[ro.name]; done {
			continue
		}
		found := false
		for _, a := range ro.aliases {
			if take(ro.name, byNorm[a]) {
				found = true
				break
			}
		}
		if !found && ro.suffix != "" {
			var idx []int
			for i, n := range names {
				if strings.HasSuffix(norm(n), ro.suffix) {
					idx = append(idx, i)
				}
			}
			if len(idx) > 0 {
				take(ro.name, idx[:1])
			}
		}
	}
	return chosen, twins
}

// knownNames lists the names of roles, for messages.
func knownNames(roles []role) string {
	var s []string
	for _, r := range roles {
		s = append(s, r.name)
	}
	return strings.Join(s, ", ")
}
