package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"

	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// The gossip set-ups, in the order they take turns.
var gossipKinds = []string{"bare", "default", "jejak"}

// gossipResult is one run of one set-up.
type gossipResult struct {
	p50, p99   time.Duration // from publishing until the last other node has it
	delivered  float64       // share of (record, node) pairs delivered at the fixed rate
	throughput float64       // burst deliveries (record × node) per second
	burstShare float64       // share of the burst delivered
	complete   float64       // burst records that reached every node, per second
}

// runGossip: N nodes on one topology of 127.0.0.1 connections publish at a
// fixed rate, then one node bursts. Three set-ups take turns, reps times,
// so that load from elsewhere falls on all of them alike; each figure is
// the median of its runs, with the range beside it.
func runGossip(ctx context.Context, r *run, s *Scenario) error {
	sizes, reps, rate, latencyN, burstN := []int{10, 30}, 5, 50, 300, 2000
	if r.cfg.Quick {
		sizes, reps, rate, latencyN, burstN = []int{6}, 1, 50, 50, 200
	}
	settle := 5 * time.Second
	targets := &Table{
		Title:   "Targets: p99 to all nodes at most 1.25× bare; burst throughput at least 1.3× pubsub's default; 100 % delivered at the fixed rate",
		Columns: []string{"N", "p99 jejak / bare", "per-run range", "throughput jejak / default", "per-run range", "jejak delivered at the fixed rate"},
	}
	for _, size := range sizes {
		edges := topology(size, 2, uint64(size))
		runs := map[string][]gossipResult{}
		for rep := range reps {
			for _, kind := range gossipKinds {
				if err := ctx.Err(); err != nil {
					return err
				}
				r.say("gossip", "N=%d %s, run %d of %d", size, kind, rep+1, reps)
				net, err := startGossipNet(ctx, r, kind, size, edges)
				if err != nil {
					return fmt.Errorf("N=%d %s: %w", size, kind, err)
				}
				res, err := net.measure(ctx, size, rate, latencyN, burstN, settle)
				net.close()
				if err != nil {
					return fmt.Errorf("N=%d %s: %w", size, kind, err)
				}
				runs[kind] = append(runs[kind], res)
			}
		}
		t := &Table{
			Title: fmt.Sprintf("N = %d nodes, %d edges; median of %d interleaved runs [lowest–highest]; %d records at %d/s from rotating publishers, then a burst of %d from one node",
				size, len(edges), reps, latencyN, rate, burstN),
			Columns: []string{"set-up", "p50 to all", "p99 to all", "delivered", "burst deliveries/s", "burst delivered", "burst records to all nodes/s"},
		}
		for _, kind := range gossipKinds {
			rs := runs[kind]
			t.add(kind,
				spreadDur(rs, func(g gossipResult) time.Duration { return g.p50 }),
				spreadDur(rs, func(g gossipResult) time.Duration { return g.p99 }),
				pct(medianOf(rs, func(g gossipResult) float64 { return g.delivered })),
				spread(rs, func(g gossipResult) float64 { return g.throughput }, "%.0f"),
				pct(medianOf(rs, func(g gossipResult) float64 { return g.burstShare })),
				spread(rs, func(g gossipResult) float64 { return g.complete }, "%.0f"))
		}
		s.Tables = append(s.Tables, t)
		p99 := func(g gossipResult) float64 { return float64(g.p99) }
		tput := func(g gossipResult) float64 { return g.throughput }
		targets.add(fmt.Sprint(size),
			ratio(medianOf(runs["jejak"], p99), medianOf(runs["bare"], p99)), pairedRange(runs["jejak"], runs["bare"], p99),
			ratio(medianOf(runs["jejak"], tput), medianOf(runs["default"], tput)), pairedRange(runs["jejak"], runs["default"], tput),
			pct(medianOf(runs["jejak"], func(g gossipResult) float64 { return g.delivered })))
	}
	s.Tables = append(s.Tables, targets)
	s.Notes = append(s.Notes,
		"bare: libp2p hosts with GossipSub, no signing, message ID = record CID, flood publishing, no validator, no store: the network's ceiling.",
		"default: Jejak nodes (every record opened and stored in Badger) with pubsub's defaults put back: messages signed by the peer key and checked on every hop, IDs from author and seqno, no flood publishing, queues of 32.",
		"jejak: Jejak nodes as they ship.",
		"Latency counts a record once it is stored (Jejak nodes) or delivered (bare) on the last of the other N−1 nodes; a record that never reaches all of them is left out of p50/p99 and shows in \"delivered\".",
		"Per-run range: the lowest and highest ratio of runs taken side by side (run k of one set-up against run k of the other).")
	return nil
}

