package provenance

import (
	"github.com/jejak/jejak/protocol"
)

// Roles of traced records and batches.
const (
	roleStart      = "start"
	roleAncestor   = "ancestor"
	roleDescendant = "descendant"
)

// batch is one batch met during the walk, under its canonical ID (after
// corrections).
type batch struct {
	id      protocol.BatchID   // canonical
	aliases []protocol.BatchID // every ID it goes by, the canonical one first
	prod    *entry             // the canonical producer record
	out     *protocol.Output   // nil when the batch cannot be read
	broken  msg                // why the reference names no batch, if it does not
	refBy   protocol.CID
	corr    *corr // corrections of the referenced record

	traced     bool
	role       string
	usesLoaded bool
	transfers  []*xfer
	consumes   []*consumption
}

// xfer is a transfer of a batch.
type xfer struct {
	e         *entry
	body      *protocol.Transfer
	receipts  []*entry
	corrected bool
}

// consumption is a process input taking from a batch.
type consumption struct {
	use       Use
	corrected bool
}

// known reports whether the batch's producer record was read and names an
// output.
func (b *batch) known() bool { return b.out != nil && b.prod != nil && b.prod.ok() }

// batchOf returns the batch a record refers to, reading its producer.
func (v *verifier) batchOf(raw protocol.BatchID, refBy protocol.CID, what msg) *batch {
	k := v.canon(raw.Record)
	id := protocol.BatchID{Record: k.final, Index: raw.Index}
	if b, ok := v.batches[id]; ok {
		b.addAlias(raw)
		return b
	}
	b := &batch{id: id, refBy: refBy, corr: k}
	v.batches[id] = b
	v.batchOrder = append(v.batchOrder, b)
	b.addAlias(id)
	b.addAlias(raw)
	for _, ms := range [][]protocol.CID{k.members, v.canon(k.final).members} {
		for _, m := range ms {
			b.addAlias(protocol.BatchID{Record: m, Index: raw.Index})
		}
	}
	if raw.Record != k.final {
		v.load(raw.Record, refBy, what)
	}
	b.prod = v.load(k.final, refBy, what)
	if b.prod == nil || !b.prod.ok() {
		return b
	}
	outs := protocol.Outputs(b.prod.rec.Body)
	if outs == nil {
		b.broken = m("reason.not_a_batch.type", "batch", shortBatch(raw), "type_key", typeKey(b.prod.rec.Type()))
		return b
	}
	if int(raw.Index) >= len(outs) {
		b.broken = m("reason.not_a_batch", "batch", shortBatch(raw), "record", b.prod.cid.Short(), "n", len(outs))
		return b
	}
	b.out = &outs[raw.Index]
	return b
}

func (b *batch) addAlias(id protocol.BatchID) {
	for _, a := range b.aliases {
		if a == id {
			return
		}
	}
	b.aliases = append(b.aliases, id)
}

// batchOrg returns the organisation that made the batch.
func (v *verifier) batchOrg(b *batch) protocol.PublicKey {
	return v.orgKey(b.prod.rec.Author)
}

// trace marks e as part of the trace.
func (v *verifier) trace(e *entry, role string) {
	if e == nil || e.traced {
		return
	}
	if v.tracedCount >= v.opts.MaxRecords {
		v.stats.Truncated = true
		return
	}
	e.traced, e.role = true, role
	v.tracedCount++
}

// visit adds b to the trace and reports whether it was new.
func (v *verifier) visit(b *batch, role string) bool {
	if b.traced || v.stats.Truncated {
		return false
	}
	b.traced, b.role = true, role
	v.trace(b.prod, role)
	for _, a := range b.aliases {
		if a.Record != b.id.Record {
			v.trace(v.entries[a.Record], role)
		}
	}
	return true
}

