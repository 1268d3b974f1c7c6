package protocol_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

func TestParseQuantity(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		want protocol.Quantity
		err  string // part of the error, "" for success
	}{
		{name: "tonnes with one decimal", in: "12.5 TNE", want: qty(12_500, protocol.TNE)},
		{name: "three decimals", in: "38.2910 TNE", want: qty(38_291, protocol.TNE)},
		{name: "three decimals, ambiguous", in: "38.291 TNE", err: "could be 38291 or 38.291"},
		{name: "whole number", in: "182 TNE", want: qty(182_000, protocol.TNE)},
		{name: "lower-case unit", in: "12.5 tne", want: qty(12_500, protocol.TNE)},
		{name: "mixed-case unit", in: "250 Kgm", want: qty(250_000, protocol.KGM)},
		{name: "one thousandth", in: "0.001 KGM", want: qty(1, protocol.KGM)},
		{name: "no whole part", in: ".5 LTR", want: qty(500, protocol.LTR)},
		{name: "pieces", in: "24 H87", want: qty(24_000, protocol.H87)},
		{name: "surrounding space and newline", in: "  12.5 TNE\r\n", want: qty(12_500, protocol.TNE)},
		{name: "largest quantity", in: "1000000000 TNE", want: qty(protocol.MaxQuantity, protocol.TNE)},
		// A difference (as a mass balance shows) can be negative; records
		// refuse it (see TestNegativeQuantityRefusedInRecords).
		{name: "negative", in: "-5 TNE", want: qty(-5_000, protocol.TNE)},
		{name: "too many decimals", in: "12.5001 TNE", err: `"12.5001" has more than three decimal places`},
		{name: "no unit", in: "12.5", err: `want an amount and a unit, as in "12.5 TNE"`},
		{name: "unit stuck to the number", in: "12.5TNE", err: "want an amount and a unit"},
		{name: "unknown unit", in: "12.5 TON", err: `unknown unit "TON"`},
		{name: "unit name instead of code", in: "12.5 tonnes", err: `unknown unit "tonnes"`},
		{name: "decimal comma", in: "12,5 TNE", want: qty(12_500, protocol.TNE)},
		{name: "exponent", in: "1e3 KGM", err: "is not a decimal number"},
		{name: "plus sign", in: "+5 KGM", err: "is not a decimal number"},
		{name: "two minus signs", in: "--5 KGM", err: "is not a decimal number"},
		{name: "minus sign alone", in: "- KGM", err: "not a number"},
		{name: "just a point", in: ". KGM", err: "not a number"},
		{name: "empty", in: "", err: "want an amount and a unit"},
		{name: "too large", in: "1000000000.001 TNE", err: "is too large"},
		{name: "far too large", in: "99999999999999999999 TNE", err: "is too large"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.ParseQuantity(tc.in)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("ParseQuantity(%q) = %v, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "protocol: quantity ") {
					t.Fatalf("ParseQuantity(%q) error %q, want it to say %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseQuantity(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseQuantity(%q) = %+v, want %+v", tc.in, got, tc.want)
			}
		})
	}
}

func TestQuantityString(t *testing.T) {
	for _, tc := range []struct {
		q    protocol.Quantity
		want string
	}{
		{qty(12_500, protocol.TNE), "12.5 TNE"},
		{qty(38_291, protocol.TNE), "38.291 TNE"},
		{qty(182_000, protocol.TNE), "182 TNE"},
		{qty(1, protocol.KGM), "0.001 KGM"},
		{qty(10, protocol.KGM), "0.01 KGM"},
		{qty(0, protocol.KGM), "0 KGM"},
		{qty(-86, protocol.TNE), "-0.086 TNE"},
		{qty(-5_000, protocol.TNE), "-5 TNE"},
		{protocol.Q(24, protocol.H87), "24 H87"},
		{qty(protocol.MaxQuantity, protocol.TNE), "1000000000 TNE"},
	} {
		t.Run(tc.want, func(t *testing.T) {
			if got := tc.q.String(); got != tc.want {
				t.Fatalf("String() = %q, want %q", got, tc.want)
			}
			// What people type back is read as they mean it: String's
			// "38.291" would be ambiguous to a person, so the round trip
			// goes through FormatAmount, which writes it unambiguously.
			typed := protocol.FormatAmount(tc.q.Milli, false) + " " + string(tc.q.Unit)
			back, err := protocol.ParseQuantity(typed)
			if err != nil {
				t.Fatalf("ParseQuantity(%q): %v", typed, err)
			}
			if back != tc.q {
				t.Fatalf("ParseQuantity(%q) = %+v, want %+v (round trip)", typed, back, tc.q)
			}
		})
	}
}

func TestQuantityBase(t *testing.T) {
	for _, tc := range []struct {
		name string
		q    protocol.Quantity
		base int64
		dim  protocol.Dimension
	}{
		{"a tonne is a million grams", protocol.Q(1, protocol.TNE), 1_000_000_000, protocol.Mass},
		{"a kilogram is a thousand grams", protocol.Q(1, protocol.KGM), 1_000_000, protocol.Mass},
		{"a gram", protocol.Q(1, protocol.GRM), 1_000, protocol.Mass},
		{"a cubic metre is a thousand litres", protocol.Q(1, protocol.MTQ), 1_000_000, protocol.Volume},
		{"a litre", qty(1_500, protocol.LTR), 1_500, protocol.Volume},
		{"pieces", protocol.Q(3, protocol.H87), 3_000, protocol.Count},
		{"the largest quantity of tonnes does not overflow", qty(protocol.MaxQuantity, protocol.TNE), protocol.MaxQuantity * 1_000_000, protocol.Mass},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base, dim, err := tc.q.Base()
			if err != nil {
				t.Fatal(err)
			}
			if base != tc.base || dim != tc.dim {
				t.Fatalf("Base() = %d %s, want %d %s", base, dim, tc.base, tc.dim)
			}
			if tc.q.Unit.Dimension() != tc.dim {
				t.Fatalf("Dimension() = %s, want %s", tc.q.Unit.Dimension(), tc.dim)
			}
		})
	}
	if _, _, err := qty(1, "TON").Base(); err == nil {
		t.Error("Base of an unknown unit: no error")
	}
	if _, _, err := qty(protocol.MaxQuantity+1, protocol.TNE).Base(); err == nil {
		t.Error("Base of a quantity beyond MaxQuantity: no error")
	}
	a, _, _ := protocol.Q(38, protocol.TNE).Base()
	b, _, _ := protocol.Q(38_000, protocol.KGM).Base()
	if a != b {
		t.Errorf("38 TNE is %d, 38000 KGM is %d in base units", a, b)
	}
	for _, u := range protocol.Units() {
		if !u.Valid() {
			t.Errorf("Units() lists %s, which is not Valid", u)
		}
	}
}

// TestNegativeQuantityRefusedInRecords checks that a quantity that parses
// but is not positive cannot be sealed into a record.
func TestNegativeQuantityRefusedInRecords(t *testing.T) {
	for _, in := range []string{"-5 TNE", "0 TNE"} {
		t.Run(in, func(t *testing.T) {
			q, err := protocol.ParseQuantity(in)
			if err != nil {
				t.Fatal(err)
			}
			v := vectorByName(t, "receive")
			body := *v.signed.Body.(*protocol.Receive)
			body.Qty = q
			_, err = prototest.NewFeed(v.key).Add(&body)
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != "body.qty.n" || !strings.Contains(fe.Rule, "must be more than zero") {
				t.Fatalf("sealing a receive of %s: %v, want a FieldError on body.qty.n", q, err)
			}
		})
	}
}
