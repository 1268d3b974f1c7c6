package epcis_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// TestImportGS1Examples imports each of GS1's examples and checks what a
// user reviewing it would see: the drafts proposed, the references left
// to resolve, and every field listed as unmapped, each with a reason.
func TestImportGS1Examples(t *testing.T) {
	tests := []struct {
		file       string
		drafts     []protocol.Type
		unresolved []string // "draft field kind URI"
		unmapped   []string // JSON paths
	}{
		{
			file: "Example-TransactionEvents-2020_07_03y.jsonld",
			unmapped: []string{
				"epcisBody.eventList[0]", // TransactionEvent
				"epcisBody.eventList[1]",
			},
		},
		{
			file:   "Example_9.6.1-ObjectEvent.jsonld",
			drafts: []protocol.Type{protocol.TypeTransfer, protocol.TypeReceive},
			unresolved: []string{
				"0 body.batch batch urn:epc:idpat:sgtin:0614141.107346.*",
				"0 body.to org ",
				"1 body.transfer transfer urn:epcglobal:cbv:bt:0614141073467:1152",
			},
			unmapped: []string{
				"id",
				"epcisBody.eventList[0].readPoint",
				"epcisBody.eventList[1].readPoint",
				"epcisBody.eventList[1].bizLocation",
				"epcisBody.eventList[1].bizTransactionList[0]",
				"epcisBody.eventList[1].example:myField",
			},
		},
		{
			file:       "Example_9.6.2-ObjectEvent.jsonld",
			drafts:     []protocol.Type{protocol.TypeReceive},
			unresolved: []string{"0 body.transfer transfer "},
			unmapped: []string{
				"id",
				"epcisBody.eventList[0].readPoint",
				"epcisBody.eventList[0].bizLocation",
				"epcisBody.eventList[0].sourceList[1]",
				"epcisBody.eventList[0].destinationList[1]",
				"epcisBody.eventList[0].example:myField",
			},
		},
		{
			file:     "Example_9.6.3-AggregationEvent.jsonld",
			unmapped: []string{"id", "epcisBody.eventList[0]"},
		},
		{
			file:   "Example_9.6.4-TransformationEvent.jsonld",
			drafts: []protocol.Type{protocol.TypeProcess},
			unresolved: []string{
				"0 body.in[0].batch batch urn:epc:class:lgtin:4012345.011111.4444",
				"0 body.in[1].batch batch urn:epc:class:lgtin:0614141.077777.987",
				"0 body.in[2].batch batch urn:epc:idpat:sgtin:4012345.066666.*",
				"0 body.in[3].batch batch urn:epc:idpat:sgtin:4012345.011122.*",
				"0 body.in[4].batch batch urn:epc:idpat:sgtin:4000001.065432.*",
				"0 body.place place urn:epc:id:sgln:4012345.00001.0",
			},
			unmapped: []string{
				"id",
				"epcisBody.eventList[0].disposition",
				"epcisBody.eventList[0].ilmd.example:bestBeforeDate",
				"epcisBody.eventList[0].ilmd.example:batch",
				"epcisBody.eventList[0].example:myField",
			},
		},
		{
			file:     "WithSensorData__SensorDataExample1.jsonld",
			unmapped: []string{"id", "epcisBody.eventList[0]"},
		},
	}
	ex := examples(t)
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			doc, ok := ex[tc.file]
			if !ok {
				t.Fatalf("GS1 example %s is not in the reference data", tc.file)
			}
			delete(ex, tc.file)
			res := importDoc(t, doc)
			var types []protocol.Type
			for _, d := range res.Drafts {
				types = append(types, d.Body.Type())
				if d.Path == "" || d.Time == 0 {
					t.Errorf("draft %s has no path or time: %+v", d.Body.Type(), d)
				}
			}
			if !slices.Equal(types, tc.drafts) {
				t.Errorf("drafts %v, want %v", types, tc.drafts)
			}
			var refs []string
			for _, r := range res.Unresolved {
				refs = append(refs, strings.Join([]string{string(rune('0' + r.Draft)), r.Field, string(r.Kind), r.URI}, " "))
				if r.Path == "" {
					t.Errorf("reference %s has no path", r.Field)
				}
			}
			if !slices.Equal(refs, tc.unresolved) {
				t.Errorf("unresolved\n got %q\nwant %q", refs, tc.unresolved)
			}
			var paths []string
			for _, u := range res.Unmapped {
				paths = append(paths, u.Path)
				if u.Reason == "" || u.Value == "" {
					t.Errorf("unmapped %s has no reason or value", u.Path)
				}
				if len(u.Value) > 200 {
					t.Errorf("unmapped %s: value of %d bytes is not shortened", u.Path, len(u.Value))
				}
			}
			if !slices.Equal(paths, tc.unmapped) {
				t.Errorf("unmapped\n got %q\nwant %q", paths, tc.unmapped)
			}
			if len(res.Problems) != 0 || len(res.Records) != 0 {
				t.Errorf("problems %v, records %d: GS1's examples carry no Jejak records", res.Problems, len(res.Records))
			}
		})
	}
	for name := range ex {
		t.Errorf("GS1 example %s has no case here: add one", name)
	}
}

