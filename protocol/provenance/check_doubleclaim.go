package provenance

import (
	"strconv"

	"github.com/jejak/jejak/protocol"
)

// Double-claim reason codes.
const (
	CodeDoubleClaim  = "double_claim"
	CodeUnitMismatch = "unit_mismatch"
)

// shortBatch names a batch for people: "…abcd1234/0".
func shortBatch(id protocol.BatchID) string {
	return id.Record.Short() + "/" + strconv.FormatUint(uint64(id.Index), 10)
}

// checkDoubleClaim: no batch in the trace is consumed or sent beyond its
// quantity, counting every record the source knows that takes from it,
// not only the traced ones. Each holder is accounted separately: the
// maker holds the batch's quantity; an organisation that received part of
// it holds what it received.
func (v *verifier) checkDoubleClaim() Check {
	b := newCheck("double_claim")
	for _, bt := range v.batchOrder {
		if !bt.traced {
			continue
		}
		if !bt.known() || bt.corr.retracted {
			b.unknown = b.unknown || !bt.known()
			continue
		}
		b.judged++
		l := v.ledgerOf(bt)
		unit := bt.out.Qty.Unit
		for _, o := range l.order {
			h := l.holders[o]
			if h.claimed <= h.available {
				continue
			}
			q := inUnits(unit, h.available, h.claimed)
			key := "reason.double_claim.received"
			if h.producer {
				key = "reason.double_claim.made"
			}
			text := m(key, "batch", shortBatch(bt.id), "product", bt.out.Product, "org", v.orgName(o), "available", q[0], "claimed", q[1],
				"n", len(h.claims), "claims", v.describeClaims(h.claims))
			recs := append([]protocol.CID{bt.prod.cid}, claimCIDs(h.claims)...)
			recs = append(recs, h.receipts...)
			b.add(LevelFail, CodeDoubleClaim, text, recs, map[string]string{
				"available": string(q[0]),
				"claimed":   string(q[1]),
				"records":   strconv.Itoa(len(h.claims)),
			})
		}
		for _, c := range l.mismatch {
			b.fail(CodeUnitMismatch, m("reason.unit_mismatch", "type_key", "reason.type."+c.kind, "record", c.record.Short(), "qty", c.qty, "batch", shortBatch(bt.id), "unit", unit), c.record, bt.prod.cid)
		}
	}
	if b.unknown {
		b.info("incomplete", m("reason.incomplete.double_claim"))
	}
	return b.done(m("report.summary.double_claim.pass", "n", b.judged), m("report.summary.double_claim.skip"))
}
