package bench

import (
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	mocknet "github.com/libp2p/go-libp2p/p2p/net/mock"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
)

// The scale scenario's gossip simulation: real go-libp2p-pubsub routers,
// one per node, on libp2p's in-memory network (mocknet), on a topology of
// desktops and relays shaped like the one discovery builds. Nothing leaves
// the process.

// Routers the simulation runs.
const (
	routerGossip = "gossipsub"
	routerFlood  = "flooding"
)

// simParams is one simulation run.
type simParams struct {
	router  string
	topo    simTopology
	latency time.Duration // one way, on every link
	rate    float64       // records published per second
	recs    []protocol.Signed
	seed    uint64
	// drain is how long to wait, after the last record is published, for
	// the last delivery.
	drain time.Duration
	// settle bounds the wait for the gossip mesh to form.
	settle time.Duration
	// tail is how long to go on counting what nodes send once the last
	// record has arrived (IHAVE announcements go on for heartbeats).
	tail time.Duration
}

// simResult is what one run measured. Deliveries are (node, record) pairs
// other than the publisher's own.
type simResult struct {
	params   simParams
	expected int // deliveries if every node got every record
	got      int
	hops     []int           // per delivery
	toAll    []time.Duration // per record that reached every node
	copies   int64           // records sent over a link (full copies)
	ihave    int64           // message IDs announced in IHAVE
	iwant    int64           // message IDs asked for in IWANT
	bytes    int64           // RPC bytes sent, all nodes
	sent     []int64         // RPC bytes each node sent while records flowed
	drops    int64           // RPCs dropped on a full queue
	rejected int64           // records refused by a validator
	mesh     [][]int         // each node's mesh when publishing began (GossipSub)
	// calibration for the model (gossipModel): the time from a node having
	// a record (validated) to a copy it pushed coming in at a peer, for
	// every copy pushed (not those asked for); and from a node's first copy
	// coming in to its having validated the record.
	sendDelay, validateDelay []time.Duration
	ready                    bool          // the mesh settled before publishing
	build                    time.Duration // starting routers and connecting them
	heap                     uint64        // heap in use once running (bytes)
	routines                 int           // goroutines once running
	cpu                      time.Duration // CPU the process used from the first publish to the end
}

// simNode is one simulated node.
type simNode struct {
	i     int
	relay bool
	h     host.Host
	ps    *pubsub.PubSub
	topic *pubsub.Topic
	s     *simNet

	arrived []atomic.Int64 // per record: ns since the run began, +1; 0 = not yet
	from    []atomic.Int32 // per record: the node it came from first
	heard   []atomic.Int64 // per record: when its first copy came in, as arrived
	asked   []atomic.Bool  // per record: the node asked a peer for it (IWANT)

	copies, ihave, iwant, bytes, drops, rejected atomic.Int64

	mu    sync.Mutex
	mesh  map[peer.ID]bool // GossipSub's mesh on the topic
	sends []sendSample     // copies pushed to this node
}

// sendSample is one copy of a record pushed to a node: which record, from
// which node, and when it came in (ns since the run began).
type sendSample struct {
	rec, from int
	at        int64
}

// meshSize returns the size of the node's mesh.
func (nd *simNode) meshSize() int {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	return len(nd.mesh)
}

// meshPeers returns the nodes in the node's mesh.
func (nd *simNode) meshPeers() []int {
	nd.mu.Lock()
	defer nd.mu.Unlock()
	out := make([]int, 0, len(nd.mesh))
	for p := range nd.mesh {
		out = append(out, nd.s.byPeer[p])
	}
	slices.Sort(out)
	return out
}

// simNet is one running simulation.
type simNet struct {
	p       simParams
	mn      mocknet.Mocknet
	nodes   []*simNode
	byPeer  map[peer.ID]int
	byID    map[string]int // message ID → record index
	start   time.Time
	pubAt   []int64 // per record: ns since start
	pubBy   []int
	got     atomic.Int64
	changes atomic.Int64 // mesh grafts and prunes
}