// gossipNet is one set-up's N nodes.
type gossipNet struct {
	arr     *arrivals
	publish []func(context.Context, protocol.Signed) error
	closers []func()
}

func (g *gossipNet) close() {
	for i := len(g.closers) - 1; i >= 0; i-- {
		g.closers[i]()
	}
}

// gossipNode is one node of a set-up, as the measurement sees it.
type gossipNode struct {
	addr    string                                       // to dial it: a multiaddr ending in /p2p/<id>
	dial    func(ctx context.Context, addr string) error // connect it to another
	mesh    func() (mesh, peers int)                     // its mesh size and its peers of the set-up
	publish func(context.Context, protocol.Signed) error
	close   func()
}

// startGossipNet starts size nodes of kind, connects them along edges and
// waits until every gossip mesh has formed.
func startGossipNet(ctx context.Context, r *run, kind string, size int, edges [][2]int) (_ *gossipNet, err error) {
	g := &gossipNet{arr: newArrivals()}
	defer func() {
		if err != nil {
			g.close()
		}
	}()
	var nodes []*gossipNode
	for i := range size {
		var n *gossipNode
		if kind == "bare" {
			n, err = startBare(ctx, g.arr)
		} else {
			n, err = startGossipPeer(ctx, r, kind, i, g.arr)
		}
		if err != nil {
			return nil, err
		}
		nodes = append(nodes, n)
		g.closers = append(g.closers, n.close)
		g.publish = append(g.publish, n.publish)
	}
	for _, e := range edges {
		if err := nodes[e[0]].dial(ctx, nodes[e[1]].addr); err != nil {
			return nil, fmt.Errorf("connect node %d to node %d: %w", e[0], e[1], err)
		}
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		formed := true
		for _, n := range nodes {
			mesh, peers := n.mesh()
			if peers == 0 || mesh < min(peers, 5) {
				formed = false
				break
			}
		}
		if formed {
			return g, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("the gossip meshes did not form within 30 s")
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// startGossipPeer starts a Jejak engine with a store; "default" puts
// pubsub's default settings back over Jejak's.
func startGossipPeer(ctx context.Context, r *run, kind string, i int, arr *arrivals) (*gossipNode, error) {
	var opts []pubsub.Option
	if kind == "default" {
		opts = []pubsub.Option{
			pubsub.WithMessageSignaturePolicy(pubsub.StrictSign),
			pubsub.WithMessageAuthor(""),
			pubsub.WithMessageIdFn(pubsub.DefaultMsgIdFn),
			pubsub.WithFloodPublish(false),
			pubsub.WithValidateQueueSize(32),
			pubsub.WithPeerOutboundQueueSize(32),
		}
	}
	p, err := startPeer(ctx, r, fmt.Sprintf("gossip-%s-%d", kind, i), func(c *p2p.Config) {
		c.GossipOptions = opts
		c.Events = storedEvents{arr}
	})
	if err != nil {
		return nil, err
	}
	addrs := p.e.Addrs()
	if len(addrs) == 0 {
		p.close()
		return nil, fmt.Errorf("the node has no address")
	}
	return &gossipNode{
		addr: addrs[0],
		dial: p.e.Connect,
		mesh: func() (int, int) {
			st := p.e.Status()
			peers := 0
			for _, q := range st.Peers {
				if q.Jejak {
					peers++
				}
			}
			return st.Mesh, peers
		},
		publish: func(ctx context.Context, rec protocol.Signed) error {
			if _, err := p.st.Put(ctx, rec, storage.Buffered); err != nil {
				return err
			}
			return p.e.Publish(ctx, rec)
		},
		close: p.close,
	}, nil
}

// startBare starts a libp2p host with GossipSub and nothing of Jejak: no
// signing, content IDs, flood publishing, large queues, no validator and
// no store.
func startBare(ctx context.Context, arr *arrivals) (*gossipNode, error) {
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	fail := func(err error) (*gossipNode, error) {
		cancel()
		h.Close()
		return nil, err
	}
	mt := &graftCount{in: map[peer.ID]bool{}}
	ps, err := pubsub.NewGossipSub(ctx, h,
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign), pubsub.WithNoAuthor(),
		pubsub.WithMessageIdFn(func(m *pb.Message) string { return string(protocol.ComputeCID(m.Data).Bytes()) }),
		pubsub.WithFloodPublish(true),
		pubsub.WithValidateQueueSize(1024), pubsub.WithPeerOutboundQueueSize(1024),
		pubsub.WithRawTracer(mt))
	if err != nil {
		return fail(err)
	}
	topic, err := ps.Join("bench")
	if err != nil {
		return fail(err)
	}
	sub, err := topic.Subscribe(pubsub.WithBufferSize(4096))
	if err != nil {
		return fail(err)
	}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			m, err := sub.Next(ctx)
			if err != nil {
				return
			}
			if m.ReceivedFrom != h.ID() {
				arr.arrived(m.ID)
			}
		}
	}()
	return &gossipNode{
		addr: fmt.Sprintf("%s/p2p/%s", h.Addrs()[0], h.ID()),
		dial: func(ctx context.Context, addr string) error {
			ai, err := peer.AddrInfoFromString(addr)
			if err != nil {
				return err
			}
			return h.Connect(ctx, *ai)
		},
		mesh: func() (int, int) { return mt.size(), len(topic.ListPeers()) },
		publish: func(ctx context.Context, rec protocol.Signed) error {
			return topic.Publish(ctx, rec.Bytes)
		},
		close: func() { sub.Cancel(); cancel(); wg.Wait(); h.Close() },
	}, nil
}

