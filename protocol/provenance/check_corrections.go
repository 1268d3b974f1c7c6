package provenance

import (
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
	b := newCheck("corrections")
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
		b.info(CodeCorrected, m("reason.corrected", "date", day(k.by.rec.Time), "by", k.by.cid.Short(), "cause", reason, "final", k.final.Short()).nest("who", v.who(e)), e.cid, k.by.cid, k.final)
	}
	for _, bt := range v.batchOrder {
		if !bt.traced || !bt.corr.retracted || bt.corr.by == nil {
			continue
		}
		by := bt.corr.by
		text := m("reason.retracted_in_use", "batch", shortBatch(bt.id), "date", day(by.rec.Time), "record", by.cid.Short(), "cause", by.rec.Body.(*protocol.Correct).Reason)
		if !bt.refBy.IsZero() {
			text = text.with("user", bt.refBy.Short())
			text.key = "reason.retracted_in_use.by"
		}
		b.fail(CodeRetracted, text, bt.id.Record, by.cid, bt.refBy)
	}
	for _, is := range v.corrIssues {
		b.warn(CodeBadCorrection, is.text, is.correct.cid)
	}
	summary := m("report.summary.corrections.none")
	if n > 0 {
		summary = m("report.summary.corrections.pass", "n", n)
	}
	return b.done(summary, m("report.summary.no_records"))
}
