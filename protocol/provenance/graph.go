package provenance

import (
	"time"

	"github.com/jejak/jejak/protocol"
)

// graph builds the provenance graph of the trace; nodes named by a failing
// reason are flagged.
func (v *verifier) graph(checks []Check) Graph {
	failing := map[protocol.CID]bool{}
	for _, c := range checks {
		for _, r := range c.Reasons {
			if r.Level == LevelFail {
				for _, rc := range r.Records {
					failing[rc] = true
				}
			}
		}
	}
	g := Graph{Nodes: []Node{}, Edges: []Edge{}}
	for _, bt := range v.batchOrder {
		if !bt.traced {
			continue
		}
		n := Node{ID: bt.id.String(), Kind: NodeBatch, Record: bt.id.Record, Role: bt.role, Failing: failing[bt.id.Record]}
		if bt.prod == nil || bt.prod.rec == nil {
			n.Missing = true
		} else {
			v.fillBatchNode(&n, bt.prod, bt.out)
			n.Corrected = bt.corr.retracted
		}
		g.Nodes = append(g.Nodes, n)
		for _, a := range bt.aliases {
			if a == bt.id {
				continue
			}
			old := Node{ID: a.String(), Kind: NodeBatch, Record: a.Record, Role: bt.role, Corrected: true, ReplacedBy: bt.id.String(), Failing: failing[a.Record]}
			if e := v.entries[a.Record]; e != nil && e.rec != nil {
				v.fillBatchNode(&old, e, outputOf(e, a.Index))
			}
			g.Nodes = append(g.Nodes, old)
			g.Edges = append(g.Edges, Edge{From: a.String(), To: bt.id.String(), Kind: EdgeReplaced, Record: a.Record})
		}
	}
	for _, bt := range v.batchOrder {
		if !bt.traced {
			continue
		}
		for _, x := range bt.transfers {
			if !x.e.traced || x.corrected {
				continue
			}
			from := v.orgKey(x.e.rec.Author)
			to := x.body.To
			n := Node{ID: x.e.cid.String(), Kind: NodeTransfer, Record: x.e.cid, Type: protocol.TypeTransfer, Product: productOf(bt),
				Qty: qtyPtr(x.body.Qty), Org: v.orgName(from), OrgKey: keyPtr(from), ToOrg: v.orgName(to), ToOrgKey: keyPtr(to),
				Time: timePtr(x.e.rec.Time), Role: x.e.role, Failing: failing[x.e.cid]}
			var got int64
			var unit protocol.Unit
			for _, r := range x.receipts {
				if r.traced && r.rec != nil {
					q := r.rec.Body.(*protocol.Receive).Qty
					got, unit = got+q.Milli, q.Unit
					n.Failing = n.Failing || failing[r.cid]
				}
			}
			if unit != "" {
				n.Received = &protocol.Quantity{Milli: got, Unit: unit}
			}
			g.Nodes = append(g.Nodes, n)
			g.Edges = append(g.Edges, Edge{From: v.holderNode(bt, from), To: n.ID, Kind: EdgeSent, Record: x.e.cid, Qty: qtyPtr(x.body.Qty)})
		}
	}
	done := map[protocol.CID]bool{}
	for _, bt := range v.batchOrder {
		if !bt.traced || !bt.known() || done[bt.id.Record] {
			continue
		}
		done[bt.id.Record] = true
		p, ok := bt.prod.rec.Body.(*protocol.Process)
		if !ok {
			continue
		}
		consumer := v.orgKey(bt.prod.rec.Author)
		for _, in := range p.In {
			ib := v.batchOf(in.Batch, bt.prod.cid, m("reason.what.input"))
			if !ib.traced {
				continue
			}
			for i := range p.Out {
				out := protocol.BatchID{Record: bt.id.Record, Index: uint32(i)}
				if ob := v.batches[out]; ob == nil || !ob.traced {
					continue
				}
				g.Edges = append(g.Edges, Edge{From: v.holderNode(ib, consumer), To: out.String(), Kind: EdgeConsumed, Record: bt.prod.cid, Qty: qtyPtr(in.Qty)})
			}
		}
	}
	return g
}

// holderNode returns the node through which org holds batch b: the batch
// itself for its maker, else the first traced transfer it received.
func (v *verifier) holderNode(b *batch, org protocol.PublicKey) string {
	if b.known() && v.batchOrg(b) == org {
		return b.id.String()
	}
	for _, x := range b.transfers {
		if x.e.traced && !x.corrected && x.body.To == org {
			return x.e.cid.String()
		}
	}
	return b.id.String()
}

func (v *verifier) fillBatchNode(n *Node, e *entry, out *protocol.Output) {
	n.Type = e.rec.Type()
	n.Time = timePtr(e.rec.Time)
	o := v.orgKey(e.rec.Author)
	n.Org, n.OrgKey = v.orgName(o), keyPtr(o)
	if out != nil {
		n.Product, n.Qty, n.Lot, n.Claim = out.Product, qtyPtr(out.Qty), out.Lot, out.Claim
	}
	var place *protocol.CID
	switch b := e.rec.Body.(type) {
	case *protocol.Process:
		place = b.Place
	case *protocol.Origin:
		if len(b.Places) > 0 {
			place = &b.Places[0]
		}
	}
	if place != nil {
		if pe := v.entries[*place]; pe != nil && pe.rec != nil {
			if pl, ok := pe.rec.Body.(*protocol.Place); ok {
				n.Place = pl.Name
			}
		}
	}
}

func outputOf(e *entry, i uint32) *protocol.Output {
	if outs := protocol.Outputs(e.rec.Body); int(i) < len(outs) {
		return &outs[i]
	}
	return nil
}

func productOf(b *batch) string {
	if b.out != nil {
		return b.out.Product
	}
	return ""
}

func qtyPtr(q protocol.Quantity) *protocol.Quantity   { return &q }
func keyPtr(k protocol.PublicKey) *protocol.PublicKey { return &k }
func timePtr(ms int64) *time.Time                     { t := time.UnixMilli(ms).UTC(); return &t }
