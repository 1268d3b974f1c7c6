package cmrt

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
)

// bom is the UTF-8 byte order mark. Excel reads a CSV file as UTF-8 only
// when it starts with one; without it the header's "smelter’s" and names
// such as "CÔTE D'IVOIRE" come out garbled.
const bom = "\uFEFF"

// WriteCSV writes rows as the template's Smelter List in CSV: the header
// row (Header) and one line per row (Row.Cells), as RFC 4180 has it
// (fields quoted when they hold a comma, a quote or a line break; quotes
// doubled), in UTF-8 after a byte order mark, lines ended by CRLF, as
// Excel reads and writes CSV. A reader that does not skip the byte order
// mark (Go's encoding/csv) sees it at the start of the first header.
//
// Names come from records other organisations signed, so a cell that a
// spreadsheet would take for a formula (starting with =, +, -, @, a tab or
// a carriage return) is written after an apostrophe, which Excel shows
// nothing of and takes as "this is text". No rows give a file of the
// header alone.
func WriteCSV(w io.Writer, rows []Row) error {
	if _, err := io.WriteString(w, bom); err != nil {
		return fmt.Errorf("cmrt: write CSV: %w", err)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(Header()); err != nil {
		return fmt.Errorf("cmrt: write CSV: %w", err)
	}
	for _, r := range rows {
		cells := r.Cells()
		for i, c := range cells {
			cells[i] = asText(c)
		}
		if err := cw.Write(cells); err != nil {
			return fmt.Errorf("cmrt: write CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("cmrt: write CSV: %w", err)
	}
	return nil
}

// asText returns a CSV cell that no spreadsheet reads as a formula.
func asText(c string) string {
	if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
		return "'" + c
	}
	return c
}
