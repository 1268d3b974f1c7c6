package epcis_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// importDoc imports doc and fails the test on an error.
func importDoc(t testing.TB, doc []byte) *epcis.Result {
	t.Helper()
	res, err := epcis.Import(bytes.NewReader(doc), epcis.ImportOptions{})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

// draftKey is how a test finds the draft a record became: an event's
// eventID names its record, a location's id its place; a correction is
// found by the record it corrects.
func draftKey(d epcis.Draft) string {
	if c, ok := d.Body.(*protocol.Correct); ok {
		return "correct " + epcis.RecordURI(c.Record)
	}
	return string(d.Body.Type()) + " " + d.ID
}

func recordKey(s protocol.Signed) string {
	switch b := s.Body.(type) {
	case *protocol.Place:
		return "place " + epcis.PlaceURI(s.CID)
	case *protocol.Correct:
		return "correct " + epcis.RecordURI(b.Record)
	}
	return string(s.Type()) + " " + epcis.RecordURI(s.CID)
}

// becomesDraft says whether an export of recs writes s as an event or a
// location, so that importing it gives a draft: places, origins,
// processes and transfers always; a receipt with its transfer; a
// correction with the event it corrects.
func becomesDraft(s protocol.Signed, recs map[protocol.CID]protocol.Signed) bool {
	switch b := s.Body.(type) {
	case *protocol.Place, *protocol.Origin, *protocol.Process, *protocol.Transfer:
		return true
	case *protocol.Receive:
		t, ok := recs[b.Transfer]
		return ok && t.Type() == protocol.TypeTransfer
	case *protocol.Correct:
		old, ok := recs[b.Record]
		return ok && old.Type() != protocol.TypeCorrect && becomesDraft(old, recs)
	}
	return false
}

// checkRoundTrip imports an export of recs and checks that it gives back
// every record: each event and place as a draft with the same body (and
// time), from the EPCIS fields alone, marked as signed by the record it
// carries; and every record, whole, among the carried records. Nothing is
// unmapped, unresolved or a problem.
func checkRoundTrip(t *testing.T, doc []byte, recs []protocol.Signed) *epcis.Result {
	t.Helper()
	res := importDoc(t, doc)
	for _, u := range res.Unmapped {
		t.Errorf("unmapped: %s = %s (%s)", u.Path, u.Value, u.Reason)
	}
	for _, r := range res.Unresolved {
		t.Errorf("unresolved: %s of draft %d: %q at %s", r.Field, r.Draft, r.URI, r.Path)
	}
	for _, p := range res.Problems {
		t.Errorf("problem: %s: %s", p.Path, p.Text)
	}
	byCID := map[protocol.CID]protocol.Signed{}
	for _, s := range recs {
		byCID[s.CID] = s
	}
	carried := map[protocol.CID][]byte{}
	for _, s := range res.Records {
		carried[s.CID] = s.Bytes
	}
	drafts := map[string]epcis.Draft{}
	for _, d := range res.Drafts {
		k := draftKey(d)
		if _, dup := drafts[k]; dup {
			t.Errorf("two drafts for %s", k)
		}
		drafts[k] = d
	}
	want := 0
	for _, s := range byCID {
		if b, ok := carried[s.CID]; !ok || !bytes.Equal(b, s.Bytes) {
			t.Errorf("%s record %s is not carried whole", s.Type(), s.CID)
		}
		if !becomesDraft(s, byCID) {
			continue
		}
		want++
		d, ok := drafts[recordKey(s)]
		if !ok {
			t.Errorf("%s record %s gave no draft", s.Type(), s.CID)
			continue
		}
		if !reflect.DeepEqual(d.Body, s.Body) {
			got, _ := json.Marshal(d.Body)
			orig, _ := json.Marshal(s.Body)
			t.Errorf("%s record %s: draft body differs\n got %s\nwant %s", s.Type(), s.CID, got, orig)
		}
		if _, isPlace := s.Body.(*protocol.Place); !isPlace && d.Time != s.Time {
			t.Errorf("%s record %s: draft time %d, record time %d", s.Type(), s.CID, d.Time, s.Time)
		}
		if d.Signed != s.CID {
			t.Errorf("%s record %s: draft not marked as signed by it (got %v)", s.Type(), s.CID, d.Signed)
		}
	}
	if len(res.Drafts) != want {
		t.Errorf("%d drafts, want %d", len(res.Drafts), want)
	}
	return res
}

// TestRoundTrip exports each scenario, as the evidence of its batch and as
// all its records, imports the document, and gets the same records back.
func TestRoundTrip(t *testing.T) {
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			doc, recs := exportEvidence(t, s)
			res := checkRoundTrip(t, doc, recs)
			if res.Batch != s.Batch {
				t.Errorf("batch %v, want %v", res.Batch, s.Batch)
			}
			checkRoundTrip(t, exportAll(t, s), s.Records)
		})
	}
}

// TestRoundTripFieldsAlone strips every carried record from an export: the
// EPCIS fields alone still give the same bodies, now as unsigned drafts.
func TestRoundTripFieldsAlone(t *testing.T) {
	for _, s := range []*scenario.Scenario{scenario.HonestPalmCorrected(), scenario.HonestElectronics()} {
		t.Run(s.Name, func(t *testing.T) {
			var doc map[string]any
			if err := json.Unmarshal(exportAll(t, s), &doc); err != nil {
				t.Fatal(err)
			}
			stripCarried(doc)
			stripped, _ := json.Marshal(doc)
			res := importDoc(t, stripped)
			if len(res.Records) != 0 || len(res.Unresolved) != 0 || len(res.Problems) != 0 {
				t.Errorf("records %d, unresolved %v, problems %v", len(res.Records), res.Unresolved, res.Problems)
			}
			// Without its signed profile, an organisation's name and
			// country have no record to go in: they are listed.
			for _, u := range res.Unmapped {
				if !strings.Contains(u.Value, "urn:epcglobal:cbv:mda#name") && !strings.Contains(u.Value, "urn:epcglobal:cbv:mda#countryCode") {
					t.Errorf("unmapped: %s = %s (%s)", u.Path, u.Value, u.Reason)
				}
			}
			drafts := map[string]epcis.Draft{}
			for _, d := range res.Drafts {
				drafts[draftKey(d)] = d
			}
			byCID := map[protocol.CID]protocol.Signed{}
			for _, r := range s.Records {
				byCID[r.CID] = r
			}
			for _, r := range s.Records {
				if !becomesDraft(r, byCID) {
					continue
				}
				d, ok := drafts[recordKey(r)]
				switch {
				case !ok:
					t.Errorf("%s record %s gave no draft", r.Type(), r.CID)
				case !reflect.DeepEqual(d.Body, r.Body):
					t.Errorf("%s record %s: draft body differs", r.Type(), r.CID)
				case !d.Signed.IsZero():
					t.Errorf("%s record %s: marked signed with no record carried", r.Type(), r.CID)
				}
			}
		})
	}
}

// stripCarried removes jejak:cid, jejak:signature and jejak:record (and the
// header's evidence) wherever they are, attributes included.
func stripCarried(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for _, k := range []string{"jejak:cid", "jejak:signature", "jejak:record", "jejak:evidence"} {
			delete(v, k)
		}
		for k, x := range v {
			v[k] = stripCarried(x)
		}
	case []any:
		var kept []any
		for _, x := range v {
			if m, ok := x.(map[string]any); ok {
				switch m["id"] {
				case "jejak:cid", "jejak:signature", "jejak:record":
					continue
				}
			}
			kept = append(kept, stripCarried(x))
		}
		return kept
	}
	return v
}
