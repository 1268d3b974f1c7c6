package printout

import (
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// LabelZPL writes one label as ZPL II for a thermal printer of dpi dots
// per inch (203, 300 or 600) loaded with labels of widthMM × heightMM:
// the same layout as the PDF, with the printer's own QR code (^BQ, error
// correction M) carrying protocol.LabelPayload, and text in UTF-8 (^CI28)
// in the printer's scalable font, each field in a block (^FB) that keeps
// it inside the label. Send it as is ("lp -o raw"). It returns "" for a
// label it cannot make (no batch ID, a size under 20 × 15 mm or a dpi
// outside 100 to 600).
func LabelZPL(l Label, dpi int, widthMM, heightMM float64) string {
	var b strings.Builder
	if err := writeZPL(&b, l, dpi, widthMM, heightMM); err != nil {
		return ""
	}
	return b.String()
}

// LabelsZPL is LabelZPL of each label, one format (^XA … ^XZ) after the
// other, or an error saying which label could not be made.
func LabelsZPL(labels []Label, dpi int, widthMM, heightMM float64) (string, error) {
	if len(labels) == 0 {
		return "", errorf("no labels to print")
	}
	var b strings.Builder
	for _, l := range labels {
		if err := writeZPL(&b, l, dpi, widthMM, heightMM); err != nil {
			return "", err
		}
	}
	return b.String(), nil
}

func writeZPL(b *strings.Builder, l Label, dpi int, widthMM, heightMM float64) error {
	switch {
	case l.ID.IsZero():
		return errorf("ZPL label: no batch ID")
	case dpi < 100 || dpi > 600:
		return errorf("ZPL label of %s: %d dpi: want 203, 300 or 600", l.ID, dpi)
	case widthMM < 20 || heightMM < 15 || widthMM > 300 || heightMM > 300:
		return errorf("ZPL label of %s: %g × %g mm: want 20 × 15 mm to 300 × 300 mm", l.ID, widthMM, heightMM)
	}
	dots := func(mm float64) int { return int(math.Floor(mm * float64(dpi) / 25.4)) }
	lay := labelLayout(widthMM, heightMM)
	mods, err := qrModules(l.payload())
	if err != nil {
		return errorf("ZPL label of %s: %v", l.ID, err)
	}
	// go-qrcode's bitmap has a quiet zone of 4 modules each side; the
	// printer draws the code alone, so the quiet zone is ours to leave.
	n := len(mods) - 8
	side := dots(lay.qr.w)
	mag := max(1, min(10, side/(n+8)))
	qx, qy := dots(lay.qr.x)+4*mag, dots(lay.qr.y)+4*mag

	fmt.Fprintf(b, "^XA\n^CI28\n^PW%d\n^LL%d\n^LH0,0\n", dots(widthMM), dots(heightMM))
	fmt.Fprintf(b, "^FO%d,%d^BQN,2,%d^FH^FDMA,%s^FS\n", qx, qy, mag, zplEscape(l.payload()))

	field := func(x, y, w, h float64, lines int, text string) {
		hd, wd := dots(h*0.85), dots(w)
		text = strings.Join(strings.Fields(text), " ")
		if n := utf8.RuneCountInString(text); lines == 1 && n > 0 {
			// One line: smaller letters, to a point, before cutting it.
			hd = max(min(hd, wd*100/60/n), hd*70/100)
		}
		text = fitChars(text, wd, hd, lines)
		if text == "" {
			return
		}
		fmt.Fprintf(b, "^FO%d,%d^A0N,%d,%d^FB%d,%d,0,L,0^FH^FD%s^FS\n", dots(x), dots(y), hd, hd, wd, lines, zplEscape(text))
	}
	t := lay.text
	y, bottom := t.y, t.y+t.h
	if lines := 2; y+float64(lines)*lay.titleSize <= bottom && l.Product != "" {
		if len([]rune(l.Product))*charW(dots(lay.titleSize*0.85)) <= dots(t.w) {
			lines = 1
		}
		field(t.x, y, t.w, lay.titleSize, lines, l.Product)
		y += float64(lines)*lay.titleSize + lay.bodySize*0.2
	}
	lines := l.lines()
	orgLines := wrapLines(lines, int((bottom-y)/lay.bodySize+0.01))
	for _, tl := range lines {
		n := 1
		if tl.wrap {
			n = orgLines
		}
		if n == 0 || y+float64(n)*lay.bodySize > bottom+0.01 {
			continue
		}
		field(t.x, y, t.w, lay.bodySize, n, tl.text)
		y += float64(n) * lay.bodySize
	}
	halves := idLines(l.ID)
	// Letters of the ID small enough that half of it fits one line.
	idH := min(dots(lay.idLineSize*0.85), dots(lay.id.w)/len(halves[0])*100/60)
	for i, s := range halves {
		fmt.Fprintf(b, "^FO%d,%d^A0N,%d,%d^FB%d,1,0,L,0^FD%s^FS\n", dots(lay.id.x), dots(lay.id.y+float64(i)*lay.idLineSize), idH, idH, dots(lay.id.w), s)
	}
	b.WriteString("^XZ\n")
	return nil
}

// charW is the widest a letter of the printer's font 0 at h dots is, on
// average over text: about 0.6 of its height.
func charW(h int) int { return max(1, h*60/100) }

// fitChars cuts text that would not fit lines lines of w dots at letters
// of h dots, ending it with "...": the printer would otherwise write the
// overflow over the last line.
func fitChars(text string, w, h, lines int) string {
	text = strings.Join(strings.Fields(text), " ")
	room := max(1, w/charW(h)) * lines
	if utf8.RuneCountInString(text) <= room {
		return text
	}
	r := []rune(text)
	if room <= 3 {
		return string(r[:room])
	}
	return strings.TrimRight(string(r[:room-3]), " ") + "..."
}

// zplEscape writes the characters ZPL reads as commands (^ and ~) and the
// hexadecimal indicator (_) as _XX escapes, which ^FH turns back.
func zplEscape(s string) string {
	return strings.NewReplacer("_", "_5F", "^", "_5E", "~", "_7E").Replace(s)
}
