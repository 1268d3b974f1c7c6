package provenance

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Book answers the questions a screen or a command asks about keys and
// batches from the records a source holds: who signs for which
// organisation, and what an organisation holds of a batch. It applies
// exactly the rules Verify applies (it is the verifier's own lookup and
// ledger, without the walk and the checks), so a batch list never shows
// a quantity that verification would judge differently.
//
// A Book remembers what it has read; make one per request. It is not safe
// for concurrent use.
type Book struct{ v *verifier }

// NewBook returns a book over src. Of opts, SkipSignatures, Now and Fetch
// matter; the rest is ignored.
func NewBook(ctx context.Context, src Source, opts Options) *Book {
	opts = opts.withDefaults()
	return &Book{v: newVerifier(ctx, src, opts)}
}

// Err returns the first operational failure (a source that could not be
// read, ctx ended), after which answers are incomplete.
func (bk *Book) Err() error { return bk.v.err }

// OrgOf returns the organisation that signs with key k: the author of the
// earliest delegation of k (by record time, then CID), or k itself when k
// is an organisation key (it signed a profile or was endorsed). ok is false
// when the source knows neither. A revoked device still belongs to its
// organisation: its records before the revocation are that organisation's.
func (bk *Book) OrgOf(k protocol.PublicKey) (org protocol.PublicKey, ok bool) {
	d := bk.v.deviceOf(k)
	if d.org.IsZero() {
		return protocol.PublicKey{}, false
	}
	return d.org, true
}

// Revoked reports whether device key k was withdrawn at time t, and
// from when.
func (bk *Book) Revoked(k protocol.PublicKey, t time.Time) (bool, time.Time) {
	r := bk.v.deviceOf(k).revoked
	if r.from == 0 {
		return false, time.Time{}
	}
	return r.at(t.UnixMilli()), time.UnixMilli(r.from)
}

// OrgName returns an organisation's name from its latest profile, or its
// short key when it has none.
func (bk *Book) OrgName(org protocol.PublicKey) string { return bk.v.orgName(org) }

// Profile returns an organisation's latest profile, or nil.
func (bk *Book) Profile(org protocol.PublicKey) *protocol.Org { return bk.v.orgOf(org).profile }

// Holding is what one organisation holds of one batch, by the ledger the
// custody and double-claim checks keep.
type Holding struct {
	// Batch is the batch under its canonical ID: a batch whose record was
	// corrected is the replacement's output.
	Batch protocol.BatchID
	// Known is false when the source lacks the record that made the batch
	// (or it names no batch); then only Batch is set.
	Known bool
	// Retracted: the record that made the batch was withdrawn by a
	// correction with no replacement.
	Retracted bool
	Output    protocol.Output
	Made      time.Time          // the time of the record that made it
	Maker     protocol.PublicKey // the organisation that made it
	// Producer: the organisation asked about made the batch.
	Producer bool
	// Held is what the organisation made or received; Claimed what it
	// consumed or sent; Left the difference, never below zero. They are in
	// the batch's unit when that shows them exactly, else in a smaller one.
	Held, Claimed, Left protocol.Quantity
	// Receipts are the organisation's receipts that count towards Held:
	// one per transfer to it.
	Receipts []protocol.CID
	// Uses are the records of anyone that consume or send the batch and
	// are not corrected, oldest first.
	Uses []HoldingUse
}

// HoldingUse is one record that consumes or sends a batch.
type HoldingUse struct {
	Record protocol.CID
	Type   protocol.Type // TypeProcess or TypeTransfer
	Qty    protocol.Quantity
	By     protocol.PublicKey // the organisation that signed it
	To     protocol.PublicKey // for a transfer: the organisation addressed
	Time   time.Time
}

// Holding returns what organisation org holds of batch id. The error is
// only for an operational failure; a batch the source lacks is a Holding
// with Known false.
func (bk *Book) Holding(id protocol.BatchID, org protocol.PublicKey) (Holding, error) {
	v := bk.v
	b := v.batchOf(id, protocol.CID{}, m("reason.what.batch"))
	if v.err != nil {
		return Holding{}, v.err
	}
	h := Holding{Batch: b.id}
	if !b.known() {
		return h, nil
	}
	v.loadUses(b)
	l := v.ledgerOf(b)
	if v.err != nil {
		return Holding{}, v.err
	}
	unit := b.out.Qty.Unit
	h.Known, h.Retracted, h.Output = true, b.corr.retracted, *b.out
	h.Made, h.Maker = time.UnixMilli(b.prod.rec.Time), v.batchOrg(b)
	h.Held, h.Claimed, h.Left = protocol.InUnit(0, unit), protocol.InUnit(0, unit), protocol.InUnit(0, unit)
	if hh, ok := l.holders[org]; ok {
		h.Producer = hh.producer
		h.Held = protocol.InUnit(hh.available, unit)
		h.Claimed = protocol.InUnit(hh.claimed, unit)
		h.Left = protocol.InUnit(max(hh.available-hh.claimed, 0), unit)
		h.Receipts = append([]protocol.CID(nil), hh.receipts...)
	}
	for _, x := range b.transfers {
		if x.corrected || x.e.rec == nil {
			continue
		}
		h.Uses = append(h.Uses, HoldingUse{Record: x.e.cid, Type: protocol.TypeTransfer, Qty: x.body.Qty,
			By: v.orgKey(x.e.rec.Author), To: x.body.To, Time: time.UnixMilli(x.e.rec.Time)})
	}
	for _, c := range b.consumes {
		if c.corrected {
			continue
		}
		u := HoldingUse{Record: c.use.Record, Type: protocol.TypeProcess, Qty: c.use.Qty, By: v.orgKey(c.use.Author)}
		if e := v.load(c.use.Record, b.id.Record, m("reason.what.use")); e != nil && e.rec != nil {
			u.Time = time.UnixMilli(e.rec.Time)
		}
		h.Uses = append(h.Uses, u)
	}
	sort.SliceStable(h.Uses, func(i, j int) bool {
		if !h.Uses[i].Time.Equal(h.Uses[j].Time) {
			return h.Uses[i].Time.Before(h.Uses[j].Time)
		}
		return h.Uses[i].Record.String() < h.Uses[j].Record.String()
	})
	if v.err != nil {
		return Holding{}, v.err
	}
	return h, nil
}

// Corrected reports whether record c is superseded by a valid correction
// (replaced or withdrawn), as verification treats it.
func (bk *Book) Corrected(c protocol.CID) bool { return bk.v.corrected(c) }

// String describes a holding for logs and tests: "21 TNE held, 10 TNE
// claimed, 11 TNE left".
func (h Holding) String() string {
	return fmt.Sprintf("%s held, %s claimed, %s left", h.Held, h.Claimed, h.Left)
}