// measure publishes latencyN records at rate from rotating publishers,
// then burstN records from the first node as fast as it can.
func (g *gossipNet) measure(ctx context.Context, size, rate, latencyN, burstN int, settle time.Duration) (gossipResult, error) {
	var res gossipResult
	recs := scenario.Filler(fmt.Sprintf("gossip-%d-%d", size, time.Now().UnixNano()), latencyN+burstN)
	lat, burst := recs[:latencyN], recs[latencyN:]
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for i, rec := range lat {
		select {
		case <-ctx.Done():
			tick.Stop()
			return res, ctx.Err()
		case <-tick.C:
		}
		g.arr.published(string(rec.CID.Bytes()), time.Now())
		if err := g.publish[i%size](ctx, rec); err != nil {
			tick.Stop()
			return res, err
		}
	}
	tick.Stop()
	g.arr.waitQuiet(ctx, latencyN*(size-1), settle)
	var ds []time.Duration
	delivered := 0
	g.arr.mu.Lock()
	for _, rec := range lat {
		id := string(rec.CID.Bytes())
		delivered += g.arr.count[id]
		if g.arr.count[id] >= size-1 {
			ds = append(ds, g.arr.last[id].Sub(g.arr.sent[id]))
		}
	}
	g.arr.mu.Unlock()
	slices.Sort(ds)
	if len(ds) > 0 {
		res.p50 = ds[len(ds)/2]
		res.p99 = ds[min(len(ds)-1, len(ds)*99/100)]
	}
	res.delivered = float64(delivered) / float64(latencyN*(size-1))

	before, _ := g.arr.snapshot()
	start := time.Now()
	for _, rec := range burst {
		if err := g.publish[0](ctx, rec); err != nil {
			return res, err
		}
	}
	g.arr.waitQuiet(ctx, before+burstN*(size-1), settle)
	after, last := g.arr.snapshot()
	got := after - before
	res.burstShare = float64(got) / float64(burstN*(size-1))
	complete := 0
	g.arr.mu.Lock()
	for _, rec := range burst {
		if g.arr.count[string(rec.CID.Bytes())] >= size-1 {
			complete++
		}
	}
	g.arr.mu.Unlock()
	if d := last.Sub(start); d > 0 {
		res.throughput = float64(got) / d.Seconds()
		res.complete = float64(complete) / d.Seconds()
	}
	return res, nil
}

// topology returns the edges of a ring of n nodes plus extra random
// chords per node, the same for every set-up of a size.
func topology(n, extra int, seed uint64) [][2]int {
	r := rand.New(rand.NewPCG(seed, 42))
	var es edgeSet
	for i := range n {
		es.add(i, (i+1)%n)
		for range extra {
			es.add(i, r.IntN(n))
		}
	}
	return es.edges
}

// edgeSet collects the edges of an undirected graph, each once, in the
// order first added, without loops.
type edgeSet struct {
	seen  map[[2]int]bool
	edges [][2]int
}

func (s *edgeSet) add(a, b int) {
	if a == b {
		return
	}
	if a > b {
		a, b = b, a
	}
	if s.seen == nil {
		s.seen = map[[2]int]bool{}
	}
	if !s.seen[[2]int{a, b}] {
		s.seen[[2]int{a, b}] = true
		s.edges = append(s.edges, [2]int{a, b})
	}
}

// arrivals records when each record reached each node.
type arrivals struct {
	mu    sync.Mutex
	sent  map[string]time.Time
	count map[string]int
	last  map[string]time.Time
	total int
	lastT time.Time
}

func newArrivals() *arrivals {
	return &arrivals{sent: map[string]time.Time{}, count: map[string]int{}, last: map[string]time.Time{}}
}

