package epcis_test

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// editExport exports the electronics scenario, lets edit change the
// document, and imports the result.
func editExport(t *testing.T, edit func(doc map[string]any)) *epcis.Result {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(exportAll(t, scenario.HonestElectronics()), &doc); err != nil {
		t.Fatal(err)
	}
	edit(doc)
	b, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return importDoc(t, b)
}

// firstEvent returns the first event of a type and bizStep.
func firstEvent(t *testing.T, doc map[string]any, typ, step string) map[string]any {
	t.Helper()
	for _, e := range doc["epcisBody"].(map[string]any)["eventList"].([]any) {
		ev := e.(map[string]any)
		if ev["type"] == typ && ev["bizStep"] == step && ev["errorDeclaration"] == nil {
			return ev
		}
	}
	t.Fatalf("no %s %s in the export", typ, step)
	return nil
}

// TestImportSpotsEditedEvents checks what a reader learns from a Jejak
// export whose EPCIS fields were changed after it was written: the draft
// follows the fields, is not taken for the signed record, and a problem
// names the field that differs.
func TestImportSpotsEditedEvents(t *testing.T) {
	res := editExport(t, func(doc map[string]any) {
		ev := firstEvent(t, doc, "ObjectEvent", "shipping")
		ev["quantityList"].([]any)[0].(map[string]any)["quantity"] = json.Number("2500")
	})
	var got *epcis.Draft
	for i, d := range res.Drafts {
		if tr, ok := d.Body.(*protocol.Transfer); ok && tr.Qty.Milli == 2_500_000 {
			got = &res.Drafts[i]
		}
	}
	if got == nil {
		t.Fatal("no transfer draft of the edited quantity")
	}
	if !got.Signed.IsZero() {
		t.Error("the edited event is taken for its signed record")
	}
	if len(res.Problems) != 1 || res.Problems[0].Path != got.Path || !strings.Contains(res.Problems[0].Text, "body.qty") {
		t.Errorf("problems %+v, want one at %s naming body.qty", res.Problems, got.Path)
	}
}

// TestImportSpotsBrokenRecords checks carried records that do not verify:
// bytes changed, and a CID that names another record.
func TestImportSpotsBrokenRecords(t *testing.T) {
	tests := []struct {
		name string
		edit func(ev map[string]any)
		want string
	}{
		{"bytes changed", func(ev map[string]any) {
			rec := []byte(ev["jejak:record"].(string))
			i := len(rec) / 2
			rec[i] = map[bool]byte{true: 'B', false: 'A'}[rec[i] == 'A']
			ev["jejak:record"] = string(rec)
		}, "the record does not open"},
		{"another CID", func(ev map[string]any) {
			ev["jejak:cid"] = "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"
		}, "but the record carried is"},
		{"another signature", func(ev map[string]any) {
			ev["jejak:signature"] = strings.Repeat("A", 86) + "=="
		}, "is not the signature of the record carried"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var cid string
			res := editExport(t, func(doc map[string]any) {
				ev := firstEvent(t, doc, "TransformationEvent", "commissioning")
				cid = ev["jejak:cid"].(string)
				tc.edit(ev)
			})
			if len(res.Problems) != 1 || !strings.Contains(res.Problems[0].Text, tc.want) {
				t.Errorf("problems %+v, want one saying %q", res.Problems, tc.want)
			}
			for _, s := range res.Records {
				if s.CID.String() == cid {
					t.Error("the broken record is among the verified records")
				}
			}
			for _, d := range res.Drafts {
				if d.Signed.String() == cid {
					t.Error("a draft is taken for the broken record")
				}
			}
		})
	}
}

// TestImportForeignJejakPrefix checks that jejak: fields are Jejak's only
// when the @context says so: under another namespace they are extensions
// like any other, listed as unmapped.
func TestImportForeignJejakPrefix(t *testing.T) {
	doc := strings.Replace(docWith(strings.Replace(event, `"action"`, `"jejak:cid":"bafy","action"`, 1)),
		`"@context":["`+epcis.ContextURL+`"]`, `"@context":["`+epcis.ContextURL+`",{"jejak":"https://jejak.example/other#"}]`, 1)
	res := importDoc(t, []byte(doc))
	if len(res.Unmapped) != 1 || res.Unmapped[0].Path != "epcisBody.eventList[0].jejak:cid" ||
		!strings.Contains(res.Unmapped[0].Reason, "@context does not say jejak is urn:jejak:epcis:") {
		t.Errorf("unmapped %+v, want the jejak:cid listed with the reason", res.Unmapped)
	}
}