// TestImportGS1ExampleDetails checks the values a draft takes from GS1's
// examples: quantities in the right units, instances counted per class,
// documents from business transactions, the acting party.
func TestImportGS1ExampleDetails(t *testing.T) {
	ex := examples(t)
	res := importDoc(t, ex["Example_9.6.1-ObjectEvent.jsonld"])
	tr := res.Drafts[0].Body.(*protocol.Transfer)
	if tr.Qty != protocol.Q(2, protocol.H87) {
		t.Errorf("two SGTINs shipped: qty %v, want 2 H87", tr.Qty)
	}
	if len(tr.Docs) != 1 || tr.Docs[0].Kind != "purchase-order" || tr.Docs[0].Ref != "http://transaction.acme.com/po/12345678" {
		t.Errorf("docs %+v, want the purchase order", tr.Docs)
	}
	if d := res.Drafts[0]; d.ID != "ni:///sha-256;df7bb3c352fef055578554f09f5e2aa41782150ced7bd0b8af24dd3ccb30ba69?ver=CBV2.0" || d.Time != 1112582011116 {
		t.Errorf("eventID %q, time %d", d.ID, d.Time)
	}

	res = importDoc(t, ex["Example_9.6.2-ObjectEvent.jsonld"])
	rc := res.Drafts[0].Body.(*protocol.Receive)
	if rc.Qty != protocol.Q(200, protocol.KGM) {
		t.Errorf("received %v, want 200 KGM", rc.Qty)
	}
	if p := res.Drafts[0].Party; p != "urn:epc:id:sgln:0614141.00001.0" {
		t.Errorf("party %q, want the owning party of the destination", p)
	}
	if h := res.Unresolved[0].Hint; !strings.Contains(h, "urn:epc:class:lgtin:4012345.012345.998877") || !strings.Contains(h, "urn:epc:id:sgln:4012345.00001.0") {
		t.Errorf("hint %q should name the class received and its sender", h)
	}

	res = importDoc(t, ex["Example_9.6.4-TransformationEvent.jsonld"])
	pr := res.Drafts[0].Body.(*protocol.Process)
	wantIn := []protocol.Quantity{protocol.Q(10, protocol.KGM), protocol.Q(30, protocol.H87), protocol.Q(220, protocol.H87),
		protocol.Q(1, protocol.H87), protocol.Q(1, protocol.H87)}
	for i, in := range pr.In {
		if in.Qty != wantIn[i] {
			t.Errorf("input %d: %v, want %v", i, in.Qty, wantIn[i])
		}
	}
	if len(pr.Out) != 1 || pr.Out[0].Qty != protocol.Q(4, protocol.H87) || pr.Out[0].Product != "urn:epc:idpat:sgtin:4012345.077889.*" {
		t.Errorf("outputs %+v, want 4 pieces of GTIN 4012345.077889", pr.Out)
	}
}
