package protocol_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// amountCase is an amount as a clerk types it and what ParseAmount makes
// of it.
type amountCase struct {
	name string
	in   string
	want int64  // thousandths, when accepted
	err  string // part of the error, "" when accepted
	// whole and decimal are the two readings of an ambiguous amount
	// (err is then part of the question).
	whole, decimal int64
}

var amountCases = []amountCase{
	// Decimal comma and decimal point.
	{name: "decimal comma", in: "12,5", want: 12_500},
	{name: "decimal point", in: "12.5", want: 12_500},
	{name: "comma below one", in: "0,75", want: 750},
	{name: "point below one", in: "0.75", want: 750},
	{name: "comma with no whole part", in: ",5", want: 500},
	{name: "point with no whole part", in: ".5", want: 500},
	{name: "two places", in: "1,25", want: 1_250},
	{name: "whole number", in: "12", want: 12_000},
	{name: "zero", in: "0", want: 0},
	{name: "surrounding spaces", in: " 7 ", want: 7_000},
	{name: "tab and newline around", in: "\t12,5\r\n", want: 12_500},
	{name: "separator last", in: "12,", want: 12_000},
	{name: "one thousandth with comma", in: "0,001", want: 1},
	{name: "one thousandth with point", in: "0.001", want: 1},
	{name: "three places after zero", in: "0,250", want: 250},
	{name: "three places and no whole part", in: ",250", want: 250},
	{name: "three places after four digits", in: "1250,500", want: 1_250_500},
	{name: "three places after a leading zero", in: "012,500", want: 12_500},
	{name: "extra places that are zeros", in: "12,5000", want: 12_500},
	{name: "a zero fourth place for three places", in: "38,2910", want: 38_291},

	// Grouping.
	{name: "space groups thousands", in: "1 250", want: 1_250_000},
	{name: "space grouping and decimal comma", in: "1 250,75", want: 1_250_750},
	{name: "space grouping and a half", in: "1 250,5", want: 1_250_500},
	{name: "space grouping and three places", in: "1 250,500", want: 1_250_500},
	{name: "space grouping of millions", in: "1 250 000", want: 1_250_000_000},
	{name: "thin space grouping", in: "1\u2009250,5", want: 1_250_500},
	{name: "narrow no-break space grouping", in: "1\u202f250.5", want: 1_250_500},
	{name: "no-break space grouping", in: "1\u00a0250", want: 1_250_000},
	{name: "two spaces between groups", in: "1  250", want: 1_250_000},
	{name: "points group, comma decimal", in: "1.250,5", want: 1_250_500},
	{name: "commas group, point decimal", in: "1,250.5", want: 1_250_500},
	{name: "both separators and three places", in: "1.250,500", want: 1_250_500},
	{name: "grouped millions with decimals", in: "1.250.000,25", want: 1_250_000_250},
	{name: "points group a whole number", in: "1.250.000", want: 1_250_000_000},
	{name: "commas group a whole number", in: "1,250,000", want: 1_250_000_000},
	{name: "largest amount", in: "1000000000", want: protocol.MaxQuantity},
	{name: "largest amount grouped", in: "1.000.000.000", want: protocol.MaxQuantity},

	// Ambiguous: a single separator and exactly three digits.
	{name: "comma and three digits", in: "1,250", whole: 1_250_000, decimal: 1_250,
		err: `"1,250" could be 1250 or 1.25: write 1250 (or 1 250) for one thousand two hundred and fifty, or 1,25 for one and a quarter`},
	{name: "point and three digits", in: "1.250", whole: 1_250_000, decimal: 1_250,
		err: `"1.250" could be 1250 or 1.25: write 1250 (or 1 250) for one thousand two hundred and fifty, or 1.25 for one and a quarter`},
	{name: "twelve thousand or twelve", in: "12,000", whole: 12_000_000, decimal: 12_000,
		err: `write 12000 (or 12 000) for twelve thousand, or 12 for twelve`},
	{name: "three places that matter", in: "38.291", whole: 38_291_000, decimal: 38_291,
		err: `write 38291 (or 38 291) for thirty-eight thousand two hundred and ninety-one, or 38.2910 for thirty-eight point two nine one`},
	{name: "one and a half", in: "1,500", whole: 1_500_000, decimal: 1_500, err: "or 1,5 for one and a half"},
	{name: "largest ambiguous", in: " 999.999 ", whole: 999_999_000, decimal: 999_999,
		err: "nine hundred and ninety-nine thousand nine hundred and ninety-nine"},

	// Refused.
	{name: "four places", in: "0,0001", err: `"0,0001" has more than three decimal places: Jejak records at most three`},
	{name: "more than three places", in: "12,3456", err: "has more than three decimal places"},
	{name: "negative", in: "-5", err: `"-5" is negative: quantities are never negative`},
	{name: "negative with a minus sign", in: "\u22125", err: "is negative"},
	{name: "negative and ambiguous", in: "-1,250", err: "is negative"},
	{name: "empty", in: "", err: `"" is empty`},
	{name: "only spaces", in: "   ", err: "is empty"},
	{name: "letters", in: "abc", err: `"abc" is not a decimal number: "a" is not a digit`},
	{name: "unit typed in", in: "12 kg", err: `"k" is not a digit`},
	{name: "exponent", in: "1e3", err: `"1e3" is not a decimal number: "e" is not a digit`},
	{name: "plus sign", in: "+5", err: "is not a decimal number"},
	{name: "two minus signs", in: "--5", err: "is not a decimal number"},
	{name: "Arabic-Indic digits", in: "١٢", err: `"١٢" has digits other than 0-9: type it with 0-9`},
	{name: "full-width digits", in: "１２,５", err: "has digits other than 0-9"},
	{name: "just a comma", in: ",", err: "is not a number: it has no digits"},
	{name: "just a minus sign", in: "-", err: "has no digits"},
	{name: "two commas in a row", in: "12,,5", err: `"12,,5" has two separators in a row (",,")`},
	{name: "point and comma in a row", in: "12.,5", err: "has two separators in a row"},
	{name: "two decimal points", in: "12.5.6", err: `"12.5.6" has more than one decimal point`},
	{name: "two decimal commas", in: "12,5,6", err: "has more than one decimal comma"},
	{name: "decimal comma twice after grouping", in: "1.250,5,5", err: "has more than one decimal comma"},
	{name: "points grouping two digits", in: "1.25,5", err: `"1.25,5" is grouped wrongly at "25": "." groups digits in threes`},
	{name: "commas grouping two digits", in: "1,25.5", err: `is grouped wrongly at "25"`},
	{name: "four digits before a grouping point", in: "1250.000,5", err: `is grouped wrongly at "1250"`},
	{name: "grouping point first", in: ".250,5", err: "is grouped wrongly at the start"},
	{name: "space grouping one digit", in: "12 5", err: `"12 5" is grouped wrongly at "5": spaces group digits in threes`},
	{name: "spaces and points grouping", in: "1 250.000,5", err: "group digits with spaces or with \".\", not both"},
	{name: "space in the decimals", in: "12,5 00", err: "spaces group only the digits before the decimal comma"},
	{name: "space before the comma", in: "12 ,5", err: `"12 ,5" has a space next to ","`},
	{name: "too large", in: "1000000000,001", err: "is too large (at most 1000000000)"},
	{name: "far too large", in: "99999999999999999999", err: "is too large"},
	{name: "too large grouped", in: "1.000.000.001", err: "is too large"},
}

