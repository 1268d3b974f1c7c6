package gui

import (
	"bytes"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/provenance"
)

// The print tests run the real lp and lpstat code paths against shell
// scripts of those names first in $PATH, which answer as CUPS does and
// keep what they were given.

// fakeCUPS puts lpstat and lp scripts first in PATH: lpstat lists
// printers (none when printers is empty), lp keeps its arguments and a
// copy of the file it was given. It returns the folder they write in.
func fakeCUPS(t *testing.T, printers ...string) string {
	t.Helper()
	dir := t.TempDir()
	def := ""
	if len(printers) > 0 {
		def = "system default destination: " + printers[len(printers)-1]
	} else {
		def = "no system default destination"
	}
	write := func(name, body string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("#!/bin/sh\n"+body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	write("lpstat", `case "$1" in
-e) printf '`+strings.Join(printers, `\n`)+`\n' | grep . ;;
-d) echo '`+def+`' ;;
*) echo "lpstat: unknown option $1" >&2; exit 1 ;;
esac
exit 0
`)
	write("lp", `if [ "$2" = Broken ]; then echo "lp: The printer or class does not exist." >&2; exit 1; fi
dir=$(dirname "$0")
n=$(ls "$dir" | grep -c '^printed-')
for a in "$@"; do last="$a"; printf '%s\n' "$a" >> "$dir/lp-args-$n"; done
cp "$last" "$dir/printed-$n" || exit 1
echo "request id is $2-$n (1 file(s))"
`)
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	return dir
}

// printed returns the arguments lp was given the n-th time and the file.
func printed(t *testing.T, dir string, n int) (args []string, data []byte) {
	t.Helper()
	a, err := os.ReadFile(filepath.Join(dir, "lp-args-"+string(rune('0'+n))))
	if err != nil {
		t.Fatalf("lp was not run (%d times before): %v", n, err)
	}
	data, err = os.ReadFile(filepath.Join(dir, "printed-"+string(rune('0'+n))))
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(strings.TrimSpace(string(a)), "\n"), data
}

// widgetsIn returns the widgets of type W that o shows.
func widgetsIn[W fyne.CanvasObject](o fyne.CanvasObject) []W {
	var out []W
	for _, obj := range test.LaidOutObjects(o) {
		if w, ok := obj.(W); ok && obj.Visible() {
			out = append(out, w)
		}
	}
	return out
}

// selectOption chooses the option of s that contains text.
func selectOption(t *testing.T, s *widget.Select, text ...string) {
	t.Helper()
	for _, o := range s.Options {
		ok := true
		for _, x := range text {
			ok = ok && strings.Contains(o, x)
		}
		if ok {
			s.SetSelected(o)
			return
		}
	}
	t.Fatalf("no option with %q among %q", text, s.Options)
}

// pdftotext is poppler's, found before a test changes PATH.
var pdftotext, _ = exec.LookPath("pdftotext")

// pdfWords is the text pdftotext reads in a PDF, or false without
// poppler-utils.
func pdfWords(t *testing.T, data []byte) (string, bool) {
	t.Helper()
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) {
		t.Fatalf("not a PDF: %q", data[:min(len(data), 20)])
	}
	if pdftotext == "" {
		t.Log("pdftotext (poppler-utils) is not installed: the PDF's text is not checked; make deps installs it")
		return "", false
	}
	p := filepath.Join(t.TempDir(), "p.pdf")
	os.WriteFile(p, data, 0o600)
	out, err := exec.Command(pdftotext, p, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v\n%s", err, out)
	}
	return strings.Join(strings.Fields(string(out)), " "), true
}

// TestPrintLabelToThermalPrinter: the clerk prints the CPO's label, two
// copies as ZPL on the Zebra; a copy count of 0 is refused first.
func TestPrintLabelToThermalPrinter(t *testing.T) {
	dir := fakeCUPS(t, "Zebra_ZD421", "Office_A4")
	u, m := newMillUI(t)
	u.show(screenBatches)
	u.batches.selectBatch(m.CPO)
	settle(t, u)
	test.Tap(buttonIn(t, u.batches.detail.obj, "Print label…"))
	settle(t, u)
	d := topDialog(t, u)
	selects := widgetsIn[*widget.Select](d)
	if len(selects) != 2 {
		t.Fatalf("%d choices in the print dialog, want the printer and the format: %q", len(selects), texts(d))
	}
	printer, format := selects[0], selects[1]
	if printer.Selected != "Office_A4" || len(printer.Options) != 2 {
		t.Errorf("printers offered %q, chosen %q; want both, the default chosen", printer.Options, printer.Selected)
	}
	if !strings.Contains(format.Selected, "50 × 30 mm") {
		t.Errorf("a single label is offered first as %q, want the 50 × 30 mm roll", format.Selected)
	}
	printer.SetSelected("Zebra_ZD421")
	selectOption(t, format, "ZPL", "50 × 30 mm", "203 dpi")
	copies := widgetsIn[*widget.Entry](d)[0]
	copies.SetText("0")
	test.Tap(buttonIn(t, d, "Print"))
	settle(t, u)
	if !shows(d, "type a number from 1 to 99") {
		t.Errorf("0 copies accepted: %q", texts(d))
	}
	if _, err := os.Stat(filepath.Join(dir, "lp-args-0")); err == nil {
		t.Fatal("lp was run for 0 copies")
	}
	copies.SetText("2")
	test.Tap(buttonIn(t, d, "Print"))
	settle(t, u)
	args, data := printed(t, dir, 0)
	if want := "-d Zebra_ZD421 -n 2"; !strings.Contains(strings.Join(args, " "), want) || !strings.Contains(strings.Join(args, " "), "-o raw") {
		t.Errorf("lp %q, want %q and -o raw", args, want)
	}
	payload := labelOf(u, u.batches.detail.b).Text
	if !bytes.HasPrefix(data, []byte("^XA")) || !bytes.Contains(data, []byte("^FDMA,"+payload+"^FS")) || !bytes.Contains(data, []byte("^CI28")) {
		t.Errorf("the printer got, for a label carrying %s:\n%s", payload, data)
	}
	if !shows(topDialog(t, u), "2 copies sent to Zebra_ZD421") || !shows(topDialog(t, u), "request id is") {
		t.Errorf("after printing: %q", texts(topDialog(t, u)))
	}
}

// TestPrintReport: a buyer prints the verdict on the honest chain, in
// English and then in Malay, on the office printer.
func TestPrintReport(t *testing.T) {
	dir := fakeCUPS(t, "Broken", "Office_A4")
	m := startMill(t)
	u := newTestUI(t, m, Options{})
	u.show(screenVerify)
	u.verify.print() // nothing verified yet
	if !shows(topDialog(t, u), "Verify a batch first") {
		t.Errorf("printing with no report says %q", texts(topDialog(t, u)))
	}
	scan(t, u, m.Honest.String())
	if u.verify.report == nil || u.verify.report.Verdict != provenance.Trusted {
		t.Fatal("the honest chain did not verify")
	}
	for i, tc := range []struct {
		lang i18n.Lang
		want string
	}{{i18n.English, "TRUSTED"}, {i18n.Malay, "DIPERCAYAI"}} {
		u.lang = tc.lang
		if i == 0 {
			test.Tap(buttonIn(t, u.verify.result, "Print…"))
		} else {
			u.verify.print() // File → Print…
		}
		settle(t, u)
		d := topDialog(t, u)
		test.Tap(buttonIn(t, d, u.t("print.dialog.print")))
		settle(t, u)
		args, data := printed(t, dir, i)
		if a := strings.Join(args, " "); !strings.Contains(a, "-d Office_A4 -n 1") || strings.Contains(a, "raw") {
			t.Errorf("lp %s", a)
		}
		if text, ok := pdfWords(t, data); ok && (!strings.Contains(text, tc.want) || !strings.Contains(text, m.Honest.String())) {
			t.Errorf("the printed report in %s lacks %q or the batch ID:\n%s", tc.lang, tc.want, text)
		}
	}
	// A printer CUPS refuses: lp's own words, and where.
	u.lang = i18n.English
	u.verify.print()
	settle(t, u)
	d := topDialog(t, u)
	widgetsIn[*widget.Select](d)[0].SetSelected("Broken")
	test.Tap(buttonIn(t, d, "Print"))
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "lp -d Broken: lp: The printer or class does not") {
		t.Errorf("a refused print says %q", texts(d))
	}
}

