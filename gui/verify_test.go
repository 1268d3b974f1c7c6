package gui

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	exportpkg "github.com/jejak/jejak/protocol/interop/export"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// scan types text into the scan field as a keyboard-wedge scanner does,
// ends it with Enter, and waits for the verification.
func scan(t *testing.T, u *UI, text string) {
	t.Helper()
	test.Type(u.verify.scan, text)
	u.verify.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	settle(t, u)
}

func TestScanShowsVerdictAndChecks(t *testing.T) {
	honest := startMill(t)
	dc, failed := startDoubleClaim(t)
	tests := []struct {
		name    string
		node    *testNode
		id      string
		verdict provenance.Verdict
		banner  string
	}{
		{"honest chain", honest.testNode, honest.Honest.String(), provenance.Trusted, "TRUSTED"},
		{"double claim", dc, failed.String(), provenance.Failed, "FAILED"},
		{"upper case from a QR code", honest.testNode, protocol.LabelText(honest.Honest), provenance.Trusted, "TRUSTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t, tt.node, Options{})
			u.show(screenVerify)
			if u.win.Canvas().Focused() != u.verify.scan {
				t.Error("the scan field does not have the focus when the Verify screen opens")
			}
			scan(t, u, tt.id)
			r := u.verify.report
			if r == nil || r.Verdict != tt.verdict {
				t.Fatalf("report = %+v, want verdict %s", r, tt.verdict)
			}
			if !shows(u.verify.result, tt.banner) {
				t.Errorf("the result does not show the banner %q; it shows %q", tt.banner, texts(u.verify.result))
			}
			if !shows(u.verify.result, r.Summary) {
				t.Errorf("the result does not show the summary %q", r.Summary)
			}
			for _, c := range r.Checks {
				if !shows(u.verify.result, c.Title+" — "+u.statusWord(c.Status)) {
					t.Errorf("check %q (%s) is not shown", c.Title, c.Status)
				}
				for _, rs := range c.Reasons {
					if !shows(u.verify.result, firstWords(rs.Text)) {
						t.Errorf("reason %q of check %q is not shown", rs.Text, c.Title)
					}
				}
			}
			if got := u.verify.scan.Text; got != "" {
				t.Errorf("after a scan the field holds %q, want it empty for the next scan", got)
			}
			if u.win.Canvas().Focused() != u.verify.scan {
				t.Error("the scan field lost the focus after verifying")
			}
		})
	}
}

func TestFailedChecksComeFirst(t *testing.T) {
	n, failed := startDoubleClaim(t)
	u := newTestUI(t, n, Options{})
	u.show(screenVerify)
	scan(t, u, failed.String())
	cs := sortedChecks(u.verify.report)
	if cs[0].Status != provenance.Fail || cs[0].Name != "double_claim" {
		t.Errorf("first check shown is %s (%s), want the failing double_claim", cs[0].Name, cs[0].Status)
	}
}

func TestScanRejectsWhatIsNotABatchID(t *testing.T) {
	u, _ := newMillUI(t)
	u.show(screenVerify)
	scan(t, u, "INV-2024-0311")
	if !visibleLabel(u.verify.msg, "not a batch ID") {
		t.Errorf("message = %q (visible %v), want it to say this is not a batch ID", u.verify.msg.Text, u.verify.msg.Visible())
	}
	if u.verify.report != nil {
		t.Error("a report is shown for text that is not a batch ID")
	}
}

// firstWords returns the start of a reason's text, as far as a line of the
// wrapped label surely shows it.
func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(2, len(f))], " ")
}

