package provenance

import (
	"fmt"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Statement is an EUDR due diligence statement that a transfer in the
// batch's ancestry carries (a document of kind protocol.DocDDS), with the
// origins it covers. A statement on a transfer covers every origin
// upstream of the batch transferred, however many hops back: whoever
// files one for goods declares all of the land they came from.
type Statement struct {
	// Ref is the statement's reference number in the EU Information
	// System ("24MYKSBL240311"); Verification its verification number,
	// when the transfer passes it on.
	Ref          string `json:"ref"`
	Verification string `json:"verification,omitempty"`
	// Transfer is the transfer record that carries the statement; Batch
	// the batch it sends, of Product, Qty of it.
	Transfer protocol.CID      `json:"transfer"`
	Batch    protocol.BatchID  `json:"batch"`
	Product  string            `json:"product,omitempty"`
	Qty      protocol.Quantity `json:"qty"`
	// From and To name the sending and the receiving organisation.
	From    string             `json:"from"`
	FromKey protocol.PublicKey `json:"from_key"`
	To      string             `json:"to"`
	ToKey   protocol.PublicKey `json:"to_key"`
	Time    time.Time          `json:"time"`
	// Origins are the places it covers (as Report.Origins names them by
	// Origin.Place), and OriginRecords the origin records behind them.
	Origins       []protocol.CID `json:"origins"`
	OriginRecords []protocol.CID `json:"origin_records"`
}

// statementsUpstream finds the due diligence statements on the traced
// transfers that brought the batch's ancestors to the organisations that
// used them (not the transfers a forward trace reaches), in read order.
func (v *verifier) statementsUpstream() []Statement {
	out := []Statement{}
	up := upstream{v: v, memo: map[*batch][]protocol.CID{}, busy: map[*batch]bool{}}
	for _, b := range v.batchOrder {
		if !b.traced || !b.known() {
			continue
		}
		for _, x := range b.transfers {
			if x.corrected || x.e.rec == nil || !x.e.traced || x.e.role == roleDescendant {
				continue
			}
			var docs []protocol.Document
			for _, d := range x.body.Docs {
				if d.Kind == protocol.DocDDS {
					docs = append(docs, d)
				}
			}
			if len(docs) == 0 {
				continue
			}
			recs := up.origins(b)
			from := v.orgKey(x.e.rec.Author)
			for _, d := range docs {
				out = append(out, Statement{
					Ref: d.Ref, Verification: d.Verification,
					Transfer: x.e.cid, Batch: b.id, Product: b.out.Product, Qty: x.body.Qty,
					From: v.orgName(from), FromKey: from, To: v.orgName(x.body.To), ToKey: x.body.To,
					Time:    time.UnixMilli(x.e.rec.Time).UTC(),
					Origins: v.placesOf(recs), OriginRecords: append([]protocol.CID{}, recs...),
				})
			}
		}
	}
	return out
}

// upstream finds the origin records upstream of batches, remembering
// each batch's answer.
type upstream struct {
	v    *verifier
	memo map[*batch][]protocol.CID
	busy map[*batch]bool // on the current path: corrections can make a loop
}

// origins returns the origin records (not corrected) that batch b comes
// from, through every process input, in the order met.
func (u upstream) origins(b *batch) []protocol.CID {
	if r, ok := u.memo[b]; ok {
		return r
	}
	if u.busy[b] || !b.known() || b.corr.retracted {
		return nil
	}
	u.busy[b] = true
	var out []protocol.CID
	switch body := b.prod.rec.Body.(type) {
	case *protocol.Origin:
		if !u.v.corrected(b.prod.cid) {
			out = []protocol.CID{b.prod.cid}
		}
	case *protocol.Process:
		seen := map[protocol.CID]bool{}
		for _, in := range body.In {
			for _, c := range u.origins(u.v.batchOf(in.Batch, b.prod.cid, m("reason.what.input"))) {
				if !seen[c] {
					seen[c] = true
					out = append(out, c)
				}
			}
		}
	}
	delete(u.busy, b)
	u.memo[b] = out
	return out
}

// placesOf returns the readable places the origin records name, each
// once, in the order met.
func (v *verifier) placesOf(origins []protocol.CID) []protocol.CID {
	out := []protocol.CID{}
	seen := map[protocol.CID]bool{}
	for _, c := range origins {
		e := v.entries[c]
		if e == nil || e.rec == nil {
			continue
		}
		o, ok := e.rec.Body.(*protocol.Origin)
		if !ok {
			continue
		}
		for _, pc := range o.Places {
			if pe := v.entries[pc]; pe != nil && pe.rec != nil && !seen[pc] {
				if _, ok := pe.rec.Body.(*protocol.Place); ok {
					seen[pc] = true
					out = append(out, pc)
				}
			}
		}
	}
	return out
}

// judgeStatements says, as information, which origins each statement
// upstream covers and, when the trace is complete, which of the EUDR
// origins judged (origin records) no statement covers: since Regulation (EU) 2025/2650 only the first
// operator downstream needs the statements filed before it, and a buyer
// wants to know which land is already declared.
func (v *verifier) judgeStatements(b *checkBuilder, judged []protocol.CID, complete bool) {
	covered := map[protocol.CID]bool{}
	for _, s := range v.statements {
		for _, c := range s.OriginRecords {
			covered[c] = true
		}
		verification := "reason.empty"
		if s.Verification != "" {
			verification = "reason.statement.verification"
		}
		recs := append([]protocol.CID{s.Transfer}, s.OriginRecords...)
		b.add(LevelInfo, CodeStatement, m("reason.statement_upstream", "ref", s.Ref, "verification_note_key", verification, "verification", s.Verification,
			"transfer", s.Transfer.Short(), "qty", s.Qty, "product", s.Product, "from", s.From, "to", s.To, "date", day(s.Time.UnixMilli())).nest("places", v.placePhrase(s.Origins)),
			recs, map[string]string{"reference": s.Ref, "transfer": s.Transfer.String()})
	}
	if !complete {
		return
	}
	var bare []protocol.CID
	for _, c := range judged {
		if !covered[c] {
			bare = append(bare, c)
		}
	}
	if len(bare) == 0 {
		return
	}
	places := v.placesOf(bare)
	if len(v.statements) == 0 {
		b.add(LevelInfo, CodeNoStatement, m("reason.no_statement_upstream.none", "kind", protocol.DocDDS, "n", len(places)), bare, nil)
		return
	}
	b.add(LevelInfo, CodeNoStatement, m("reason.no_statement_upstream").nest("places", v.placePhrase(places)), bare, nil)
}

// placePhrase names places for a sentence: `origin "Blok 12A" is`,
// `origins "Blok 12A", "Blok 12B", +998 are`.
func (v *verifier) placePhrase(places []protocol.CID) msg {
	const shown = 5
	var names []string
	for i, pc := range places {
		if i == shown {
			names = append(names, fmt.Sprintf("+%d", len(places)-shown))
			break
		}
		name := pc.Short()
		if e := v.entries[pc]; e != nil && e.rec != nil {
			if pl, ok := e.rec.Body.(*protocol.Place); ok {
				name = fmt.Sprintf("%q", pl.Name)
			}
		}
		names = append(names, name)
	}
	if len(places) == 0 {
		return m("reason.places.none")
	}
	return m("reason.places", "n", len(places), "names_list", list(names))
}
