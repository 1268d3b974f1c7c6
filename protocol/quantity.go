package protocol

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Unit is a UN/ECE Recommendation 20 unit code.
type Unit string

// The units Jejak records use.
const (
	GRM Unit = "GRM" // gram
	KGM Unit = "KGM" // kilogram
	TNE Unit = "TNE" // tonne (metric ton)
	LTR Unit = "LTR" // litre
	MTQ Unit = "MTQ" // cubic metre
	H87 Unit = "H87" // piece
)

// Dimension is what a unit measures; quantities of one dimension compare.
type Dimension string

// The dimensions of Jejak's units.
const (
	Mass   Dimension = "mass"
	Volume Dimension = "volume"
	Count  Dimension = "count"
)

// unitScale gives, per unit, its dimension and its size in the smallest unit
// of that dimension (GRM, LTR, H87).
var unitScale = map[Unit]struct {
	dim   Dimension
	scale int64
}{
	GRM: {Mass, 1},
	KGM: {Mass, 1_000},
	TNE: {Mass, 1_000_000},
	LTR: {Volume, 1},
	MTQ: {Volume, 1_000},
	H87: {Count, 1},
}

// MaxQuantity bounds Quantity.Milli so that conversions never overflow:
// a billion units. In base units (Base) the largest quantity, a billion
// tonnes, is 10^18 milligrams, which fits in an int64; a trillion would not.
const MaxQuantity int64 = 1_000_000_000_000

// Valid reports whether u is a unit Jejak knows.
func (u Unit) Valid() bool { _, ok := unitScale[u]; return ok }

// Dimension returns what u measures, or "" for an unknown unit.
func (u Unit) Dimension() Dimension { return unitScale[u].dim }

// Units lists the known unit codes.
func Units() []Unit { return []Unit{KGM, TNE, GRM, LTR, MTQ, H87} }

// Quantity is an exact amount: Milli thousandths of Unit. 12.5 tonnes is
// Quantity{Milli: 12500, Unit: TNE}.
type Quantity struct {
	Milli int64 `cbor:"n" json:"milli"`
	Unit  Unit  `cbor:"unit" json:"unit"`
}

// Q returns a quantity of whole units, for tests and examples.
func Q(units int64, u Unit) Quantity { return Quantity{Milli: units * 1000, Unit: u} }

// Base returns q in thousandths of the smallest unit of its dimension
// (milligrams of mass are thousandths of GRM, and so on), and the dimension.
func (q Quantity) Base() (int64, Dimension, error) {
	s, ok := unitScale[q.Unit]
	if !ok {
		return 0, "", fmt.Errorf("protocol: unknown unit %q", q.Unit)
	}
	if q.Milli > MaxQuantity || q.Milli < -MaxQuantity {
		return 0, "", fmt.Errorf("protocol: quantity %d out of range", q.Milli)
	}
	return q.Milli * s.scale, s.dim, nil
}

// String formats q as a decimal with its unit code: "12.5 TNE", as the
// record holds it and as logs and machine-read output write it. What people
// read is Text.
func (q Quantity) String() string {
	return FormatMilli(q.Milli) + " " + string(q.Unit)
}

// unitSymbols are the one way people read each unit, on every screen, in
// the command line's text and in verification's reasons.
var unitSymbols = map[Unit]string{
	GRM: "g", KGM: "kg", TNE: "t", LTR: "L", MTQ: "m³", H87: "pcs",
}

// Symbol is how people read u: "t" for TNE, "kg", "g", "L", "m³", "pcs".
// An unknown unit reads as its code.
func (u Unit) Symbol() string {
	if s, ok := unitSymbols[u]; ok {
		return s
	}
	return string(u)
}

// Text formats q for people, the one way every screen, command and
// reason writes a quantity: the amount with thousands grouped by commas
// and a decimal point, a space and the unit's Symbol: "15,750 t",
// "0.945 t", "1,200 pcs".
func (q Quantity) Text() string {
	return GroupDigits(FormatMilli(q.Milli)) + " " + q.Unit.Symbol()
}

// GroupDigits puts thousands separators (commas) into a decimal number as
// FormatMilli writes it: "15750.5" is "15,750.5".
func GroupDigits(s string) string {
	sign := ""
	if strings.HasPrefix(s, "-") {
		sign, s = "-", s[1:]
	}
	whole, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if hasFrac {
		return sign + b.String() + "." + frac
	}
	return sign + b.String()
}

