package provenance

import (
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
	b := newCheck("integrity")
	var traced, context int
	for _, e := range v.order {
		if e.traced {
			traced++
		} else {
			context++
		}
		b.judged++
		if e.problem.key == "" {
			// The rule nodes take records by (protocol.CheckTime): one
			// dated ahead of the clock does not count yet.
			if e.rec == nil {
				continue
			}
			switch t, _ := protocol.CheckTime(e.rec.Time, v.now); t {
			case protocol.Early, protocol.TooEarly:
				b.warn(CodeFutureTime, v.signer(m("reason.future_time", "record", e.cid.Short(), "date", when(e.rec.Time),
					"minutes", int(protocol.ClockAhead.Minutes()), "from", when(protocol.TakeAt(e.rec.Time).UnixMilli())), "signer", e.rec.Author), e.cid)
			case protocol.Refused:
				b.fail(CodeFutureTime, v.signer(m("reason.future_time.refused", "record", e.cid.Short(), "date", when(e.rec.Time)), "signer", e.rec.Author), e.cid)
			}
			continue
		}
		what := m("reason.who.bare", "who_record", e.cid.Short())
		if e.rec != nil {
			what = v.who(e)
		}
		if e.code == CodeMissing {
			text := m("reason.missing_record")
			if !e.refBy.IsZero() {
				text = m("reason.missing_record.ref", "ref", e.refBy.Short())
				if ref := v.entries[e.refBy]; ref != nil && ref.rec != nil {
					text = v.signer(m("reason.missing_record.ref_by", "ref", e.refBy.Short()), "ref_signer", ref.rec.Author)
				}
			} else if e.refWhat.key != "" {
				text = m("reason.missing_record.what")
			}
			if e.refWhat.key != "" {
				text = text.nest("what", e.refWhat)
			}
			text = text.nest("who", what).nest("where", v.notFound(e))
			b.add(LevelFail, CodeMissing, text, []protocol.CID{e.cid, e.refBy}, nil)
			continue
		}
		b.fail(e.code, m("reason.problem").nest("who", what).nest("problem", e.problem), e.cid)
	}
	for _, bt := range v.batchOrder {
		if bt.broken.key != "" && bt.traced {
			text := bt.broken
			if !bt.refBy.IsZero() {
				text = m("reason.not_a_batch.ref", "ref", bt.refBy.Short()).nest("finding", text)
			}
			b.fail(CodeNotABatch, text, bt.prod.cid, bt.refBy)
		}
	}
	if v.stats.Truncated {
		b.fail(CodeTruncated, m("reason.truncated", "n", v.opts.MaxRecords))
	}
	pass := "report.summary.integrity.pass"
	if v.opts.SkipSignatures {
		pass = "report.summary.integrity.pass.taken"
	}
	return b.done(m(pass, "traced", traced, "context", context), m("report.summary.integrity.skip"))
}

// notFound says where a missing record was looked for.
func (v *verifier) notFound(e *entry) msg {
	switch {
	case v.opts.Fetch == nil:
		return m("reason.not_found")
	case len(e.asked) == 0:
		return m("reason.not_found.no_peers")
	}
	return m("reason.not_found.asked", "n", len(e.asked), "peers", shortPeers(e.asked))
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
