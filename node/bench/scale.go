package bench

import (
	"context"
	"fmt"
	"runtime"
	"slices"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// scaleSize is one network size the scale scenario runs real routers at.
type scaleSize struct {
	nodes, records int
	rate           float64 // records/s published
}

// scaleSizes are the sizes: rates fall as the network grows so that the
// routers, all on this machine's cores, stay below saturation for as long
// as they can.
func scaleSizes(quick bool) []scaleSize {
	if quick {
		return []scaleSize{{100, 15, 10}}
	}
	return []scaleSize{{100, 60, 4}, {300, 40, 2}, {1000, 30, 1}}
}

// scaleLatency is each link's one-way latency in the simulation: two
// desktops on broadband or 4G in Malaysia or Indonesia, or a desktop and a
// relay in a data centre of the region.
const scaleLatency = 20 * time.Millisecond

// gossipTail is how long a full run goes on counting after the last
// delivery: a GossipSub node announces a record at its next three
// heartbeats.
const gossipTail = 3500 * time.Millisecond

// modelRecords is how many records the model follows at each size.
const modelRecords = 300

// scaleRun is one size's real runs and their model.
type scaleRun struct {
	size                 scaleSize
	topo                 simTopology
	gossip, flood        *simResult
	modelGos, modelFlood *simResult
}

// runScale: gossip at 100, 300 and 1,000 nodes with real routers, beside
// flooding on the same topology, and a model calibrated on the smallest
// run; then what a year of Malaysia's and Indonesia's palm oil costs a
// node that keeps every record, from figures measured on a real store.
func runScale(ctx context.Context, r *run, s *Scenario) error {
	nStore, nFeeds, nAncestry := 20_000, 2_000, 1_000
	if r.cfg.Quick {
		nStore, nFeeds, nAncestry = 5_000, 500, 300
	}
	y := year()
	var runs []*scaleRun
	recsAll := fillerFor(scaleSizes(r.cfg.Quick))
	for i, size := range scaleSizes(r.cfg.Quick) {
		sr := &scaleRun{size: size, topo: newSimTopology(size.nodes, uint64(size.nodes))}
		recs := recsAll[:size.records]
		for _, router := range []string{routerGossip, routerFlood} {
			r.say("scale", "%s on %d nodes (%d relays, %d connections): %d records at %.0f/s",
				router, size.nodes, sr.topo.relays, len(sr.topo.edges), size.records, size.rate)
			p := simParams{router: router, topo: sr.topo, latency: scaleLatency, rate: size.rate,
				recs: recs, seed: uint64(i + 1), drain: 20 * time.Second, settle: 20 * time.Second}
			if router == routerGossip && !r.cfg.Quick {
				p.tail = gossipTail
			}
			res, err := simulate(ctx, p)
			if err != nil {
				return fmt.Errorf("%s on %d nodes: %w", router, size.nodes, err)
			}
			if router == routerGossip {
				sr.gossip = res
			} else {
				sr.flood = res
			}
			runtime.GC()
		}
		runs = append(runs, sr)
	}
	cal := runs[0].gossip
	copyBytes, idBytes := wireSizes(recsAll)
	for _, sr := range runs {
		for _, router := range []string{routerGossip, routerFlood} {
			m := gossipModel{router: router, topo: sr.topo, mesh: sr.gossip.mesh, send: cal.sendDelay, validate: cal.validateDelay,
				records: modelRecords, seed: uint64(sr.size.nodes), copyBytes: copyBytes, idBytes: idBytes}
			if router == routerGossip {
				sr.modelGos = m.run()
			} else {
				sr.modelFlood = m.run()
			}
		}
	}
	s.Tables = append(s.Tables, gossipTable(runs, y), realRunTable(runs))

	r.say("scale", "measuring what %s records cost a node that keeps them", count(nStore))
	sf, err := measureStore(ctx, r, nStore, nFeeds)
	if err != nil {
		return err
	}
	r.say("scale", "verifying an ancestry of about %s records on a node that fetches it", count(nAncestry))
	ff, err := measureFetch(ctx, r, nAncestry)
	if err != nil {
		return err
	}
	big := runs[len(runs)-1]
	s.Tables = append(s.Tables, storeTable(sf), keysTable(sf), yearTable(y, sf, big), keepTable(y, sf), fetchTable(ff), assumptionTable())
	s.Notes = append(s.Notes, scaleNotes(runs, cal)...)
	for _, sr := range runs {
		for _, res := range []*simResult{sr.gossip, sr.flood} {
			if res.rejected > 0 {
				return fmt.Errorf("%s on %d nodes: %d records refused by a validator", res.params.router, sr.size.nodes, res.rejected)
			}
		}
	}
	return nil
}

// fillerFor returns records enough for the largest size.
func fillerFor(sizes []scaleSize) []protocol.Signed {
	n := 0
	for _, s := range sizes {
		n = max(n, s.records)
	}
	return scenario.Filler("scale-gossip", n)
}

// wireSizes returns the bytes a copy of a mean record and a message ID
// take in a GossipSub RPC: the record, the topic's name and protobuf
// framing; the ID's 36 bytes and framing.
func wireSizes(recs []protocol.Signed) (copyBytes, idBytes int64) {
	var total int
	for _, r := range recs {
		total += len(r.Bytes)
	}
	topic := len("jejak/bench/records/1")
	return int64(total/max(1, len(recs)) + topic + 8), 36 + 2
}

// upload returns the bytes each desktop and each relay sent per record
// published: the desktops' mean and 99th percentile, the relays' mean and
// largest.
func upload(res *simResult, records int) (dMean, dP99, rMean, rMax float64) {
	relays := res.params.topo.relays
	var d []int64
	var rs []int64
	for i, b := range res.sent {
		if i < relays {
			rs = append(rs, b)
		} else {
			d = append(d, b)
		}
	}
	mean := func(xs []int64) float64 {
		if len(xs) == 0 {
			return 0
		}
		var t int64
		for _, x := range xs {
			t += x
		}
		return float64(t) / float64(len(xs))
	}
	per := float64(max(1, records))
	dMean, dP99 = mean(d)/per, float64(quantile(d, 0.99))/per
	rMean = mean(rs) / per
	if len(rs) > 0 {
		rMax = float64(slices.Max(rs)) / per
	}
	return
}

// gossipTable is the simulation's main table.
func gossipTable(runs []*scaleRun, y nation) *Table {
	t := &Table{
		Title: fmt.Sprintf("Gossip of one record to every node: real GossipSub routers with Jejak's settings on an in-memory network (links of %s one way), "+
			"beside flooding on the same topology, and the model calibrated on the real %d-node run. Upload is at the national network's mean rate, %.1f records/s.",
			scaleLatency, runs[0].size.nodes, y.meanRate),
		Columns: []string{"nodes (relays)", "router", "from", "delivered", "hops p50 / p99", "to all nodes p50 / p99",
			"copies sent per delivery", "IHAVE IDs per delivery", "bytes sent per delivery", "desktop upload: mean / p99 node", "relay upload: mean / busiest"},
	}
	row := func(sr *scaleRun, res *simResult, from string, records int) {
		dm, dp, rm, rx := upload(res, records)
		t.add(fmt.Sprintf("%s (%d)", count(sr.topo.n), sr.topo.relays), res.params.router, from,
			fmt.Sprintf("%.2f %%", 100*float64(res.got)/float64(max(1, res.expected))),
			fmt.Sprintf("%d / %d", quantile(res.hops, 0.5), quantile(res.hops, 0.99)),
			fmt.Sprintf("%s / %s", dur(quantile(res.toAll, 0.5)), dur(quantile(res.toAll, 0.99))),
			fmt.Sprintf("%.2f", perDelivery(res.copies, res.got)),
			fmt.Sprintf("%.2f", perDelivery(res.ihave, res.got)),
			fmt.Sprintf("%.0f", perDelivery(res.bytes, res.got)),
			bytesIEC(dm*y.meanRate)+"/s / "+bytesIEC(dp*y.meanRate)+"/s",
			bytesIEC(rm*y.meanRate)+"/s / "+bytesIEC(rx*y.meanRate)+"/s")
	}
	ratioRow := func(sr *scaleRun, g, f *simResult, from string) {
		_, _, grm, _ := upload(g, 1)
		_, _, frm, _ := upload(f, 1)
		gdm, _, _, _ := upload(g, 1)
		fdm, _, _, _ := upload(f, 1)
		t.add(fmt.Sprintf("%s (%d)", count(sr.topo.n), sr.topo.relays), "gossipsub / flooding", from, "",
			ratio(float64(quantile(g.hops, 0.5)), float64(quantile(f.hops, 0.5)))+" (p50)",
			ratio(float64(quantile(g.toAll, 0.5)), float64(quantile(f.toAll, 0.5)))+" (p50)",
			ratio(perDelivery(g.copies, g.got), perDelivery(f.copies, f.got)), "",
			ratio(perDelivery(g.bytes, g.got), perDelivery(f.bytes, f.got)),
			ratio(gdm, fdm)+" (mean)", ratio(grm, frm)+" (mean)")
	}
	real := func(res *simResult) string {
		if !keptClock(res) {
			return "real routers, clock behind"
		}
		return "real routers"
	}
	for i, sr := range runs {
		row(sr, sr.gossip, real(sr.gossip), sr.size.records)
		row(sr, sr.flood, real(sr.flood), sr.size.records)
		ratioRow(sr, sr.gossip, sr.flood, "real routers")
		from := "model"
		if i == 0 {
			from = "model (its calibration run)"
		}
		row(sr, sr.modelGos, from, modelRecords)
		row(sr, sr.modelFlood, from, modelRecords)
		ratioRow(sr, sr.modelGos, sr.modelFlood, from)
	}
	return t
}

// keptClock reports whether a real run kept to the clock: its median send
// delay (from a node having a record to a copy arriving at a peer) within
// twice the link latency.
func keptClock(res *simResult) bool {
	return quantile(res.sendDelay, 0.5) <= 2*scaleLatency
}

// dur formats d in milliseconds below a second, in seconds above.
func dur(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.2f s", d.Seconds())
	}
	return ms(d)
}

