package printout

import (
	"bytes"
	"context"
	"image"
	_ "image/jpeg" // pdftoppm's pages: JPEG is far quicker to make than PNG
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

var checkedAt = scenario.Start.AddDate(0, 2, 0)

// report verifies a scenario's batch as the node would.
func report(t *testing.T, s *scenario.Scenario) *provenance.Report {
	t.Helper()
	rep, err := provenance.Verify(context.Background(), provenance.NewMemSource(s.Records...), s.Batch,
		provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return checkedAt }})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep
}

// testLabels are n labels of the honest palm chain's batch and its
// neighbours, with names long enough to need cutting.
func testLabels(t *testing.T, n int, lang i18n.Lang) []Label {
	t.Helper()
	s := scenario.HonestPalm()
	var out []Label
	for i := range n {
		id := protocol.BatchID{Record: s.Batch.Record, Index: uint32(i)}
		out = append(out, Label{
			ID: id, Payload: protocol.LabelPayload("verify.example.org", "", "", id),
			Product: "RBD PALM OLEIN", Qty: "15,750 t", Lot: "PGEO-OL-2403-07",
			Org: "Pasir Gudang Edible Oils Sdn Bhd, Kawasan Perindustrian Pasir Gudang", Date: scenario.Start, Lang: lang,
		})
	}
	return out
}

