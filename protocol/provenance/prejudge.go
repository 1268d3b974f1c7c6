package provenance

import (
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Finding is one thing verification will hold against a record that is
// about to be signed: the check that will fail, its reason code, and what
// to tell the person, in their units.
type Finding struct {
	Check string `json:"check"`
	Code  string `json:"code"`
	// Key and Params are the message of the catalog that says it: In
	// renders it in any language. Text is its English rendering.
	Key    string            `json:"key,omitempty"`
	Params map[string]string `json:"params,omitempty"`
	Text   string            `json:"text"`
}

// finding makes a finding from its message.
func finding(check, code string, x msg) Finding {
	return Finding{Check: check, Code: code, Key: x.key, Params: x.params, Text: x.en()}
}

// Prejudge says what verification will find wrong with body if
// organisation org signs it now, by the rules Verify applies and from what
// the source holds: a transfer or process input of a batch org does not
// hold, or of more than it has left; a receipt of a transfer addressed to
// someone else, already received, or of more than was sent; a process whose
// yields are outside the bounds table (nil means DefaultTable); an origin
// on a place whose geolocation breaks today's rules (signed in an older
// format). A batch or
// transfer the source does not hold yet is a finding too: verification
// will call the story incomplete until it arrives. No findings: the record
// is backed. The error is only for an operational failure.
func (bk *Book) Prejudge(org protocol.PublicKey, body protocol.Body, table *Table) ([]Finding, error) {
	if table == nil {
		table = DefaultTable()
	}
	var fs []Finding
	switch b := body.(type) {
	case *protocol.Transfer:
		f, err := bk.prejudgeTake(org, b.Batch, b.Qty, "send")
		if err != nil {
			return nil, err
		}
		fs = append(fs, f...)
	case *protocol.Process:
		ins, outs := map[string]*amount{}, map[string]*amount{}
		var inOrder, outOrder []string
		known := true
		for _, in := range b.In {
			f, err := bk.prejudgeTake(org, in.Batch, in.Qty, "consume")
			if err != nil {
				return nil, err
			}
			fs = append(fs, f...)
			h, err := bk.Holding(in.Batch, org)
			if err != nil {
				return nil, err
			}
			if !h.Known {
				known = false
				continue
			}
			addAmount(ins, &inOrder, h.Output.Product, in.Qty)
		}
		if known {
			for _, o := range b.Out {
				addAmount(outs, &outOrder, o.Product, o.Qty)
			}
			for _, r := range judgeYields(table, ins, inOrder, outs, outOrder, m("reason.who.run")) {
				if r.Level == LevelFail {
					fs = append(fs, Finding{Check: "mass_balance", Code: r.Code, Key: r.Key, Params: r.Params, Text: r.Text})
				}
			}
		}
	case *protocol.Origin:
		for _, pc := range b.Places {
			e := bk.v.load(pc, protocol.CID{}, m("reason.what.a_place_of_the_origin"))
			if e == nil {
				break
			}
			if e.rec == nil {
				text := m("reason.prejudge.no_place", "record", pc.Short())
				if e.code != CodeMissing {
					text = m("reason.prejudge.bad_place", "record", pc.Short()).nest("problem", e.problem)
				}
				fs = append(fs, finding("integrity", e.code, text))
				continue
			}
			if pl, ok := e.rec.Body.(*protocol.Place); ok {
				if err := outdatedPlaceRule(e.rec, pl); err != nil {
					fs = append(fs, finding("eudr", CodeOutdatedPlace, outdatedPlaceText(msg{}, pc, e.rec, pl, err)))
				}
			}
		}
	case *protocol.Receive:
		f, err := bk.prejudgeReceipt(org, b)
		if err != nil {
			return nil, err
		}
		fs = append(fs, f...)
	}
	return fs, bk.Err()
}

// prejudgeTake judges taking qty of batch id (to send or to consume).
func (bk *Book) prejudgeTake(org protocol.PublicKey, id protocol.BatchID, qty protocol.Quantity, verb string) ([]Finding, error) {
	h, err := bk.Holding(id, org)
	if err != nil {
		return nil, err
	}
	switch {
	case !h.Known:
		return []Finding{finding("integrity", CodeMissing, m("reason.prejudge.no_batch", "batch", shortBatch(id)))}, nil
	case h.Retracted:
		return []Finding{finding("corrections", CodeRetracted, m("reason.prejudge.retracted", "batch", shortBatch(id), "product", h.Output.Product))}, nil
	}
	qb, qd, err := qty.Base()
	_, bd, _ := h.Output.Qty.Base()
	if err != nil || qd != bd {
		return []Finding{finding("double_claim", CodeUnitMismatch, m("reason.prejudge.unit_mismatch", "batch", shortBatch(id), "product", h.Output.Product, "unit", h.Output.Qty.Unit, "qty", qty))}, nil
	}
	if !h.Producer && len(h.Receipts) == 0 {
		text := m("reason.prejudge.no_custody", "org", bk.OrgName(org), "batch", shortBatch(id), "product", h.Output.Product, "maker", bk.OrgName(h.Maker),
			"verb_key", "reason.verb."+verb, "qty", qty)
		for _, u := range h.Uses {
			if u.Type == protocol.TypeTransfer && u.To == org {
				text = text.with("waiting", u.Qty).with("transfer", u.Record.Short())
				text.key = "reason.prejudge.no_custody.waiting"
				break
			}
		}
		return []Finding{finding("custody", CodeNoCustody, text)}, nil
	}
	held, _, _ := h.Held.Base()
	left, _, _ := h.Left.Base()
	if qb <= left {
		return nil, nil
	}
	q := inUnits(h.Output.Qty.Unit, left, held, qb)
	how := "reason.prejudge.made"
	if !h.Producer {
		how = "reason.prejudge.received"
	}
	var sent, consumed []string
	for _, u := range h.Uses {
		if u.By != org {
			continue
		}
		use := u.Qty.Text() + " (" + u.Time.UTC().Format(time.DateOnly) + ")"
		switch u.Type {
		case protocol.TypeTransfer:
			sent = append(sent, use)
		default:
			consumed = append(consumed, use)
		}
	}
	x := m("reason.prejudge.double_claim", "batch", shortBatch(id), "product", h.Output.Product, "left", q[0], "held", q[1], "how_key", how,
		"verb_key", "reason.verb."+verb, "qty", q[2], "sent", strings.Join(sent, ", "), "consumed", strings.Join(consumed, ", "),
		"sent_note_key", "reason.empty", "consumed_note_key", "reason.empty")
	if len(sent) > 0 {
		x = x.with("sent_note_key", "reason.prejudge.sent")
	}
	if len(consumed) > 0 {
		x = x.with("consumed_note_key", "reason.prejudge.consumed")
	}
	return []Finding{finding("double_claim", CodeDoubleClaim, x)}, nil
}

// prejudgeReceipt judges a receipt org is about to sign.
func (bk *Book) prejudgeReceipt(org protocol.PublicKey, b *protocol.Receive) ([]Finding, error) {
	v := bk.v
	te := v.load(b.Transfer, protocol.CID{}, m("reason.what.transfer_received"))
	if v.err != nil {
		return nil, v.err
	}
	if te.rec == nil {
		return []Finding{finding("integrity", CodeMissing, m("reason.prejudge.no_transfer", "transfer", b.Transfer.Short()))}, nil
	}
	t, ok := te.rec.Body.(*protocol.Transfer)
	if !ok {
		return []Finding{finding("custody", CodeWrongReceiver, m("reason.prejudge.not_transfer", "record", b.Transfer.Short(), "type_key", typeKey(te.rec.Type())))}, nil
	}
	var fs []Finding
	if t.To != org {
		fs = append(fs, finding("custody", CodeWrongReceiver, m("reason.prejudge.wrong_receiver", "transfer", b.Transfer.Short(), "qty", t.Qty, "to", bk.OrgName(t.To), "org", bk.OrgName(org))))
	}
	for _, rc := range v.referrers(b.Transfer, protocol.TypeReceive) {
		r := v.loadContext(rc, b.Transfer, m("reason.what.receipt"))
		if r == nil || !r.ok() || v.corrected(rc) || v.orgKey(r.rec.Author) != org {
			continue
		}
		fs = append(fs, finding("custody", CodeDoubleReceipt, m("reason.prejudge.double_receipt", "transfer", b.Transfer.Short(), "qty", t.Qty,
			"date", time.UnixMilli(r.rec.Time).UTC().Format(time.DateOnly), "receipt", rc.Short())))
		break
	}
	sent, sd, err1 := t.Qty.Base()
	got, gd, err2 := b.Qty.Base()
	switch {
	case err1 != nil || err2 != nil || sd != gd:
		fs = append(fs, finding("custody", CodeOverReceived, m("reason.prejudge.incomparable", "transfer", b.Transfer.Short(), "sent", t.Qty, "qty", b.Qty)))
	case got > sent:
		fs = append(fs, finding("custody", CodeOverReceived, m("reason.prejudge.over_received", "transfer", b.Transfer.Short(), "sent", t.Qty, "qty", b.Qty)))
	}
	return fs, v.err
}