func (a *arrivals) published(id string, t time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.sent[id] = t
}

func (a *arrivals) arrived(id string) {
	now := time.Now()
	a.mu.Lock()
	defer a.mu.Unlock()
	a.count[id]++
	a.last[id] = now
	a.total++
	a.lastT = now
}

// snapshot returns the deliveries so far and when the last one came.
func (a *arrivals) snapshot() (int, time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.total, a.lastT
}

// waitQuiet waits until want deliveries have arrived, or none has for
// settle.
func (a *arrivals) waitQuiet(ctx context.Context, want int, settle time.Duration) {
	lastCount, lastChange := -1, time.Now()
	for ctx.Err() == nil {
		n, _ := a.snapshot()
		if n >= want {
			return
		}
		if n != lastCount {
			lastCount, lastChange = n, time.Now()
		} else if time.Since(lastChange) > settle {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// storedEvents counts a record when a node stores it.
type storedEvents struct{ arr *arrivals }

func (s storedEvents) Stored(rec protocol.Signed) { s.arr.arrived(string(rec.CID.Bytes())) }
func (storedEvents) Forked(storage.Fork)          {}
func (storedEvents) PeerJoined(string, p2p.Via)   {}
func (storedEvents) PeerLeft(string)              {}
func (storedEvents) Synced(p2p.SyncProgress)      {}

// graftCount follows a bare host's mesh.
type graftCount struct {
	mu sync.Mutex
	in map[peer.ID]bool
}

func (m *graftCount) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.in)
}

func (m *graftCount) Graft(p peer.ID, _ string)                          { m.mu.Lock(); m.in[p] = true; m.mu.Unlock() }
func (m *graftCount) Prune(p peer.ID, _ string)                          { m.mu.Lock(); delete(m.in, p); m.mu.Unlock() }
func (m *graftCount) RemovePeer(p peer.ID)                               { m.mu.Lock(); delete(m.in, p); m.mu.Unlock() }
func (*graftCount) AddPeer(peer.ID, libp2pproto.ID)                      {}
func (*graftCount) OnNewOutboundStream(peer.ID, libp2pproto.ID)          {}
func (*graftCount) OnClosedOutboundStream(peer.ID)                       {}
func (*graftCount) Join(string)                                          {}
func (*graftCount) Leave(string)                                         {}
func (*graftCount) ValidateMessage(*pubsub.Message)                      {}
func (*graftCount) DeliverMessage(*pubsub.Message)                       {}
func (*graftCount) RejectMessage(*pubsub.Message, string)                {}
func (*graftCount) DuplicateMessage(*pubsub.Message)                     {}
func (*graftCount) ThrottlePeer(peer.ID)                                 {}
func (*graftCount) RecvRPC(*pubsub.RPC)                                  {}
func (*graftCount) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (*graftCount) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (*graftCount) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (*graftCount) UndeliverableMessage(*pubsub.Message)                 {}

// medianOf is the median of one figure of rs.
func medianOf[T any](rs []T, f func(T) float64) float64 {
	v := make([]float64, len(rs))
	for i, r := range rs {
		v[i] = f(r)
	}
	slices.Sort(v)
	if len(v) == 0 {
		return 0
	}
	return v[(len(v)-1)/2]
}

// spread formats the median of one figure of rs with its range.
func spread[T any](rs []T, f func(T) float64, format string) string {
	lo, hi := f(rs[0]), f(rs[0])
	for _, r := range rs {
		lo, hi = min(lo, f(r)), max(hi, f(r))
	}
	if len(rs) == 1 {
		return fmt.Sprintf(format, f(rs[0]))
	}
	return fmt.Sprintf(format+" ["+format+"–"+format+"]", medianOf(rs, f), lo, hi)
}

// spreadDur is spread for durations, in milliseconds.
func spreadDur[T any](rs []T, f func(T) time.Duration) string {
	return spread(rs, func(r T) float64 { return float64(f(r)) / 1e6 }, "%.1f") + " ms"
}

// pairedRange is the lowest and highest ratio of a[k] to b[k].
func pairedRange[T any](a, b []T, f func(T) float64) string {
	var rs []float64
	for k := range min(len(a), len(b)) {
		if f(b[k]) != 0 {
			rs = append(rs, f(a[k])/f(b[k]))
		}
	}
	if len(rs) < 2 {
		return "–"
	}
	return fmt.Sprintf("%.2f–%.2f×", slices.Min(rs), slices.Max(rs))
}

// pct formats a share as a percentage.
func pct(f float64) string { return fmt.Sprintf("%.1f %%", 100*f) }
