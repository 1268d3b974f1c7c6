package cmrt_test

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/cmrt"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// templateHeader is the header row of the Smelter List tab of CMRT 6.5, as
// its English language column has it (see the package doc): written out
// here again so a change to the package's copy shows.
var templateHeader = []string{
	"Smelter Identification Number Input Column",
	"Metal (*)",
	"Smelter Look-up (*)",
	"Smelter Name (1)",
	"Smelter Country (*)",
	"Smelter Identification",
	"Source of Smelter Identification Number",
	"Smelter Street ",
	"Smelter City",
	"Smelter Facility Location: State / Province",
	"Smelter Contact Name",
	"Smelter Contact Email",
	"Proposed next steps",
	"Name of Mine(s) or if recycled or scrap sourced, enter \"recycled\" or \"scrap\"",
	"Location (Country) of Mine(s) or if recycled or scrap sourced, enter \"recycled\" or \"scrap\"",
	"Does 100% of the smelter’s feedstock originate from recycled or scrap sources?",
	"Comments",
}

// honestRows are the honest electronics chain's rows.
func honestRows(t *testing.T) []cmrt.Row {
	t.Helper()
	s := scenario.HonestElectronics()
	rep, recs := evidence(t, s.Records, s.Batch, provenance.Options{Anchors: s.Anchors})
	return smelters(t, rep, recs)
}

// readCSV checks the file's framing (byte order mark, CRLF line ends)
// and returns its records.
func readCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	rest, ok := bytes.CutPrefix(data, []byte("\uFEFF"))
	if !ok {
		t.Fatalf("the file does not start with a UTF-8 byte order mark: %q", data[:min(len(data), 20)])
	}
	if !bytes.HasSuffix(rest, []byte("\r\n")) || bytes.Count(rest, []byte("\n")) != bytes.Count(rest, []byte("\r\n")) {
		t.Errorf("not every line ends with CRLF:\n%q", rest)
	}
	r := csv.NewReader(bytes.NewReader(rest))
	r.FieldsPerRecord = len(templateHeader)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("the file is not CSV: %v", err)
	}
	return recs
}

// TestCSV: the header is the template's, word for word and in its order,
// and each line is a row's cells.
func TestCSV(t *testing.T) {
	rows := honestRows(t)
	var buf bytes.Buffer
	if err := cmrt.WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	if !slices.Equal(recs[0], templateHeader) || !slices.Equal(cmrt.Header(), templateHeader) {
		t.Errorf("header\n%q\nwant the template's\n%q", recs[0], templateHeader)
	}
	if len(recs) != 1+len(rows) {
		t.Fatalf("%d lines, want the header and %d rows", len(recs), len(rows))
	}
	for i, r := range rows {
		if !slices.Equal(recs[1+i], r.Cells()) {
			t.Errorf("line %d:\n%q\nwant\n%q", 2+i, recs[1+i], r.Cells())
		}
	}
	if got := recs[2][:5]; !slices.Equal(got, []string{scenario.DemoRMITin, "Tin", "Muntok smelter", "Muntok smelter", "INDONESIA"}) {
		t.Errorf("the tin smelter's line starts %q", got)
	}
}

// TestCSVHeaderOnly: no rows give the header alone.
func TestCSVHeaderOnly(t *testing.T) {
	var buf bytes.Buffer
	if err := cmrt.WriteCSV(&buf, nil); err != nil {
		t.Fatal(err)
	}
	if recs := readCSV(t, buf.Bytes()); len(recs) != 1 || !slices.Equal(recs[0], templateHeader) {
		t.Errorf("an empty list gave %q", recs)
	}
}

// TestCSVFormulas: a name that a spreadsheet would run as a formula is
// written as text.
func TestCSVFormulas(t *testing.T) {
	rows := []cmrt.Row{{Metal: cmrt.Tin, Name: `=HYPERLINK("http://example.com","x")`, Country: "INDONESIA", Place: protocol.CID{}},
		{Metal: cmrt.Tin, Name: "-2+3", Country: "INDONESIA"}, {Metal: cmrt.Tin, Name: "Smelter, \"quoted\"\nnext line", Country: "INDONESIA"}}
	var buf bytes.Buffer
	if err := cmrt.WriteCSV(&buf, rows); err != nil {
		t.Fatal(err)
	}
	recs := readCSV(t, buf.Bytes())
	for i, want := range []string{`'=HYPERLINK("http://example.com","x")`, "'-2+3", rows[2].Name} {
		if got := recs[1+i][3]; got != want {
			t.Errorf("name %q written as %q, want %q", rows[i].Name, got, want)
		}
	}
	if !strings.Contains(buf.String(), `,"Smelter, ""quoted""`+"\r\nnext line\",") {
		t.Errorf("the quoted name with a line break is not quoted as RFC 4180 has it, with CRLF:\n%q", buf.String())
	}
}
