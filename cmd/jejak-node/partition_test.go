package main

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// netLab is a small network of namespaces the test made: one namespace per
// node, each with a veth pair whose other end sits on a bridge in a
// namespace of its own. Nothing in it is routed anywhere else, so the
// nodes' traffic stays inside namespaces this test made.
type netLab struct {
	t      *testing.T
	prefix string // unique to this test run
	bridge string // the bridge's namespace
	hosts  map[string]int
}

// labSubnet is the addressing inside the lab's namespaces (private and
// never routed out of them: the lab has no route to anywhere else).
const labSubnet = "10.231.0"

// newNetLab makes the lab's bridge namespace, or skips the test where
// network namespaces cannot be made (not root, no iproute2) — except under
// CI=true, where they must work.
func newNetLab(t *testing.T) *netLab {
	t.Helper()
	unable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s (CI=true: the partition test must run there; CI runs as root with iproute2)", msg)
		}
		t.Skipf("skipping the network-namespace partition test: %s", msg)
	}
	if os.Geteuid() != 0 {
		unable("it needs root to make network namespaces (running as uid %d)", os.Geteuid())
	}
	if _, err := exec.LookPath("ip"); err != nil {
		unable("no ip command (Debian package iproute2): %v", err)
	}
	var b [3]byte
	rand.Read(b[:])
	l := &netLab{t: t, prefix: "jjk" + hex.EncodeToString(b[:]), hosts: map[string]int{}}
	l.bridge = l.prefix + "-br"
	if out, err := exec.Command("ip", "netns", "add", l.bridge).CombinedOutput(); err != nil {
		unable("ip netns add %s: %v: %s", l.bridge, err, strings.TrimSpace(string(out)))
	}
	t.Cleanup(func() { l.del(l.bridge) })
	l.ip(l.bridge, "link", "set", "lo", "up")
	l.ip(l.bridge, "link", "add", "br0", "type", "bridge")
	l.ip(l.bridge, "link", "set", "br0", "up")
	return l
}

// ip runs "ip -n NS args..." and fails the test if it fails.
func (l *netLab) ip(ns string, args ...string) {
	l.t.Helper()
	args = append([]string{"-n", ns}, args...)
	if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
		l.t.Fatalf("ip %s: %v: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
	}
}

// del removes a namespace the lab made; its veth ends go with it.
func (l *netLab) del(ns string) {
	if out, err := exec.Command("ip", "netns", "del", ns).CombinedOutput(); err != nil {
		l.t.Errorf("ip netns del %s: %v: %s", ns, err, strings.TrimSpace(string(out)))
	}
}

// host makes a namespace for name, wired to the bridge, and returns the
// namespace and its address. It is removed when the test ends, after the
// processes in it were stopped.
func (l *netLab) host(name string) (ns, addr string) {
	l.t.Helper()
	n := len(l.hosts) + 1
	l.hosts[name] = n
	ns = fmt.Sprintf("%s-%s", l.prefix, name)
	if out, err := exec.Command("ip", "netns", "add", ns).CombinedOutput(); err != nil {
		l.t.Fatalf("ip netns add %s: %v: %s", ns, err, strings.TrimSpace(string(out)))
	}
	l.t.Cleanup(func() { l.del(ns) })
	addr = fmt.Sprintf("%s.%d", labSubnet, n)
	l.ip(l.bridge, "link", "add", l.port(name), "type", "veth", "peer", "name", "eth0", "netns", ns)
	l.ip(l.bridge, "link", "set", l.port(name), "master", "br0")
	l.ip(l.bridge, "link", "set", l.port(name), "up")
	l.ip(ns, "link", "set", "lo", "up")
	l.ip(ns, "addr", "add", addr+"/24", "dev", "eth0")
	l.ip(ns, "link", "set", "eth0", "up")
	return ns, addr
}

// port is the bridge's end of name's veth pair.
func (l *netLab) port(name string) string { return fmt.Sprintf("v%d", l.hosts[name]) }

// cut takes name's link to the bridge down: its packets go nowhere, and no
// connection of its is closed for it.
func (l *netLab) cut(name string) { l.ip(l.bridge, "link", "set", l.port(name), "down") }

// restore brings name's link up again.
func (l *netLab) restore(name string) { l.ip(l.bridge, "link", "set", l.port(name), "up") }

// inLab makes o serve in a namespace of the lab, listening on its veth
// address.
func (l *netLab) inLab(o *org) {
	ns, addr := l.host(o.name)
	o.netns = ns
	o.listen = "/ip4/" + addr + "/tcp/0"
	// The nodes are in namespaces this test made: the test-only guard
	// that keeps nodes on loopback does not apply to them.
	o.env = []string{"JEJAK_LOOPBACK_ONLY=0"}
}