// TestNotFoundIsNotFailed: a batch ID that parses but that nobody has is
// "not found", in amber, saying both what it may mean; never the red
// FAILED banner, and the previous verdict is gone.
func TestNotFoundIsNotFailed(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenVerify)
	v := u.verify
	v.run(m.Honest)
	settle(t, u)
	if v.report == nil {
		t.Fatal("the honest batch did not verify")
	}
	unknown := protocol.BatchID{Record: protocol.ComputeCID([]byte("a batch nobody recorded"))}
	v.submit(unknown.String())
	settle(t, u)
	if v.report != nil || shows(v.result, "FAILED") || shows(v.result, "TRUSTED") {
		t.Fatalf("an unknown batch shows %q", texts(v.result))
	}
	for _, want := range []string{"NOT FOUND", "was not found", "offline", "mistyped"} {
		if !shows(v.result, want) {
			t.Errorf("the result %q does not say %q", texts(v.result), want)
		}
	}
	// A bad ID clears the verdict of the batch before.
	v.run(m.Honest)
	settle(t, u)
	v.submit("not an id")
	settle(t, u)
	if v.report != nil || shows(v.result, "TRUSTED") {
		t.Errorf("after a bad ID the screen still shows %q", texts(v.result))
	}
}

// TestExportFromVerify: the buyer who verified the honest chain exports
// its CAR and its EUDR files from the Verify screen; the CAR reads back
// with every record behind the verdict, and the EUDR export's files land
// together in the chosen folder.
func TestExportFromVerify(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{})
	u.show(screenVerify)
	scan(t, u, m.Honest.String())
	if u.verify.report == nil || u.verify.report.Verdict != provenance.Trusted {
		t.Fatal("the honest chain did not verify")
	}
	dir := t.TempDir()
	formats := map[string]exportpkg.Format{}
	for _, f := range exportpkg.Formats() {
		formats[f.Name] = f
	}

	path := filepath.Join(dir, "honest.car")
	u.files.(*stubPicker).savePath = path
	u.verify.exportAs(formats["car"])
	settle(t, u)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("no CAR saved: %v (dialog %q)", err, texts(topDialog(t, u)))
	}
	file, err := car.Read(bytes.NewReader(data), car.DefaultLimits())
	if err != nil || len(file.Roots) != 1 || file.Roots[0] != m.Honest.Record || len(file.Records) < 10 {
		t.Fatalf("the saved CAR: %v, %+v", err, file)
	}

	path = filepath.Join(dir, "honest.eudr.geojson")
	u.files.(*stubPicker).savePath = path
	u.verify.exportAs(formats["eudr"])
	settle(t, u)
	for _, suffix := range []string{".eudr.geojson", ".eudr-summary.json", ".eudr-summary.html"} {
		if m, _ := filepath.Glob(filepath.Join(dir, "*"+suffix)); len(m) != 1 {
			t.Errorf("no *%s saved beside the geolocation file: %q", suffix, texts(topDialog(t, u)))
		}
	}
	if d := topDialog(t, u); !shows(d, "Exported") {
		t.Errorf("no word that the export is saved: %q", texts(d))
	}

	// A palm chain has no smelters: said, nothing saved.
	u.files.(*stubPicker).savePath = filepath.Join(dir, "smelters.xlsx")
	u.verify.exportAs(formats["smelters"])
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "tin, tantalum, tungsten or gold") {
		t.Errorf("exporting the smelters of palm oil says %q", texts(d))
	}
	if _, err := os.Stat(filepath.Join(dir, "smelters.xlsx")); err == nil {
		t.Error("a smelter list of palm oil was saved")
	}
}

// TestOpenAnExport: an auditor opens the CAR a mill exported of its palm
// kernels on a computer that holds nothing: the records are checked, kept,
// and the kernels (output 1, as the file's name says) verify.
func TestOpenAnExport(t *testing.T) {
	m := startMill(t)
	mill := newTestUI(t, m, Options{})
	mill.show(screenVerify)
	scan(t, mill, m.PK.String())
	dir := t.TempDir()
	var carFormat exportpkg.Format
	for _, f := range exportpkg.Formats() {
		if f.Name == "car" {
			carFormat = f
		}
	}
	files, err := carFormat.Write(exportpkg.Input{Report: mill.verify.report, Records: evidenceOf(t, m.testNode, m.PK)})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, files[0].Name)
	if err := os.WriteFile(path, files[0].Data, 0o644); err != nil {
		t.Fatal(err)
	}

	auditor := startNode(t, nodeConfig{name: "auditor", org: scenario.Key("auditor"), device: scenario.Key("auditor/device-1"),
		anchors: []anchor{{m.Anchor, anchorName}}})
	u := newTestUI(t, auditor, Options{})
	u.show(screenVerify)
	u.files.(*stubPicker).openPath = path
	u.verify.openExport()
	settle(t, u)
	r := u.verify.report
	if r == nil || r.Batch != m.PK || r.Verdict != provenance.Trusted {
		t.Fatalf("after opening the export the screen shows %+v, want the palm kernels trusted (%q)", r, texts(u.verify.obj))
	}
}