// urlApp keeps the URLs the app was asked to open.
type urlApp struct {
	fyne.App
	opened []*url.URL
}

func (a *urlApp) OpenURL(u *url.URL) error { a.opened = append(a.opened, u); return nil }

// TestPrintWithoutPrinter: with no CUPS, or CUPS and no printer, the
// dialog says so and the label is saved as a PDF, or opened in the viewer.
func TestPrintWithoutPrinter(t *testing.T) {
	u, m := newMillUI(t)
	u.batches.selectBatch(m.CPO)
	settle(t, u)
	app := &urlApp{App: u.app}
	u.app = app

	t.Setenv("PATH", t.TempDir()) // no lpstat at all
	u.batches.detail.print()
	settle(t, u)
	d := topDialog(t, u)
	if !shows(d, "no print service (CUPS)") {
		t.Errorf("without CUPS the dialog says %q", texts(d))
	}
	path := filepath.Join(t.TempDir(), "label.pdf")
	u.files.(*stubPicker).savePath = path
	test.Tap(buttonIn(t, d, "Save PDF…"))
	settle(t, u)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no PDF saved: %v (%q)", err, texts(topDialog(t, u)))
	}
	if text, ok := pdfWords(t, data); ok && !strings.Contains(text, "Lot KSBL-CPO-0307") {
		t.Errorf("the saved label reads %q", text)
	}
	if !shows(topDialog(t, u), "Saved as "+path) {
		t.Errorf("after saving: %q", texts(topDialog(t, u)))
	}

	fakeCUPS(t) // CUPS, no printer
	u.batches.detail.print()
	settle(t, u)
	d = topDialog(t, u)
	if !shows(d, "No printer is set up") {
		t.Errorf("with no printer the dialog says %q", texts(d))
	}
	test.Tap(buttonIn(t, d, "Open in viewer"))
	settle(t, u)
	if len(app.opened) != 1 || app.opened[0].Scheme != "file" {
		t.Fatalf("opened %v, want the PDF's file:// URL", app.opened)
	}
	if data, err := os.ReadFile(app.opened[0].Path); err != nil || !bytes.HasPrefix(data, []byte("%PDF")) {
		t.Errorf("the file opened in the viewer: %v", err)
	}
}

