package provenance_test

import (
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/protocol/provenance"
)

// FuzzParseAnchors reads a trust anchors file (DATA/anchors.json), which a
// user may have edited. What it accepts encodes (Encode) to a file that
// reads back to the same anchors; what it refuses it names.
func FuzzParseAnchors(f *testing.F) {
	a, _ := provenance.ParseAnchors(nil)
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	for i, name := range []string{"mill", "refinery", "certifier"} {
		if _, err := a.Add(prototest.Key(name).Public(), "Kilang "+name, now.Add(time.Duration(i)*time.Hour)); err != nil {
			f.Fatal(err)
		}
	}
	good, err := a.Encode()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"anchors":[{"key":"ed25519:aaaa","added":"x"}]}`))
	f.Add([]byte(`{"version":2}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := provenance.ParseAnchors(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "provenance: read trust anchors: ") {
				t.Fatalf("error does not say it is about trust anchors: %v", err)
			}
			return
		}
		enc, err := a.Encode()
		if err != nil {
			return // a time out of JSON's range: encoding says so
		}
		b, err := provenance.ParseAnchors(enc)
		if err != nil {
			t.Fatalf("encoded anchors do not read back: %v\n%s", err, enc)
		}
		la, lb := a.List(), b.List()
		if len(la) != len(lb) {
			t.Fatalf("%d anchors read back as %d", len(la), len(lb))
		}
		for _, x := range la {
			if !b.Has(x.Key) || x.Key.IsZero() {
				t.Fatalf("anchor %s lost in the round trip", x.Key)
			}
		}
	})
}

// FuzzParseTable reads a conversion-bounds table (DATA/bounds.json). An
// accepted table has only bounds that make sense (0 ≤ min ≤ max, max > 0,
// both units or neither), writes (MarshalIndent) to a table that reads
// back with the same lookups, and a refusal names the table.
func FuzzParseTable(f *testing.F) {
	good, err := provenance.DefaultTable().MarshalIndent()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add([]byte(`{"version":1,"bounds":[{"in":"ffb","out":"cpo","min":0.1,"max":0.3}],"eudr_products":["ffb"]}`))
	f.Add([]byte(`{"bounds":[{"in":"a","out":"b","min":2,"max":1}]}`))
	f.Add([]byte(`{"bounds":[{"in":"a","out":"b","min":0,"max":1,"in_unit":"KGM"}]}`))
	f.Add([]byte(`{"bounds":[{"in":"a","out":"b","min":0,"max":1},{"in":"A","out":" b ","min":0,"max":1}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tb, err := provenance.ParseTable(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "provenance: ") || !strings.Contains(err.Error(), "table") {
				t.Fatalf("error does not say it is about the conversion table: %v", err)
			}
			return
		}
		for _, b := range tb.Bounds {
			got, ok := tb.Lookup(b.In, b.Out)
			if !ok {
				t.Fatalf("bound %s → %s is not found", b.In, b.Out)
			}
			if !(got.Min >= 0 && got.Max > 0 && got.Min <= got.Max) || (got.InUnit == "") != (got.OutUnit == "") {
				t.Fatalf("accepted bound %+v", got)
			}
		}
		enc, err := tb.MarshalIndent()
		if err != nil {
			t.Fatalf("an accepted table does not write: %v", err)
		}
		again, err := provenance.ParseTable(enc)
		if err != nil {
			t.Fatalf("a written table does not read back: %v\n%s", err, enc)
		}
		for _, b := range tb.Bounds {
			x, _ := tb.Lookup(b.In, b.Out)
			y, ok := again.Lookup(b.In, b.Out)
			if !ok || x != y {
				t.Fatalf("bound %s → %s reads back as %+v, want %+v", b.In, b.Out, y, x)
			}
		}
		for _, p := range tb.EUDR {
			if !again.IsEUDR(p) {
				t.Fatalf("EUDR product %q lost", p)
			}
		}
	})
}
