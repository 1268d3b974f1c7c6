package printout

import (
	"strings"
	"time"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// Label is what one batch label shows.
type Label struct {
	ID protocol.BatchID
	// Payload is what the QR code carries (protocol.LabelPayload); empty
	// means the bare batch ID (protocol.LabelText).
	Payload string
	Product string
	Qty     string // as the person reads it, "21 t"
	Lot     string
	Org     string
	Date    time.Time // when the batch was made; zero leaves the line out
	// Lang is the language of the captions ("Lot", "Made"); empty is
	// English.
	Lang i18n.Lang
}

// payload is what the label's QR code carries.
func (l Label) payload() string {
	if l.Payload != "" {
		return l.Payload
	}
	return protocol.LabelText(l.ID)
}

func (l Label) lang() i18n.Lang {
	if l.Lang.Valid() {
		return l.Lang
	}
	return i18n.English
}

// textLine is one line of a label's text beside the code.
type textLine struct {
	text string
	wrap bool // may take more than one line (the organisation's name)
}

// lines are the label's text lines under the product, in order: the
// quantity, the lot, the organisation and the date.
func (l Label) lines() []textLine {
	var out []textLine
	if l.Qty != "" {
		out = append(out, textLine{text: l.Qty})
	}
	if l.Lot != "" {
		out = append(out, textLine{text: i18n.T(l.lang(), "print.label.lot", "lot", l.Lot)})
	}
	if l.Org != "" {
		out = append(out, textLine{text: l.Org, wrap: true})
	}
	if !l.Date.IsZero() {
		out = append(out, textLine{text: i18n.T(l.lang(), "print.label.made", "date", l.Date.Format(time.DateOnly))})
	}
	return out
}

// wrapLines is how many lines the organisation's name may take when rows
// lines are left for lines: what the one-line facts leave, at most two.
// Facts come before the name: with too little room the name gets none.
func wrapLines(lines []textLine, rows int) int {
	fixed := 0
	for _, l := range lines {
		if !l.wrap {
			fixed++
		}
	}
	return max(0, min(2, rows-fixed))
}

// idLines splits the batch ID in two halves for two lines under the code.
func idLines(id protocol.BatchID) [2]string {
	s := id.String()
	half := (len(s) + 1) / 2
	return [2]string{s[:half], s[half:]}
}

// Sheet is a page layout of labels: a roll of single labels (one label a
// page, Cols = Rows = 1, the page the size of the label) or a sheet of
// Cols × Rows labels. Lengths are in millimetres.
type Sheet struct {
	Name           string // "a4-3x8": what --sheet and the print dialog take
	Title          string // for people: "A4, 3 × 8 labels of 70 × 37 mm (Avery 3474)"
	PageW, PageH   float64
	Cols, Rows     int
	LabelW, LabelH float64
	Left, Top      float64 // margins to the first label
	GapX, GapY     float64 // between labels
}

// The sheets.
var (
	// Roll50x30 is one 50 × 30 mm label a page: the common thermal label.
	Roll50x30 = Sheet{Name: "label-50x30", Title: "50 × 30 mm label roll", PageW: 50, PageH: 30, Cols: 1, Rows: 1, LabelW: 50, LabelH: 30}
	// Roll100x50 is one 100 × 50 mm label a page, for sacks and pallets.
	Roll100x50 = Sheet{Name: "label-100x50", Title: "100 × 50 mm label roll", PageW: 100, PageH: 50, Cols: 1, Rows: 1, LabelW: 100, LabelH: 50}
	// A4x3x8 is A4 with 24 labels of 70 × 37 mm and no gaps (Avery 3474).
	A4x3x8 = Sheet{Name: "a4-3x8", Title: "A4, 3 × 8 labels of 70 × 37 mm (Avery 3474)", PageW: 210, PageH: 297, Cols: 3, Rows: 8, LabelW: 70, LabelH: 37, Left: 0, Top: 0.5}
	// A4x2x7 is A4 with 14 labels of 99.1 × 38.1 mm (Avery L7163).
	A4x2x7 = Sheet{Name: "a4-2x7", Title: "A4, 2 × 7 labels of 99.1 × 38.1 mm (Avery L7163)", PageW: 210, PageH: 297, Cols: 2, Rows: 7, LabelW: 99.1, LabelH: 38.1, Left: 4.65, Top: 15.15, GapX: 2.5}
	// Letter2x7 is US Letter with 14 labels of 4 × 1⅓ in (Avery 5162).
	Letter2x7 = Sheet{Name: "letter-2x7", Title: "US Letter, 2 × 7 labels of 4 × 1⅓ in (Avery 5162)", PageW: 215.9, PageH: 279.4, Cols: 2, Rows: 7, LabelW: 101.6, LabelH: 33.87, Left: 3.96, Top: 21.2, GapX: 4.83}
	// Letter2x5 is US Letter with 10 labels of 4 × 2 in (Avery 5163).
	Letter2x5 = Sheet{Name: "letter-2x5", Title: "US Letter, 2 × 5 labels of 4 × 2 in (Avery 5163)", PageW: 215.9, PageH: 279.4, Cols: 2, Rows: 5, LabelW: 101.6, LabelH: 50.8, Left: 3.96, Top: 12.7, GapX: 4.83}
)

// Sheets lists every sheet, the label rolls first.
func Sheets() []Sheet {
	return []Sheet{Roll50x30, Roll100x50, A4x3x8, A4x2x7, Letter2x7, Letter2x5}
}

// SheetByName returns the sheet named name ("a4-3x8"), in any case.
func SheetByName(name string) (Sheet, bool) {
	for _, s := range Sheets() {
		if strings.EqualFold(s.Name, name) {
			return s, true
		}
	}
	return Sheet{}, false
}

// SheetNames lists the sheets' names, for an error message or a flag's help.
func SheetNames() string {
	var names []string
	for _, s := range Sheets() {
		names = append(names, s.Name)
	}
	return strings.Join(names, ", ")
}

// PerPage is how many labels a page holds.
func (s Sheet) PerPage() int { return s.Cols * s.Rows }

// check says what is wrong with a sheet's geometry.
func (s Sheet) check() error {
	switch {
	case s.Cols < 1 || s.Rows < 1:
		return errorf("sheet %q: %d × %d labels: want at least one", s.Name, s.Cols, s.Rows)
	case s.LabelW < 20 || s.LabelH < 15:
		return errorf("sheet %q: labels of %g × %g mm are too small for a QR code and its text (want at least 20 × 15 mm)", s.Name, s.LabelW, s.LabelH)
	case s.Left+float64(s.Cols)*s.LabelW+float64(s.Cols-1)*s.GapX > s.PageW+0.01 ||
		s.Top+float64(s.Rows)*s.LabelH+float64(s.Rows-1)*s.GapY > s.PageH+0.01:
		return errorf("sheet %q: %d × %d labels of %g × %g mm do not fit a page of %g × %g mm", s.Name, s.Cols, s.Rows, s.LabelW, s.LabelH, s.PageW, s.PageH)
	}
	return nil
}

// box is a rectangle in millimetres from the label's top left corner.
type box struct{ x, y, w, h float64 }

// layout is where a label's parts go: the code at the left, the text
// beside it, and the batch ID in two lines along the bottom. The PDF and
// the ZPL share it, so a label looks the same from either.
type layout struct {
	pad        float64
	qr, text   box
	id         box
	titleSize  float64 // the product's letters, in mm of line height
	bodySize   float64
	idLineSize float64
}

func labelLayout(w, h float64) layout {
	pad := clamp(min(w, h)*0.05, 1, 3)
	idH := clamp(h*0.16, 4, 8)
	side := min(h-2*pad-idH, w*0.5)
	l := layout{
		pad:  pad,
		qr:   box{pad, pad, side, side},
		text: box{2*pad + side, pad + side*0.04, w - side - 3*pad, side * 0.96},
		id:   box{pad, h - pad - idH, w - 2*pad, idH},
	}
	l.titleSize = clamp(h*0.11, 3.2, 6)
	l.bodySize = clamp(h*0.09, 2.8, 5)
	l.idLineSize = idH / 2
	return l
}

func clamp(x, lo, hi float64) float64 { return max(lo, min(hi, x)) }
