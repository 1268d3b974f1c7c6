package storetest

import (
	"fmt"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// world is a small supply chain with one record of every type: a certifier
// endorses a mill; the mill's org key delegates two devices, one of which
// records a plot, a harvest, a milling run and a shipment to a buyer whose
// device confirms it; the mill corrects the harvest and revokes its second
// device, and the certifier withdraws its endorsement.
type world struct {
	certifier, millOrg, buyerOrg *prototest.Feed
	millDev, buyerDev            *prototest.Feed
	spareDev                     protocol.PublicKey

	certOrg, endorse, unendorse                    protocol.Signed
	mill, delegate, delegate2, revokeDev           protocol.Signed
	buyer, buyerDelegate                           protocol.Signed
	plot, harvest, milling, ship, receive, correct protocol.Signed
}

// newWorld builds the world; name keeps the keys of two worlds apart.
func newWorld(name string) *world {
	k := func(s string) *prototest.Feed { return prototest.NewFeed(prototest.Key(name + "/" + s)) }
	w := &world{certifier: k("certifier"), millOrg: k("mill"), buyerOrg: k("buyer"),
		millDev: k("mill-desk"), buyerDev: k("buyer-desk")}
	w.spareDev = prototest.Key(name + "/spare-desk").Public()
	t := prototest.BaseTime

	w.certOrg = w.certifier.MustAdd(&protocol.Org{Name: "Certifier", Roles: []protocol.Role{protocol.RoleCertifier}, Country: "MY"})
	w.mill = w.millOrg.MustAdd(&protocol.Org{Name: "Mill", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"})
	w.buyer = w.buyerOrg.MustAdd(&protocol.Org{Name: "Buyer", Roles: []protocol.Role{protocol.RoleRefinery}, Country: "NL"})
	w.endorse = w.certifier.MustAdd(&protocol.Endorse{Org: w.millOrg.Author(), Role: protocol.RoleMill,
		Cert: &protocol.Certificate{Scheme: "RSPO", Model: protocol.ModelSG, Number: "RSPO-1", From: t, Until: t + 1e11}})
	w.delegate = w.millOrg.MustAdd(&protocol.Device{Key: w.millDev.Author(), Name: "desk 1"})
	w.delegate2 = w.millOrg.MustAdd(&protocol.Device{Key: w.spareDev, Name: "desk 2"})
	w.buyerDelegate = w.buyerOrg.MustAdd(&protocol.Device{Key: w.buyerDev.Author(), Name: "desk"})
	spare := w.spareDev
	w.revokeDev = w.millOrg.MustAdd(&protocol.Revoke{Key: &spare, From: t, Reason: "laptop lost"})

	w.plot = w.millDev.MustAdd(&protocol.Place{Name: "Plot 7", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(101.5, 3.1)), Area: 10_000})
	w.harvest = w.millDev.MustAdd(&protocol.Origin{Places: []protocol.CID{w.plot.CID}, From: t, Until: t + 3600_000,
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(10, protocol.TNE), Lot: "H-1"}}})
	w.milling = w.millDev.MustAdd(&protocol.Process{
		In: []protocol.Input{{Batch: protocol.BatchID{Record: w.harvest.CID}, Qty: protocol.Q(10, protocol.TNE)}},
		Out: []protocol.Output{
			{Product: "CPO", Qty: protocol.Q(2, protocol.TNE), Lot: "CPO-1"},
			{Product: "PK", Qty: protocol.Q(1, protocol.TNE), Lot: "PK-1"},
		}})
	w.ship = w.millDev.MustAdd(&protocol.Transfer{Batch: protocol.BatchID{Record: w.milling.CID}, Qty: protocol.Q(2, protocol.TNE),
		To: w.buyerOrg.Author(), Docs: []protocol.Document{{Kind: "invoice", Ref: "INV-1"}}})
	w.receive = w.buyerDev.MustAdd(&protocol.Receive{Transfer: w.ship.CID, Qty: protocol.Q(2, protocol.TNE)})
	// The store does not judge corrections: any record may be named as
	// the replacement, and both ends find the correction.
	w.correct = w.millDev.MustAdd(&protocol.Correct{Record: w.harvest.CID, Reason: "wrong plot", By: &w.plot.CID})
	endorsement := w.endorse.CID
	w.unendorse = w.certifier.MustAdd(&protocol.Revoke{Record: &endorsement, From: t + 1e10, Reason: "suspended"})
	return w
}

// records returns every record of the world in the order it was made.
func (w *world) records() []protocol.Signed {
	return []protocol.Signed{w.certOrg, w.mill, w.buyer, w.endorse, w.delegate, w.delegate2,
		w.buyerDelegate, w.revokeDev, w.plot, w.harvest, w.milling, w.ship, w.receive, w.correct, w.unendorse}
}

// authors returns the authors of the world's records.
func (w *world) authors() []*prototest.Feed {
	return []*prototest.Feed{w.certifier, w.millOrg, w.buyerOrg, w.millDev, w.buyerDev}
}

// feed makes n records of one author (origins with a lot code each).
func feed(name string, n int) (*prototest.Feed, []protocol.Signed) {
	f := prototest.NewFeed(prototest.Key(name))
	recs := make([]protocol.Signed, n)
	for i := range recs {
		recs[i] = f.MustAdd(origin(fmt.Sprintf("L-%d", i+1)))
	}
	return f, recs
}

// origin returns a small valid origin body.
func origin(lot string) *protocol.Origin {
	place := protocol.ComputeCID([]byte("storetest place"))
	return &protocol.Origin{Places: []protocol.CID{place}, From: prototest.BaseTime, Until: prototest.BaseTime,
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE), Lot: lot}}}
}
