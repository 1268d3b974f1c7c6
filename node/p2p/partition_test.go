package p2p

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// partition cuts nodes into groups: while cut, a node's gater refuses every
// connection to a peer of another group.
type partition struct {
	mu    sync.Mutex
	cut   bool
	group map[peer.ID]int
}

func (p *partition) allowed(mine int, other peer.ID) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	g, known := p.group[other]
	return !p.cut || !known || g == mine
}

// gater is one node's side of a partition; it implements
// connmgr.ConnectionGater.
type gater struct {
	p     *partition
	group int
}

func (g gater) InterceptPeerDial(p peer.ID) bool                 { return g.p.allowed(g.group, p) }
func (g gater) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool { return g.p.allowed(g.group, p) }
func (g gater) InterceptAccept(network.ConnMultiaddrs) bool      { return true }
func (g gater) InterceptSecured(_ network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	return g.p.allowed(g.group, p)
}
func (g gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }

// startPartitioned starts nodes whose groups are given, with gaters on a
// shared partition and periodic sync every half second.
func startPartitioned(t *testing.T, prefix string, groups []int) ([]*testNode, *partition) {
	t.Helper()
	part := &partition{group: map[peer.ID]int{}}
	nodes := startNodes(t, prefix, len(groups), func(i int, c *testCfg) {
		c.ConnectionGater = gater{p: part, group: groups[i]}
		c.SyncInterval = 500 * time.Millisecond
	})
	for i, n := range nodes {
		part.group[n.ID()] = groups[i]
	}
	return nodes, part
}

// split cuts the partition and closes every connection across it.
func (p *partition) split(t *testing.T, nodes []*testNode) {
	t.Helper()
	p.mu.Lock()
	p.cut = true
	p.mu.Unlock()
	for _, n := range nodes {
		for _, other := range n.host.Network().Peers() {
			if !p.allowed(p.group[n.ID()], other) {
				_ = n.host.Network().ClosePeer(other)
			}
		}
	}
	waitFor(t, "no connection crosses the partition", func() bool {
		for _, n := range nodes {
			for _, other := range n.host.Network().Peers() {
				if !p.allowed(p.group[n.ID()], other) {
					return false
				}
			}
		}
		return true
	})
}

func (p *partition) join() {
	p.mu.Lock()
	p.cut = false
	p.mu.Unlock()
}

// inject stores a record made elsewhere on n and gossips it, as if n's user
// had imported it.
func inject(t *testing.T, n *testNode, rec protocol.Signed) {
	t.Helper()
	ctx := context.Background()
	if _, err := n.storeRecords(ctx, []protocol.Signed{rec}, n.ID(), false); err != nil {
		t.Fatal(err)
	}
	if err := n.gossip(ctx, rec); err != nil {
		t.Fatal(err)
	}
}

// holdsAll reports whether every node holds every CID.
func holdsAll(t *testing.T, nodes []*testNode, cids ...protocol.CID) bool {
	for _, n := range nodes {
		for _, c := range cids {
			if !has(t, n, c) {
				return false
			}
		}
	}
	return true
}