// TestPartition runs three organisations' nodes, each in its own network
// namespace on a bridge in a fourth, and cuts one node's link at a time
// (taking its veth down on the bridge) while records are published on both
// sides of the cut, then restores it: every node ends with the same record
// set. One more cut falls in the middle of a catch-up: a new, empty node
// is cut off while it syncs thousands of records, and after the restore it
// holds exactly its peers' records. JEJAK_SOAK=1 runs more rounds.
// JEJAK_PARTITION_SEED=N repeats a run's cut points.
func TestPartition(t *testing.T) {
	if testing.Short() {
		t.Skip("the partition test runs nodes in network namespaces; skipped with -short")
	}
	start := time.Now()
	lab := newNetLab(t)
	rng := mrand.New(mrand.NewPCG(testSeed(t, "JEJAK_PARTITION_SEED", "mid-sync cut points"), 0))
	rounds, each, syncCuts, records := 3, 1, 1, 2000
	if e2eSoak() {
		rounds, each, syncCuts, records = 30, 2, 5, 5000
	}
	e := newE2E(t)
	a, b, c := e.org("a"), e.org("b"), e.org("c")
	for _, o := range e.nodes {
		lab.inLab(o)
	}
	fill(t, c, "partition", records)
	c.serves()
	b.serves("--bootstrap", c.addr)
	a.serves("--bootstrap", c.addr, "--bootstrap", b.addr)
	a.initialises("Kilang Kota Tinggi", "mill")
	b.initialises("Pasir Gudang Refinery", "refinery")
	c.initialises("Ladang Sungai Tiram", "plantation")
	orgs := []*org{a, b, c}
	set, took := e.sameRecords("before the first cut", orgs...)
	t.Logf("three nodes in namespaces %s-{a,b,c} on a bridge; %d records on each after %v", lab.prefix, len(set), took.Round(time.Millisecond))

	var worst, sum time.Duration
	published := 0
	for r := range rounds {
		cutOff := orgs[r%3]
		lab.cut(cutOff.name)
		// Both sides publish while the cut lasts.
		var during []string
		for _, o := range orgs {
			for i := range each {
				during = append(during, o.registersPlot(fmt.Sprintf("Blok %d-%d", r, i)))
			}
		}
		published += len(during)
		// The cut is real: what the far side published has not reached
		// the node cut off.
		alone := cutOff.cids()
		for i, cid := range during {
			if by := orgs[i/each]; by != cutOff && alone[cid] {
				t.Fatalf("round %d: %s, cut off, holds %s published by %s during the cut", r, cutOff.name, cid, by.name)
			}
		}
		lab.restore(cutOff.name)
		set, took := e.sameRecords(fmt.Sprintf("after restoring %s's link (round %d)", cutOff.name, r), orgs...)
		for _, cid := range during {
			if !set[cid] {
				t.Fatalf("round %d: record %s published during the cut is on no node", r, cid)
			}
		}
		worst, sum = max(worst, took), sum+took
	}
	t.Logf("%d partitions healed, %d records published during cuts; converged after restore in %v on average, %v at worst",
		rounds, published, (sum / time.Duration(max(rounds, 1))).Round(time.Millisecond), worst.Round(time.Millisecond))

	// A cut in the middle of a catch-up: a new, empty node in a namespace
	// of its own syncs from c, and its link goes down once its record count
	// shows the catch-up under way and not finished.
	total := int64(len(c.cids()))
	healed, early := 0, 0
	for i := 0; healed < syncCuts; i++ {
		if i > 5*syncCuts {
			t.Fatalf("%d catch-ups ended before their cut: the sync is too quick for the test to catch", i)
		}
		late := e.org(fmt.Sprintf("late%d", i))
		lab.inLab(late)
		late.serves("--bootstrap", c.addr)
		cl, err := late.client()
		if err != nil {
			t.Fatal(err)
		}
		// The cut falls once the count passes a random point short of
		// the last sync page.
		at := 1 + rng.Int64N(max(1, total-syncPage))
		var n int64
		deadline := time.Now().Add(e2eWait)
		for n < at && time.Now().Before(deadline) {
			if n, err = late.count(cl); err != nil {
				t.Fatal(err)
			}
			time.Sleep(2 * time.Millisecond) // a tight poll of the node's own count
		}
		if n >= total {
			early++
			late.stops()
			continue
		}
		lab.cut(late.name)
		cutAt := time.Now()
		if n, err = late.count(cl); err != nil {
			t.Fatal(err)
		}
		if n >= total {
			// It finished before the cut took hold: not a mid-sync cut.
			early++
			lab.restore(late.name)
			late.stops()
			continue
		}
		// Records published while the newcomer is cut off reach it too.
		b.registersPlot(fmt.Sprintf("Blok late %d", i))
		lab.restore(late.name)
		_, took := e.sameRecords(fmt.Sprintf("after the cut of %s at %d of %d records", late.name, n, total), append(orgs, late)...)
		t.Logf("%s cut off at %d of %d records; after the restore, same records as its peers in %v (%v since the cut)",
			late.name, n, total, took.Round(time.Millisecond), time.Since(cutAt).Round(time.Millisecond))
		worst = max(worst, took)
		late.stops()
		healed++
	}
	for _, o := range orgs {
		o.hasNoForks()
	}
	final := a.cids()
	for _, o := range orgs {
		o.stops()
	}
	for _, o := range orgs {
		if d := setDiff(a.name, final, o.name, o.storedCIDs()); d != "" {
			t.Fatalf("the stopped nodes' stores differ: %s", d)
		}
	}
	t.Logf("partitions healed: %d between running nodes, %d mid-sync (%d newcomers finished before their cut and were not counted); %d records in every store; total %v",
		rounds, healed, early, len(final), time.Since(start).Round(time.Millisecond))
}