// TestPrintSheetOfLabels: on the Batches screen the clerk ticks two
// batches and saves their labels on an A4 sheet.
func TestPrintSheetOfLabels(t *testing.T) {
	fakeCUPS(t)
	u, _ := newMillUI(t)
	u.show(screenBatches)
	pick := func() fyne.CanvasObject {
		test.Tap(buttonIn(t, u.batches.content(), "Print labels…"))
		settle(t, u)
		return topDialog(t, u)
	}
	d := pick()
	test.Tap(buttonIn(t, d, "None"))
	test.Tap(buttonIn(t, d, "Next…"))
	settle(t, u)
	if !shows(topDialog(t, u), "Tick at least one batch") {
		t.Errorf("nothing ticked: %q", texts(topDialog(t, u)))
	}
	d = pick()
	checks := widgetsIn[*widget.Check](d)
	if len(checks) != len(u.batches.items) {
		t.Fatalf("%d batches to tick, %d listed", len(checks), len(u.batches.items))
	}
	for _, c := range checks {
		c.SetChecked(strings.Contains(c.Text, "LSL-FFB-2403-02") || strings.Contains(c.Text, "KSBL-PK-0307"))
	}
	test.Tap(buttonIn(t, d, "Next…"))
	settle(t, u)
	d = topDialog(t, u)
	if f := widgetsIn[*widget.Select](d)[0]; !strings.Contains(f.Selected, "A4 sheet, 3 × 8") {
		t.Errorf("two labels are offered first as %q, want the A4 sheet", f.Selected)
	}
	path := filepath.Join(t.TempDir(), "sheet.pdf")
	u.files.(*stubPicker).savePath = path
	test.Tap(buttonIn(t, d, "Save PDF…"))
	settle(t, u)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no sheet saved: %v", err)
	}
	if n := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(data, -1)); n != 1 {
		t.Errorf("two labels on %d pages", n)
	}
	if text, ok := pdfWords(t, data); ok {
		for _, lot := range []string{"Lot LSL-FFB-2403-02", "Lot KSBL-PK-0307"} {
			if !strings.Contains(text, lot) {
				t.Errorf("the sheet lacks %q: %s", lot, text)
			}
		}
		if strings.Contains(text, "KSBL-CPO-0307") {
			t.Error("a batch not ticked was printed")
		}
	}
}
