package epcis_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// FuzzImport feeds Import GS1's examples, a Jejak export and a few broken
// documents, mutated: it must never panic, must fail only with its own
// kinds of error, and must give a result whose references point at its
// drafts.
func FuzzImport(f *testing.F) {
	for _, doc := range examples(f) {
		f.Add(doc)
	}
	f.Add(exportAll(f, scenario.HonestElectronics()))
	f.Add([]byte(docWith(event)))
	f.Add([]byte(`{"type":"EPCISDocument","@context":[],"schemaVersion":"2.0","creationDate":"2024-03-01T00:00:00Z","epcisBody":{"eventList":[{}]}}`))
	f.Add([]byte(`[[[[[[[[[[`))
	opts := epcis.ImportOptions{Limits: epcis.Limits{MaxBytes: 1 << 20, MaxItems: 1000, MaxValues: 20_000}}
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := epcis.Import(bytes.NewReader(doc), opts)
		if err != nil {
			if !errors.Is(err, epcis.ErrMalformed) && !errors.Is(err, epcis.ErrTooLarge) {
				t.Fatalf("error of no known kind: %v", err)
			}
			return
		}
		for _, r := range res.Unresolved {
			if r.Draft < 0 || r.Draft >= len(res.Drafts) {
				t.Fatalf("reference to draft %d of %d", r.Draft, len(res.Drafts))
			}
		}
		for _, d := range res.Drafts {
			if d.Body == nil {
				t.Fatal("a draft with no body")
			}
		}
		for _, u := range res.Unmapped {
			if u.Reason == "" {
				t.Fatalf("unmapped %s with no reason", u.Path)
			}
		}
	})
}
