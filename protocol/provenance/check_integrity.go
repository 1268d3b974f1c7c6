package provenance

import (
	"fmt"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Integrity reason codes.
const (
	CodeMissing      = "missing_record"
	CodeCIDMismatch  = "cid_mismatch"
	CodeMalformed    = "malformed_record"
	CodeBadSignature = "bad_signature"
	CodeNotABatch    = "not_a_batch"
	CodeTruncated    = "truncated"
	CodeFutureTime   = "future_time"
)

// futureSlack is how far ahead of the clock a record's time may be before
// the integrity check warns.
const futureSlack = 24 * time.Hour

// checkIntegrity: every record the trace needs is present, matches its
// CID and carries a valid signature; every batch reference names a batch.
func (v *verifier) checkIntegrity() Check {
	b := newCheck("integrity", "Integrity")
	var traced, context int
	for _, e := range v.order {
		if e.traced {
			traced++
		} else {
			context++
		}
		b.judged++
		if e.problem == "" {
			if e.rec != nil && e.rec.Time > v.now.Add(futureSlack).UnixMilli() {
				b.warn(CodeFutureTime, fmt.Sprintf("record %s by %s is dated %s, in the future", e.cid.Short(), v.signerName(e.rec.Author), when(e.rec.Time)), e.cid)
			}
			continue
		}
		what := "record " + e.cid.Short()
		if e.rec != nil {
			what = fmt.Sprintf("%s record %s by %s", e.rec.Type(), e.cid.Short(), v.signerName(e.rec.Author))
		}
		if e.code == CodeMissing {
			text := what + " is missing"
			if !e.refBy.IsZero() {
				text += fmt.Sprintf(": it is the %s named by record %s, and %s", e.refWhat, e.refBy.Short(), v.notFound())
			} else if e.refWhat != "" {
				text += " (" + e.refWhat + "): " + v.notFound()
			}
			b.add(LevelFail, CodeMissing, text, []protocol.CID{e.cid, e.refBy}, nil)
			continue
		}
		b.fail(e.code, what+": "+e.problem, e.cid)
	}
	for _, bt := range v.batchOrder {
		if bt.broken != "" && bt.traced {
			text := bt.broken
			if !bt.refBy.IsZero() {
				text += fmt.Sprintf(" (referenced by record %s)", bt.refBy.Short())
			}
			b.fail(CodeNotABatch, text, bt.prod.cid, bt.refBy)
		}
	}
	if v.stats.Truncated {
		b.fail(CodeTruncated, fmt.Sprintf("the trace stopped at %d records (the limit); the rest was not checked", v.opts.MaxRecords))
	}
	signed := "signed by their authors"
	if v.opts.SkipSignatures {
		signed = "signatures checked by the source when it stored them"
	}
	return b.done(fmt.Sprintf("%d records in the trace and %d supporting records, all present, matching their CIDs, %s", traced, context, signed), "nothing to check")
}

// notFound says where a missing record was looked for.
func (v *verifier) notFound() string {
	if v.opts.Fetch != nil {
		return "neither this node nor its peers have it"
	}
	return "this node does not have it"
}