// unitBySymbol reads a unit written as a code ("TNE", "tne") or as its
// symbol ("t", "kg", "L", "m3", "pcs").
func unitBySymbol(s string) (Unit, bool) {
	if u := Unit(strings.ToUpper(s)); u.Valid() {
		return u, true
	}
	l := strings.ToLower(s)
	if l == "m3" {
		l = "m³"
	}
	for u, sym := range unitSymbols {
		if strings.ToLower(sym) == l {
			return u, true
		}
	}
	return "", false
}

// FormatMilli formats thousandths as a decimal with no trailing zeroes.
func FormatMilli(m int64) string {
	sign := ""
	u := uint64(m)
	if m < 0 {
		sign = "-"
		u = uint64(-m)
	}
	s := sign + strconv.FormatUint(u/1000, 10)
	if f := u % 1000; f != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%03d", f), "0")
	}
	return s
}

// ParseQuantity reads a quantity as a person types it: an amount as
// ParseAmount reads it ("12.5", "12,5", "1 250,5"), a space, and a unit code
// or its Symbol: "12,5 TNE", "12.5 t", "38 291 kg". A leading minus sign
// gives a negative quantity, as String writes a difference; records refuse those when sealed. An ambiguous
// amount ("1.250 TNE") is refused with an error that is ErrAmbiguousAmount.
func ParseQuantity(s string) (Quantity, error) {
	t := strings.TrimSpace(s)
	at := strings.LastIndexFunc(t, unicode.IsSpace)
	if at < 0 {
		return Quantity{}, fmt.Errorf("protocol: quantity %q: want an amount and a unit, as in \"12.5 TNE\"", s)
	}
	_, size := utf8.DecodeRuneInString(t[at:])
	num, unit := strings.TrimSpace(t[:at]), t[at+size:]
	u, ok := unitBySymbol(unit)
	if !ok {
		return Quantity{}, fmt.Errorf("protocol: quantity %q: unknown unit %q (use one of %v)", s, unit, Units())
	}
	m, neg, err := parseAmount(num)
	if err != nil {
		detail := err.Error()
		if ae, ok := err.(*amountError); ok {
			detail = ae.detail()
		}
		return Quantity{}, &quantityError{msg: fmt.Sprintf("protocol: quantity %q: %s", s, detail), err: err}
	}
	if neg {
		m = -m
	}
	return Quantity{Milli: m, Unit: u}, nil
}

// quantityError is a quantity whose amount was refused: err, the amount's
// error, is there for errors.Is (ErrAmbiguousAmount).
type quantityError struct {
	msg string
	err error
}

func (e *quantityError) Error() string { return e.msg }
func (e *quantityError) Unwrap() error { return e.err }

// ParseMilli reads a decimal number with at most three places into
// thousandths: "12.5" is 12500.
func ParseMilli(s string) (int64, error) {
	s = strings.TrimSpace(s)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" && frac == "" {
		return 0, fmt.Errorf("not a number")
	}
	if len(frac) > 3 {
		return 0, fmt.Errorf("%q has more than three decimal places", s)
	}
	for _, part := range []string{whole, frac} {
		for _, r := range part {
			if r < '0' || r > '9' {
				return 0, fmt.Errorf("%q is not a decimal number", s)
			}
		}
	}
	if whole == "" {
		whole = "0"
	}
	w, err := strconv.ParseInt(whole, 10, 64)
	if err != nil || w > MaxQuantity/1000 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	frac += strings.Repeat("0", 3-len(frac))
	f, _ := strconv.ParseInt(frac, 10, 64)
	m := w*1000 + f
	if m > MaxQuantity {
		return 0, fmt.Errorf("%q is too large", s)
	}
	if neg {
		m = -m
	}
	return m, nil
}

// InUnit returns base (thousandths of the smallest unit of u's dimension,
// as Base gives) as a quantity of u when u shows it exactly, else of the
// largest smaller unit of the dimension that does ("15750.001 KGM" rather
// than a rounded "15.75 TNE"), so that no difference is rounded away.
func InUnit(base int64, u Unit) Quantity {
	s, ok := unitScale[u]
	if !ok {
		return Quantity{Milli: base, Unit: u}
	}
	best := Quantity{}
	for c, cs := range unitScale {
		if cs.dim != s.dim || cs.scale > s.scale || base%cs.scale != 0 {
			continue
		}
		if best.Unit == "" || cs.scale > unitScale[best.Unit].scale {
			best = Quantity{Milli: base / cs.scale, Unit: c}
		}
	}
	return best
}
