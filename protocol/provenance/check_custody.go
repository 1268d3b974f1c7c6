package provenance

import (
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Custody reason codes.
const (
	CodeNoCustody     = "no_custody"
	CodeWrongReceiver = "wrong_receiver"
	CodeOverReceived  = "over_received"
	CodeDoubleReceipt = "double_receipt"
)

// checkCustody: a batch is consumed or sent only by the organisation that
// made it or one that received it (a transfer addressed to it and a
// matching receipt signed by it); no transfer is received beyond what was
// sent, and only by its addressee.
func (v *verifier) checkCustody() Check {
	b := newCheck("custody")
	ledgers := map[*batch]*ledger{}
	ledgerOf := func(bt *batch) *ledger {
		if l, ok := ledgers[bt]; ok {
			return l
		}
		v.loadUses(bt)
		l := v.ledgerOf(bt)
		ledgers[bt] = l
		return l
	}
	judge := func(taker *entry, kind string, bt *batch, qty protocol.Quantity) {
		if !bt.known() {
			b.unknown = true
			return
		}
		if !bt.traced {
			return // context only (another input of a descendant): not accounted
		}
		b.judged++
		o := v.orgKey(taker.rec.Author)
		if ledgerOf(bt).holds(o) {
			return
		}
		maker := v.batchOrg(bt)
		var sentTo []string
		var unreceived protocol.CID
		recs := []protocol.CID{taker.cid, bt.prod.cid}
		for _, x := range bt.transfers {
			if x.corrected || x.e.rec == nil {
				continue
			}
			recs = append(recs, x.e.cid)
			sentTo = append(sentTo, v.orgName(x.body.To)+" ("+x.e.cid.Short()+")")
			if x.body.To == o && unreceived.IsZero() {
				unreceived = x.e.cid
			}
		}
		key := "reason.no_custody.unsent"
		switch {
		case !unreceived.IsZero():
			key = "reason.no_custody.unreceived"
		case len(sentTo) > 0:
			key = "reason.no_custody.sent"
		}
		b.add(LevelFail, CodeNoCustody, m(key, "org", v.orgName(o), "action_key", "reason.action."+kind, "qty", qty,
			"batch", shortBatch(bt.id), "product", bt.out.Product, "type_key", typeKey(taker.rec.Type()), "record", taker.cid.Short(),
			"maker", v.orgName(maker), "sent_to", strings.Join(sentTo, ", "), "transfer", unreceived.Short()),
			recs, map[string]string{"quantity": qty.String()})
	}
	for _, e := range v.tracedRecords() {
		switch body := e.rec.Body.(type) {
		case *protocol.Process:
			if v.corrected(e.cid) {
				continue
			}
			for _, in := range body.In {
				judge(e, "consumed", v.batchOf(in.Batch, e.cid, m("reason.what.input")), in.Qty)
			}
		case *protocol.Transfer:
			if v.corrected(e.cid) {
				continue
			}
			judge(e, "sent", v.batchOf(body.Batch, e.cid, m("reason.what.transferred_batch")), body.Qty)
		case *protocol.Receive:
			v.judgeReceipt(b, e, body)
		}
	}
	// Every receipt of every transfer of a batch in the trace, not only
	// those the walk followed: a stranger's receipt, or a second one, is
	// how stock is made out of nothing.
	judged := map[protocol.CID]bool{}
	for _, e := range v.tracedRecords() {
		if _, ok := e.rec.Body.(*protocol.Receive); ok {
			judged[e.cid] = true
		}
	}
	for _, bt := range v.batchOrder {
		if !bt.traced || !bt.known() {
			continue
		}
		for _, x := range bt.transfers {
			if x.corrected || x.e.rec == nil {
				continue
			}
			for _, r := range x.receipts {
				if r.rec != nil && !judged[r.cid] {
					judged[r.cid] = true
					v.judgeReceipt(b, r, r.rec.Body.(*protocol.Receive))
				}
			}
			if rs := v.receiptsByAddressee(x); len(rs) > 1 {
				recs := []protocol.CID{x.e.cid}
				var names []string
				for _, r := range rs {
					recs = append(recs, r.cid)
					names = append(names, r.cid.Short())
				}
				key := "reason.double_receipt"
				if len(rs) == 2 {
					key = "reason.double_receipt.twice"
				}
				b.add(LevelFail, CodeDoubleReceipt, m(key, "transfer", x.e.cid.Short(), "qty", x.body.Qty, "batch", shortBatch(bt.id),
					"product", bt.out.Product, "to", v.orgName(x.body.To), "n", len(rs), "receipts", strings.Join(names, ", "), "first", rs[0].cid.Short()),
					recs, map[string]string{"receipts": strconv.Itoa(len(rs)), "quantity": x.body.Qty.String()})
			}
		}
	}
	if b.unknown {
		b.info("incomplete", m("reason.incomplete.custody"))
	}
	return b.done(m("report.summary.custody.pass", "n", b.judged), m("report.summary.custody.skip"))
}

// judgeReceipt checks one receipt against its transfer.
func (v *verifier) judgeReceipt(b *checkBuilder, e *entry, body *protocol.Receive) {
	if v.corrected(e.cid) {
		return
	}
	te := v.entries[v.canon(body.Transfer).final]
	if te == nil || te.rec == nil {
		b.unknown = true
		return
	}
	t, ok := te.rec.Body.(*protocol.Transfer)
	if !ok {
		b.fail(CodeWrongReceiver, m("reason.wrong_receiver.not_transfer", "receipt", e.cid.Short(), "record", te.cid.Short(), "type_key", typeKey(te.rec.Type())), e.cid, te.cid)
		return
	}
	b.judged++
	by := v.orgKey(e.rec.Author)
	if by != t.To {
		b.fail(CodeWrongReceiver, m("reason.wrong_receiver", "receipt", e.cid.Short(), "transfer", te.cid.Short(), "by", v.orgName(by), "to", v.orgName(t.To)), e.cid, te.cid)
	}
	sent, sd, err1 := t.Qty.Base()
	got, gd, err2 := body.Qty.Base()
	if err1 != nil || err2 != nil || sd != gd {
		b.fail(CodeOverReceived, m("reason.over_received.incomparable", "receipt", e.cid.Short(), "received", body.Qty, "transfer", te.cid.Short(), "sent", t.Qty), e.cid, te.cid)
		return
	}
	if got > sent {
		b.add(LevelFail, CodeOverReceived, m("reason.over_received", "receipt", e.cid.Short(), "received", body.Qty, "transfer", te.cid.Short(), "sent", t.Qty), []protocol.CID{e.cid, te.cid}, map[string]string{"received": body.Qty.String(), "sent": t.Qty.String()})
	}
}
