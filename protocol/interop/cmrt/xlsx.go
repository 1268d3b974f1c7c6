package cmrt

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Column widths of the sheet, in characters of the default font: as wide
// as the longest cell, between these bounds. The rows' cells do not wrap, so
// each row is one line; a longer cell runs on over the empty cells to its
// right (the comment, in the last column) or is cut at the column's edge.
const (
	minWidth    = 10
	maxWidth    = 60
	headerWidth = 28 // a header wraps past this, so the long ones do not widen their column
	lineHeight  = 15 // points a line of the default 11-point font takes
)

// WriteXLSX writes rows as a workbook of one sheet named as the template's
// tab, "Smelter List": the template's header row (Header) in row 1, bold,
// wrapped and frozen, with a filter, then one line per Row (Row.Cells) from
// row 2, each cell a text cell (never a formula, whatever it holds), and
// the columns sized to their contents. The template itself puts its header
// in row 4 under its instructions; a sheet of the header and the rows alone
// is what suppliers' tools import and what pastes into the template's
// rows. No rows give a sheet of the header alone.
func WriteXLSX(w io.Writer, rows []Row) (err error) {
	f := excelize.NewFile()
	defer func() {
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("cmrt: write XLSX: %w", cerr)
		}
	}()
	if err := writeSheet(f, rows); err != nil {
		return fmt.Errorf("cmrt: write XLSX: %w", err)
	}
	if err := f.Write(w); err != nil {
		return fmt.Errorf("cmrt: write XLSX: %w", err)
	}
	return nil
}

func writeSheet(f *excelize.File, rows []Row) error {
	const sheet = SheetName
	if err := f.SetSheetName(f.GetSheetName(0), sheet); err != nil {
		return err
	}
	if err := f.SetDocProps(&excelize.DocProperties{Creator: "Jejak", Title: SheetName,
		Subject: "Smelter List in the columns of the RMI Conflict Minerals Reporting Template " + Version}); err != nil {
		return err
	}
	widths := make([]int, len(header))
	lines := 1
	for i, h := range header {
		n := utf8.RuneCountInString(h)
		widths[i] = min(n, headerWidth)
		lines = max(lines, (n+headerWidth-1)/headerWidth)
		if err := setCell(f, i, 0, h); err != nil {
			return err
		}
	}
	for r, row := range rows {
		for i, c := range row.Cells() {
			widths[i] = max(widths[i], utf8.RuneCountInString(c))
			if err := setCell(f, i, r+1, c); err != nil {
				return err
			}
		}
	}
	for i, w := range widths {
		col, err := excelize.ColumnNumberToName(i + 1)
		if err != nil {
			return err
		}
		if err := f.SetColWidth(sheet, col, col, float64(min(max(w, minWidth), maxWidth)+2)); err != nil {
			return err
		}
	}
	last, err := excelize.CoordinatesToCellName(len(header), 1)
	if err != nil {
		return err
	}
	font, err := f.GetDefaultFont()
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Family: font, Size: 11},
		Alignment: &excelize.Alignment{Vertical: "top", WrapText: true},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
	})
	if err != nil {
		return err
	}
	if err := f.SetCellStyle(sheet, "A1", last, bold); err != nil {
		return err
	}
	if err := f.SetRowHeight(sheet, 1, float64(lines*lineHeight)); err != nil {
		return err
	}
	if err := f.SetPanes(sheet, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	bottom, err := excelize.CoordinatesToCellName(len(header), len(rows)+1)
	if err != nil {
		return err
	}
	return f.AutoFilter(sheet, "A1:"+bottom, nil)
}

// setCell writes text c into column i (from 0) of row r (from 0), as a
// text cell; an empty cell is left out.
func setCell(f *excelize.File, i, r int, c string) error {
	if c == "" {
		return nil
	}
	cell, err := excelize.CoordinatesToCellName(i+1, r+1)
	if err != nil {
		return err
	}
	return f.SetCellStr(SheetName, cell, c)
}
