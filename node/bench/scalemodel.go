package bench

import (
	"container/heap"
	"math/rand/v2"
	"time"
)

// gossipModel is a discrete-event model of the simulation's gossip, for
// sizes where real routers cannot keep to the clock on this machine. It
// follows GossipSub's rules as go-libp2p-pubsub applies them with Jejak's
// settings:
//
//   - the publisher sends its record to every peer (flood publishing);
//   - a node that validates a record it did not have forwards it to every
//     peer of its mesh but the one it came from;
//   - at each of its next three heartbeats (one a second, each node at its
//     own phase) a node announces the record (IHAVE) to max(Dlazy, a
//     quarter of its non-mesh peers) non-mesh peers chosen at random; a
//     peer that has not had a copy asks for it (IWANT) and is sent one.
//
// Flooding forwards to every peer but the sender and announces nothing.
// The meshes are those the real routers built at the same size; every
// copy, announcement and request takes a time drawn from the send delays
// measured in a real run, and every node validates in a time drawn from
// the validation delays measured there. Records are independent: the
// model has no queues, so it holds below saturation only.
type gossipModel struct {
	router   string
	topo     simTopology
	mesh     [][]int
	send     []time.Duration // measured: validated at the sender → in at the receiver
	validate []time.Duration // measured: in → validated
	records  int
	seed     uint64
	// copyBytes and idBytes are what a copy of a record and a message ID
	// in IHAVE or IWANT take in an RPC, for the bytes each node sends.
	copyBytes, idBytes int64
}

// GossipSub's parameters (pubsub's defaults, which Jejak keeps).
const (
	modelDlazy        = 6
	modelGossipFactor = 0.25
	modelHistory      = 3 // heartbeats a record is announced for
	modelHeartbeat    = time.Second
)

// modelEvent kinds.
const (
	evIn    = iota // a copy comes in at node from from
	evValid        // node has validated the record
	evBeat         // node's heartbeat: announce
	evIHave        // node hears from from that it has the record
	evIWant        // node is asked by from for the record
)

type modelEvent struct {
	at         time.Duration
	kind       int
	node, from int
	beats      int // evBeat: announcements left
}

type eventQueue []modelEvent

func (q eventQueue) Len() int           { return len(q) }
func (q eventQueue) Less(i, j int) bool { return q[i].at < q[j].at }
func (q eventQueue) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)        { *q = append(*q, x.(modelEvent)) }
func (q *eventQueue) Pop() any {
	old := *q
	e := old[len(old)-1]
	*q = old[:len(old)-1]
	return e
}

// run models m.records records, each from a desktop chosen at random, and
// returns the figures a real run gives (nothing of memory or build time).
func (m gossipModel) run() *simResult {
	n := m.topo.n
	r := rand.New(rand.NewPCG(m.seed, 13))
	peers := make([][]int, n)
	for _, e := range m.topo.edges {
		peers[e[0]] = append(peers[e[0]], e[1])
		peers[e[1]] = append(peers[e[1]], e[0])
	}
	inMesh := make([]map[int]bool, n)
	var others [][]int // non-mesh peers, GossipSub only
	if m.router == routerGossip {
		others = make([][]int, n)
		for i := range n {
			inMesh[i] = map[int]bool{}
			for _, p := range m.mesh[i] {
				inMesh[i][p] = true
			}
			for _, p := range peers[i] {
				if !inMesh[i][p] {
					others[i] = append(others[i], p)
				}
			}
		}
	}
	phase := make([]time.Duration, n)
	for i := range phase {
		phase[i] = time.Duration(r.Int64N(int64(modelHeartbeat)))
	}
	draw := func(xs []time.Duration) time.Duration {
		if len(xs) == 0 {
			return 0
		}
		return xs[r.IntN(len(xs))]
	}
	res := &simResult{expected: (n - 1) * m.records, params: simParams{router: m.router, topo: m.topo}, sent: make([]int64, n)}
	heard := make([]time.Duration, n)
	valid := make([]time.Duration, n)
	from := make([]int, n)
	hop := make([]int, n)
	for range m.records {
		for i := range n {
			heard[i], valid[i], from[i], hop[i] = -1, -1, -1, -1
		}
		by := m.topo.relays + r.IntN(max(1, n-m.topo.relays))
		if by >= n {
			by = r.IntN(n)
		}
		// The record is published at a random moment of the heartbeats.
		offset := time.Duration(r.Int64N(int64(modelHeartbeat)))
		q := &eventQueue{}
		push := func(e modelEvent) { heap.Push(q, e) }
		heard[by], from[by], hop[by] = 0, by, 0
		push(modelEvent{at: 0, kind: evValid, node: by, from: by})
		for q.Len() > 0 {
			e := heap.Pop(q).(modelEvent)
			switch e.kind {
			case evIn:
				if heard[e.node] >= 0 {
					continue
				}
				heard[e.node], from[e.node] = e.at, e.from
				hop[e.node] = hop[e.from] + 1
				push(modelEvent{at: e.at + draw(m.validate), kind: evValid, node: e.node, from: e.from})
			case evValid:
				valid[e.node] = e.at
				targets := peers[e.node]
				if m.router == routerGossip && e.node != by {
					targets = m.mesh[e.node]
				}
				for _, t := range targets {
					if t == e.from {
						continue
					}
					res.copies++
					res.sent[e.node] += m.copyBytes
					push(modelEvent{at: e.at + draw(m.send), kind: evIn, node: t, from: e.node})
				}
				if m.router == routerGossip {
					// The next heartbeat after the record is cached.
					beat := nextBeat(e.at+offset, phase[e.node]) - offset
					push(modelEvent{at: beat, kind: evBeat, node: e.node, beats: modelHistory})
				}
			case evBeat:
				cands := others[e.node]
				k := min(len(cands), max(modelDlazy, int(modelGossipFactor*float64(len(cands)))))
				for _, j := range r.Perm(len(cands))[:k] {
					res.ihave++
					res.sent[e.node] += m.idBytes
					push(modelEvent{at: e.at + draw(m.send), kind: evIHave, node: cands[j], from: e.node})
				}
				if e.beats > 1 {
					push(modelEvent{at: e.at + modelHeartbeat, kind: evBeat, node: e.node, beats: e.beats - 1})
				}
			case evIHave:
				if heard[e.node] < 0 {
					res.iwant++
					res.sent[e.node] += m.idBytes
					push(modelEvent{at: e.at + draw(m.send), kind: evIWant, node: e.from, from: e.node})
				}
			case evIWant:
				res.copies++
				res.sent[e.node] += m.copyBytes
				push(modelEvent{at: e.at + draw(m.send), kind: evIn, node: e.from, from: e.node})
			}
		}
		all := true
		var slowest time.Duration
		for i := range n {
			if i == by {
				continue
			}
			if valid[i] < 0 {
				all = false
				continue
			}
			res.got++
			res.hops = append(res.hops, hop[i])
			slowest = max(slowest, valid[i])
		}
		if all {
			res.toAll = append(res.toAll, slowest)
		}
	}
	for _, b := range res.sent {
		res.bytes += b
	}
	return res
}

// nextBeat returns the first heartbeat after t of a node whose heartbeats
// fall at phase + k seconds.
func nextBeat(t, phase time.Duration) time.Duration {
	k := (t - phase) / modelHeartbeat
	b := phase + k*modelHeartbeat
	for b <= t {
		b += modelHeartbeat
	}
	return b
}