// simulate runs one simulation and measures it.
func simulate(ctx context.Context, p simParams) (*simResult, error) {
	n := p.topo.n
	s := &simNet{p: p, mn: mocknet.New(), byPeer: map[peer.ID]int{}, byID: map[string]int{}, start: time.Now(),
		pubAt: make([]int64, len(p.recs)), pubBy: make([]int, len(p.recs))}
	defer s.mn.Close()
	s.mn.SetLinkDefaults(mocknet.LinkOptions{Latency: p.latency})
	for i, rec := range p.recs {
		s.byID[string(rec.CID.Bytes())] = i
	}
	buildStart := time.Now()
	keys := rand.NewChaCha8([32]byte{byte(p.seed), byte(p.seed >> 8), 's', 'i', 'm'})
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	for i := range n {
		// Each node gets an address of its own, as on the internet, so
		// that the peer score's IP colocation factor sees one node an
		// address. Mocknet opens no socket: the addresses only name the
		// nodes, and come from the range set aside for benchmarks
		// (198.18.0.0/15, RFC 2544).
		sk, _, err := crypto.GenerateEd25519Key(keys)
		if err != nil {
			return nil, err
		}
		addr, err := ma.NewMultiaddr(fmt.Sprintf("/ip4/198.%d.%d.%d/tcp/4001", 18+i>>16, (i>>8)&0xff, i&0xff))
		if err != nil {
			return nil, err
		}
		h, err := s.mn.AddPeer(sk, addr)
		if err != nil {
			return nil, err
		}
		nd := &simNode{i: i, relay: i < p.topo.relays, h: h, s: s, mesh: map[peer.ID]bool{},
			arrived: make([]atomic.Int64, len(p.recs)), from: make([]atomic.Int32, len(p.recs)),
			heard: make([]atomic.Int64, len(p.recs)), asked: make([]atomic.Bool, len(p.recs))}
		s.nodes = append(s.nodes, nd)
		s.byPeer[h.ID()] = i
	}
	for _, nd := range s.nodes {
		if err := nd.start(rctx, p.router); err != nil {
			return nil, fmt.Errorf("node %d: %w", nd.i, err)
		}
	}
	for _, e := range p.topo.edges {
		a, b := s.nodes[e[0]].h.ID(), s.nodes[e[1]].h.ID()
		if _, err := s.mn.LinkPeers(a, b); err != nil {
			return nil, err
		}
		if _, err := s.mn.ConnectPeers(a, b); err != nil {
			return nil, err
		}
	}
	res := &simResult{params: p, expected: (n - 1) * len(p.recs)}
	var err error
	if res.ready, err = s.settle(ctx); err != nil {
		return nil, err
	}
	res.build = time.Since(buildStart)
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	res.heap, res.routines = ms.HeapInuse, runtime.NumGoroutine()
	for _, nd := range s.nodes {
		res.mesh = append(res.mesh, nd.meshPeers())
	}
	before, cpu := s.counters(), cpuTime()
	if err := s.publish(ctx); err != nil {
		return nil, err
	}
	s.drain(ctx)
	if p.tail > 0 {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(p.tail):
		}
	}
	after := s.counters()
	if cpu > 0 {
		res.cpu = cpuTime() - cpu
	}
	s.measure(res, before, after)
	return res, nil
}

// start runs the node's router on the topic with the validator every
// Jejak node runs it with, minus the store: each record is opened
// (protocol.Open: decoding, CID, signature) before it is passed on.
func (nd *simNode) start(ctx context.Context, router string) error {
	setup, err := p2p.GossipSettings(benchNetwork, nd.relay)
	if err != nil {
		return err
	}
	opts := append(setup.Options, pubsub.WithRawTracer(simTracer{nd}))
	switch router {
	case routerGossip:
		nd.ps, err = pubsub.NewGossipSub(ctx, nd.h, opts...)
	case routerFlood:
		// Jejak's settings but those only GossipSub has (flood
		// publishing, peer scoring, peer exchange): message IDs by CID, no
		// pubsub signatures, a desktop's queues.
		nd.ps, err = pubsub.NewFloodSub(ctx, nd.h,
			pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
			pubsub.WithNoAuthor(),
			pubsub.WithMessageIdFn(func(m *pb.Message) string { return string(protocol.ComputeCID(m.Data).Bytes()) }),
			pubsub.WithValidateQueueSize(1024),
			pubsub.WithPeerOutboundQueueSize(1024),
			pubsub.WithMaxMessageSize(1<<20),
			pubsub.WithRawTracer(simTracer{nd}))
	default:
		return fmt.Errorf("no router %q", router)
	}
	if err != nil {
		return err
	}
	if err := nd.ps.RegisterTopicValidator(setup.Topic, pubsub.ValidatorEx(nd.validate), setup.Validator...); err != nil {
		return err
	}
	if nd.topic, err = nd.ps.Join(setup.Topic); err != nil {
		return err
	}
	_, err = nd.topic.Relay()
	return err
}

// validate is the node's topic validator: it notes when and from whom a
// record first arrived.
func (nd *simNode) validate(_ context.Context, from peer.ID, m *pubsub.Message) pubsub.ValidationResult {
	if from == nd.h.ID() {
		return pubsub.ValidationAccept
	}
	i, ok := nd.s.byID[m.ID]
	if !ok {
		nd.rejected.Add(1)
		return pubsub.ValidationReject
	}
	if _, err := protocol.Open(m.Data); err != nil {
		nd.rejected.Add(1)
		return pubsub.ValidationReject
	}
	if nd.arrived[i].CompareAndSwap(0, int64(time.Since(nd.s.start))+1) {
		nd.from[i].Store(int32(nd.s.byPeer[m.ReceivedFrom]))
		nd.s.got.Add(1)
	}
	return pubsub.ValidationAccept
}

