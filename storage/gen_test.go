package storage

import (
	"fmt"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// recordGen makes a deterministic stream of records like a supply chain's:
// it goes round its authors' feeds, and each feed cycles through a harvest
// (origin with a lot code), a milling run that consumes the harvest, and a
// shipment of the milling run's output.
type recordGen struct {
	feeds []*prototest.Feed
	last  []protocol.Signed
	buyer protocol.PublicKey
	n     int
}

func newRecordGen(name string, authors int) *recordGen {
	g := &recordGen{feeds: make([]*prototest.Feed, authors), last: make([]protocol.Signed, authors),
		buyer: prototest.Key(name + "/buyer").Public()}
	for i := range g.feeds {
		g.feeds[i] = prototest.NewFeed(prototest.Key(fmt.Sprintf("%s/%d", name, i)))
	}
	return g
}

var genPlace = protocol.ComputeCID([]byte("gen place"))

// next returns the next record.
func (g *recordGen) next() protocol.Signed {
	a := g.n % len(g.feeds)
	f := g.feeds[a]
	g.n++
	var body protocol.Body
	prev := g.last[a]
	var t protocol.Type
	if prev.Record != nil {
		t = prev.Type()
	}
	switch t {
	case protocol.TypeOrigin:
		body = &protocol.Process{
			In: []protocol.Input{{Batch: protocol.BatchID{Record: prev.CID}, Qty: protocol.Q(10, protocol.TNE)}},
			Out: []protocol.Output{
				{Product: "CPO", Qty: protocol.Q(2, protocol.TNE), Lot: fmt.Sprintf("CPO-%d", g.n)},
				{Product: "PK", Qty: protocol.Q(1, protocol.TNE)},
			}}
	case protocol.TypeProcess:
		body = &protocol.Transfer{Batch: protocol.BatchID{Record: prev.CID}, Qty: protocol.Q(2, protocol.TNE), To: g.buyer,
			Docs: []protocol.Document{{Kind: "invoice", Ref: fmt.Sprintf("INV-%d", g.n)}}}
	default:
		body = &protocol.Origin{Places: []protocol.CID{genPlace}, From: prototest.BaseTime, Until: prototest.BaseTime,
			Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(10, protocol.TNE), Lot: fmt.Sprintf("H-%d", g.n)}}}
	}
	r := f.MustAdd(body)
	g.last[a] = r
	return r
}

// take returns the next n records.
func (g *recordGen) take(n int) []protocol.Signed {
	recs := make([]protocol.Signed, n)
	for i := range recs {
		recs[i] = g.next()
	}
	return recs
}
