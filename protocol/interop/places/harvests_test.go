package places_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

func ms(day string) int64 {
	t, err := time.Parse("2006-01-02", day)
	if err != nil {
		panic(err)
	}
	return t.UnixMilli()
}

// endOf is the last millisecond of a day, UTC: when a harvest of that day
// ends, as the app records it.
func endOf(day string) int64 { return ms(day) + 24*3600*1000 - 1 }

// TestParseHarvestsCSV reads a harvests file as Excel writes it in an
// Indonesian locale, with Indonesian column names, units as people write
// them, two places in one cell, and a place named by CID.
func TestParseHarvestsCSV(t *testing.T) {
	got, err := places.ParseHarvestsCSV(open(t, "harvests_id.csv"), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	cid, err := protocol.ParseCID("bafyreie25vxlmc246vmeq4ggb3il32avzxv7jqacjzecqureejs6d4cgkq")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		line   int
		places []places.PlaceRef
		from   int64
		until  int64
		out    protocol.Output
	}{
		{2, []places.PlaceRef{{Name: "Blok A1"}}, ms("2025-03-01"), endOf("2025-03-01"), protocol.Output{Product: "TBS", Qty: protocol.Quantity{Milli: 12_500, Unit: protocol.TNE}, Lot: "A1-0301"}},
		{3, []places.PlaceRef{{Name: "Blok A1"}, {Name: "Blok A2; sisi timur"}}, ms("2025-03-02"), endOf("2025-03-02"), protocol.Output{Product: "TBS", Qty: protocol.Q(8750, protocol.KGM)}},
		{5, []places.PlaceRef{{CID: cid}}, ms("2025-03-03"), endOf("2025-03-03"), protocol.Output{Product: "TBS", Qty: protocol.Quantity{Milli: 3_200, Unit: protocol.TNE}}},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d harvests, want %d", len(got), len(want))
	}
	for i, w := range want {
		h := got[i]
		if h.Line != w.line || !reflect.DeepEqual(h.Places, w.places) || h.From != w.from || h.Until != w.until || len(h.Out) != 1 || !reflect.DeepEqual(h.Out[0], w.out) {
			t.Errorf("harvest %d = %+v\nwant %+v", i, h, w)
		}
	}
}

// TestParseHarvestsCSVBadLines reads a file in which every line but the
// first breaks something.
func TestParseHarvestsCSVBadLines(t *testing.T) {
	got, err := places.ParseHarvestsCSV(open(t, "bad_harvests.csv"), places.Options{})
	if got != nil {
		t.Errorf("got %d harvests from a file with bad lines, want none", len(got))
	}
	sameLines(t, problems(t, err), []string{
		`line 3, column 1, date: "01/03/2025" is not a date as YYYY-MM-DD: a date such as 01/03/2025 could be 1 March or 3 January; format the column as yyyy-mm-dd`,
		`line 4, column 2, places: no place is named: fill in the place's name, or several separated by |`,
		`line 5, column 2, places: names "Blok A1" twice`,
		`line 6, column 3, product: the product is empty`,
		`line 7, column 4, quantity: amount "1.250" could be 1250 or 1.25: write 1250 (or 1 250) for one thousand two hundred and fifty, or 1.25 for one and a quarter`,
		`line 8, column 5, unit: unknown unit "bags" (use TNE or t, KGM or kg, GRM or g, LTR or l, MTQ or m3, H87 or pcs)`,
		`line 9, column 5, unit: the quantity says kg but the unit is "TNE": keep one`,
		`line 10, column 4, quantity: the quantity is empty`,
		`line 11, column 4, quantity: must be more than zero, is 0 TNE`,
		`line 12, column 8, model: a claim under RSPO needs its supply-chain model: IP, SG or MB`,
		`line 13, column 8, model: "XX" is not a supply-chain model (IP, SG or MB)`,
		`line 14, column 1, date: the date is before 2000-01-01: Jejak records nothing earlier`,
		`line 15, column 2, places: "bafyNOTACID00000000000000000000" is not a valid CID: copy it again from the place's record`,
		`line 16, column 4, quantity: amount "-3" is negative: quantities are never negative`,
		`line 17, column 4, quantity: a count of pieces must be whole, is 0.5`,
	})
}