func evidenceOf(t *testing.T, n *testNode, id protocol.BatchID) []protocol.Signed {
	t.Helper()
	ev, err := n.Evidence(context.Background(), api.VerifyRequest{Batch: id})
	if err != nil {
		t.Fatal(err)
	}
	return ev.Records
}

// TestReviewEPCISDrafts: an EPCIS document from another system (here an
// export with its signed records taken out) opens as drafts to review;
// signing one makes it this organisation's record, and one that breaks a
// rule says why and records nothing.
func TestReviewEPCISDrafts(t *testing.T) {
	m := startMill(t)
	var epcisFormat exportpkg.Format
	for _, f := range exportpkg.Formats() {
		if f.Name == "epcis" {
			epcisFormat = f
		}
	}
	ev, err := m.Evidence(context.Background(), api.VerifyRequest{Batch: m.Honest})
	if err != nil {
		t.Fatal(err)
	}
	files, err := epcisFormat.Write(exportpkg.Input{Report: ev.Report, Records: ev.Records})
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(files[0].Data, &doc); err != nil {
		t.Fatal(err)
	}
	stripSigned(doc)
	data, _ := json.Marshal(doc)
	path := filepath.Join(t.TempDir(), "from-another-system.jsonld")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}

	auditor := startNode(t, nodeConfig{name: "auditor", org: scenario.Key("auditor"), device: scenario.Key("auditor/device-1")})
	u := newTestUI(t, auditor, Options{})
	u.show(screenVerify)
	u.files.(*stubPicker).openPath = path
	u.verify.openExport()
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "Review") || len(u.draftCards) == 0 {
		t.Fatalf("no drafts to review: %q", texts(d))
	}
	before := len(feed(t, auditor, scenario.Key("auditor/device-1").Public()))
	var signed, refused int
	for _, c := range u.draftCards {
		test.Tap(c.sign)
		settle(t, u)
		switch {
		case strings.HasPrefix(c.status.Text, "Recorded as"):
			signed++
		case strings.HasPrefix(c.status.Text, "Not signed:"):
			refused++
		default:
			t.Errorf("after Sign the draft says %q", c.status.Text)
		}
	}
	after := len(feed(t, auditor, scenario.Key("auditor/device-1").Public()))
	if signed == 0 || refused == 0 || after-before != signed {
		t.Errorf("%d drafts signed, %d refused, %d records stored; want some of each, and one record a signature", signed, refused, after-before)
	}
}

// stripSigned removes the signed records an EPCIS export carries, as a
// document from another system would not have them.
func stripSigned(v any) {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"jejak:record", "jejak:signature", "jejak:cid", "jejak:evidence"} {
			delete(v, k)
		}
		if attrs, ok := v["attributes"].([]any); ok {
			var keep []any
			for _, a := range attrs {
				if id, _ := a.(map[string]any)["id"].(string); id == "jejak:record" || id == "jejak:signature" || id == "jejak:cid" {
					continue
				}
				keep = append(keep, a)
			}
			v["attributes"] = keep
		}
		for _, x := range v {
			stripSigned(x)
		}
	case []any:
		for _, x := range v {
			stripSigned(x)
		}
	}
}

// TestOriginsShowTheLand: the Origins tab says, per plot, what its record
// shows for the EUDR.
func TestOriginsShowTheLand(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{})
	u.show(screenVerify)
	scan(t, u, m.Honest.String())
	r := u.verify.report
	if r == nil || len(r.Origins) == 0 {
		t.Fatal("no origins")
	}
	plots := 0
	for _, o := range r.Origins {
		if o.Kind != protocol.PlacePlot {
			continue
		}
		plots++
		if got := u.originCell(o, 7); !strings.HasPrefix(got, "assessed 2024-01-15 · land title") {
			t.Errorf("plot %q shows %q for the EUDR", o.Name, got)
		}
	}
	if plots == 0 {
		t.Errorf("the mill's origins hold no plot to show: %+v", r.Origins)
	}
	if got := u.landCell(&provenance.PlotEvidence{Status: provenance.PlotNotAssessed}); got != "not assessed · no legality evidence" {
		t.Errorf("a bare plot shows %q", got)
	}
}

