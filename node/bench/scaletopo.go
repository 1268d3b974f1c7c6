package bench

import "math/rand/v2"

// Topology of the simulation. A desktop keeps its configured relays
// connected and dials peers it finds in the DHT while it has fewer than
// eight (node/p2p/discovery.go); pubsub ignores relayed connections, so a
// desktop's gossip peers are its relays and the desktops it reached
// directly (a public address, the LAN, or a hole punch).
const (
	simRelayEvery    = 100 // one relay per this many nodes, at least simMinRelays
	simMinRelays     = 3
	simRelaysEach    = 2 // relays each desktop keeps connected
	simDesktopsDials = 4 // desktops each desktop reached directly
)

// simTopology is who is connected to whom: nodes 0 … relays-1 are relays.
type simTopology struct {
	n, relays int
	edges     [][2]int
}

// newSimTopology builds a topology of n nodes: the relays connected to each
// other, every desktop to simRelaysEach relays and to simDesktopsDials
// other desktops, all chosen at random (seeded).
func newSimTopology(n int, seed uint64) simTopology {
	relays := max(simMinRelays, n/simRelayEvery)
	t := simTopology{n: n, relays: relays}
	r := rand.New(rand.NewPCG(seed, 7))
	var es edgeSet
	add := es.add
	for a := range relays {
		for b := a + 1; b < relays; b++ {
			add(a, b)
		}
	}
	for d := relays; d < n; d++ {
		for _, i := range r.Perm(relays)[:min(simRelaysEach, relays)] {
			add(d, i)
		}
		for k := 0; k < simDesktopsDials && n-relays > 1; k++ {
			add(d, relays+r.IntN(n-relays))
		}
	}
	t.edges = es.edges
	return t
}

// degrees returns each node's number of connections.
func (t simTopology) degrees() []int {
	deg := make([]int, t.n)
	for _, e := range t.edges {
		deg[e[0]]++
		deg[e[1]]++
	}
	return deg
}
