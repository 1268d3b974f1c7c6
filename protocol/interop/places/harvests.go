package places

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/jejak/jejak/protocol"
)

// Harvest is one line of a harvests file: an origin record whose places are
// still named as the file names them. Resolve makes it a protocol.Origin
// once the places are known.
type Harvest struct {
	Line   int               `json:"line"`   // the line of the file
	Places []PlaceRef        `json:"places"` // where it was harvested, in the order of the file
	From   int64             `json:"from"`   // start of the harvest, Unix ms (midnight UTC)
	Until  int64             `json:"until"`  // end, Unix ms (the last millisecond of its day, UTC)
	Out    []protocol.Output `json:"out"`    // what was harvested: one output a line
	// Column and Field are the places cell's column (from 1) and the
	// column's name, so that Resolve tells a place it cannot find where
	// the file names it.
	Column int    `json:"column"`
	Field  string `json:"field"`
}

// PlaceRef names a place as a harvests file does: by its CID (a place
// record already signed), or else by its name (a place the node holds, or
// one the same import creates).
type PlaceRef struct {
	CID  protocol.CID `json:"cid,omitzero"`
	Name string       `json:"name,omitempty"`
}

// String returns the name, or the CID.
func (p PlaceRef) String() string {
	if p.Name != "" {
		return p.Name
	}
	return p.CID.String()
}

// placeSeparator separates the places of a harvest in one cell: "Blok
// A1|Blok A2". Not a comma or a semicolon, which separate cells and
// appear in names.
const placeSeparator = "|"

// ParseHarvestsCSV reads harvests from a CSV file laid out as
// docs/IMPORT.md says (docs/templates/harvests.csv): a header line, then
// one harvest a line, each an origin record with one output. Columns are
// found by name, in any order; other columns are ignored. Each harvest's
// places stay names or CIDs: Resolve links them once the node knows which
// places those are.
//
// Three things might happen, as for ParsePlacesCSV: harvests and a nil
// error, or no harvests and an *Error listing every problem with its line
// and column, or no harvests and the reader's error, wrapped.
func ParseHarvestsCSV(r io.Reader, opt Options) ([]Harvest, error) {
	if err := opt.check(); err != nil {
		return nil, err
	}
	var ps problems
	f, err := openCSV(r, opt, harvestRoles, &ps)
	if err != nil {
		return nil, err
	}
	cols := " (the file's columns are " + strings.Join(f.header, ", ") + ")"
	if !f.has(colPlaces) {
		ps.add(Problem{Line: 1, Msg: "no column names the places harvested: add a column \"places\"" + cols})
	}
	switch {
	case f.has(colDate) && (f.has(colFrom) || f.has(colUntil)):
		ps.add(Problem{Line: 1, Msg: "the file has both \"date\" and \"from\" or \"until\" columns: use date for a single day, or from and until for a period"})
	case !f.has(colDate) && !f.has(colFrom):
		ps.add(Problem{Line: 1, Msg: "no column dates the harvests: add a column \"date\" (YYYY-MM-DD), or \"from\" and \"until\"" + cols})
	}
	if !f.has(colProduct) && opt.Product == "" {
		ps.add(Problem{Line: 1, Msg: "no column names the product: add a column \"product\" (such as FFB), or choose a product for the whole import" + cols})
	}
	if !f.has(colQuantity) {
		ps.add(Problem{Line: 1, Msg: "no column gives the quantities: add a column \"quantity\"" + cols})
	}
	if len(ps.list) > 0 {
		return nil, ps.err()
	}
	var hs []Harvest
	for f.next() {
		if h, ok := f.harvest(opt); ok {
			hs = append(hs, h)
		}
		if len(hs) > MaxRecords {
			ps.add(Problem{Line: f.line, Msg: fmt.Sprintf("the file has more than %d harvests, the most one import makes: split it", MaxRecords)})
			break
		}
	}
	f.done()
	if err := f.result(); err != nil {
		return nil, err
	}
	if len(hs) == 0 {
		return nil, fileProblem("the file has a header but no harvests")
	}
	return hs, nil
}