func perDelivery(n int64, got int) float64 {
	if got == 0 {
		return 0
	}
	return float64(n) / float64(got)
}

// realRunTable says what the real runs took.
func realRunTable(runs []*scaleRun) *Table {
	t := &Table{
		Title: "What the real runs took on this machine: each node a libp2p host (mocknet) with its own router, validator (protocol.Open of every record) and queues. " +
			"Send delay: from a node having a record to a copy it pushed arriving at a peer; the links add " + scaleLatency.String() + ", the rest is this machine's cores shared by every node.",
		Columns: []string{"nodes", "router", "records at", "build and settle", "heap in use", "goroutines", "mesh size: desktops p50 (min) / relays p50",
			"CPU per record", "send delay p50 / p99", "IWANT per delivery", "RPCs dropped"},
	}
	for _, sr := range runs {
		for _, res := range []*simResult{sr.gossip, sr.flood} {
			mesh := "–"
			if res.params.router == routerGossip {
				var d, rl []int
				for i, m := range res.mesh {
					if i < sr.topo.relays {
						rl = append(rl, len(m))
					} else {
						d = append(d, len(m))
					}
				}
				mesh = fmt.Sprintf("%d (%d) / %d", quantile(d, 0.5), quantile(d, 0), quantile(rl, 0.5))
				if !res.ready {
					mesh += ", still changing"
				}
			}
			cpu := "–"
			if res.cpu > 0 {
				cpu = dur(res.cpu / time.Duration(max(1, sr.size.records)))
			}
			t.add(count(sr.topo.n), res.params.router, fmt.Sprintf("%.0f/s", sr.size.rate), res.build.Round(100*time.Millisecond).String(),
				bytesIEC(float64(res.heap)), count(res.routines), mesh, cpu,
				fmt.Sprintf("%s / %s", dur(quantile(res.sendDelay, 0.5)), dur(quantile(res.sendDelay, 0.99))),
				fmt.Sprintf("%.3f", perDelivery(res.iwant, res.got)), count(int(res.drops)))
		}
	}
	return t
}

