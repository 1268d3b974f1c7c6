package epcis

import (
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Numbers go between records (exact integers) and documents (decimals)
// without floating point, so nothing is rounded on the way out and a
// Jejak document reads back exactly.

// decimal formats v / 10^places as a plain decimal with no trailing zeros.
func decimal(v int64, places int) string {
	sign := ""
	u := uint64(v)
	if v < 0 {
		sign, u = "-", uint64(-v)
	}
	div := uint64(1)
	for range places {
		div *= 10
	}
	s := sign + strconv.FormatUint(u/div, 10)
	if f := u % div; f != 0 {
		frac := strconv.FormatUint(f, 10)
		frac = strings.Repeat("0", places-len(frac)) + frac
		s += "." + strings.TrimRight(frac, "0")
	}
	return s
}

// degrees formats a coordinate in ten-millionths of a degree.
func degrees(v int64) string { return decimal(v, 7) }

// parseDegrees reads decimal degrees into ten-millionths, rounding past
// the seventh place (about a centimetre).
func parseDegrees(s string) (int64, bool) {
	v, _, ok := scaled(strings.TrimPrefix(strings.TrimSpace(s), "+"), 7)
	return v, ok && v >= -180*protocol.CoordScale && v <= 180*protocol.CoordScale
}

// maxScaled bounds what scaled returns, well inside an int64.
const maxScaled = 1_000_000_000_000_000_000

// scaled reads a JSON number literal s as an integer count of
// 10^-places: scaled("12.5", 3) is 12500. It rounds half away from zero
// and says whether the result is exact; ok is false when s is no number
// or its value is beyond ±10^18 of the unit.
func scaled(s string, places int) (v int64, exact, ok bool) {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	whole, frac, hasDot := strings.Cut(mant, ".")
	if whole == "" || hasDot && frac == "" || !allDigits(whole) || !allDigits(frac) {
		return 0, false, false
	}
	exp := 0
	if hasExp {
		e := strings.TrimPrefix(expPart, "+")
		eneg := strings.HasPrefix(e, "-")
		e = strings.TrimPrefix(e, "-")
		if e == "" || !allDigits(e) {
			return 0, false, false
		}
		e = strings.TrimLeft(e, "0")
		if len(e) > 4 {
			e = "9999" // 10^±9999 is far past any limit either way
		}
		exp, _ = strconv.Atoi("0" + e)
		if eneg {
			exp = -exp
		}
	}
	digits := strings.TrimLeft(whole+frac, "0")
	if digits == "" {
		return 0, true, true
	}
	// The value is digits × 10^shift.
	shift := exp - len(frac) + places
	if shift >= 0 {
		if len(digits)+shift > 19 {
			return 0, false, false
		}
		digits += strings.Repeat("0", shift)
		u, err := strconv.ParseUint(digits, 10, 64)
		if err != nil || u > maxScaled {
			return 0, false, false
		}
		return signed(u, neg), true, true
	}
	drop := -shift
	if drop > len(digits) {
		return 0, false, true // less than half a unit
	}
	keep, gone := digits[:len(digits)-drop], digits[len(digits)-drop:]
	if len(keep) > 19 {
		return 0, false, false
	}
	u := uint64(0)
	if keep != "" {
		var err error
		if u, err = strconv.ParseUint(keep, 10, 64); err != nil {
			return 0, false, false
		}
	}
	if gone[0] >= '5' {
		u++
	}
	if u > maxScaled {
		return 0, false, false
	}
	return signed(u, neg), strings.Trim(gone, "0") == "", true
}

func signed(u uint64, neg bool) int64 {
	if neg {
		return -int64(u)
	}
	return int64(u)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