func TestParseAmount(t *testing.T) {
	for _, tc := range amountCases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.ParseAmount(tc.in)
			whole, decimal, ok := protocol.AmountReadings(tc.in)
			ambiguous := tc.whole != 0
			if ok != ambiguous || whole != tc.whole || decimal != tc.decimal {
				t.Errorf("AmountReadings(%q) = %d, %d, %v; want %d, %d, %v", tc.in, whole, decimal, ok, tc.whole, tc.decimal, ambiguous)
			}
			if errors.Is(err, protocol.ErrAmbiguousAmount) != ambiguous {
				t.Errorf("ParseAmount(%q): errors.Is(%v, ErrAmbiguousAmount) is %v", tc.in, err, !ambiguous)
			}
			if tc.err == "" {
				if err != nil {
					t.Fatalf("ParseAmount(%q): %v", tc.in, err)
				}
				if got != tc.want {
					t.Fatalf("ParseAmount(%q) = %d, want %d", tc.in, got, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("ParseAmount(%q) = %d, want an error", tc.in, got)
			}
			if prefix := "protocol: amount " + strconv.Quote(tc.in); !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("ParseAmount(%q) error %q, want it to start %q", tc.in, err, prefix)
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Errorf("ParseAmount(%q) error %q, want it to say %q", tc.in, err, tc.err)
			}
		})
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		milli        int64
		comma, point string
	}{
		{12_500, "12,5", "12.5"},
		{12_000, "12", "12"},
		{0, "0", "0"},
		{750, "0,75", "0.75"},
		{1, "0,001", "0.001"},
		{250, "0,25", "0.25"},
		{38_291, "38,2910", "38.2910"},
		{1_250_291, "1250,291", "1250.291"},
		{1_250_000, "1250", "1250"},
		{protocol.MaxQuantity, "1000000000", "1000000000"},
		{-86, "-0,086", "-0.086"},
	} {
		t.Run(tc.point, func(t *testing.T) {
			for _, f := range []struct {
				comma bool
				want  string
			}{{true, tc.comma}, {false, tc.point}} {
				got := protocol.FormatAmount(tc.milli, f.comma)
				if got != f.want {
					t.Fatalf("FormatAmount(%d, %v) = %q, want %q", tc.milli, f.comma, got, f.want)
				}
				if tc.milli < 0 {
					continue
				}
				if back, err := protocol.ParseAmount(got); err != nil || back != tc.milli {
					t.Fatalf("ParseAmount(%q) = %d, %v; want %d", got, back, err, tc.milli)
				}
			}
		})
	}
}