// TestPartitionHeals: two groups cut apart by connection gaters each
// publish; once joined again, every store ends identical (the same heads
// and the same records).
func TestPartitionHeals(t *testing.T) {
	ctx := context.Background()
	nodes, part := startPartitioned(t, "part", []int{0, 0, 0, 1, 1, 1})
	connect(t, nodes[0], nodes[1])
	connect(t, nodes[1], nodes[2])
	connect(t, nodes[3], nodes[4])
	connect(t, nodes[4], nodes[5])
	connect(t, nodes[2], nodes[3])
	connect(t, nodes[5], nodes[0])
	waitForMesh(t, nodes)
	shared := publish(t, nodes[0], 0)
	waitFor(t, "the shared record everywhere", func() bool { return holdsAll(t, nodes, shared.CID) })

	part.split(t, nodes)
	groupA, groupB := nodes[:3], nodes[3:]
	var fromA, fromB []protocol.CID
	for i := range 5 {
		fromA = append(fromA, publish(t, nodes[1], i).CID)
		fromB = append(fromB, publish(t, nodes[4], i).CID)
	}
	fromA = append(fromA, publish(t, nodes[0], 1).CID)
	waitFor(t, "each group holds its own records", func() bool {
		return holdsAll(t, groupA, fromA...) && holdsAll(t, groupB, fromB...)
	})
	for _, n := range groupB {
		if has(t, n, fromA[0]) {
			t.Fatal("a record crossed the partition")
		}
	}

	part.join()
	connect(t, nodes[2], nodes[3])
	connect(t, nodes[5], nodes[0])
	want := allCIDs(t, nodes[0])
	want = mergeCIDs(want, allCIDs(t, nodes[3]))
	if len(want) != 1+len(fromA)+len(fromB) {
		t.Fatalf("expected %d records in all, found %d", 1+len(fromA)+len(fromB), len(want))
	}
	waitFor(t, "every store holds every record", func() bool {
		for _, n := range nodes {
			if !maps.Equal(allCIDs(t, n), want) {
				return false
			}
		}
		return true
	})
	heads, err := nodes[0].store.Heads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i, n := range nodes[1:] {
		h, err := n.store.Heads(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !maps.Equal(h, heads) {
			t.Errorf("node %d heads %v differ from node 0's %v", i+1, h, heads)
		}
	}
}

func mergeCIDs(a, b map[protocol.CID]bool) map[protocol.CID]bool {
	out := maps.Clone(a)
	maps.Copy(out, b)
	return out
}

// TestEquivocationDetected: an author signs two different records at one
// seq and hands one to each side of a partition of six engines (ten under
// JEJAK_SOAK), each side a chain. When the sides join, every node, not
// just the two that meet, stores both, reports the fork on Watch, and
// lists it in Status.
func TestEquivocationDetected(t *testing.T) {
	ctx := context.Background()
	size := scaled(3, 5)
	groups := make([]int, 2*size)
	for i := size; i < 2*size; i++ {
		groups[i] = 1
	}
	nodes, part := startPartitioned(t, "fork", groups)
	watches := make([]<-chan any, len(nodes))
	for i, n := range nodes {
		watches[i] = watch(t, n)
	}
	for i := range nodes[:len(nodes)-1] {
		if i != size-1 {
			connect(t, nodes[i], nodes[i+1])
		}
	}
	bridge := func() { connect(t, nodes[size-1], nodes[size]) }
	bridge()
	waitForMesh(t, nodes)

	liar := prototest.NewFeed(prototest.Key("liar"))
	first := liar.MustAdd(orgBody(1))
	inject(t, nodes[0], first)
	waitFor(t, "the first record everywhere", func() bool { return holdsAll(t, nodes, first.CID) })

	part.split(t, nodes)
	left, err := liar.At(2, first.CID, first.Time+1000, orgBody(2))
	if err != nil {
		t.Fatal(err)
	}
	right, err := liar.At(2, first.CID, first.Time+1000, orgBody(3))
	if err != nil {
		t.Fatal(err)
	}
	inject(t, nodes[0], left)
	inject(t, nodes[len(nodes)-1], right)
	waitFor(t, "each side holds its version", func() bool {
		return holdsAll(t, nodes[:size], left.CID) && holdsAll(t, nodes[size:], right.CID)
	})

	part.join()
	bridge()
	for i := range nodes {
		f := waitEvent(t, watches[i], fmt.Sprintf("a fork event on node %d", i), func(storage.Fork) bool { return true })
		if f.Author != liar.Author() || f.Seq != 2 || len(f.CIDs) != 2 {
			t.Errorf("node %d: fork event %+v; want the liar's seq 2 with two records", i, f)
		}
	}
	for i, n := range nodes {
		st, err := n.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(st.Forks) != 1 || st.Forks[0].Author != liar.Author() {
			t.Errorf("node %d Status lists forks %+v", i, st.Forks)
		}
		if !has(t, n, left.CID) || !has(t, n, right.CID) {
			t.Errorf("node %d does not hold both records of the fork", i)
		}
	}
	t.Logf("equivocation: detected on %d of %d nodes", len(nodes), len(nodes))
}
