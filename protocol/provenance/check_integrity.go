package provenance

import (
	"fmt"
	"strings"

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
			// The rule nodes take records by (protocol.CheckTime): one
			// dated ahead of the clock does not count yet.
			if e.rec == nil {
				continue
			}
			switch t, _ := protocol.CheckTime(e.rec.Time, v.now); t {
			case protocol.Early, protocol.TooEarly:
				b.warn(CodeFutureTime, fmt.Sprintf("record %s by %s is dated %s, more than %d minutes ahead of this computer's clock: peers take it only from %s",
					e.cid.Short(), v.signerName(e.rec.Author), when(e.rec.Time), int(protocol.ClockAhead.Minutes()), when(protocol.TakeAt(e.rec.Time).UnixMilli())), e.cid)
			case protocol.Refused:
				b.fail(CodeFutureTime, fmt.Sprintf("record %s by %s is dated %s, more than a year ahead of this computer's clock: no peer takes it", e.cid.Short(), v.signerName(e.rec.Author), when(e.rec.Time)), e.cid)
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
				by := ""
				if ref := v.entries[e.refBy]; ref != nil && ref.rec != nil {
					by = " of " + v.signerName(ref.rec.Author)
				}
				text += fmt.Sprintf(": it is the %s named by record %s%s, and %s", e.refWhat, e.refBy.Short(), by, v.notFound(e))
			} else if e.refWhat != "" {
				text += " (" + e.refWhat + "): " + v.notFound(e)
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
		signed = "signatures checked when each record was taken in (from a peer or a file)"
	}
	return b.done(fmt.Sprintf("%d records in the trace and %d supporting records, all present, matching their CIDs, %s", traced, context, signed), "nothing to check")
}

// notFound says where a missing record was looked for.
func (v *verifier) notFound(e *entry) string {
	switch {
	case v.opts.Fetch == nil:
		return "this computer does not have it"
	case len(e.asked) == 0:
		return "this computer does not have it and no peer was connected to ask"
	}
	return fmt.Sprintf("this computer does not have it, nor did the %s asked (%s); its maker may be offline",
		plural(len(e.asked), "peer", "peers"), shortPeers(e.asked))
}

// shortPeers lists peer IDs by their last characters.
func shortPeers(ps []string) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		if len(p) > 8 {
			p = "…" + p[len(p)-6:]
		}
		out[i] = p
	}
	return strings.Join(out, ", ")
}
