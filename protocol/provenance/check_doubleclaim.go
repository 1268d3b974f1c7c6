package provenance

import (
	"fmt"
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
	b := newCheck("double_claim", "Double claims")
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
			var text string
			if h.producer {
				text = fmt.Sprintf("batch %s (%s made by %s) holds %s but %s is claimed by %s: %s",
					shortBatch(bt.id), bt.out.Product, v.orgName(o), q[0], q[1],
					plural(len(h.claims), "record", "records"), v.describeClaims(h.claims))
			} else {
				text = fmt.Sprintf("%s received %s of batch %s (%s) but claims %s in %s: %s",
					v.orgName(o), q[0], shortBatch(bt.id), bt.out.Product, q[1],
					plural(len(h.claims), "record", "records"), v.describeClaims(h.claims))
			}
			recs := append([]protocol.CID{bt.prod.cid}, claimCIDs(h.claims)...)
			recs = append(recs, h.receipts...)
			b.add(LevelFail, CodeDoubleClaim, text, recs, map[string]string{
				"available": q[0],
				"claimed":   q[1],
				"records":   strconv.Itoa(len(h.claims)),
			})
		}
		for _, c := range l.mismatch {
			b.fail(CodeUnitMismatch, fmt.Sprintf("%s record %s takes %s of batch %s, which is measured in %s: the quantities cannot be compared",
				c.kind, c.record.Short(), c.qty, shortBatch(bt.id), unit), c.record, bt.prod.cid)
		}
	}
	if b.unknown {
		b.info("incomplete", "batches whose records are missing could not be accounted (see integrity)")
	}
	return b.done(fmt.Sprintf("no batch of the %s in the trace is claimed beyond its quantity, across every record this node knows", plural(b.judged, "batch", "batches")), "no batch could be accounted")
}
