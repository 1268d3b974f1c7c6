package provenance

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// holding is what one organisation held of a batch and what it claimed.
type holding struct {
	org       protocol.PublicKey
	producer  bool
	available int64 // in base units of the batch's dimension
	claimed   int64
	receipts  []protocol.CID
	claims    []claimRef
}

// claimRef is one record taking from a batch.
type claimRef struct {
	record protocol.CID
	kind   string // "transfer" or "process"
	qty    protocol.Quantity
	to     protocol.PublicKey // for transfers
}

// ledger is the account of one batch across every record the source
// knows: who held how much and who claimed how much.
type ledger struct {
	b        *batch
	dim      protocol.Dimension
	holders  map[protocol.PublicKey]*holding
	order    []protocol.PublicKey
	outsider []claimRef // claims by organisations that never held the batch
	outOrgs  []protocol.PublicKey
	mismatch []claimRef // quantities of another dimension
}

// ledgerOf builds the account of a known batch.
func (v *verifier) ledgerOf(b *batch) *ledger {
	base, dim, _ := b.out.Qty.Base()
	l := &ledger{b: b, dim: dim, holders: map[protocol.PublicKey]*holding{}}
	h := l.holder(v.batchOrg(b))
	h.producer, h.available = true, base
	for _, x := range b.transfers {
		if x.corrected || x.e.rec == nil {
			continue
		}
		// A transfer enters its addressee's holdings once, however many
		// receipts it has: by the first receipt the addressee signed, and
		// never beyond what was sent. Further receipts and receipts by
		// anyone else are custody findings.
		r := v.firstReceipt(x)
		if r == nil {
			continue
		}
		q, d, err := r.rec.Body.(*protocol.Receive).Qty.Base()
		sent, sd, serr := x.body.Qty.Base()
		if err != nil || d != dim || serr != nil || sd != dim {
			continue
		}
		rh := l.holder(x.body.To)
		rh.available = addSat(rh.available, min(q, sent))
		rh.receipts = append(rh.receipts, r.cid)
	}
	take := func(author protocol.PublicKey, c claimRef) {
		q, d, err := c.qty.Base()
		if err != nil || d != dim {
			l.mismatch = append(l.mismatch, c)
			return
		}
		o := v.orgKey(author)
		h, ok := l.holders[o]
		if !ok {
			l.outsider = append(l.outsider, c)
			l.outOrgs = append(l.outOrgs, o)
			return
		}
		h.claimed = addSat(h.claimed, q)
		h.claims = append(h.claims, c)
	}
	for _, x := range b.transfers {
		if !x.corrected && x.e.rec != nil {
			take(x.e.rec.Author, claimRef{record: x.e.cid, kind: "transfer", qty: x.body.Qty, to: x.body.To})
		}
	}
	for _, c := range b.consumes {
		if !c.corrected {
			take(c.use.Author, claimRef{record: c.use.Record, kind: "process", qty: c.use.Qty})
		}
	}
	return l
}

// receiptsByAddressee returns the receipts of transfer x that its
// addressee signed, earliest first.
func (v *verifier) receiptsByAddressee(x *xfer) []*entry {
	var out []*entry
	for _, r := range x.receipts {
		if r.rec != nil && v.orgKey(r.rec.Author) == x.body.To {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return earlier(out[i], out[j]) })
	return out
}

// firstReceipt returns the receipt by which transfer x counts: the
// earliest its addressee signed, or nil.
func (v *verifier) firstReceipt(x *xfer) *entry {
	if rs := v.receiptsByAddressee(x); len(rs) > 0 {
		return rs[0]
	}
	return nil
}

func (l *ledger) holder(o protocol.PublicKey) *holding {
	h, ok := l.holders[o]
	if !ok {
		h = &holding{org: o}
		l.holders[o] = h
		l.order = append(l.order, o)
	}
	return h
}

// holds reports whether organisation o held the batch at some point.
func (l *ledger) holds(o protocol.PublicKey) bool { _, ok := l.holders[o]; return ok }

// inUnit formats a quantity in base units in unit u ("21 TNE"), or, when
// u cannot show it exactly, in the largest smaller unit that can
// ("15750.001 KGM"), so totals never round away a difference.
func inUnit(base int64, u protocol.Unit) coded { return inUnits(u, base)[0] }

// inUnits formats several quantities in one unit: u if it shows them all
// exactly, else the largest smaller unit that does.
func inUnits(u protocol.Unit, bases ...int64) []coded {
	out := make([]coded, len(bases))
	for _, c := range []protocol.Unit{u, protocol.KGM, protocol.GRM, protocol.LTR, protocol.H87} {
		per := int64(unitsPer(c)) // base units in one c
		if per == 0 || c.Dimension() != u.Dimension() || per > int64(unitsPer(u)) || per < 1000 {
			continue
		}
		exact := true
		for _, b := range bases {
			exact = exact && b%(per/1000) == 0
		}
		if !exact {
			continue
		}
		for i, b := range bases {
			out[i] = coded(protocol.FormatMilli(b/(per/1000)) + " " + string(c))
		}
		return out
	}
	for i, b := range bases {
		out[i] = coded(protocol.FormatMilli(b) + " thousandths of a base unit")
	}
	return out
}

// describeClaims lists claims for people, in any language: "…abcd (21 t → X)".
func (v *verifier) describeClaims(cs []claimRef) string {
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].record.String() < cs[j].record.String() })
	var parts []string
	for _, c := range cs {
		s := fmt.Sprintf("%s (%s", c.record.Short(), paramText(c.qty))
		if c.kind == "transfer" {
			s += " → " + v.orgName(c.to)
		}
		parts = append(parts, s+")")
	}
	return strings.Join(parts, ", ")
}

func claimCIDs(cs []claimRef) []protocol.CID {
	out := make([]protocol.CID, len(cs))
	for i, c := range cs {
		out[i] = c.record
	}
	return out
}

// addSat adds two non-negative amounts, stopping at the largest int64
// rather than wrapping: records cannot make a sum overflow into a small
// number.
func addSat(a, b int64) int64 {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}
