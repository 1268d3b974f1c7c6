package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// pdfText is what pdftotext reads in the PDF file, words joined by single
// spaces, or false when poppler-utils is not installed.
func pdfText(t *testing.T, path string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Log("pdftotext (poppler-utils) is not installed: the PDF's text is not checked; make deps installs it")
		return "", false
	}
	out, err := exec.Command("pdftotext", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext %s: %v\n%s", path, err, out)
	}
	return strings.Join(strings.Fields(string(out)), " "), true
}

func isPDF(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no PDF written: %v", err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-1.")) || !bytes.Contains(data, []byte("startxref")) {
		t.Fatalf("%s is not a PDF: %q", path, data[:min(20, len(data))])
	}
	return data
}

// TestPrintLabelsAndReport: a mill prints a sheet of labels of two
// harvests, a thermal label of one, in Malay, and the report of a
// verification, from the command line.
func TestPrintLabelsAndReport(t *testing.T) {
	env, runIn, first := harvestCLI(t, "print-test", "Ladang Cetak", "Blok P", "P-1")
	run := func(want int, args ...string) string { t.Helper(); return runIn(env, want, args...) }
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	json.Unmarshal([]byte(run(0, "--json", "record", "place", "--name", "Blok Q", "--kind", "plot", "--country", "MY", "--point", "1.71,103.91", "--area", "10000")), &rec)
	json.Unmarshal([]byte(run(0, "--json", "record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "7 TNE", "--lot", "Q-2", "--from", "2026-11-03", "--until", "2026-11-04")), &rec)
	second := rec.Batches[0].ID
	dir := t.TempDir()

	sheet := filepath.Join(dir, "sheet.pdf")
	mustContain(t, "label --pdf", run(0, "label", "--pdf", sheet, "--sheet", "a4-3x8", first, second), "2 labels written to "+sheet, "Avery 3474")
	data := isPDF(t, sheet)
	if n := len(regexp.MustCompile(`/Type /Page\b[^s]`).FindAll(data, -1)); n != 1 {
		t.Errorf("two labels on an A4 sheet of 24 take %d pages", n)
	}
	if text, ok := pdfText(t, sheet); ok {
		mustContain(t, "the sheet's text", text, "FFB", "Lot P-1", "Lot Q-2", "10 TNE", "7 TNE", "Ladang Cetak",
			first[:len(first)/2], second[(len(second)+1)/2:])
	}

	ms := append([]string{"JEJAK_LANG=ms"}, env...)
	roll := filepath.Join(dir, "one.pdf")
	runIn(ms, 0, "label", "--pdf", roll, first)
	if text, ok := pdfText(t, roll); ok {
		mustContain(t, "a label in Malay", text, "Dibuat 20", "Lot P-1")
	}

	zpl := filepath.Join(dir, "labels.zpl")
	var out struct{ Texts []string }
	json.Unmarshal([]byte(run(0, "--json", "label", "--zpl", zpl, "--dpi", "300", first, second)), &out)
	z, err := os.ReadFile(zpl)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Texts) != 2 || strings.Count(string(z), "^XA") != 2 || !strings.Contains(string(z), "^CI28") ||
		!strings.Contains(string(z), "^FDMA,"+out.Texts[1]+"^FS") || !strings.Contains(string(z), "^PW590") {
		t.Errorf("the ZPL file (%v):\n%s", out.Texts, z)
	}

	report := filepath.Join(dir, "report.pdf")
	o := run(1, "verify", "--pdf", report, first) // unendorsed: nobody vouches for the new plantation
	mustContain(t, "verify --pdf", o, "UNENDORSED", "report written to "+report)
	isPDF(t, report)
	if text, ok := pdfText(t, report); ok {
		mustContain(t, "the printed report", text, "AUTHENTIC BUT NOT ENDORSED", first, "Blok P", "Ladang Cetak", "Checks", "Signers")
	}

	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"label", "--pdf", filepath.Join(dir, "x.pdf"), "--sheet", "a5-9x9", first}, "want one of label-50x30"},
		{[]string{"label", "-o", filepath.Join(dir, "x.png"), first, second}, "use --pdf"},
		{[]string{"label", "--zpl", filepath.Join(dir, "x.zpl"), "--sheet", "a4-3x8", first}, "--zpl prints on a roll"},
		{[]string{"label", "--zpl", filepath.Join(dir, "x.zpl"), "--dpi", "72", first}, "--dpi 72"},
		{[]string{"label", first}, "missing -o FILE"},
	} {
		mustContain(t, strings.Join(tc.args, " "), run(2, tc.args...), tc.says)
	}
	for _, f := range []string{"x.pdf", "x.png", "x.zpl"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			t.Errorf("a refused command wrote %s", f)
		}
	}
}