// TestImportProposesPlaces checks location master data from another
// system: a location with a latitude and longitude becomes a place draft,
// one without stays unmapped.
func TestImportProposesPlaces(t *testing.T) {
	doc := strings.Replace(docWith(), `"epcisBody"`, `"epcisHeader":{"epcisMasterData":{"vocabularyList":[{"type":"urn:epcglobal:epcis:vtype:BusinessLocation",
		"vocabularyElementList":[
			{"id":"urn:epc:id:sgln:9551234.00001.0","attributes":[{"id":"urn:epcglobal:cbv:mda#name","attribute":"Estate 1"},
				{"id":"urn:epcglobal:cbv:mda#latitude","attribute":"+1.8025"},{"id":"urn:epcglobal:cbv:mda#longitude","attribute":103.95},
				{"id":"urn:epcglobal:cbv:mda#countryCode","attribute":"MY"},{"id":"urn:epcglobal:cbv:mda#city","attribute":"Kota Tinggi"}]},
			{"id":"urn:epc:id:sgln:9551234.00002.0","attributes":[{"id":"urn:epcglobal:cbv:mda#name","attribute":"Office"}]}]}]}},"epcisBody"`, 1)
	res := importDoc(t, []byte(doc))
	if len(res.Drafts) != 1 {
		t.Fatalf("%d drafts, want 1 place", len(res.Drafts))
	}
	pl := res.Drafts[0].Body.(*protocol.Place)
	want := protocol.Place{Name: "Estate 1", Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(103.95, 1.8025))}
	if pl.Name != want.Name || pl.Country != want.Country || *pl.Geo.Point != *want.Geo.Point || pl.Kind != "" {
		t.Errorf("place %+v, want %+v with no kind (the user picks it)", pl, want)
	}
	if res.Drafts[0].ID != "urn:epc:id:sgln:9551234.00001.0" {
		t.Errorf("draft ID %q, want the location's id", res.Drafts[0].ID)
	}
	var paths []string
	for _, u := range res.Unmapped {
		paths = append(paths, u.Path)
	}
	want2 := "epcisHeader.epcisMasterData.vocabularyList[0].vocabularyElementList[0].attributes[4] epcisHeader.epcisMasterData.vocabularyList[0].vocabularyElementList[1]"
	if strings.Join(paths, " ") != want2 {
		t.Errorf("unmapped %q, want the city and the office without a position", paths)
	}
}

// TestImportQueryDocument reads the events of an EPCIS query document.
func TestImportQueryDocument(t *testing.T) {
	doc := `{"@context":["` + epcis.ContextURL + `"],"type":"EPCISQueryDocument","schemaVersion":"2.0","creationDate":"2024-03-02T00:00:00Z",
		"epcisBody":{"queryResults":{"queryName":"SimpleEventQuery","resultsBody":{"eventList":[` + event + `]}}}}`
	res, err := epcis.Import(strings.NewReader(doc), epcis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Drafts) != 1 || res.Drafts[0].Path != "epcisBody.queryResults.resultsBody.eventList[0]" {
		t.Errorf("drafts %+v, want the query result's transfer", res.Drafts)
	}
}