// harvest reads the current line as a harvest.
func (f *csvFile) harvest(opt Options) (Harvest, bool) {
	loc := f.locator()
	ok := true
	bad := func(role, msg string) {
		f.ps.add(loc.problem(role, msg))
		ok = false
	}
	cellAt := loc.fields[colPlaces]
	h := Harvest{Line: cellAt.line, Column: cellAt.column, Field: cellAt.field}

	// Places.
	seen := map[PlaceRef]bool{}
	cell := f.cell(colPlaces)
	for _, s := range strings.Split(cell, placeSeparator) {
		s = cleanText(s)
		if s == "" {
			continue
		}
		ref := PlaceRef{Name: s}
		if looksLikeCID(s) {
			c, err := protocol.ParseCID(s)
			if err != nil {
				bad(colPlaces, fmt.Sprintf("%q is not a valid CID: copy it again from the place's record", s))
				continue
			}
			ref = PlaceRef{CID: c}
		}
		if seen[ref] {
			bad(colPlaces, fmt.Sprintf("names %q twice", ref))
			continue
		}
		seen[ref] = true
		h.Places = append(h.Places, ref)
	}
	switch {
	case cell == "":
		bad(colPlaces, "no place is named: fill in the place's name, or several separated by "+placeSeparator)
	case len(h.Places) > protocol.MaxPlaces:
		bad(colPlaces, fmt.Sprintf("names %d places, at most %d", len(h.Places), protocol.MaxPlaces))
	}

	// The period.
	fromRole, untilRole := colFrom, colUntil
	if f.has(colDate) {
		fromRole, untilRole = colDate, colDate
	}
	from, fromOK := f.date(fromRole, bad)
	until := from
	untilOK := fromOK
	if untilRole != fromRole && f.cell(untilRole) != "" {
		until, untilOK = f.date(untilRole, bad)
	}
	if fromOK && untilOK {
		h.From = from.UnixMilli()
		h.Until = until.Add(24*time.Hour - time.Millisecond).UnixMilli()
		if until.Before(from) {
			bad(untilRole, "the harvest ends before it starts")
		}
	}

	// The output.
	var out protocol.Output
	out.Product = f.cell(colProduct)
	if out.Product == "" {
		out.Product = opt.Product
	}
	if out.Product == "" {
		bad(colProduct, "the product is empty")
	}
	if q, role, msg := f.quantity(opt); msg != "" {
		bad(role, msg)
	} else {
		out.Qty = q
	}
	out.Lot = f.cell(colLot)
	scheme, model := f.cell(colScheme), strings.ToUpper(f.cell(colModel))
	switch {
	case scheme != "" && model != "":
		out.Claim = &protocol.Claim{Scheme: scheme, Model: model}
	case scheme != "":
		bad(colModel, "a claim under "+scheme+" needs its supply-chain model: IP, SG or MB")
	case model != "":
		bad(colScheme, "a claim of model "+model+" needs its scheme, such as RSPO")
	}
	h.Out = []protocol.Output{out}
	if !ok {
		return Harvest{}, false
	}

	// Every other rule of an origin record, with stand-ins for the
	// places: their CIDs are not known yet.
	o := protocol.Origin{From: h.From, Until: h.Until, Out: h.Out}
	for i := range h.Places {
		o.Places = append(o.Places, protocol.ComputeCID([]byte{byte(i), byte(i >> 8)}))
	}
	if err := protocol.CheckDraft(&o); err != nil {
		f.ps.add(originProblem(err, loc, f.has(colDate)))
		return Harvest{}, false
	}
	return h, true
}

