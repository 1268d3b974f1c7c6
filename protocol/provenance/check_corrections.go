package provenance

import (
	"fmt"

	"github.com/jejak/jejak/protocol"
)

// Correction reason codes.
const (
	CodeCorrected     = "corrected"
	CodeRetracted     = "retracted_in_use"
	CodeBadCorrection = "invalid_correction"
)

// checkCorrections: a record its author superseded is shown as corrected
// and its replacement is used in its place; a batch its maker withdrew
// without a replacement must not be used; corrections by anyone but the
// record's own organisation are ignored.
func (v *verifier) checkCorrections() Check {
	b := newCheck("corrections", "Corrections")
	n := 0
	for _, e := range v.order {
		if !e.traced || e.rec == nil {
			continue
		}
		b.judged++
		k := v.canon(e.cid)
		if k.by == nil {
			continue
		}
		n++
		reason := k.by.rec.Body.(*protocol.Correct).Reason
		if k.retracted && k.final == e.cid {
			continue // reported below, per batch
		}
		b.info(CodeCorrected, fmt.Sprintf("%s record %s by %s was corrected on %s by record %s (reason: %q); its replacement %s is used instead",
			e.rec.Type(), e.cid.Short(), v.signerName(e.rec.Author), day(k.by.rec.Time), k.by.cid.Short(), reason, k.final.Short()), e.cid, k.by.cid, k.final)
	}
	for _, bt := range v.batchOrder {
		if !bt.traced || !bt.corr.retracted || bt.corr.by == nil {
			continue
		}
		by := bt.corr.by
		text := fmt.Sprintf("batch %s was withdrawn by its maker on %s (record %s, reason: %q), yet it is used", shortBatch(bt.id), day(by.rec.Time), by.cid.Short(), by.rec.Body.(*protocol.Correct).Reason)
		if !bt.refBy.IsZero() {
			text += " by record " + bt.refBy.Short()
		}
		b.fail(CodeRetracted, text, bt.id.Record, by.cid, bt.refBy)
	}
	for _, is := range v.corrIssues {
		b.warn(CodeBadCorrection, is.text, is.correct.cid)
	}
	summary := "no record in the trace was corrected"
	if n > 0 {
		summary = fmt.Sprintf("%s corrected by its author; the replacements are used", plural(n, "record was", "records were"))
	}
	return b.done(summary, "no records to check")
}
