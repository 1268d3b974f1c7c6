package provenance_test

import (
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestMassBalance(t *testing.T) {
	t.Run("unknown pair warns", func(t *testing.T) {
		table, err := provenance.ParseTable([]byte(`{"version":1,"bounds":[
			{"in":"ffb","out":"cpo","min":0.17,"max":0.25},
			{"in":"CPO","out":"RBD  palm olein","min":0.64,"max":0.8},
			{"in":"CPO","out":"RBD PALM STEARIN","min":0.17,"max":0.28},
			{"in":"CPO","out":"PFAD","min":0.03,"max":0.06},
			{"in":"RBD PALM OLEIN","out":"COOKING OIL","min":0.97,"max":1}],
			"eudr_products":["FFB"]}`))
		if err != nil {
			t.Fatal(err)
		}
		s := scenario.HonestPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Bounds: table})
		x := reason(t, r, "mass_balance", provenance.CodeUnknownPair)
		mentions(t, x, []string{"FFB → PK"}, s.Marks["mill.process"].CID)
		status(t, r, "mass_balance", provenance.Warn)
		if r.Verdict != provenance.Trusted {
			t.Errorf("a warning changed the verdict to %s", r.Verdict)
		}
	})
	t.Run("user table tightens a bound", func(t *testing.T) {
		table := provenance.DefaultTable()
		for i, b := range table.Bounds {
			if b.In == "FFB" && b.Out == "CPO" {
				table.Bounds[i].Min, table.Bounds[i].Max = 0.22, 0.24
			}
		}
		data, err := table.MarshalIndent()
		if err != nil {
			t.Fatal(err)
		}
		tight, err := provenance.ParseTable(data)
		if err != nil {
			t.Fatal(err)
		}
		r := verify(t, scenario.HonestPalm(), protocol.BatchID{}, provenance.Options{Bounds: tight})
		x := reason(t, r, "mass_balance", provenance.CodeImplausible)
		if x.Numbers["ratio"] != "21 %" || x.Numbers["min"] != "22 %" {
			t.Errorf("numbers %v", x.Numbers)
		}
	})
	t.Run("capacitors per kilogram", func(t *testing.T) {
		s := scenario.HonestElectronics()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		status(t, r, "mass_balance", provenance.Pass)
		if !strings.Contains(r.Check("mass_balance").Summary, "3 processes") {
			t.Errorf("summary %q", r.Check("mass_balance").Summary)
		}
	})
	t.Run("product grows", func(t *testing.T) {
		s := scenario.HonestPalm()
		stearin := bid(s.Marks["refinery.process"], 1) // still at the refinery
		p := appendTo(t, s, refineryDevice, &protocol.Process{In: []protocol.Input{{Batch: stearin, Qty: tne(4_000)}},
			Out: []protocol.Output{{Product: "RBD Palm Stearin", Qty: tne(4_100)}}})
		r := verify(t, s, bid(p, 0), provenance.Options{})
		mentions(t, reason(t, r, "mass_balance", provenance.CodeImplausible), []string{"4.1 t", "4 t", "cannot grow"}, p.CID)
	})
}

func TestTable(t *testing.T) {
	d := provenance.DefaultTable()
	for _, pair := range [][2]string{{"FFB", "CPO"}, {"ffb", "pk"}, {"PK", "CPKO"}, {"PK", "PKE"}, {"CPO", "RBD palm olein"}, {"CPO", "PFAD"}} {
		b, ok := d.Lookup(pair[0], pair[1])
		if !ok || b.Source == "" || b.Min <= 0 || b.Max > 1 {
			t.Errorf("default %s → %s: %+v, %v", pair[0], pair[1], b, ok)
		}
	}
	if b, _ := d.Lookup("FFB", "CPO"); b.Min != 0.17 || b.Max != 0.25 {
		t.Errorf("FFB → CPO is %v–%v, want 0.17–0.25", b.Min, b.Max)
	}
	if !d.IsEUDR("ffb") || d.IsEUDR("TIN") {
		t.Error("EUDR product list is wrong")
	}
	for name, js := range map[string]string{
		"not json":      `{`,
		"no product":    `{"bounds":[{"in":"","out":"CPO","min":0.1,"max":0.2}]}`,
		"min above max": `{"bounds":[{"in":"FFB","out":"CPO","min":0.3,"max":0.2}]}`,
		"one unit":      `{"bounds":[{"in":"A","out":"B","min":1,"max":2,"in_unit":"KGM"}]}`,
		"bad unit":      `{"bounds":[{"in":"A","out":"B","min":1,"max":2,"in_unit":"KGM","out_unit":"XXX"}]}`,
		"twice":         `{"bounds":[{"in":"A","out":"B","min":1,"max":2},{"in":"a","out":"b","min":1,"max":2}]}`,
	} {
		if _, err := provenance.ParseTable([]byte(js)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}