// storeTable shows the per-record figures measured on the real store.
func storeTable(f *storeFigures) *Table {
	t := &Table{
		Title:   fmt.Sprintf("Measured on a real store (desktop profile) of %s records of unrelated supply chains (scenario.Filler), and a sync of them into an empty node on 127.0.0.1.", count(f.records)),
		Columns: []string{"measure", "value"},
	}
	t.add("mean record (its encoding)", fmt.Sprintf("%.0f bytes", f.meanBytes))
	t.add("store folder per record (an empty store's taken off)", fmt.Sprintf("%.0f bytes", f.diskPerRec))
	t.add("Badger keys per record", fmt.Sprintf("%.2f", f.keysPerRec))
	t.add("index keys and values per record (all but the record's own)", fmt.Sprintf("%.0f bytes", f.indexPerRec))
	t.add("table index and Bloom filter per key (Badger holds them in memory or its index cache)", fmt.Sprintf("%.1f bytes", f.memPerKey))
	t.add("store, batches of 1,000", fmt.Sprintf("%.0f records/s", f.putRate))
	t.add(fmt.Sprintf("protocol.OpenAll (decode, CID, signature) on %d cores", runtime.NumCPU()), fmt.Sprintf("%.0f records/s", f.openRate))
	t.add("sync from one peer into an empty node (all of it)", fmt.Sprintf("%.0f records/s", f.syncRate))
	t.add("bytes received per record in that sync", fmt.Sprintf("%.0f", f.syncPerRec))
	t.add("bytes a sync with nothing missing sends and receives, in all (sync 1.1.0: a digest of the heads)", fmt.Sprint(f.idleBytes))
	t.add(fmt.Sprintf("bytes a sync sends per feed held when the peer holds anything more (measured with %s more feeds)", count(f.feeds)), fmt.Sprintf("%.1f", f.headBytes))
	return t
}

