package fake

import (
	"math"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// Mill is a fake seen from the mill of the honest palm-oil scenario, with
// batches worth looking at.
type Mill struct {
	*Service
	// Honest is the end product of the honest chain (verifies as trusted).
	Honest protocol.BatchID
	// Failed is the end product of the double-claim chain (fails).
	Failed protocol.BatchID
	// FFB is a harvest the mill received and has not processed: a batch it
	// holds in full.
	FFB protocol.BatchID
	// CPO is the mill's CPO batch, sent away in full: a batch it no longer
	// holds.
	CPO protocol.BatchID
	// Refinery is the refinery's organisation key.
	Refinery protocol.PublicKey
	// Anchor is the trust anchor (the RSPO demo key).
	Anchor protocol.PublicKey
}

// MillDevice returns the device key of the scenario's mill, to write
// records as another desk of the mill would.
func MillDevice() protocol.PrivateKey { return scenario.Key("bukit-lebam-mill/device-1") }

// NewMill returns a fake holding the honest palm-oil chain, with this
// install set up as its mill (Kilang Sawit Bukit Lebam), trusting the
// scenario's anchor. Beyond the scenario it holds a second harvest the
// mill has received and not yet processed, a third on its way to the mill,
// and an estate plot the mill registered; the double-claim chain is there
// for verification only.
func NewMill() *Mill {
	honest := scenario.HonestPalm()
	s := New(honest.Records...)
	m := &Mill{Service: s, Honest: honest.Batch, Anchor: honest.Anchors[0], CPO: protocol.BatchID{Record: honest.Marks["mill.process"].CID}}
	m.Refinery = scenario.Key("pasir-gudang").Public()
	s.SetAnchors(provenance.Anchor{Key: m.Anchor, Name: "RSPO (demo)", Added: scenario.Start})
	s.BecomeOrg(scenario.Key("bukit-lebam-mill"), scenario.Key("bukit-lebam-mill/device-1"))

	dc := scenario.DoubleClaim()
	s.AddSource(dc.Records...)
	m.Failed = dc.Batch

	last := honest.Records[len(honest.Records)-1].Time
	s.now = func() time.Time { return time.UnixMilli(last).Add(24 * time.Hour) }
	plantation := scenario.Key("sungai-lebam/device-1")
	mill := MillDevice()
	plots := []protocol.CID{honest.Marks["plot.12a"].CID, honest.Marks["plot.12b"].CID}
	rspoIP := &protocol.Claim{Scheme: scenario.RSPO, Model: protocol.ModelIP}
	day := func(d int) int64 { return time.UnixMilli(last).AddDate(0, 0, d).UnixMilli() }
	harvest := func(lot string, tonnes int64, from int) protocol.BatchID {
		o := s.Extend(plantation, &protocol.Origin{Places: plots, From: day(from), Until: day(from + 6),
			Out: []protocol.Output{{Product: scenario.FFB, Qty: protocol.Q(tonnes, protocol.TNE), Lot: lot, Claim: rspoIP}}})
		return protocol.BatchID{Record: o.CID}
	}
	s.now = func() time.Time { return time.UnixMilli(last).Add(10 * 24 * time.Hour) }
	m.FFB = harvest("LSL-FFB-2403-02", 90, 1)
	t := s.Extend(plantation, &protocol.Transfer{Batch: m.FFB, Qty: protocol.Q(90, protocol.TNE), To: s.orgKey.Public(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-0314-204"}}})
	s.Extend(mill, &protocol.Receive{Transfer: t.CID, Qty: protocol.Q(90, protocol.TNE)})
	next := harvest("LSL-FFB-2403-03", 60, 8)
	s.Extend(plantation, &protocol.Transfer{Batch: next, Qty: protocol.Q(60, protocol.TNE), To: s.orgKey.Public(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-0321-077"}, {Kind: "delivery-order", Ref: "DO-LSL-0321"}}})
	ring := []protocol.Position{protocol.Pos(103.9300, 1.7900), protocol.Pos(103.9360, 1.7900),
		protocol.Pos(103.9360, 1.7950), protocol.Pos(103.9300, 1.7950), protocol.Pos(103.9300, 1.7900)}
	g := protocol.PolygonGeometry(ring)
	s.Extend(mill, &protocol.Place{Name: "Estet Bukit Lebam Blok 3", Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(math.Round(g.Area()))})
	s.now = time.Now

	s.Snapshot = api.Status{
		PeerID: "12D3KooWJejakDemoMillDesk1xq7Lr9", Network: "main", Reachability: api.ReachabilityPrivate,
		Addrs:  []string{"/ip4/192.168.1.24/tcp/4001", "/ip4/192.168.1.24/udp/4001/quic-v1"},
		Relays: []api.RelayStatus{{PeerID: "12D3KooWRelayJohorBahru01", Connected: true, Reservation: true}},
		Peers: []api.Peer{
			{ID: "12D3KooWRelayJohorBahru01", Addr: "/ip4/203.0.113.7/udp/4001/quic-v1", Via: api.ViaDirect, Relay: true, Score: 12.5, Synced: time.Now().Add(-2 * time.Minute)},
			{ID: "12D3KooWSungaiLebamOffice", Addr: "/ip4/192.168.1.31/tcp/4001", Via: api.ViaLAN, Score: 4, Synced: time.Now().Add(-40 * time.Second)},
			{ID: "12D3KooWPasirGudangQA", Addr: "/p2p/12D3KooWRelayJohorBahru01/p2p-circuit", Via: api.ViaRelayed, Score: 0.5},
		},
		Sync:    api.SyncProgress{Peer: "12D3KooWPasirGudangQA", Fetched: 1180, Added: 240, Expected: 1500},
		Started: time.Now().Add(-3 * time.Hour),
	}
	return m
}