// TestExportSumIsTheContent: drafts are named by the document's bytes, so
// two documents of one name give drafts of their own, and one document
// read twice the same.
func TestExportSumIsTheContent(t *testing.T) {
	doc := func(lot string) []byte {
		return []byte(`{"@context":["https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"],"type":"EPCISDocument","schemaVersion":"2.0","creationDate":"2024-03-01T00:00:00Z","epcisBody":{"eventList":[{"type":"ObjectEvent","eventTime":"2024-03-01T00:00:00Z","eventTimeZoneOffset":"+08:00","action":"ADD","bizStep":"commissioning","quantityList":[{"epcClass":"urn:epc:class:lgtin:9506000134352.` + lot + `","quantity":4,"uom":"TNE"}]}]}}`)
	}
	read := func(dir string, data []byte) [sha256.Size]byte {
		t.Helper()
		path := filepath.Join(dir, "export.jsonld")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		x, err := readExport(path)
		if err != nil {
			t.Fatal(err)
		}
		if want := sha256.Sum256(data); x.sum != want {
			t.Fatalf("sum %x, want the file's %x", x.sum, want)
		}
		return x.sum
	}
	a, b := read(t.TempDir(), doc("A1")), read(t.TempDir(), doc("B2"))
	if a == b {
		t.Error("two documents of one name have one sum: their drafts would be taken for each other's")
	}
	if read(t.TempDir(), doc("A1")) != a {
		t.Error("one document read twice has two sums")
	}
}

// TestOpenCapsule: a buyer opens the capsule a mill exported: verified on
// this computer with the buyer's own anchors, nothing stored; a changed
// byte is refused, naming the record.
func TestOpenCapsule(t *testing.T) {
	m := startMill(t)
	mill := newTestUI(t, m, Options{})
	mill.show(screenVerify)
	scan(t, mill, m.PK.String())
	ev, err := m.testNode.Evidence(context.Background(), api.VerifyRequest{Batch: m.PK})
	if err != nil {
		t.Fatal(err)
	}
	f, err := exportpkg.Lookup("capsule")
	if err != nil {
		t.Fatal(err)
	}
	files, err := f.Write(exportpkg.Input{Report: ev.Report, Records: ev.Records, Network: ev.Network, Maker: ev.Maker})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), files[0].Name)
	if err := os.WriteFile(path, files[0].Data, 0o644); err != nil {
		t.Fatal(err)
	}
	buyer := startNode(t, nodeConfig{name: "buyer", org: scenario.Key("buyer"), device: scenario.Key("buyer/device-1"),
		anchors: []anchor{{m.Anchor, anchorName}}})
	u := newTestUI(t, buyer, Options{})
	u.show(screenVerify)
	before, _ := buyer.Status(context.Background())
	u.files.(*stubPicker).openPath = path
	u.verify.openCapsule()
	settle(t, u)
	r := u.verify.report
	if r == nil || r.Batch != m.PK || r.Verdict != provenance.Trusted || !u.verify.msg.Visible() ||
		!strings.Contains(u.verify.msg.Text, "As far as this capsule shows") {
		t.Fatalf("after opening the capsule the screen shows %+v (%q)", r, texts(u.verify.obj))
	}
	if after, _ := buyer.Status(context.Background()); after.Records != before.Records {
		t.Errorf("opening a capsule stored %d records", after.Records-before.Records)
	}

	data := files[0].Data
	data[len(data)-20] ^= 1
	os.WriteFile(path, data, 0o644)
	u.verify.openCapsule()
	settle(t, u)
	if u.verify.report != nil || !strings.Contains(strings.Join(texts(u.verify.obj), " "), "do not match its ID") {
		t.Fatalf("a changed capsule shows %q", texts(u.verify.obj))
	}
}