// date reads the date cell of role.
func (f *csvFile) date(role string, bad func(role, msg string)) (time.Time, bool) {
	c := f.cell(role)
	if c == "" {
		bad(role, "the date is empty")
		return time.Time{}, false
	}
	t, msg := day(c)
	if msg != "" {
		bad(role, msg)
		return time.Time{}, false
	}
	return t, true
}

// quantity reads the quantity of the current line: an amount as a person
// writes it (protocol.ParseAmount), with its unit after it ("12,5 t"), in
// the unit column, or from Options.Unit. It returns the quantity, or the
// role at fault and what is wrong.
func (f *csvFile) quantity(opt Options) (protocol.Quantity, string, string) {
	c := f.cell(colQuantity)
	if c == "" {
		return protocol.Quantity{}, colQuantity, "the quantity is empty"
	}
	amount, sym := splitUnit(c)
	unitCol := f.cell(colUnit)
	var u protocol.Unit
	switch {
	case sym != "":
		var ok bool
		if u, ok = unitOf(sym); !ok {
			return protocol.Quantity{}, colQuantity, unknownUnit(sym)
		}
		if unitCol != "" {
			if u2, ok := unitOf(unitCol); !ok || u2 != u {
				return protocol.Quantity{}, colUnit, fmt.Sprintf("the quantity says %s but the unit is %q: keep one", sym, unitCol)
			}
		}
	case unitCol != "":
		var ok bool
		if u, ok = unitOf(unitCol); !ok {
			return protocol.Quantity{}, colUnit, unknownUnit(unitCol)
		}
	case opt.Unit != "":
		var ok bool
		if u, ok = unitOf(opt.Unit); !ok {
			return protocol.Quantity{}, colQuantity, "the unit chosen for the import: " + unknownUnit(opt.Unit)
		}
	default:
		return protocol.Quantity{}, colQuantity, "the quantity has no unit: write it after the number (\"12,5 TNE\"), or add a column \"unit\""
	}
	milli, err := protocol.ParseAmount(amount)
	if err != nil {
		return protocol.Quantity{}, colQuantity, strings.TrimPrefix(err.Error(), "protocol: ")
	}
	return protocol.Quantity{Milli: milli, Unit: u}, "", ""
}

// splitUnit splits "12,5 TNE" or "850kg" into amount and unit symbol.
func splitUnit(s string) (amount, unit string) {
	for _, sym := range []string{"m³", "m3", "M3"} {
		if a, ok := strings.CutSuffix(s, sym); ok {
			return strings.TrimSpace(a), sym
		}
	}
	i := len(s)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if !unicode.IsLetter(r) {
			break
		}
		i -= size
	}
	return strings.TrimSpace(s[:i]), s[i:]
}

// units are the unit symbols and names a harvests file may use, in lower
// case, beside the UN/ECE Rec 20 codes themselves.
var units = map[string]protocol.Unit{
	"kg": protocol.KGM, "kgs": protocol.KGM, "kilo": protocol.KGM, "kilogram": protocol.KGM, "kilograms": protocol.KGM,
	"t": protocol.TNE, "mt": protocol.TNE, "ton": protocol.TNE, "tons": protocol.TNE, "tonne": protocol.TNE, "tonnes": protocol.TNE,
	"g": protocol.GRM, "gram": protocol.GRM, "grams": protocol.GRM,
	"l": protocol.LTR, "litre": protocol.LTR, "litres": protocol.LTR, "liter": protocol.LTR, "liters": protocol.LTR,
	"m3": protocol.MTQ, "m³": protocol.MTQ,
	"pcs": protocol.H87, "pc": protocol.H87, "piece": protocol.H87, "pieces": protocol.H87,
}

// unitOf reads a unit code or symbol.
func unitOf(s string) (protocol.Unit, bool) {
	s = strings.TrimSpace(s)
	if u := protocol.Unit(strings.ToUpper(s)); u.Valid() {
		return u, true
	}
	u, ok := units[strings.ToLower(s)]
	return u, ok
}

