package provenance

import (
	"fmt"
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
	b := newCheck("custody", "Custody")
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
		text := fmt.Sprintf("%s %s %s of batch %s (%s) in %s record %s, but never held it: the batch was made by %s",
			v.orgName(o), kind, qty, shortBatch(bt.id), bt.out.Product, taker.rec.Type(), taker.cid.Short(), v.orgName(maker))
		var sentTo []string
		recs := []protocol.CID{taker.cid, bt.prod.cid}
		for _, x := range bt.transfers {
			if x.corrected || x.e.rec == nil {
				continue
			}
			recs = append(recs, x.e.cid)
			s := fmt.Sprintf("%s (transfer %s", v.orgName(x.body.To), x.e.cid.Short())
			if x.body.To == o {
				s += ", never received by it"
			}
			sentTo = append(sentTo, s+")")
		}
		if len(sentTo) == 0 {
			text += " and never sent to anyone"
		} else {
			text += " and sent only to " + strings.Join(sentTo, ", ")
		}
		b.add(LevelFail, CodeNoCustody, text, recs, map[string]string{"quantity": qty.String()})
	}
	for _, e := range v.tracedRecords() {
		switch body := e.rec.Body.(type) {
		case *protocol.Process:
			if v.corrected(e.cid) {
				continue
			}
			for _, in := range body.In {
				judge(e, "consumed", v.batchOf(in.Batch, e.cid, "input"), in.Qty)
			}
		case *protocol.Transfer:
			if v.corrected(e.cid) {
				continue
			}
			judge(e, "sent", v.batchOf(body.Batch, e.cid, "transferred batch"), body.Qty)
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
				b.add(LevelFail, CodeDoubleReceipt, fmt.Sprintf("transfer %s of %s of batch %s (%s) to %s was received %s, by receipts %s: it counts once, by the first (%s)",
					x.e.cid.Short(), x.body.Qty, shortBatch(bt.id), bt.out.Product, v.orgName(x.body.To), times(len(rs)), strings.Join(names, ", "), rs[0].cid.Short()),
					recs, map[string]string{"receipts": strconv.Itoa(len(rs)), "quantity": x.body.Qty.String()})
			}
		}
	}
	if b.unknown {
		b.info("incomplete", "uses of batches whose records are missing could not be judged (see integrity)")
	}
	return b.done(fmt.Sprintf("each of the %s of batches in the trace was by an organisation holding them",
		plural(b.judged, "consumption, transfer or receipt", "consumptions, transfers and receipts")), "nothing in the trace consumes or sends a batch")
}

// times says how many times: "twice", "3 times".
func times(n int) string {
	switch n {
	case 1:
		return "once"
	case 2:
		return "twice"
	}
	return strconv.Itoa(n) + " times"
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
		b.fail(CodeWrongReceiver, fmt.Sprintf("receipt %s names record %s, a %s record, not a transfer", e.cid.Short(), te.cid.Short(), te.rec.Type()), e.cid, te.cid)
		return
	}
	b.judged++
	by := v.orgKey(e.rec.Author)
	if by != t.To {
		b.fail(CodeWrongReceiver, fmt.Sprintf("receipt %s of transfer %s was signed by %s, but the transfer was addressed to %s",
			e.cid.Short(), te.cid.Short(), v.orgName(by), v.orgName(t.To)), e.cid, te.cid)
	}
	sent, sd, err1 := t.Qty.Base()
	got, gd, err2 := body.Qty.Base()
	if err1 != nil || err2 != nil || sd != gd {
		b.fail(CodeOverReceived, fmt.Sprintf("receipt %s records %s for transfer %s of %s: the quantities cannot be compared", e.cid.Short(), body.Qty, te.cid.Short(), t.Qty), e.cid, te.cid)
		return
	}
	if got > sent {
		b.add(LevelFail, CodeOverReceived, fmt.Sprintf("receipt %s records %s received, but transfer %s sent only %s",
			e.cid.Short(), body.Qty, te.cid.Short(), t.Qty), []protocol.CID{e.cid, te.cid}, map[string]string{"received": body.Qty.String(), "sent": t.Qty.String()})
	}
}
