package printout

import (
	"bytes"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
)

func errorf(format string, args ...any) error {
	return fmt.Errorf("printout: "+format, args...)
}

// ptPerMM converts millimetres of line height to a font size in points:
// letters of size s points take about s × 0.3528 mm, and a line 1.2 times
// that.
const ptPerMM = 1 / (0.3528 * 1.15)

// newPDF starts a document in millimetres with the Go fonts, which carry
// every letter of Malay and Indonesian (and of the names of places and
// organisations in Latin script), embedded so any viewer and printer shows
// them.
func newPDF(w, h float64, made time.Time, title string) *fpdf.Fpdf {
	// "P" keeps the page w wide and h high, whichever is longer.
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: w, Ht: h}})
	pdf.AddUTF8FontFromBytes("go", "", goregular.TTF)
	pdf.AddUTF8FontFromBytes("go", "B", gobold.TTF)
	pdf.AddUTF8FontFromBytes("gomono", "", gomono.TTF)
	pdf.SetMargins(0, 0, 0)
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetCellMargin(0)
	pdf.SetCreator("Jejak", true)
	pdf.SetTitle(title, true)
	// The same input makes the same file.
	pdf.SetCatalogSort(true)
	if made.IsZero() {
		made = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	pdf.SetCreationDate(made)
	pdf.SetModificationDate(made)
	return pdf
}

// finish writes the document, or says what went wrong making it.
func finish(pdf *fpdf.Fpdf, what string) ([]byte, error) {
	var b bytes.Buffer
	if err := pdf.Output(&b); err != nil {
		return nil, errorf("write the %s PDF: %v", what, err)
	}
	return b.Bytes(), nil
}

// LabelsPDF lays labels out on sheet: one a page on a label roll, or
// row by row on a sheet of many, as many pages as it takes. The PDF is
// sized to the page, so it prints at 100 % (actual size) from any viewer.
func LabelsPDF(labels []Label, sheet Sheet) ([]byte, error) {
	if len(labels) == 0 {
		return nil, errorf("no labels to print")
	}
	if err := sheet.check(); err != nil {
		return nil, err
	}
	var ids []string
	for _, l := range labels {
		if l.ID.IsZero() {
			return nil, errorf("a label with no batch ID")
		}
		ids = append(ids, l.ID.String())
	}
	pdf := newPDF(sheet.PageW, sheet.PageH, labels[0].Date, i18nTitle(labels))
	pdf.SetSubject(sheet.Title, true)
	pdf.SetKeywords(strings.Join(ids, " "), true)
	per := sheet.PerPage()
	for i, l := range labels {
		if i%per == 0 {
			pdf.AddPage()
		}
		n := i % per
		x := sheet.Left + float64(n%sheet.Cols)*(sheet.LabelW+sheet.GapX)
		y := sheet.Top + float64(n/sheet.Cols)*(sheet.LabelH+sheet.GapY)
		if err := drawLabel(pdf, l, x, y, sheet.LabelW, sheet.LabelH); err != nil {
			return nil, err
		}
	}
	return finish(pdf, "labels")
}

// drawLabel draws one label with its top left corner at x, y.
func drawLabel(pdf *fpdf.Fpdf, l Label, x, y, w, h float64) error {
	lay := labelLayout(w, h)
	mods, err := qrModules(l.payload())
	if err != nil {
		return errorf("label of %s: %v", l.ID, err)
	}
	drawQR(pdf, mods, x+lay.qr.x, y+lay.qr.y, lay.qr.w)

	t := lay.text
	cy := y + t.y
	bottom := y + t.y + t.h
	pdf.SetFont("go", "B", lay.titleSize*ptPerMM)
	for _, line := range fitLines(pdf, l.Product, t.w, 2) {
		if cy+lay.titleSize > bottom {
			break
		}
		pdf.SetXY(x+t.x, cy)
		pdf.CellFormat(t.w, lay.titleSize, line, "", 0, "L", false, 0, "")
		cy += lay.titleSize
	}
	cy += lay.bodySize * 0.2
	size := lay.bodySize * ptPerMM
	lines := l.lines()
	orgLines := wrapLines(lines, int((bottom-cy)/lay.bodySize+0.01))
	for _, tl := range lines {
		var texts []string
		pdf.SetFont("go", "", size)
		if tl.wrap {
			texts = fitLines(pdf, tl.text, t.w, orgLines)
		} else {
			// One line: smaller letters before an ellipsis.
			s := size
			for pdf.GetStringWidth(tl.text) > t.w && s > size*0.75 {
				s -= 0.25
				pdf.SetFont("go", "", s)
			}
			texts = fitLines(pdf, tl.text, t.w, 1)
		}
		for _, line := range texts {
			if cy+lay.bodySize > bottom+0.01 {
				break
			}
			pdf.SetXY(x+t.x, cy)
			pdf.CellFormat(t.w, lay.bodySize, line, "", 0, "L", false, 0, "")
			cy += lay.bodySize
		}
	}

	// The full batch ID, what a person types when the code will not scan.
	size = lay.idLineSize * ptPerMM
	halves := idLines(l.ID)
	pdf.SetFont("gomono", "", size)
	for pdf.GetStringWidth(halves[0]) > lay.id.w && size > 3 {
		size -= 0.25
		pdf.SetFont("gomono", "", size)
	}
	for i, s := range halves {
		pdf.SetXY(x+lay.id.x, y+lay.id.y+float64(i)*lay.idLineSize)
		pdf.CellFormat(lay.id.w, lay.idLineSize, s, "", 0, "L", false, 0, "")
	}
	return nil
}

// i18nTitle is the document's title: the labels' product and lot, or how
// many there are.
func i18nTitle(labels []Label) string {
	if len(labels) == 1 {
		return "Jejak " + strings.TrimSpace(labels[0].Product+" "+labels[0].Lot)
	}
	return fmt.Sprintf("Jejak labels (%d)", len(labels))
}

// qrModules is the QR code of text (error correction M), with its
// four-module quiet zone.
func qrModules(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	return q.Bitmap(), nil
}

// drawQR draws the code as filled rectangles, a run of dark modules each,
// side mm square: sharp at any printer's resolution.
func drawQR(pdf *fpdf.Fpdf, mods [][]bool, x, y, side float64) {
	m := side / float64(len(mods))
	pdf.SetFillColor(0, 0, 0)
	for r, row := range mods {
		for c := 0; c < len(row); {
			if !row[c] {
				c++
				continue
			}
			start := c
			for c < len(row) && row[c] {
				c++
			}
			// A hair wider, so no white seams show between runs.
			pdf.Rect(x+float64(start)*m, y+float64(r)*m, float64(c-start)*m+0.01, m+0.01, "F")
		}
	}
}

// fitLines wraps text to width over at most n lines, cutting the last
// with an ellipsis.
func fitLines(pdf *fpdf.Fpdf, text string, width float64, n int) []string {
	text = strings.Join(strings.Fields(text), " ")
	if text == "" {
		return nil
	}
	lines := pdf.SplitText(text, width)
	if len(lines) <= n {
		return lines
	}
	rest := strings.Join(lines[n-1:], " ")
	last := []rune(rest)
	for len(last) > 1 && pdf.GetStringWidth(string(last)+"…") > width {
		last = last[:len(last)-1]
	}
	return append(lines[:n-1], strings.TrimRight(string(last), " ")+"…")
}
