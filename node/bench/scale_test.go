package bench

import (
	"context"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestGossipReachesEveryNodeWithFewerCopiesThanFlooding runs the scale
// scenario's simulation at 30 nodes, well below saturation: real
// GossipSub routers with the shipped settings deliver every record to
// every node, as flooding does on the same topology, with fewer copies
// sent per delivery; and the model, calibrated on the GossipSub run,
// agrees on both counts.
func TestGossipReachesEveryNodeWithFewerCopiesThanFlooding(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	topo := newSimTopology(30, 30)
	recs := scenario.Filler("scale-test", 20)
	got := map[string]*simResult{}
	for _, router := range []string{routerGossip, routerFlood} {
		res, err := simulate(ctx, simParams{router: router, topo: topo, latency: 5 * time.Millisecond, rate: 20,
			recs: recs, seed: 1, drain: 10 * time.Second, settle: 10 * time.Second})
		if err != nil {
			t.Fatalf("%s: %v", router, err)
		}
		if res.got != res.expected || len(res.toAll) != len(recs) {
			t.Errorf("%s delivered %d of %d (record, node) pairs; %d of %d records reached every node", router, res.got, res.expected, len(res.toAll), len(recs))
		}
		if res.drops > 0 || res.rejected > 0 {
			t.Errorf("%s: %d RPCs dropped, %d records refused", router, res.drops, res.rejected)
		}
		got[router] = res
	}
	g, f := got[routerGossip], got[routerFlood]
	if gc, fc := perDelivery(g.copies, g.got), perDelivery(f.copies, f.got); gc >= fc {
		t.Errorf("GossipSub sent %.2f copies per delivery, flooding %.2f: want fewer", gc, fc)
	}
	if !g.ready {
		t.Errorf("the GossipSub mesh had not settled before publishing: %v", g.mesh)
	}
	for _, router := range []string{routerGossip, routerFlood} {
		m := gossipModel{router: router, topo: topo, mesh: g.mesh, send: g.sendDelay, validate: g.validateDelay, records: 50, seed: 1,
			copyBytes: 400, idBytes: 38}.run()
		if m.got != m.expected {
			t.Errorf("the model of %s delivered %d of %d", router, m.got, m.expected)
		}
		got["model "+router] = m
	}
	if gc, fc := perDelivery(got["model "+routerGossip].copies, got["model "+routerGossip].got), perDelivery(got["model "+routerFlood].copies, got["model "+routerFlood].got); gc >= fc {
		t.Errorf("the model's GossipSub sent %.2f copies per delivery, its flooding %.2f: want fewer", gc, fc)
	}
}

// TestSimTopologyIsConnected: every desktop keeps its relays, and every
// node can reach every other.
func TestSimTopologyIsConnected(t *testing.T) {
	for _, n := range []int{30, 100, 1000} {
		topo := newSimTopology(n, uint64(n))
		adj := make([][]int, n)
		relays := make([]int, n)
		for _, e := range topo.edges {
			adj[e[0]] = append(adj[e[0]], e[1])
			adj[e[1]] = append(adj[e[1]], e[0])
			for _, ab := range [][2]int{e, {e[1], e[0]}} {
				if ab[1] < topo.relays {
					relays[ab[0]]++
				}
			}
		}
		for d := topo.relays; d < n; d++ {
			if relays[d] != simRelaysEach {
				t.Fatalf("n=%d: desktop %d is connected to %d relays, want %d", n, d, relays[d], simRelaysEach)
			}
		}
		seen := map[int]bool{0: true}
		queue := []int{0}
		for len(queue) > 0 {
			i := queue[0]
			queue = queue[1:]
			for _, j := range adj[i] {
				if !seen[j] {
					seen[j] = true
					queue = append(queue, j)
				}
			}
		}
		if len(seen) != n {
			t.Errorf("n=%d: %d nodes reachable from the first", n, len(seen))
		}
	}
}

// TestNationalYear: the national model gives what the sizes say
// (hundreds of deliveries a mill a day, records of the order of 10^8 a
// year), and a refinery batch's ancestry is a small share of the year.
func TestNationalYear(t *testing.T) {
	y := year()
	if y.perMillDay < 100 || y.perMillDay >= 1000 {
		t.Errorf("%.0f deliveries a mill a day, want hundreds", y.perMillDay)
	}
	if y.records < 1e8 || y.records >= 1e9 {
		t.Errorf("%.3g records a year, want of the order of 10^8", y.records)
	}
	if y.peakRate <= y.meanRate {
		t.Errorf("peak %.1f records/s is not above the mean %.1f", y.peakRate, y.meanRate)
	}
	if y.ancestry <= 0 || y.ancestMB <= y.ancestry || y.ancestMB/y.records > 1e-3 {
		t.Errorf("a refinery batch's ancestry: %.0f records (%.0f mixing tanks) of %.3g", y.ancestry, y.ancestMB, y.records)
	}
}

func TestNextBeat(t *testing.T) {
	for _, c := range []struct{ t, phase, want time.Duration }{
		{0, 300 * time.Millisecond, 300 * time.Millisecond},
		{300 * time.Millisecond, 300 * time.Millisecond, 1300 * time.Millisecond},
		{2500 * time.Millisecond, 300 * time.Millisecond, 3300 * time.Millisecond},
		{-200 * time.Millisecond, 300 * time.Millisecond, 300 * time.Millisecond},
	} {
		if got := nextBeat(c.t, c.phase); got != c.want {
			t.Errorf("nextBeat(%v, %v) = %v, want %v", c.t, c.phase, got, c.want)
		}
	}
}