// keysTable breaks the store's keys down by kind.
func keysTable(f *storeFigures) *Table {
	t := &Table{
		Title:   "The store's keys by kind, per record (storage/keys.go).",
		Columns: []string{"prefix", "kind", "keys per record", "key and value bytes per record"},
	}
	for _, p := range f.prefixes {
		t.add(string(p.prefix), p.description, fmt.Sprintf("%.3f", float64(p.keys)/float64(f.records)),
			fmt.Sprintf("%.1f", float64(p.keyBytes+p.valueBytes)/float64(f.records)))
	}
	return t
}

// yearTable is what a year of the national network costs a node that
// keeps every record.
func yearTable(y nation, f *storeFigures, big *scaleRun) *Table {
	t := &Table{
		Title:   "A year of Malaysia's and Indonesia's palm oil on a node that keeps every record (today's design: every node), from the figures above and the assumptions below.",
		Columns: []string{"quantity", "value", "from"},
	}
	t.add("fruit deliveries a year", si(y.deliveries), fmt.Sprintf("%s t of FFB / %.0f t a delivery; %.0f a mill a day", si(y.ffb), load.value, y.perMillDay))
	t.add("records a year", si(y.records), fmt.Sprintf("%.1f a delivery (%s), mills' runs and tankers (%s)", y.recsPerDelivery, si(y.upstream), si(y.downstream)))
	t.add("mean rate", fmt.Sprintf("%.1f records/s", y.meanRate), "over the whole year")
	t.add("peak rate", fmt.Sprintf("%.1f records/s", y.peakRate), fmt.Sprintf("intake %.0f h a day, %.0f days a week, peak month %.1f×", hours.value, weekDays.value, peakMonth.value))
	t.add("disk", bytesIEC(y.records*f.diskPerRec), fmt.Sprintf("%.0f bytes a record, measured", f.diskPerRec))
	t.add("table indexes and Bloom filters", bytesIEC(y.records*f.keysPerRec*f.memPerKey),
		fmt.Sprintf("%.2f keys a record × %.1f bytes a key; the desktop profile caches 16 MiB of them", f.keysPerRec, f.memPerKey))
	t.add("sync of the year into a new node: cores", hoursOf(y.records/f.syncRate), fmt.Sprintf("%.0f records/s measured on this machine", f.syncRate))
	t.add("sync of the year into a new node: download", bytesIEC(y.records*f.syncPerRec),
		fmt.Sprintf("%s at %.0f Mbit/s", hoursOf(y.records*f.syncPerRec*8/(link.value*1e6)), link.value))
	dm, dp, rm, rx := upload(big.modelGos, modelRecords)
	t.add(fmt.Sprintf("gossip upload, a desktop (mean / p99 node), at the mean / peak rate, %s nodes", count(big.topo.n)),
		fmt.Sprintf("%s, %s / %s, %s", bytesIEC(dm*y.meanRate)+"/s", bytesIEC(dp*y.meanRate)+"/s", bytesIEC(dm*y.peakRate)+"/s", bytesIEC(dp*y.peakRate)+"/s"),
		"the model's bytes per record, × the rate")
	t.add("gossip upload, a relay (mean / busiest), at the mean / peak rate", fmt.Sprintf("%s, %s / %s, %s",
		bytesIEC(rm*y.meanRate)+"/s", bytesIEC(rx*y.meanRate)+"/s", bytesIEC(rm*y.peakRate)+"/s", bytesIEC(rx*y.peakRate)+"/s"), "the same")
	fdm, _, frm, _ := upload(big.modelFlood, modelRecords)
	t.add("the same, flooding: a desktop / a relay, at the peak rate", bytesIEC(fdm*y.peakRate)+"/s / "+bytesIEC(frm*y.peakRate)+"/s", "the model's flooding")
	t.add("verifying the gossip at the peak rate (one core)", fmt.Sprintf("%.1f %% of a core", 100*y.peakRate*float64(runtime.NumCPU())/f.openRate),
		"protocol.OpenAll's rate, per core")
	heads := y.feeds * f.headBytes
	t.add("one sync with nothing missing", bytesIEC(float64(f.idleBytes)), "sync 1.1.0: a digest of the heads, whatever the feeds held")
	t.add("one sync where the peer holds anything more", bytesIEC(heads), fmt.Sprintf("%s feeds × %.0f bytes a head", si(y.feeds), f.headBytes))
	// Every device a node; a relay for every simRelayEvery nodes, each
	// desktop connected to simRelaysEach of them and to 2×simDesktopsDials
	// desktops on average, and syncing with 8 of those peers a minute.
	perRelay := float64(simRelaysEach * simRelayEvery)
	share := 8 / float64(simRelaysEach+2*simDesktopsDials)
	for _, c := range []struct {
		what  string
		bytes float64
	}{{"digests equal", float64(f.idleBytes)}, {"digests differ (every head sent)", heads}} {
		t.add("periodic sync, a desktop's upload (8 peers a minute), "+c.what, rate(c.bytes*8/60), "node/p2p: periodic sync with up to 8 peers a minute")
		t.add("periodic sync, a relay's download, "+c.what, rate(c.bytes*perRelay*share/60),
			fmt.Sprintf("%s nodes, a relay for every %d: %.0f desktops a relay, each syncing with it %.0f %% of the minutes", si(y.feeds), simRelayEvery, perRelay, 100*share))
	}
	return t
}