// pdfInfo is what a test reads of a PDF without a PDF library: its
// version, that its cross-reference table points at its objects, and how
// many pages it has.
func pdfInfo(t *testing.T, data []byte) (pages int) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		t.Fatalf("no PDF header: %q", data[:min(len(data), 16)])
	}
	if !bytes.HasSuffix(bytes.TrimSpace(data), []byte("%%EOF")) {
		t.Fatal("no end-of-file marker at the end")
	}
	m := regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`).FindSubmatch(data)
	if m == nil {
		t.Fatal("no startxref")
	}
	off := 0
	for _, c := range m[1] {
		off = off*10 + int(c-'0')
	}
	if off >= len(data) || !bytes.HasPrefix(data[off:], []byte("xref")) {
		t.Fatalf("startxref %d does not point at the xref table", off)
	}
	// Every in-use entry points at "N 0 obj".
	xref := data[off:]
	entries := regexp.MustCompile(`(?m)^(\d{10}) 00000 n`).FindAllSubmatch(xref, -1)
	if len(entries) < 3 {
		t.Fatalf("%d objects in the xref table", len(entries))
	}
	for _, e := range entries {
		o := 0
		for _, c := range e[1] {
			o = o*10 + int(c-'0')
		}
		if o >= len(data) || !regexp.MustCompile(`^\d+ 0 obj`).Match(data[o:]) {
			t.Fatalf("xref entry %s does not point at an object", e[1])
		}
	}
	return len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(data, -1))
}

// pdfText is the text pdftotext reads in the PDF, or skips the test's
// text checks when poppler-utils is not installed.
func pdfText(t *testing.T, data []byte) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) is not installed: the PDF's text is not checked; make deps installs it")
		return "", false
	}
	in := filepath.Join(t.TempDir(), "in.pdf")
	os.WriteFile(in, data, 0o644)
	out, err := exec.Command("pdftotext", "-layout", in, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return string(out), true
}

// pdfPage renders page 1 at dpi with pdftoppm.
func pdfPage(t *testing.T, data []byte, dpi int) (image.Image, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftoppm"); err != nil {
		t.Log("pdftoppm (poppler-utils) is not installed: the printed QR codes are not scanned")
		return nil, false
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "in.pdf"), data, 0o644)
	if out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-f", "1", "-l", "1", "-jpeg", "-jpegopt", "quality=95", filepath.Join(dir, "in.pdf"), filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v\n%s", err, out)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "p*.jpg"))
	if len(files) != 1 {
		t.Fatalf("pdftoppm made %v", files)
	}
	f, _ := os.Open(files[0])
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatal(err)
	}
	return img, true
}

// scanAt reads the QR code in the part of img (rendered at dpi) that is
// w × h mm from x, y mm.
func scanAt(img image.Image, dpi int, x, y, w, h float64) (string, error) {
	px := func(mm float64) int { return int(mm * float64(dpi) / 25.4) }
	sub := img.(interface {
		SubImage(image.Rectangle) image.Image
	}).SubImage(image.Rect(px(x), px(y), px(x+w), px(y+h)))
	bmp, err := gozxing.NewBinaryBitmapFromImage(sub)
	if err != nil {
		return "", err
	}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		return "", err
	}
	return res.GetText(), nil
}

func TestLabelPDFOnePerPage(t *testing.T) {
	labels := testLabels(t, 2, i18n.Malay)
	data, err := LabelsPDF(labels, Roll50x30)
	if err != nil {
		t.Fatal(err)
	}
	if n := pdfInfo(t, data); n != 2 {
		t.Errorf("%d pages for 2 labels on a roll, want 2", n)
	}
	if !bytes.Contains(data, []byte("/MediaBox [0 0 141.73 85.04]")) {
		t.Errorf("the page is not 50 × 30 mm (141.73 × 85.04 pt)")
	}
	if text, ok := pdfText(t, data); ok {
		text = strings.Join(strings.Fields(text), " ")
		half := idLines(labels[0].ID)
		for _, want := range []string{"RBD PALM OLEIN", "15,750 t", "Lot PGEO-OL-2403-07", "Pasir Gudang", "Dibuat 2024-", half[0], half[1]} {
			if !strings.Contains(text, want) {
				t.Errorf("the label's text lacks %q:\n%s", want, text)
			}
		}
	}
	if img, ok := pdfPage(t, data, 600); ok {
		if got, err := scanAt(img, 600, 0, 0, 50, 30); err != nil || got != labels[0].payload() {
			t.Errorf("the printed code reads %q, %v; want %q", got, err, labels[0].payload())
		}
	}
}

func TestLabelSheets(t *testing.T) {
	for _, sh := range Sheets() {
		t.Run(sh.Name, func(t *testing.T) {
			n := sh.PerPage() + 1 // a second page with one label
			data, err := LabelsPDF(testLabels(t, n, i18n.English), sh)
			if err != nil {
				t.Fatal(err)
			}
			if got := pdfInfo(t, data); got != 2 {
				t.Errorf("%d labels on %s make %d pages, want 2", n, sh.Name, got)
			}
			if sh.PerPage() == 1 {
				return
			}
			text, ok := pdfText(t, data)
			if ok && strings.Count(text, "RBD PALM OLEIN") != n {
				t.Errorf("%d products printed, want %d", strings.Count(text, "RBD PALM OLEIN"), n)
			}
			img, ok := pdfPage(t, data, 300)
			if !ok {
				return
			}
			labels := testLabels(t, n, i18n.English)
			// The four corners of the grid: where every label sits follows.
			last := sh.PerPage() - 1
			for _, i := range []int{0, sh.Cols - 1, last - sh.Cols + 1, last} {
				x := sh.Left + float64(i%sh.Cols)*(sh.LabelW+sh.GapX)
				y := sh.Top + float64(i/sh.Cols)*(sh.LabelH+sh.GapY)
				if got, err := scanAt(img, 300, x, y, sh.LabelW, sh.LabelH); err != nil || got != labels[i].payload() {
					t.Errorf("label %d of the sheet reads %q, %v; want %q", i+1, got, err, labels[i].payload())
				}
			}
		})
	}
	if _, ok := SheetByName("A4-3X8"); !ok {
		t.Error("sheet names are not case-blind")
	}
}

func TestLabelsPDFRefusesBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		labels []Label
		sheet  Sheet
		says   string
	}{
		"no labels":    {nil, A4x3x8, "no labels"},
		"no batch ID":  {[]Label{{Product: "CPO"}}, A4x3x8, "no batch ID"},
		"tiny labels":  {testLabels(t, 1, ""), Sheet{Name: "tiny", PageW: 210, PageH: 297, Cols: 1, Rows: 1, LabelW: 10, LabelH: 10}, "too small"},
		"does not fit": {testLabels(t, 1, ""), Sheet{Name: "big", PageW: 210, PageH: 297, Cols: 4, Rows: 8, LabelW: 70, LabelH: 37}, "do not fit"},
		"no rows":      {testLabels(t, 1, ""), Sheet{Name: "none", PageW: 210, PageH: 297, LabelW: 70, LabelH: 37}, "at least one"},
	} {
		if _, err := LabelsPDF(tc.labels, tc.sheet); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: %v, want an error saying %q", name, err, tc.says)
		}
	}
}

func TestReportPDF(t *testing.T) {
	for _, tc := range []struct {
		s    *scenario.Scenario
		lang i18n.Lang
		want []string
	}{
		{scenario.HonestPalm(), i18n.English, []string{"TRUSTED", "Checks", "Origins", "Signers", "Passed"}},
		{scenario.DoubleClaim(), i18n.Malay, []string{"GAGAL", "Semakan", "Asal usul", "Penandatangan"}},
		{scenario.HonestPalm(), i18n.Indonesian, []string{"TEPERCAYA", "Pemeriksaan", "Penanda tangan"}},
		{scenario.MissingAncestor(), i18n.English, []string{"INCOMPLETE", "Missing records", "named by record"}},
	} {
		r := report(t, tc.s)
		data, err := ReportPDF(r, tc.lang)
		if err != nil {
			t.Fatal(err)
		}
		pages := pdfInfo(t, data)
		if pages < 1 {
			t.Fatalf("%s: no pages", tc.s.Name)
		}
		if !bytes.Contains(data, []byte("/MediaBox [0 0 595.28 841.89]")) {
			t.Errorf("%s: the report is not on A4", tc.s.Name)
		}
		text, ok := pdfText(t, data)
		if !ok {
			continue
		}
		flat := strings.Join(strings.Fields(text), " ")
		want := append(tc.want, r.Batch.String())
		for _, o := range r.Origins {
			want = append(want, o.Name)
		}
		for _, sg := range r.Signers {
			want = append(want, sg.Name)
		}
		for _, m := range r.Missing {
			want = append(want, m.Record.String())
		}
		for _, want := range want {
			if !strings.Contains(flat, want) {
				t.Errorf("%s in %s: the report lacks %q", tc.s.Name, tc.lang, want)
			}
		}
		for _, c := range r.Checks {
			for _, rs := range c.Reasons {
				said := rs.In(tc.lang) // the report prints in the reader's language
				if w := strings.Fields(said); len(w) > 3 && !strings.Contains(flat, strings.Join(w[:3], " ")) {
					t.Errorf("%s in %s: reason %q not printed", tc.s.Name, tc.lang, said)
				}
			}
		}
		if strings.Count(text, "\f") < pages-1 {
			t.Errorf("pdftotext sees fewer pages than the PDF has")
		}
	}
	if _, err := ReportPDF(nil, i18n.English); err == nil {
		t.Error("a nil report printed")
	}
}

// TestReportPDFPaginates: a report with many long reasons runs over
// pages, each numbered.
func TestReportPDFPaginates(t *testing.T) {
	r := report(t, scenario.HonestPalm())
	long := strings.Repeat("A reason long enough to wrap over more than one line of the page, as reasons of mass balance do. ", 3)
	for i := range r.Checks {
		for range 12 {
			r.Checks[i].Reasons = append(r.Checks[i].Reasons, provenance.Reason{Level: provenance.LevelWarn, Text: long})
		}
	}
	data, err := ReportPDF(r, i18n.English)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdfInfo(t, data)
	if pages < 3 {
		t.Fatalf("%d pages for a long report", pages)
	}
	if text, ok := pdfText(t, data); ok {
		flat := strings.Join(strings.Fields(text), " ")
		if want := "page 2 of " + string(rune('0'+pages)); pages < 10 && !strings.Contains(flat, want) {
			t.Errorf("no %q footer", want)
		}
	}
}
