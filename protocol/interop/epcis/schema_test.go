package epcis_test

import (
	"testing"

	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestExportValidates checks every export against GS1's schema: the
// evidence of each scenario's batch, and all of each scenario's records.
func TestExportValidates(t *testing.T) {
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			doc, _ := exportEvidence(t, s)
			validate(t, doc)
			validate(t, exportAll(t, s))
		})
	}
}

// TestGS1ExamplesValidate checks the validator itself on GS1's own
// examples, which GS1 says are valid.
func TestGS1ExamplesValidate(t *testing.T) {
	for name, doc := range examples(t) {
		t.Run(name, func(t *testing.T) { validate(t, doc) })
	}
}