// keepTable compares what a desktop must keep with the whole network.
func keepTable(y nation, f *storeFigures) *Table {
	t := &Table{
		Title:   "What a desktop needs beside what the network holds, a year (records and disk at the measured bytes a record).",
		Columns: []string{"set", "records", "disk", "share of the network"},
	}
	add := func(what string, n float64) {
		t.add(what, si(n), bytesIEC(n*f.diskPerRec), fmt.Sprintf("%.4f %%", 100*n/y.records))
	}
	add("every record of every feed (today)", y.records)
	add(fmt.Sprintf("every organisation's trust records (%s organisations)", si(y.orgs)), y.trust)
	add("a mill's own feeds", y.millKeeps)
	add(fmt.Sprintf("the ancestry of one refinery batch (%s t: %.0f tankers from as many mill days)", si(refDay.value), refDay.value/tanker.value), y.ancestry)
	add(fmt.Sprintf("the same, each mill's tank mixing %.0f days (mass balance)", tankDays.value), y.ancestMB)
	add("a refinery keeping the ancestry of every day's batch", y.ancestry*365)
	t.add("DHT provider records for every record: writes a second, network-wide", si(dhtPuts(y.records)), "", "k = 20 copies, re-provided every 22 h")
	t.add("DHT provider records for every feed (author key): the same", fmt.Sprintf("%.1f", dhtPuts(y.feeds)), "", si(y.feeds)+" feeds")
	return t
}

