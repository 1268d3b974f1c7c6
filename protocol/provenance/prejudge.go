package provenance

import (
	"fmt"
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
	Text  string `json:"text"`
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
			for _, r := range judgeYields(table, ins, inOrder, outs, outOrder, "this processing run") {
				if r.Level == LevelFail {
					fs = append(fs, Finding{Check: "mass_balance", Code: r.Code, Text: r.Text})
				}
			}
		}
	case *protocol.Origin:
		for _, pc := range b.Places {
			e := bk.v.load(pc, protocol.CID{}, "a place of the origin")
			if e == nil {
				break
			}
			if e.rec == nil {
				text := fmt.Sprintf("this computer does not hold place record %s, so where this harvest grew cannot be shown; until it arrives, verification will call the story incomplete", pc.Short())
				if e.code != CodeMissing {
					text = fmt.Sprintf("place record %s %s", pc.Short(), e.problem)
				}
				fs = append(fs, Finding{Check: "integrity", Code: e.code, Text: text})
				continue
			}
			if pl, ok := e.rec.Body.(*protocol.Place); ok {
				if err := outdatedPlaceRule(e.rec, pl); err != nil {
					fs = append(fs, Finding{Check: "eudr", Code: CodeOutdatedPlace, Text: outdatedPlaceText("", pc, e.rec, pl, err)})
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
		return []Finding{{Check: "integrity", Code: CodeMissing, Text: fmt.Sprintf(
			"this computer does not hold the record that made batch %s, so what it holds of it cannot be checked; until that record arrives, verification will call the story incomplete",
			shortBatch(id))}}, nil
	case h.Retracted:
		return []Finding{{Check: "corrections", Code: CodeRetracted, Text: fmt.Sprintf(
			"batch %s (%s) was withdrawn by its maker", shortBatch(id), h.Output.Product)}}, nil
	}
	qb, qd, err := qty.Base()
	_, bd, _ := h.Output.Qty.Base()
	if err != nil || qd != bd {
		return []Finding{{Check: "double_claim", Code: CodeUnitMismatch, Text: fmt.Sprintf(
			"batch %s (%s) is measured in %s; %s of it cannot be compared", shortBatch(id), h.Output.Product, h.Output.Qty.Unit, qty)}}, nil
	}
	if !h.Producer && len(h.Receipts) == 0 {
		text := fmt.Sprintf("%s never held batch %s (%s, made by %s): it cannot %s %s of it",
			bk.OrgName(org), shortBatch(id), h.Output.Product, bk.OrgName(h.Maker), verb, qty)
		for _, u := range h.Uses {
			if u.Type == protocol.TypeTransfer && u.To == org {
				text += fmt.Sprintf("; a transfer of %s to it (%s) is waiting to be received: record the receipt first", u.Qty, u.Record.Short())
				break
			}
		}
		return []Finding{{Check: "custody", Code: CodeNoCustody, Text: text}}, nil
	}
	held, _, _ := h.Held.Base()
	left, _, _ := h.Left.Base()
	if qb <= left {
		return nil, nil
	}
	q := inUnits(h.Output.Qty.Unit, left, held, qb)
	how := "made"
	if !h.Producer {
		how = "received"
	}
	var used []string
	for _, u := range h.Uses {
		if u.By != org {
			continue
		}
		switch u.Type {
		case protocol.TypeTransfer:
			used = append(used, fmt.Sprintf("%s sent on %s", u.Qty, u.Time.UTC().Format(time.DateOnly)))
		default:
			used = append(used, fmt.Sprintf("%s consumed on %s", u.Qty, u.Time.UTC().Format(time.DateOnly)))
		}
	}
	detail := q[1] + " " + how
	if len(used) > 0 {
		detail += ", " + strings.Join(used, ", ")
	}
	return []Finding{{Check: "double_claim", Code: CodeDoubleClaim, Text: fmt.Sprintf(
		"batch %s (%s) has %s left here (%s): it cannot %s %s", shortBatch(id), h.Output.Product, q[0], detail, verb, q[2])}}, nil
}

// prejudgeReceipt judges a receipt org is about to sign.
func (bk *Book) prejudgeReceipt(org protocol.PublicKey, b *protocol.Receive) ([]Finding, error) {
	v := bk.v
	te := v.load(b.Transfer, protocol.CID{}, "transfer received")
	if v.err != nil {
		return nil, v.err
	}
	if te.rec == nil {
		return []Finding{{Check: "integrity", Code: CodeMissing, Text: fmt.Sprintf(
			"this computer does not hold transfer %s: wait until it arrives from the sender, or check the ID", b.Transfer.Short())}}, nil
	}
	t, ok := te.rec.Body.(*protocol.Transfer)
	if !ok {
		return []Finding{{Check: "custody", Code: CodeWrongReceiver, Text: fmt.Sprintf(
			"record %s is a %s record, not a transfer", b.Transfer.Short(), te.rec.Type())}}, nil
	}
	var fs []Finding
	if t.To != org {
		fs = append(fs, Finding{Check: "custody", Code: CodeWrongReceiver, Text: fmt.Sprintf(
			"transfer %s (%s) is addressed to %s, not to %s: only its addressee can receive it", b.Transfer.Short(), t.Qty, bk.OrgName(t.To), bk.OrgName(org))})
	}
	for _, rc := range v.referrers(b.Transfer, protocol.TypeReceive) {
		r := v.loadContext(rc, b.Transfer, "receipt")
		if r == nil || !r.ok() || v.corrected(rc) || v.orgKey(r.rec.Author) != org {
			continue
		}
		fs = append(fs, Finding{Check: "custody", Code: CodeDoubleReceipt, Text: fmt.Sprintf(
			"transfer %s (%s) was already received on %s (receipt %s): a second receipt would count nothing and fail custody",
			b.Transfer.Short(), t.Qty, time.UnixMilli(r.rec.Time).UTC().Format(time.DateOnly), rc.Short())})
		break
	}
	sent, sd, err1 := t.Qty.Base()
	got, gd, err2 := b.Qty.Base()
	switch {
	case err1 != nil || err2 != nil || sd != gd:
		fs = append(fs, Finding{Check: "custody", Code: CodeOverReceived, Text: fmt.Sprintf(
			"transfer %s sent %s; %s cannot be compared with it", b.Transfer.Short(), t.Qty, b.Qty)})
	case got > sent:
		fs = append(fs, Finding{Check: "custody", Code: CodeOverReceived, Text: fmt.Sprintf(
			"transfer %s sent %s; a receipt of %s is more than was sent", b.Transfer.Short(), t.Qty, b.Qty)})
	}
	return fs, v.err
}
