package places

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jejak/jejak/protocol"
)

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