// TestParseHarvestsCSVFile checks headers, periods, units and defaults.
func TestParseHarvestsCSVFile(t *testing.T) {
	tests := []struct {
		name, in string
		opt      places.Options
		want     string // the first problem, or "" for success
		check    func(t *testing.T, h places.Harvest)
	}{
		{name: "period", in: "from,until,places,product,quantity\n2025-03-01,2025-03-07,Blok 1,FFB,12.5 t\n",
			check: func(t *testing.T, h places.Harvest) {
				if h.From != ms("2025-03-01") || h.Until != endOf("2025-03-07") {
					t.Errorf("period %d to %d", h.From, h.Until)
				}
			}},
		{name: "from alone is one day", in: "from,until,places,product,quantity\n2025-03-01,,Blok 1,FFB,12.5 t\n",
			check: func(t *testing.T, h places.Harvest) {
				if h.Until != endOf("2025-03-01") {
					t.Errorf("until %d", h.Until)
				}
			}},
		{name: "ends before it starts", in: "from,until,places,product,quantity\n2025-03-07,2025-03-01,Blok 1,FFB,12.5 t\n",
			want: "line 2, column 2, until: the harvest ends before it starts"},
		{name: "date and from", in: "date,from,places,product,quantity\n",
			want: `line 1: the file has both "date" and "from" or "until" columns`},
		{name: "no date", in: "places,product,quantity\n",
			want: `line 1: no column dates the harvests: add a column "date" (YYYY-MM-DD), or "from" and "until" (the file's columns are places, product, quantity)`},
		{name: "no places, no quantity, no product", in: "date,unit\n",
			want: `line 1: no column names the places harvested`},
		{name: "header only", in: "date,places,product,quantity\n", want: "the file has a header but no harvests"},
		{name: "default product and unit", in: "date,places,quantity\n2025-03-01,Blok 1,\"1 250,5\"\n", opt: places.Options{Product: "FFB", Unit: "kg"},
			check: func(t *testing.T, h places.Harvest) {
				if h.Out[0].Product != "FFB" || h.Out[0].Qty != (protocol.Quantity{Milli: 1_250_500, Unit: protocol.KGM}) {
					t.Errorf("output %+v", h.Out[0])
				}
			}},
		{name: "no unit", in: "date,places,product,quantity\n2025-03-01,Blok 1,FFB,12\n",
			want: `line 2, column 4, quantity: the quantity has no unit: write it after the number ("12,5 TNE"), or add a column "unit"`},
		{name: "unit stuck to the number", in: "date,places,product,quantity\n2025-03-01,Blok 1,FFB,850kg\n",
			check: func(t *testing.T, h places.Harvest) {
				if h.Out[0].Qty != protocol.Q(850, protocol.KGM) {
					t.Errorf("quantity %v", h.Out[0].Qty)
				}
			}},
		{name: "cubic metres", in: "date,places,product,quantity\n2025-03-01,Blok 1,ore,3 m³\n",
			check: func(t *testing.T, h places.Harvest) {
				if h.Out[0].Qty != protocol.Q(3, protocol.MTQ) {
					t.Errorf("quantity %v", h.Out[0].Qty)
				}
			}},
		{name: "bad default unit", in: "date,places,product,quantity\n2025-03-01,Blok 1,FFB,12\n", opt: places.Options{Unit: "sacks"},
			want: `the unit chosen for the import: unknown unit "sacks"`},
		{name: "claim", in: "date,places,product,quantity,certification,supply_chain_model\n2025-03-01,Blok 1,FFB,12 TNE,RSPO,sg\n",
			check: func(t *testing.T, h places.Harvest) {
				if c := h.Out[0].Claim; c == nil || *c != (protocol.Claim{Scheme: "RSPO", Model: "SG"}) {
					t.Errorf("claim %+v", c)
				}
			}},
		{name: "model without scheme", in: "date,places,product,quantity,scheme,model\n2025-03-01,Blok 1,FFB,12 TNE,,MB\n",
			want: "line 2, column 5, scheme: a claim of model MB needs its scheme, such as RSPO"},
		{name: "lot too long", in: "date,places,product,quantity,lot\n2025-03-01,Blok 1,FFB,12 TNE," + strings.Repeat("x", 201) + "\n",
			want: "line 2, column 5, lot: is 201 characters, at most 200"},
		{name: "too many places", in: "date,places,product,quantity\n2025-03-01," + manyPlaces(300) + ",FFB,12 TNE\n",
			want: "line 2, column 2, places: names 300 places, at most 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := places.ParseHarvestsCSV(strings.NewReader(tt.in), tt.opt)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != 1 {
					t.Fatalf("got %d harvests", len(got))
				}
				tt.check(t, got[0])
				return
			}
			if got != nil {
				t.Errorf("got %d harvests, want none", len(got))
			}
			if ps := problems(t, err); !strings.HasPrefix(ps[0], tt.want) {
				t.Errorf("problem %q\nwant one that starts %q", ps[0], tt.want)
			}
		})
	}
}

