package places

import (
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
)

// areaUnit is a unit an area may be given in.
type areaUnit struct {
	role   string
	symbol string   // for messages
	m2     *big.Rat // square metres in one unit
}

var (
	hectare = areaUnit{colAreaHa, "ha", big.NewRat(10_000, 1)}
	sqMetre = areaUnit{colAreaM2, "m²", big.NewRat(1, 1)}
	acre    = areaUnit{colAreaAcres, "acres", big.NewRat(40_468_564_224, 10_000_000)} // international acre
)

// maxArea bounds a declared area: a million square kilometres is no plot.
var maxArea = big.NewRat(1e12, 1)

// areaOf reads an area in unit u from a value as a file holds it: a JSON
// number (machine-written, read exactly), or text as a person writes it
// (protocol.ParseAmount: "2,5", "1 250"). It returns square metres,
// rounded, and a message when the value cannot be read.
func areaOf(v any, u areaUnit) (int64, string) {
	var amount *big.Rat
	switch v := v.(type) {
	case json.Number:
		// An exponent goes through float64: big.Rat would work out
		// 1e1000000000 digit by digit.
		if strings.ContainsAny(string(v), "eE") {
			f, err := strconv.ParseFloat(string(v), 64)
			if err != nil || f > 1e15 {
				return 0, fmt.Sprintf("%s %s is too large for a place", v, u.symbol)
			}
			amount = new(big.Rat).SetFloat64(f)
			break
		}
		r, ok := new(big.Rat).SetString(string(v))
		if !ok {
			return 0, fmt.Sprintf("%s is not a number", v)
		}
		amount = r
	case string:
		r, msg := readAmount(v)
		if msg != "" {
			return 0, msg
		}
		amount = r
	default:
		return 0, fmt.Sprintf("is %s, not a number of %s", describe(v), u.symbol)
	}
	if amount.Sign() < 0 {
		return 0, "is negative"
	}
	m2 := new(big.Rat).Mul(amount, u.m2)
	if m2.Cmp(maxArea) > 0 {
		return 0, fmt.Sprintf("%s %s is too large for a place", amount.FloatString(3), u.symbol)
	}
	// Round half up: m2 is positive.
	m2.Add(m2, big.NewRat(1, 2))
	return new(big.Int).Quo(m2.Num(), m2.Denom()).Int64(), ""
}

// readAmount reads a number a person wrote, with protocol.ParseAmount. A
// number with more than three decimal places, which ParseAmount refuses
// and which GIS tools write ("2.53817263"), is read exactly when it can only
// be a plain decimal: digits, one decimal point or comma, digits.
func readAmount(s string) (*big.Rat, string) {
	s = strings.TrimSpace(s)
	milli, err := protocol.ParseAmount(s)
	if err == nil {
		return big.NewRat(milli, 1000), ""
	}
	if whole, frac, ok := plainDecimal(s); ok && len(frac) > 3 {
		r, ok := new(big.Rat).SetString(whole + "." + frac)
		if ok {
			return r, ""
		}
	}
	return nil, strings.TrimPrefix(err.Error(), "protocol: ")
}

// plainDecimal splits s, digits with at most one '.' or ',' among them,
// into its whole and fraction digits.
func plainDecimal(s string) (whole, frac string, ok bool) {
	i := strings.IndexAny(s, ".,")
	whole, frac = s, ""
	if i >= 0 {
		whole, frac = s[:i], s[i+1:]
	}
	if whole == "" && frac == "" {
		return "", "", false
	}
	for _, part := range []string{whole, frac} {
		for _, c := range part {
			if c < '0' || c > '9' {
				return "", "", false
			}
		}
	}
	if whole == "" {
		whole = "0"
	}
	return whole, frac, true
}

// degrees reads a coordinate in degrees as a CSV holds it: "-0.512345",
// or with a decimal comma, "-0,512345", as spreadsheets in Indonesia and
// Europe write it. Signs, digits and one separator only: no exponents, no
// grouping, no degrees-minutes-seconds.
func degrees(s string) (float64, string) {
	t := strings.TrimSpace(s)
	body := t
	if body != "" && (body[0] == '-' || body[0] == '+') {
		body = body[1:]
	}
	if _, _, ok := plainDecimal(body); !ok {
		if strings.ContainsAny(t, "°'\"NSEWnsew") {
			return 0, fmt.Sprintf("%q is not decimal degrees: write -0.512345, not degrees, minutes and seconds", s)
		}
		return 0, fmt.Sprintf("%q is not a number of degrees (such as -0.512345)", s)
	}
	f, err := strconv.ParseFloat(strings.Replace(t, ",", ".", 1), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, fmt.Sprintf("%q is not a number of degrees (such as -0.512345)", s)
	}
	return f, ""
}

// num formats a coordinate read from a file for a message.
func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// checkLonLat says what is wrong with a position in degrees, or "".
func checkLonLat(lon, lat float64) string {
	switch {
	case math.IsNaN(lon) || math.IsNaN(lat) || math.IsInf(lon, 0) || math.IsInf(lat, 0):
		return "is not a number"
	case math.Abs(lon) > 360 || math.Abs(lat) > 360:
		return fmt.Sprintf("%s, %s is not in degrees: are the coordinates in metres, in a projected system such as UTM? Export them in WGS 84 (EPSG:4326)", num(lon), num(lat))
	case math.Abs(lat) > 90 && math.Abs(lon) <= 90:
		return fmt.Sprintf("latitude %s is out of range -90..90: are longitude and latitude swapped?", num(lat))
	case math.Abs(lat) > 90:
		return fmt.Sprintf("latitude %s is out of range -90..90", num(lat))
	case math.Abs(lon) > 180:
		return fmt.Sprintf("longitude %s is out of range -180..180", num(lon))
	case lon == 0 && lat == 0:
		return "position 0, 0 is in the sea off West Africa: the GPS had no fix when it was taken"
	}
	return ""
}

// day reads a date, YYYY-MM-DD, as midnight UTC.
func day(s string) (time.Time, string) {
	t, err := time.Parse("2006-01-02", strings.TrimSpace(s))
	if err == nil {
		return t, ""
	}
	if strings.ContainsAny(s, "/.") {
		return time.Time{}, fmt.Sprintf("%q is not a date as YYYY-MM-DD: a date such as 01/03/2025 could be 1 March or 3 January; format the column as yyyy-mm-dd", s)
	}
	return time.Time{}, fmt.Sprintf("%q is not a date as YYYY-MM-DD (such as 2025-03-01)", s)
}

// describe names the JSON type of a decoded value, for messages.
func describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case json.Number:
		return "the number " + string(v)
	case string:
		return "the text " + strconv.Quote(v)
	case []any:
		return "a list"
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