// settle waits until every node has its peers' subscriptions and, for
// GossipSub, a mesh, and the meshes have stopped changing for one and a
// half heartbeats. It reports whether they settled before p.settle ran out.
func (s *simNet) settle(ctx context.Context) (bool, error) {
	deg := s.p.topo.degrees()
	deadline := time.Now().Add(s.p.settle)
	quietSince, lastChanges := time.Now(), int64(-1)
	for time.Now().Before(deadline) {
		if err := ctx.Err(); err != nil {
			return false, err
		}
		ready := true
		for _, nd := range s.nodes {
			if len(nd.topic.ListPeers()) < deg[nd.i] || (s.p.router == routerGossip && nd.meshSize() == 0) {
				ready = false
				break
			}
		}
		if c := s.changes.Load(); c != lastChanges {
			lastChanges, quietSince = c, time.Now()
		}
		if ready && (s.p.router != routerGossip || time.Since(quietSince) > 1500*time.Millisecond) {
			return true, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return false, nil
}

// publish publishes the records at the rate, each from a desktop chosen at
// random.
func (s *simNet) publish(ctx context.Context) error {
	r := rand.New(rand.NewPCG(s.p.seed, 11))
	first := time.Now()
	desktops := s.p.topo.n - s.p.topo.relays
	for i, rec := range s.p.recs {
		at := first.Add(time.Duration(float64(i) / s.p.rate * float64(time.Second)))
		if d := time.Until(at); d > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(d):
			}
		}
		by := s.p.topo.relays + r.IntN(desktops)
		if desktops == 0 {
			by = r.IntN(s.p.topo.n)
		}
		nd := s.nodes[by]
		s.pubBy[i] = by
		s.pubAt[i] = int64(time.Since(s.start))
		nd.arrived[i].Store(s.pubAt[i] + 1)
		nd.from[i].Store(int32(by))
		if err := nd.topic.Publish(ctx, rec.Bytes); err != nil {
			return fmt.Errorf("publish record %d: %w", i, err)
		}
	}
	return nil
}

// drain waits until every node has every record or p.drain has passed
// since the last publish.
func (s *simNet) drain(ctx context.Context) {
	want := int64((s.p.topo.n - 1) * len(s.p.recs))
	deadline := time.Now().Add(s.p.drain)
	for s.got.Load() < want && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
}

// simCounters are the counters of every node at one moment.
type simCounters struct{ copies, ihave, iwant, bytes, drops, rejected []int64 }

func (s *simNet) counters() simCounters {
	var c simCounters
	for _, nd := range s.nodes {
		c.copies = append(c.copies, nd.copies.Load())
		c.ihave = append(c.ihave, nd.ihave.Load())
		c.iwant = append(c.iwant, nd.iwant.Load())
		c.bytes = append(c.bytes, nd.bytes.Load())
		c.drops = append(c.drops, nd.drops.Load())
		c.rejected = append(c.rejected, nd.rejected.Load())
	}
	return c
}

// measure fills res from the arrivals and the counters' growth while the
// records flowed.
func (s *simNet) measure(res *simResult, before, after simCounters) {
	sum := func(a, b []int64) int64 {
		var t int64
		for i := range a {
			t += b[i] - a[i]
		}
		return t
	}
	res.copies, res.ihave, res.iwant = sum(before.copies, after.copies), sum(before.ihave, after.ihave), sum(before.iwant, after.iwant)
	res.bytes = sum(before.bytes, after.bytes)
	res.drops, res.rejected = sum(before.drops, after.drops), sum(before.rejected, after.rejected)
	for i := range s.nodes {
		res.sent = append(res.sent, after.bytes[i]-before.bytes[i])
	}
	n := len(s.nodes)
	hop := make([]int, n)
	for r := range s.p.recs {
		for i := range hop {
			hop[i] = -1
		}
		hop[s.pubBy[r]] = 0
		var hopOf func(i, depth int) int
		hopOf = func(i, depth int) int {
			if hop[i] >= 0 || depth > n {
				return hop[i]
			}
			f := int(s.nodes[i].from[r].Load())
			if h := hopOf(f, depth+1); h >= 0 {
				hop[i] = h + 1
			}
			return hop[i]
		}
		all := true
		var slowest time.Duration
		for i, nd := range s.nodes {
			at := nd.arrived[r].Load()
			if i == s.pubBy[r] {
				continue
			}
			if at == 0 {
				all = false
				continue
			}
			res.got++
			slowest = max(slowest, time.Duration(at-1-s.pubAt[r]))
			if h := hopOf(i, 0); h > 0 {
				res.hops = append(res.hops, h)
			}
		}
		if all {
			res.toAll = append(res.toAll, slowest)
		}
	}
	for _, nd := range s.nodes {
		for r := range s.p.recs {
			if h, a := nd.heard[r].Load(), nd.arrived[r].Load(); h > 0 && a >= h && r < len(s.p.recs) && nd.i != s.pubBy[r] {
				res.validateDelay = append(res.validateDelay, time.Duration(a-h))
			}
		}
		nd.mu.Lock()
		for _, c := range nd.sends {
			if nd.asked[c.rec].Load() {
				continue
			}
			if had := s.nodes[c.from].arrived[c.rec].Load(); had > 0 && c.at+1 >= had {
				res.sendDelay = append(res.sendDelay, time.Duration(c.at+1-had))
			}
		}
		nd.mu.Unlock()
	}
}
