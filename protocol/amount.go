package protocol

import (
	"errors"
	"strconv"
	"strings"
	"unicode"
)

// ErrAmbiguousAmount is the error (for errors.Is) of an amount that people
// write both ways: "1.250" is 1250 in Indonesia and 1.25 in Malaysia.
// AmountReadings gives the two readings, so that a form can ask which.
var ErrAmbiguousAmount = errors.New("protocol: amount is ambiguous")

// amountError is an amount a person typed that ParseAmount refused.
type amountError struct {
	in   string // as typed
	why  string // what is wrong, after the quoted input
	kind error  // ErrAmbiguousAmount, or nil
}

func (e *amountError) Error() string { return "protocol: amount " + e.detail() }

// detail is the message without its "protocol: amount " prefix, for a
// message about something larger (a quantity) that holds the amount.
func (e *amountError) detail() string { return strconv.Quote(e.in) + " " + e.why }

func (e *amountError) Unwrap() error { return e.kind }

func amountErr(in, why string) error { return &amountError{in: in, why: why} }

// ParseAmount reads a decimal amount as a person types it into thousandths
// (Jejak quantities are exact thousandths of a unit): "12,5" and "12.5" are
// both 12500. It accepts
//
//   - a decimal comma or a decimal point: "12,5", "12.5", "0,75", ",5";
//   - digits grouped in threes by spaces (also U+00A0, U+2009, U+202F):
//     "1 250,5";
//   - both separators, the last being the decimal one and the other
//     grouping in threes: "1.250,5", "1,250.5";
//   - one separator repeated, grouping in threes, in a whole number:
//     "1.250.000", "1,250,000";
//   - decimal places beyond the third only when they are zeros ("12,5000").
//
// It refuses, with a short error in plain words that starts
// "protocol: amount " and quotes s: a single separator followed by exactly
// three digits after one to three digits not starting with 0 ("1.250" is 1250 in Indonesia and
// 1.25 in Malaysia), with an error that is ErrAmbiguousAmount and says how
// to write each meaning; more than three decimal places; a negative amount;
// an empty string; letters, signs, exponents and digits other than 0-9;
// a separator twice where it cannot group thousands; bad grouping; more
// than MaxQuantity thousandths.
//
// ParseMilli, not ParseAmount, reads machine input such as JSON drafts.
func ParseAmount(s string) (int64, error) {
	if body, neg := cutSign(strings.TrimSpace(s)); neg {
		if _, err := readAmount(s, body); err != nil {
			return 0, err
		}
		return 0, amountErr(s, "is negative: quantities are never negative")
	}
	m, _, err := parseAmount(s)
	return m, err
}

// AmountReadings returns the two readings of an ambiguous amount, in
// thousandths: "1.250" gives whole = 1250000 (one thousand two hundred and
// fifty) and decimal = 1250 (one and a quarter). ok is whether s is
// ambiguous, that is whether ParseAmount's error is ErrAmbiguousAmount.
func AmountReadings(s string) (whole, decimal int64, ok bool) {
	body, neg := cutSign(strings.TrimSpace(s))
	if neg {
		return 0, 0, false
	}
	r, err := readAmount(s, body)
	if err != nil || !r.ambiguous {
		return 0, 0, false
	}
	return r.whole, r.decimal, true
}

// FormatAmount formats thousandths the way a person writes them, with a
// decimal comma ("12,5") or a decimal point ("12.5"), so that ParseAmount
// reads it back to milli. An amount with three decimal places and one to
// three digits before them gets a fourth, zero place ("38,2910"), since
// "38,291" is ambiguous.
func FormatAmount(milli int64, comma bool) string {
	sep := "."
	if comma {
		sep = ","
	}
	sign := ""
	u := uint64(milli)
	if milli < 0 {
		sign = "-"
		u = -u
	}
	w, f := u/1000, u%1000
	s := sign + strconv.FormatUint(w, 10)
	if f == 0 {
		return s
	}
	frac := strings.TrimRight(strconv.FormatUint(f+1000, 10)[1:], "0")
	if len(frac) == 3 && w >= 1 && w <= 999 {
		frac += "0"
	}
	return s + sep + frac
}

// cutSign removes a leading minus sign (ASCII or U+2212) from s.
func cutSign(s string) (string, bool) {
	for _, minus := range []string{"-", "\u2212"} {
		if rest, ok := strings.CutPrefix(s, minus); ok {
			return strings.TrimSpace(rest), true
		}
	}
	return s, false
}

// parseAmount reads s as ParseAmount does, but returns a leading minus
// sign as neg rather than refusing it: a Quantity may be a difference.
func parseAmount(s string) (milli int64, neg bool, err error) {
	body, neg := cutSign(strings.TrimSpace(s))
	r, err := readAmount(s, body)
	if err != nil {
		return 0, false, err
	}
	if r.ambiguous {
		return 0, false, &amountError{in: s, why: ambiguity(r), kind: ErrAmbiguousAmount}
	}
	return r.milli, neg, nil
}

