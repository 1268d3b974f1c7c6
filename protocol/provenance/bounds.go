package provenance

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Bound is the plausible range of one conversion: how much of product Out
// a process may make from one unit of product In. When both are measured
// in one dimension (mass to mass) and no units are given, Min and Max are
// fractions of the input (0.17 is 17 %). For a conversion across
// dimensions (kilograms of powder to pieces), InUnit and OutUnit say what
// Min and Max count: pieces of OutUnit per one InUnit.
type Bound struct {
	In      string        `json:"in"`
	Out     string        `json:"out"`
	Min     float64       `json:"min"`
	Max     float64       `json:"max"`
	InUnit  protocol.Unit `json:"in_unit,omitempty"`
	OutUnit protocol.Unit `json:"out_unit,omitempty"`
	Source  string        `json:"source,omitempty"`
}

// Table is the conversion-bounds table the mass-balance check uses, and the
// list of products the EUDR check applies to. Product names are compared
// without regard to case or repeated spaces. Users replace it with their
// own (ParseTable, from DATA/bounds.json); DefaultTable is what ships.
type Table struct {
	Version int      `json:"version"`
	Bounds  []Bound  `json:"bounds"`
	EUDR    []string `json:"eudr_products"`

	index map[[2]string]Bound
	eudr  map[string]bool
}

// NormProduct returns the form product names are compared in: upper case,
// single spaces.
func NormProduct(p string) string { return strings.Join(strings.Fields(strings.ToUpper(p)), " ") }

// ParseTable reads a table from JSON and checks it.
func ParseTable(data []byte) (*Table, error) {
	var t Table
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("provenance: read conversion table: %w", err)
	}
	if err := t.build(); err != nil {
		return nil, err
	}
	return &t, nil
}

// MarshalIndent returns the table as indented JSON, the form ParseTable reads.
func (t *Table) MarshalIndent() ([]byte, error) { return json.MarshalIndent(t, "", "  ") }

func (t *Table) build() error {
	t.index = map[[2]string]Bound{}
	t.eudr = map[string]bool{}
	for i, b := range t.Bounds {
		b.In, b.Out = NormProduct(b.In), NormProduct(b.Out)
		switch {
		case b.In == "" || b.Out == "":
			return fmt.Errorf("provenance: conversion table: bound %d: in and out products are needed", i)
		case b.Min < 0 || b.Max <= 0 || b.Min > b.Max:
			return fmt.Errorf("provenance: conversion table: %s → %s: want 0 ≤ min ≤ max and max > 0", b.In, b.Out)
		case (b.InUnit == "") != (b.OutUnit == ""):
			return fmt.Errorf("provenance: conversion table: %s → %s: give both in_unit and out_unit, or neither", b.In, b.Out)
		case b.InUnit != "" && (!b.InUnit.Valid() || !b.OutUnit.Valid()):
			return fmt.Errorf("provenance: conversion table: %s → %s: unknown unit", b.In, b.Out)
		}
		k := [2]string{b.In, b.Out}
		if _, dup := t.index[k]; dup {
			return fmt.Errorf("provenance: conversion table: %s → %s listed twice", b.In, b.Out)
		}
		t.index[k] = b
	}
	for _, p := range t.EUDR {
		t.eudr[NormProduct(p)] = true
	}
	return nil
}

// Lookup returns the bound for a conversion of product in to product out.
func (t *Table) Lookup(in, out string) (Bound, bool) {
	b, ok := t.index[[2]string{NormProduct(in), NormProduct(out)}]
	return b, ok
}

// IsEUDR reports whether product is a relevant commodity under the EU
// Deforestation Regulation (2023/1115) according to the table.
func (t *Table) IsEUDR(product string) bool { return t.eudr[NormProduct(product)] }

// unitsPer returns how many thousandths of the base unit one u holds.
func unitsPer(u protocol.Unit) float64 {
	b, _, err := protocol.Quantity{Milli: 1000, Unit: u}.Base()
	if err != nil {
		return 0
	}
	return float64(b)
}

// ratio returns out per in in the bound's terms, from amounts in base
// units of their dimensions, and false when the bound cannot compare them.
func (b Bound) ratio(in int64, inDim protocol.Dimension, out int64, outDim protocol.Dimension) (float64, bool) {
	if in <= 0 {
		return 0, false
	}
	if b.InUnit == "" {
		if inDim != outDim {
			return 0, false
		}
		return float64(out) / float64(in), true
	}
	if b.InUnit.Dimension() != inDim || b.OutUnit.Dimension() != outDim {
		return 0, false
	}
	return (float64(out) / unitsPer(b.OutUnit)) / (float64(in) / unitsPer(b.InUnit)), true
}

// format writes a ratio in the bound's terms: "21.5 %" or "20000 H87 per KGM".
func (b Bound) format(r float64) string {
	if b.InUnit == "" {
		return trimFloat(r*100) + " %"
	}
	return trimFloat(r) + " " + string(b.OutUnit) + "/" + string(b.InUnit)
}

// rangeText writes the bound's range: "17–25 %".
func (b Bound) rangeText() string {
	if b.InUnit == "" {
		return trimFloat(b.Min*100) + "–" + trimFloat(b.Max*100) + " %"
	}
	return trimFloat(b.Min) + "–" + trimFloat(b.Max) + " " + string(b.OutUnit) + "/" + string(b.InUnit)
}

func trimFloat(f float64) string {
	s := fmt.Sprintf("%.2f", f)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	return s
}
