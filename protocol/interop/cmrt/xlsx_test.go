package cmrt_test

import (
	"bytes"
	"slices"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/cmrt"
	"github.com/jejak/jejak/protocol/provenance"
)

// openXLSX writes rows as a workbook and opens it again with the same
// library, as a supplier's tool would.
func openXLSX(t *testing.T, rows []cmrt.Row) *excelize.File {
	t.Helper()
	var buf bytes.Buffer
	if err := cmrt.WriteXLSX(&buf, rows); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatalf("the workbook does not open: %v", err)
	}
	t.Cleanup(func() { f.Close() })
	if got := f.GetSheetList(); !slices.Equal(got, []string{"Smelter List"}) {
		t.Fatalf("sheets %q, want the template's \"Smelter List\" alone", got)
	}
	return f
}

// sheetRows returns the sheet's rows, each padded to the template's
// columns (the library leaves out empty cells at a row's end).
func sheetRows(t *testing.T, f *excelize.File) [][]string {
	t.Helper()
	got, err := f.GetRows(cmrt.SheetName)
	if err != nil {
		t.Fatal(err)
	}
	for i := range got {
		for len(got[i]) < len(templateHeader) {
			got[i] = append(got[i], "")
		}
	}
	return got
}

// TestXLSX: the workbook has the template's sheet, its header (bold) and
// the rows, read back with the library that wrote it.
func TestXLSX(t *testing.T) {
	w := newConnectorWorld(t)
	rep, recs := evidence(t, w.recs, w.connector, provenance.Options{Anchors: []protocol.PublicKey{w.anchor}})
	rows := append(honestRows(t), smelters(t, rep, recs)...)
	f := openXLSX(t, rows)
	got := sheetRows(t, f)
	if len(got) != 1+len(rows) {
		t.Fatalf("%d rows in the sheet, want the header and %d", len(got), len(rows))
	}
	if !slices.Equal(got[0], templateHeader) {
		t.Errorf("header\n%q\nwant the template's\n%q", got[0], templateHeader)
	}
	for i, r := range rows {
		if !slices.Equal(got[1+i], r.Cells()) {
			t.Errorf("row %d:\n%q\nwant\n%q", 2+i, got[1+i], r.Cells())
		}
	}
	for _, cell := range []string{"A1", "Q1"} {
		id, err := f.GetCellStyle(cmrt.SheetName, cell)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.GetStyle(id)
		if err != nil || st.Font == nil || !st.Font.Bold {
			t.Errorf("header cell %s is not bold (style %d: %+v, %v)", cell, id, st, err)
		}
	}
	if id, _ := f.GetCellStyle(cmrt.SheetName, "B2"); id != 0 {
		if st, _ := f.GetStyle(id); st.Font != nil && st.Font.Bold {
			t.Error("a row's cell is bold")
		}
	}
	for col, want := range map[string][2]float64{"B": {12, 12}, "D": {21, 23}, "Q": {62, 62}} {
		if w, err := f.GetColWidth(cmrt.SheetName, col); err != nil || w < want[0] || w > want[1] {
			t.Errorf("column %s is %v wide (%v), want %v to %v", col, w, err, want[0], want[1])
		}
	}
	if p, err := f.GetPanes(cmrt.SheetName); err != nil || !p.Freeze || p.YSplit != 1 {
		t.Errorf("panes %+v (%v): want the header row frozen", p, err)
	}
}

// TestXLSXHeaderOnly: no rows give the header alone.
func TestXLSXHeaderOnly(t *testing.T) {
	got := sheetRows(t, openXLSX(t, nil))
	if len(got) != 1 || !slices.Equal(got[0], templateHeader) {
		t.Errorf("an empty list gave %q", got)
	}
}

// TestXLSXFormulas: what looks like a formula is kept as text, not run.
func TestXLSXFormulas(t *testing.T) {
	name := `=HYPERLINK("http://example.com","x")`
	f := openXLSX(t, []cmrt.Row{{Metal: cmrt.Tin, Name: name, Country: "INDONESIA"}})
	if formula, err := f.GetCellFormula(cmrt.SheetName, "D2"); err != nil || formula != "" {
		t.Errorf("D2 holds formula %q (%v)", formula, err)
	}
	if v, err := f.GetCellValue(cmrt.SheetName, "D2"); err != nil || v != name {
		t.Errorf("D2 is %q (%v), want %q", v, err, name)
	}
}