// TestImportQuantities checks how quantities are read: exactly, in a
// finer unit when the unit cannot hold them, and units Jejak does not
// record are listed, not guessed.
func TestImportQuantities(t *testing.T) {
	tests := []struct {
		quantity, uom string
		want          protocol.Quantity
		problem       bool
	}{
		{"12.5", "TNE", protocol.Quantity{Milli: 12_500, Unit: protocol.TNE}, false},
		{"1e3", "KGM", protocol.Q(1_000, protocol.KGM), false},
		{"0.0005", "TNE", protocol.Quantity{Milli: 500, Unit: protocol.KGM}, false},
		{"2.0005", "KGM", protocol.Quantity{Milli: 2_000_500, Unit: protocol.GRM}, false},
		{"1.0005", "H87", protocol.Quantity{Milli: 1_001, Unit: protocol.H87}, true},
		{"-3", "LTR", protocol.Quantity{Milli: -3_000, Unit: protocol.LTR}, false},
	}
	for _, tc := range tests {
		ev := strings.Replace(strings.Replace(event, `"quantity":200`, `"quantity":`+tc.quantity, 1), `"uom":"KGM"`, `"uom":"`+tc.uom+`"`, 1)
		res := importDoc(t, []byte(docWith(ev)))
		if q := res.Drafts[0].Body.(*protocol.Transfer).Qty; q != tc.want {
			t.Errorf("%s %s: %v, want %v", tc.quantity, tc.uom, q, tc.want)
		}
		if (len(res.Problems) > 0) != tc.problem {
			t.Errorf("%s %s: problems %v", tc.quantity, tc.uom, res.Problems)
		}
	}
	res := importDoc(t, []byte(docWith(strings.Replace(event, `"uom":"KGM"`, `"uom":"LBR"`, 1))))
	if len(res.Unmapped) != 1 || res.Unmapped[0].Path != "epcisBody.eventList[0].quantityList[0]" || !strings.Contains(res.Unmapped[0].Reason, "LBR") {
		t.Errorf("unmapped %+v, want the pounds listed", res.Unmapped)
	}
}

// TestResultRecordBytesAndUnsigned: what a node imports from a document
// is the bytes of the records it carried, and what it offers to sign is
// every draft no carried record stands for: none of a Jejak export, the
// edited event of an export edited since, every draft of a document that
// carries no record.
func TestResultRecordBytesAndUnsigned(t *testing.T) {
	export := importDoc(t, exportAll(t, scenario.HonestElectronics()))
	if len(export.Records) == 0 || len(export.Drafts) == 0 {
		t.Fatalf("the export gives %d records and %d drafts", len(export.Records), len(export.Drafts))
	}
	got := export.RecordBytes()
	if len(got) != len(export.Records) {
		t.Fatalf("RecordBytes gives %d records, want %d", len(got), len(export.Records))
	}
	for i, b := range got {
		if !bytes.Equal(b, export.Records[i].Bytes) {
			t.Errorf("RecordBytes()[%d] is not the bytes of record %s", i, export.Records[i].CID)
		}
	}
	if u := export.Unsigned(); len(u) != 0 {
		t.Errorf("a Jejak export leaves drafts %v to sign, want none: each carries its record", u)
	}

	edited := editExport(t, func(doc map[string]any) {
		ev := firstEvent(t, doc, "ObjectEvent", "shipping")
		ev["quantityList"].([]any)[0].(map[string]any)["quantity"] = json.Number("2500")
	})
	var want []int
	for i, d := range edited.Drafts {
		if tr, ok := d.Body.(*protocol.Transfer); ok && tr.Qty.Milli == 2_500_000 {
			want = append(want, i)
		}
	}
	if u := edited.Unsigned(); len(want) != 1 || !slices.Equal(u, want) {
		t.Errorf("an edited export leaves drafts %v to sign, want the edited transfer %v", u, want)
	}

	// A draft that names a record the result does not hold is not signed.
	lost := &epcis.Result{Drafts: export.Drafts, Records: export.Records[1:]}
	var lostWant []int
	for i, d := range export.Drafts {
		if d.Signed == export.Records[0].CID {
			lostWant = append(lostWant, i)
		}
	}
	if u := lost.Unsigned(); len(lostWant) == 0 || !slices.Equal(u, lostWant) {
		t.Errorf("drafts %v are left to sign, want %v, whose record is not among the records", u, lostWant)
	}

	var none epcis.Result
	none.Drafts = []epcis.Draft{{Body: &protocol.Place{Name: "Blok A1"}}, {Body: &protocol.Place{Name: "Blok A2"}}}
	if u := none.Unsigned(); !slices.Equal(u, []int{0, 1}) || len(none.RecordBytes()) != 0 {
		t.Errorf("a document without records leaves drafts %v to sign and %d records, want both drafts and none", u, len(none.RecordBytes()))
	}
}