// reading is what readAmount makes of an amount.
type reading struct {
	milli int64
	// ambiguous is set, instead of milli, for one to three digits, a
	// single separator and three digits: whole is the reading as a whole
	// number with the separator grouping thousands, decimal the reading
	// with a decimal separator.
	ambiguous      bool
	whole, decimal int64
	comma          bool // the separator of an ambiguous amount was a comma
}

// isGroupSpace reports whether r is a space that may group digits.
func isGroupSpace(r rune) bool {
	return r == ' ' || r == '\u00a0' || r == '\u2009' || r == '\u202f'
}

// readAmount reads body, an amount without sign or surrounding space;
// in is the amount as typed, for errors.
func readAmount(in, body string) (reading, error) {
	if strings.TrimSpace(in) == "" {
		return reading{}, amountErr(in, "is empty")
	}
	// Every character a digit 0-9, a separator or a grouping space; runs
	// of spaces become one ASCII space.
	var b strings.Builder
	digits := 0
	for _, r := range body {
		switch {
		case r >= '0' && r <= '9':
			digits++
			b.WriteRune(r)
		case r == '.' || r == ',':
			b.WriteRune(r)
		case isGroupSpace(r):
			if !strings.HasSuffix(b.String(), " ") {
				b.WriteByte(' ')
			}
		case unicode.IsDigit(r):
			return reading{}, amountErr(in, "has digits other than 0-9: type it with 0-9")
		default:
			return reading{}, amountErr(in, "is not a decimal number: "+strconv.Quote(string(r))+" is not a digit")
		}
	}
	t := b.String()
	if digits == 0 {
		return reading{}, amountErr(in, "is not a number: it has no digits")
	}
	for i := 0; i+1 < len(t); i++ {
		x, y := t[i], t[i+1]
		switch {
		case x == ' ' && !isDigit(y):
			return reading{}, amountErr(in, "has a space next to "+strconv.Quote(string(y))+": spaces go only between groups of digits")
		case y == ' ' && !isDigit(x):
			return reading{}, amountErr(in, "has a space next to "+strconv.Quote(string(x))+": spaces go only between groups of digits")
		case !isDigit(x) && !isDigit(y) && x != ' ' && y != ' ':
			return reading{}, amountErr(in, "has two separators in a row ("+strconv.Quote(t[i:i+2])+")")
		}
	}

	dots, commas := strings.Count(t, "."), strings.Count(t, ",")
	spaced := strings.Contains(t, " ")
	var whole, frac string
	switch {
	case dots > 0 && commas > 0:
		// The last separator is the decimal one; the other groups.
		at := strings.LastIndexAny(t, ".,")
		dec, grp := t[at:at+1], "."
		if dec == "." {
			grp = ","
		}
		if strings.Count(t, dec) > 1 {
			return reading{}, amountErr(in, "has more than one "+sepName(dec))
		}
		if spaced {
			return reading{}, amountErr(in, "is grouped wrongly: group digits with spaces or with "+strconv.Quote(grp)+", not both")
		}
		whole, frac = t[:at], t[at+1:]
		if err := checkGroups(in, whole, grp); err != nil {
			return reading{}, err
		}
	case dots+commas == 1:
		at := strings.IndexAny(t, ".,")
		whole, frac = t[:at], t[at+1:]
		if strings.Contains(frac, " ") {
			return reading{}, amountErr(in, "is grouped wrongly: spaces group only the digits before the "+sepName(t[at:at+1]))
		}
		if spaced {
			if err := checkGroups(in, whole, " "); err != nil {
				return reading{}, err
			}
		} else if len(frac) == 3 && groupHead(whole) {
			return ambiguous(whole, frac, t[at] == ','), nil
		}
	case dots+commas > 1:
		// One separator, repeated: it can only group thousands.
		sep := "."
		if commas > 0 {
			sep = ","
		}
		if spaced {
			return reading{}, amountErr(in, "is grouped wrongly: group digits with spaces or with "+strconv.Quote(sep)+", not both")
		}
		if !groupsOK(strings.Split(t, sep)) {
			return reading{}, amountErr(in, "has more than one "+sepName(sep))
		}
		whole = t
	default:
		whole = t
		if spaced {
			if err := checkGroups(in, whole, " "); err != nil {
				return reading{}, err
			}
		}
	}
	whole = strings.NewReplacer(" ", "", ".", "", ",", "").Replace(whole)

	if len(frac) > 3 {
		if strings.Trim(frac[3:], "0") != "" {
			return reading{}, amountErr(in, "has more than three decimal places: Jejak records at most three (thousandths)")
		}
		frac = frac[:3]
	}
	m, ok := milliOf(whole, frac)
	if !ok {
		return reading{}, amountErr(in, "is too large (at most "+FormatMilli(MaxQuantity)+")")
	}
	return reading{milli: m}, nil
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// sepName names a decimal separator.
func sepName(sep string) string {
	if sep == "," {
		return "decimal comma"
	}
	return "decimal point"
}

// groupHead reports whether whole could begin a number grouped in threes:
// one to three digits, not starting with 0.
func groupHead(whole string) bool {
	return len(whole) >= 1 && len(whole) <= 3 && whole[0] != '0'
}

// groupsOK reports whether groups are digits grouped in threes: a head
// (groupHead) and groups of three.
func groupsOK(groups []string) bool {
	return badGroup(groups) < 0
}

// badGroup returns the index of the first group in groups that is wrong,
// or -1.
func badGroup(groups []string) int {
	if !groupHead(groups[0]) {
		return 0
	}
	for i, g := range groups[1:] {
		if len(g) != 3 {
			return i + 1
		}
	}
	return -1
}

// checkGroups checks that whole is digits grouped in threes by sep.
func checkGroups(in, whole, sep string) error {
	groups := strings.Split(whole, sep)
	i := badGroup(groups)
	if i < 0 {
		return nil
	}
	name, example := strconv.Quote(sep)+" groups", "1"+sep+"250"+sep+"000"
	if sep == " " {
		name = "spaces group"
	}
	at := "at " + strconv.Quote(groups[i])
	if groups[i] == "" {
		at = "at the start"
	}
	return amountErr(in, "is grouped wrongly "+at+": "+name+" digits in threes, as in "+example)
}

// milliOf returns whole (digits) and frac (up to three digits) as
// thousandths, and false when that is above MaxQuantity.
func milliOf(whole, frac string) (int64, bool) {
	whole = strings.TrimLeft(whole, "0")
	if len(whole) > 13 {
		return 0, false
	}
	var w int64
	if whole != "" {
		w, _ = strconv.ParseInt(whole, 10, 64)
	}
	var f int64
	if frac != "" {
		f, _ = strconv.ParseInt(frac+strings.Repeat("0", 3-len(frac)), 10, 64)
	}
	if w > MaxQuantity/1000 || w*1000+f > MaxQuantity {
		return 0, false
	}
	return w*1000 + f, true
}

// ambiguous is the reading of whole (one to three digits), a separator and
// frac (three digits).
func ambiguous(whole, frac string, comma bool) reading {
	w, _ := strconv.ParseInt(whole, 10, 64)
	f, _ := strconv.ParseInt(frac, 10, 64)
	return reading{ambiguous: true, whole: (w*1000 + f) * 1000, decimal: w*1000 + f, comma: comma}
}

// ambiguity asks, in words, which of its two readings r is.
func ambiguity(r reading) string {
	n := r.whole / 1000
	spaced := strconv.FormatInt(n/1000, 10) + " " + strconv.FormatInt(n%1000+1000, 10)[1:]
	return "could be " + FormatMilli(r.whole) + " or " + FormatMilli(r.decimal) +
		": write " + FormatMilli(r.whole) + " (or " + spaced + ") for " + numberWords(n) +
		", or " + FormatAmount(r.decimal, r.comma) + " for " + decimalWords(r.decimal)
}

var (
	smallWords = strings.Fields("zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen")
	tensWords  = strings.Fields("_ _ twenty thirty forty fifty sixty seventy eighty ninety")
)

// numberWords writes n, from 0 to 999999, in English words: 1250 is "one
// thousand two hundred and fifty".
func numberWords(n int64) string {
	below100 := func(n int64) string {
		if n < 20 {
			return smallWords[n]
		}
		if n%10 == 0 {
			return tensWords[n/10]
		}
		return tensWords[n/10] + "-" + smallWords[n%10]
	}
	below1000 := func(n int64) string {
		switch {
		case n < 100:
			return below100(n)
		case n%100 == 0:
			return smallWords[n/100] + " hundred"
		}
		return smallWords[n/100] + " hundred and " + below100(n%100)
	}
	if n < 1000 {
		return below1000(n)
	}
	s := below1000(n/1000) + " thousand"
	switch r := n % 1000; {
	case r == 0:
	case r < 100:
		s += " and " + below100(r)
	default:
		s += " " + below1000(r)
	}
	return s
}

// decimalWords writes thousandths below a million units in words: 1250 is
// "one and a quarter", 38291 "thirty-eight point two nine one".
func decimalWords(milli int64) string {
	w, f := milli/1000, milli%1000
	s := numberWords(w)
	switch f {
	case 0:
		return s
	case 250:
		return s + " and a quarter"
	case 500:
		return s + " and a half"
	case 750:
		return s + " and three quarters"
	}
	s += " point"
	for _, d := range strings.TrimRight(strconv.FormatInt(f+1000, 10)[1:], "0") {
		s += " " + smallWords[d-'0']
	}
	return s
}