func unknownUnit(s string) string {
	return fmt.Sprintf("unknown unit %q (use TNE or t, KGM or kg, GRM or g, LTR or l, MTQ or m3, H87 or pcs)", s)
}

// looksLikeCID reports whether s is meant as a CID rather than a name:
// one word starting "bafy", as every Jejak record's CID does.
func looksLikeCID(s string) bool {
	return len(s) > 20 && strings.HasPrefix(strings.ToLower(s), "bafy") && !strings.ContainsAny(s, " \t")
}

// originProblem turns a broken rule of an origin made from a line into a
// problem where the line has the field.
func originProblem(err error, loc *locator, byDate bool) Problem {
	var fe *protocol.FieldError
	if !errors.As(err, &fe) {
		return loc.problem("", err.Error())
	}
	f := fe.Field
	role := ""
	switch {
	case strings.HasPrefix(f, "body.places"):
		role = colPlaces
	case f == "body.from":
		role = colFrom
	case f == "body.until":
		role = colUntil
	case strings.HasSuffix(f, ".product"):
		role = colProduct
	case strings.HasSuffix(f, ".qty.unit"):
		role = colUnit
		if _, ok := loc.fields[colUnit]; !ok {
			role = colQuantity
		}
	case strings.Contains(f, ".qty"):
		role = colQuantity
	case strings.HasSuffix(f, ".lot"):
		role = colLot
	case strings.HasSuffix(f, ".claim.scheme"):
		role = colScheme
	case strings.HasSuffix(f, ".claim.model"):
		role = colModel
	}
	rule := fe.Rule
	if role == colFrom || role == colUntil {
		if strings.Contains(rule, "before 2000-01-01") {
			rule = "the date is before 2000-01-01: Jejak records nothing earlier"
		}
		if byDate {
			role = colDate
		}
	}
	return loc.problem(role, rule)
}

// Resolve makes origin bodies of harvests, linking each place a harvest
// names. lookup returns the CIDs of the places a reference could mean: for
// a name, every place of that name (those the node holds and those the
// same import creates); for a CID, that CID if it names a place, and none
// otherwise.
//
// Three things might happen: every place is found once, and the origins
// are returned in the order of hs with a nil error; or some place is not
// found, or found more than once, and no origins are returned but an
// *Error that lists each such place with its line and column; or hs is
// empty, and so is the result.
func Resolve(hs []Harvest, lookup func(PlaceRef) []protocol.CID) ([]protocol.Origin, error) {
	var ps problems
	out := make([]protocol.Origin, 0, len(hs))
	for _, h := range hs {
		if ps.full {
			break
		}
		loc := &locator{csv: true, line: h.Line, fields: map[string]at{colPlaces: {field: h.Field, column: h.Column}}}
		o := protocol.Origin{From: h.From, Until: h.Until, Out: h.Out}
		by := map[protocol.CID]PlaceRef{}
		ok := true
		for _, ref := range h.Places {
			cids := lookup(ref)
			switch {
			case len(cids) == 0 && ref.Name != "":
				ps.add(loc.problem(colPlaces, fmt.Sprintf("no place is named %q: import or register it first, or check its spelling", ref.Name)))
			case len(cids) == 0:
				ps.add(loc.problem(colPlaces, fmt.Sprintf("no place has CID %s", ref.CID)))
			case len(cids) > 1:
				ps.add(loc.problem(colPlaces, fmt.Sprintf("%d places are named %q: name the one meant by its CID", len(cids), ref.Name)))
			default:
				if other, dup := by[cids[0]]; dup {
					ps.add(loc.problem(colPlaces, fmt.Sprintf("%q and %q are the same place", other, ref)))
					break
				}
				by[cids[0]] = ref
				o.Places = append(o.Places, cids[0])
				continue
			}
			ok = false
		}
		if !ok {
			continue
		}
		if err := protocol.CheckDraft(&o); err != nil {
			ps.add(originProblem(err, loc, false))
			continue
		}
		out = append(out, o)
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	return out, nil
}