func manyPlaces(n int) string {
	var s []string
	for i := range n {
		s = append(s, "Blok "+string(rune('A'+i%26))+strings.Repeat("I", i/26+1))
	}
	return strings.Join(s, "|")
}

// TestResolve links harvests to the places a node holds, and reports each
// place that is unknown, ambiguous or named twice, at its line and column.
func TestResolve(t *testing.T) {
	a1, a2 := protocol.ComputeCID([]byte("A1")), protocol.ComputeCID([]byte("A2"))
	twinA, twinB := protocol.ComputeCID([]byte("C1")), protocol.ComputeCID([]byte("C1'"))
	lookup := func(r places.PlaceRef) []protocol.CID {
		switch {
		case r.Name == "Blok A1", r.CID == a1:
			return []protocol.CID{a1}
		case r.Name == "Blok A2":
			return []protocol.CID{a2}
		case r.Name == "Blok C1":
			return []protocol.CID{twinA, twinB}
		}
		return nil
	}
	in := "date,places,product,quantity\n" +
		"2025-03-01,Blok A1|Blok A2,FFB,12 TNE\n" +
		"2025-03-01," + a1.String() + ",FFB,12 TNE\n"
	hs, err := places.ParseHarvestsCSV(strings.NewReader(in), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := places.Resolve(hs, lookup)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || !reflect.DeepEqual(got[0].Places, []protocol.CID{a1, a2}) || !reflect.DeepEqual(got[1].Places, []protocol.CID{a1}) {
		t.Errorf("origins %+v", got)
	}
	for i := range got {
		if err := protocol.CheckDraft(&got[i]); err != nil {
			t.Errorf("origin %d: %v", i, err)
		}
	}

	bad := "date,product,quantity,places\n" +
		"2025-03-01,FFB,12 TNE,Blok A1\n" +
		"2025-03-01,FFB,12 TNE,Blok Z9\n" +
		"2025-03-01,FFB,12 TNE,Blok C1\n" +
		"2025-03-01,FFB,12 TNE,Blok A1|" + a1.String() + "\n" +
		"2025-03-01,FFB,12 TNE," + a2.String() + "\n"
	hs, err = places.ParseHarvestsCSV(strings.NewReader(bad), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	// The harvests may travel as JSON, from the app to the node, before
	// they are resolved: where each was in the file goes with them.
	b, err := json.Marshal(hs)
	if err != nil {
		t.Fatal(err)
	}
	hs = nil
	if err := json.Unmarshal(b, &hs); err != nil {
		t.Fatal(err)
	}
	got, err = places.Resolve(hs, lookup)
	if got != nil {
		t.Errorf("got %d origins, want none", len(got))
	}
	sameLines(t, problems(t, err), []string{
		`line 3, column 4, places: no place is named "Blok Z9": import or register it first, or check its spelling`,
		`line 4, column 4, places: 2 places are named "Blok C1": name the one meant by its CID`,
		`line 5, column 4, places: "Blok A1" and "` + a1.String() + `" are the same place`,
		`line 6, column 4, places: no place has CID ` + a2.String(),
	})
}