// walkBack walks from the start batch back to every origin.
func (v *verifier) walkBack(start *batch) {
	queue := []*batch{start}
	v.visit(start, roleStart)
	for len(queue) > 0 && v.err == nil && !v.stats.Truncated {
		b := queue[0]
		queue = queue[1:]
		v.loadUses(b)
		if !b.known() || b.corr.retracted {
			continue
		}
		switch body := b.prod.rec.Body.(type) {
		case *protocol.Origin:
			for _, p := range body.Places {
				v.trace(v.load(p, b.prod.cid, m("reason.what.place_of_origin")), roleAncestor)
			}
		case *protocol.Process:
			if body.Place != nil {
				v.load(*body.Place, b.prod.cid, m("reason.what.place_of_process"))
			}
			for _, in := range body.In {
				ib := v.batchOf(in.Batch, b.prod.cid, m("reason.what.input"))
				if v.visit(ib, roleAncestor) {
					queue = append(queue, ib)
				}
			}
		}
	}
	// Custody: how each consumer came to hold what it consumed.
	for _, b := range v.batchOrder {
		if !b.traced || !b.known() {
			continue
		}
		if p, ok := b.prod.rec.Body.(*protocol.Process); ok {
			consumer := v.orgKey(b.prod.rec.Author)
			role := b.role
			if role == roleStart {
				role = roleAncestor
			}
			for _, in := range p.In {
				ib := v.batchOf(in.Batch, b.prod.cid, m("reason.what.input"))
				v.custodyPath(consumer, ib, role, map[protocol.PublicKey]bool{})
			}
		}
	}
}

// custodyPath adds to the trace the transfers and receipts by which holder
// came to hold b.
func (v *verifier) custodyPath(holder protocol.PublicKey, b *batch, role string, seen map[protocol.PublicKey]bool) {
	if !b.known() || seen[holder] || holder == v.batchOrg(b) {
		return
	}
	seen[holder] = true
	v.loadUses(b)
	for _, x := range b.transfers {
		if x.corrected || x.e.rec == nil || x.body.To != holder {
			continue
		}
		var got []*entry
		for _, r := range x.receipts {
			if r.rec != nil && v.orgKey(r.rec.Author) == holder {
				got = append(got, r)
			}
		}
		if len(got) == 0 {
			continue
		}
		v.trace(x.e, role)
		for _, r := range got {
			v.trace(r, role)
		}
		v.custodyPath(v.orgKey(x.e.rec.Author), b, role, seen)
	}
}

// walkForward walks from the start batch to every product that used it.
func (v *verifier) walkForward(start *batch) {
	queue := []*batch{start}
	seen := map[*batch]bool{start: true}
	for len(queue) > 0 && v.err == nil && !v.stats.Truncated {
		b := queue[0]
		queue = queue[1:]
		v.loadUses(b)
		for _, x := range b.transfers {
			if !x.corrected {
				v.trace(x.e, roleDescendant)
				for _, r := range x.receipts {
					v.trace(r, roleDescendant)
				}
			}
		}
		for _, c := range b.consumes {
			if c.corrected {
				continue
			}
			pe := v.load(c.use.Record, b.id.Record, m("reason.what.use"))
			v.trace(pe, roleDescendant)
			if pe == nil || !pe.ok() {
				continue
			}
			p, ok := pe.rec.Body.(*protocol.Process)
			if !ok {
				continue
			}
			for _, in := range p.In {
				v.batchOf(in.Batch, pe.cid, m("reason.what.input")) // context for the checks
			}
			for i := range p.Out {
				ob := v.batchOf(protocol.BatchID{Record: pe.cid, Index: uint32(i)}, pe.cid, m("reason.what.output"))
				v.visit(ob, roleDescendant)
				if !seen[ob] {
					seen[ob] = true
					queue = append(queue, ob)
				}
			}
		}
	}
}

// loadUses reads every record the source knows that consumes or transfers
// b, under any of its IDs, with the receipts of each transfer.
func (v *verifier) loadUses(b *batch) {
	if b.usesLoaded || v.err != nil {
		return
	}
	b.usesLoaded = true
	seen := map[protocol.CID]bool{}
	for _, a := range b.aliases {
		for _, u := range v.uses(a) {
			if seen[u.Record] {
				continue
			}
			seen[u.Record] = true
			corrected := v.corrected(u.Record)
			switch u.Type {
			case protocol.TypeTransfer:
				e := v.load(u.Record, b.id.Record, m("reason.what.transfer"))
				if e == nil || e.rec == nil {
					continue
				}
				body, ok := e.rec.Body.(*protocol.Transfer)
				if !ok {
					continue
				}
				x := &xfer{e: e, body: body, corrected: corrected}
				for _, mem := range v.canon(u.Record).members {
					for _, rc := range v.referrers(mem, protocol.TypeReceive) {
						if v.corrected(rc) {
							continue
						}
						if r := v.load(rc, e.cid, m("reason.what.receipt")); r != nil && r.rec != nil {
							if _, ok := r.rec.Body.(*protocol.Receive); ok {
								x.receipts = append(x.receipts, r)
							}
						}
					}
				}
				b.transfers = append(b.transfers, x)
			case protocol.TypeProcess:
				b.consumes = append(b.consumes, &consumption{use: u, corrected: corrected})
			}
		}
	}
}
