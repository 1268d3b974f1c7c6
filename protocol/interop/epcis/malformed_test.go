package epcis_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol/interop/epcis"
)

// event is a well-formed ObjectEvent for building documents in tests.
const event = `{"type":"ObjectEvent","action":"OBSERVE","bizStep":"shipping","eventTime":"2024-03-01T05:00:00.000Z","eventTimeZoneOffset":"+00:00",
	"quantityList":[{"epcClass":"urn:epc:class:lgtin:4012345.012345.998877","quantity":200,"uom":"KGM"}]}`

// docWith returns a document whose eventList is events.
func docWith(events ...string) string {
	return `{"@context":["` + epcis.ContextURL + `"],"type":"EPCISDocument","schemaVersion":"2.0",
		"creationDate":"2024-03-02T00:00:00Z","epcisBody":{"eventList":[` + strings.Join(events, ",") + `]}}`
}

// TestImportRefusesMalformed checks that a malformed document is refused
// with the JSON path of its problem.
func TestImportRefusesMalformed(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"not JSON", `{"type":`, "epcis: import: document: not JSON: the document ends too early"},
		{"broken JSON", `{"type" "EPCISDocument"}`, "epcis: import: document: not JSON at line 1, column 10: invalid character"},
		{"an array", `[]`, "epcis: import: document: want an object, not an array"},
		{"data after the end", docWith() + ` {}`, "epcis: import: document: not JSON at line 2, column 72: invalid character '{' after top-level value"},
		{"no type", `{"@context":"x"}`, "epcis: import: type: missing"},
		{"another type", `{"type":"ObjectEvent"}`, `epcis: import: type: "ObjectEvent": want EPCISDocument or EPCISQueryDocument`},
		{"no context", `{"type":"EPCISDocument"}`, "epcis: import: @context: missing"},
		{"EPCIS 1.2", strings.Replace(docWith(), `"2.0"`, `"1.2"`, 1), `epcis: import: schemaVersion: "1.2": want 2.0`},
		{"bad creation date", strings.Replace(docWith(), "2024-03-02T00:00:00Z", "yesterday", 1), `epcis: import: creationDate: "yesterday" is not a date-time`},
		{"no body", strings.Replace(docWith(), `"epcisBody"`, `"epcisBodies"`, 1), "epcis: import: epcisBody: missing"},
		{"events not a list", strings.Replace(docWith(), `[]}}`, `{}}}`, 1), "epcis: import: epcisBody.eventList: want an array, not an object"},
		{"event not an object", docWith(`"shipping"`), "epcis: import: epcisBody.eventList[0]: want an object, not a string"},
		{"quantity as text", docWith(event, event, event, strings.Replace(event, `"quantity":200`, `"quantity":"200"`, 1)),
			"epcis: import: epcisBody.eventList[3].quantityList[0].quantity: want a number"},
		{"no epcClass", docWith(strings.Replace(event, `"epcClass":"urn:epc:class:lgtin:4012345.012345.998877",`, ``, 1)),
			"epcis: import: epcisBody.eventList[0].quantityList[0].epcClass: missing"},
		{"bad event time", docWith(strings.Replace(event, "2024-03-01T05:00:00.000Z", "2024-03-01 05:00", 1)),
			`epcis: import: epcisBody.eventList[0].eventTime: "2024-03-01 05:00" is not a date-time`},
		{"no time zone", docWith(strings.Replace(event, `"eventTimeZoneOffset":"+00:00",`, ``, 1)),
			"epcis: import: epcisBody.eventList[0].eventTimeZoneOffset: missing"},
		{"bad time zone", docWith(strings.Replace(event, `"+00:00"`, `"UTC"`, 1)),
			`epcis: import: epcisBody.eventList[0].eventTimeZoneOffset: "UTC" is not a time zone offset`},
		{"EPC not a string", docWith(strings.Replace(event, `"quantityList"`, `"epcList":[7],"x"`, 1)),
			"epcis: import: epcisBody.eventList[0].epcList[0]: want a string, not a number"},
		{"name twice", docWith(strings.Replace(event, `"action":"OBSERVE",`, `"action":"OBSERVE","action":"ADD",`, 1)),
			"epcis: import: epcisBody.eventList[0].action: the name appears twice in one object"},
		{"source without type", docWith(strings.Replace(event, `"quantityList"`, `"sourceList":[{"source":"urn:x"}],"x"`, 1)),
			"epcis: import: epcisBody.eventList[0].sourceList[0].type: missing"},
		{"error declaration without time", docWith(strings.Replace(event, `"quantityList"`, `"errorDeclaration":{"reason":"did_not_occur"},"x"`, 1)),
			"epcis: import: epcisBody.eventList[0].errorDeclaration.declarationTime: missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := epcis.Import(strings.NewReader(tc.doc), epcis.ImportOptions{})
			if err == nil {
				t.Fatalf("accepted: %d drafts", len(res.Drafts))
			}
			if !errors.Is(err, epcis.ErrMalformed) {
				t.Errorf("error %v is not ErrMalformed", err)
			}
			var pe *epcis.PathError
			if !errors.As(err, &pe) {
				t.Errorf("error %v is not a *PathError", err)
			}
			if !strings.HasPrefix(err.Error(), tc.want) {
				t.Errorf("error\n got %s\nwant %s…", err, tc.want)
			}
		})
	}
}

// TestImportWellFormed checks the small document the malformed cases
// start from: it is accepted.
func TestImportWellFormed(t *testing.T) {
	res, err := epcis.Import(strings.NewReader(docWith(event)), epcis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Drafts) != 1 {
		t.Errorf("%d drafts, want 1 transfer", len(res.Drafts))
	}
}