// TestParseQuantityAmounts checks that ParseQuantity reads its amount as
// ParseAmount does.
func TestParseQuantityAmounts(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want protocol.Quantity
		err  string
	}{
		{in: "12,5 TNE", want: protocol.Quantity{Milli: 12_500, Unit: protocol.TNE}},
		{in: "21,5 tne", want: protocol.Quantity{Milli: 21_500, Unit: protocol.TNE}},
		{in: "1 250,5 KGM", want: protocol.Quantity{Milli: 1_250_500, Unit: protocol.KGM}},
		{in: "1.250.000 KGM", want: protocol.Quantity{Milli: 1_250_000_000, Unit: protocol.KGM}},
		{in: "0,945 TNE", want: protocol.Quantity{Milli: 945, Unit: protocol.TNE}},
		{in: "-0,086 TNE", want: protocol.Quantity{Milli: -86, Unit: protocol.TNE}},
		{in: "1.250 TNE", err: `protocol: quantity "1.250 TNE": "1.250" could be 1250 or 1.25: write 1250`},
		{in: "1,250 KGM", err: `protocol: quantity "1,250 KGM": "1,250" could be 1250 or 1.25`},
		{in: "12,3456 TNE", err: `protocol: quantity "12,3456 TNE": "12,3456" has more than three decimal places`},
		{in: "12,5 tonnes", err: `unknown unit "tonnes"`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := protocol.ParseQuantity(tc.in)
			if tc.err == "" {
				if err != nil || got != tc.want {
					t.Fatalf("ParseQuantity(%q) = %+v, %v; want %+v", tc.in, got, err, tc.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("ParseQuantity(%q) error %v, want it to say %q", tc.in, err, tc.err)
			}
			if strings.Contains(err.Error(), "could be") != errors.Is(err, protocol.ErrAmbiguousAmount) {
				t.Fatalf("ParseQuantity(%q): errors.Is(%v, ErrAmbiguousAmount) is wrong", tc.in, err)
			}
		})
	}
}

// FuzzParseAmount checks that ParseAmount never panics, that what it
// accepts FormatAmount writes back to the same value either way, and that
// an ambiguous amount's two readings are each written so that they read
// back unambiguously.
func FuzzParseAmount(f *testing.F) {
	for _, tc := range amountCases {
		f.Add(tc.in)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := protocol.ParseAmount(s)
		whole, decimal, ambiguous := protocol.AmountReadings(s)
		if ambiguous != errors.Is(err, protocol.ErrAmbiguousAmount) {
			t.Fatalf("ParseAmount(%q): %v, but AmountReadings says ambiguous is %v", s, err, ambiguous)
		}
		// ParseQuantity reads the amount the same way, except that it
		// takes a minus sign for a difference (and so may find it
		// ambiguous).
		q, qerr := protocol.ParseQuantity(s + " KGM")
		negative := err != nil && strings.Contains(err.Error(), "is negative")
		switch {
		case negative && qerr != nil && !errors.Is(qerr, protocol.ErrAmbiguousAmount),
			negative && qerr == nil && q.Milli > 0:
			t.Fatalf("ParseAmount(%q): %v, but ParseQuantity(%q) = %v, %v", s, err, s+" KGM", q, qerr)
		case !negative && (qerr == nil) != (err == nil):
			t.Fatalf("ParseAmount(%q): %v, but ParseQuantity(%q): %v", s, err, s+" KGM", qerr)
		case err == nil && q.Milli != m:
			t.Fatalf("ParseAmount(%q) = %d, but ParseQuantity says %v", s, m, q)
		}
		if err != nil {
			if prefix := "protocol: amount " + strconv.Quote(s); !strings.HasPrefix(err.Error(), prefix) {
				t.Fatalf("ParseAmount(%q) error %q, want it to start %q", s, err, prefix)
			}
			if !ambiguous {
				return
			}
			for _, v := range []int64{whole, decimal} {
				checkFormatsBack(t, v)
			}
			return
		}
		if m < 0 || m > protocol.MaxQuantity {
			t.Fatalf("ParseAmount(%q) = %d, out of range", s, m)
		}
		checkFormatsBack(t, m)
	})
}

func checkFormatsBack(t *testing.T, m int64) {
	t.Helper()
	for _, comma := range []bool{true, false} {
		out := protocol.FormatAmount(m, comma)
		back, err := protocol.ParseAmount(out)
		if err != nil || back != m {
			t.Fatalf("FormatAmount(%d, %v) = %q, which ParseAmount reads as %d, %v", m, comma, out, back, err)
		}
	}
}
