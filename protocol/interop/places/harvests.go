package places

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

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