// fetchTable shows on-demand fetching as it is built.
func fetchTable(f *fetchFigures) *Table {
	t := &Table{
		Title:   "Verifying a batch on a node that holds only the trust records (organisations, delegations, endorsements), fetching the rest by CID from a peer that holds everything, on 127.0.0.1: what is built today.",
		Columns: []string{"measure", "value"},
	}
	t.add("records in the batch's trace, on the full peer", count(f.ancestry))
	t.add("verdict on the full peer", fmt.Sprintf("%s in %s", f.fullVerdict, ms(f.fullTook)))
	t.add("trust records the light node held", count(f.trust))
	t.add("records it fetched (one request each)", count(f.fetched))
	t.add("records still missing", count(f.missing))
	t.add("its verdict", fmt.Sprintf("%s in %s", f.verdict, ms(f.took)))
	t.add("checks that failed", f.failedChecks())
	t.add("the same fetches over a 50 ms round trip, one after another", fmt.Sprintf("%.1f s", float64(f.fetched)*0.05))
	t.add("a revoked device's batch (scenario palm-revoked-device): the full peer's verdict", string(f.revokedFull))
	t.add("the same on a node that lacks only the revocation, fetching as above", string(f.revokedLight))
	return t
}

// assumptionTable lists the national model's inputs.
func assumptionTable() *Table {
	t := &Table{Title: "The national model's inputs.", Columns: []string{"input", "value", "source"}}
	for _, a := range assumptions() {
		v := si(a.value)
		if a.value < 10 {
			v = fmt.Sprintf("%g", a.value)
		}
		if a.unit != "" {
			v += " " + a.unit
		}
		t.add(a.what, v, a.source)
	}
	return t
}

// scaleNotes explain the tables.
func scaleNotes(runs []*scaleRun, cal *simResult) []string {
	notes := []string{
		fmt.Sprintf("Topology (node/p2p/discovery.go): one relay per %d nodes (at least %d), relays connected to each other; each desktop keeps %d relays connected and reached %d other desktops directly "+
			"(found in the DHT, then a public address, the LAN or a hole punch: pubsub does not use relayed connections). Peers are chosen at random, seeded.",
			simRelayEvery, simMinRelays, simRelaysEach, simDesktopsDials),
		"Real routers: go-libp2p-pubsub's GossipSub with p2p.GossipSettings (the settings every engine ships: message IDs by CID, no pubsub signatures, flood publishing, Jejak's peer scoring, peer exchange on relays, queues of 1,024) on libp2p's in-memory network (mocknet: no sockets); each node's validator opens every record (protocol.Open) as an engine does, without a store. Flooding: pubsub's FloodSub, which forwards every record to every peer but the sender. Records: scenario.Filler, published from desktops chosen at random.",
		"Copies sent per delivery: records sent over any link (pushed, or sent after an IWANT) for each node that got one; 1 would be perfect. Bytes: the RPCs pubsub writes (records, IHAVE, IWANT, GRAFT, PRUNE), without yamux, Noise and TCP framing (about 70 bytes an RPC more on a real link). Upload at a rate: bytes a node sent per record published, × the rate.",
		fmt.Sprintf("Model (scalemodel.go): GossipSub's forwarding and heartbeat gossip (IHAVE to max(6, ¼ of the non-mesh peers) at each of three heartbeats, IWANT, reply) over the meshes the real routers built at each size; every copy's delay is drawn from the %s send delays, and every validation from the %s validation delays, measured in the real %d-node GossipSub run (send delay p50 %s, p99 %s). Flooding in the model uses the same delays, so the two differ by protocol alone. The model has no queues or bandwidth limits: it holds below saturation.",
			count(len(cal.sendDelay)), count(len(cal.validateDelay)), cal.params.topo.n, ms(quantile(cal.sendDelay, 0.5)), ms(quantile(cal.sendDelay, 0.99))),
		"Where a real run's clock fell behind (its median send delay over twice the links' latency), its times and hops are this machine's, not the network's: every node shares two cores, so a record waits for the CPU at every hop and some arrive by IWANT after a heartbeat instead of by the mesh. Its delivered share, and the model's times and copies, are the figures to use at that size.",
	}
	return notes
}
