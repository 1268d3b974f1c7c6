package node

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// testTimeout bounds every wait in these tests: generous, for -race on a
// loaded two-core machine.
const testTimeout = 60 * time.Second

// cheapScrypt is the scrypt cost of key files in tests: milliseconds
// instead of a second.
const cheapScrypt = protocol.MinScryptWorkFactor

// testConfig is an install on 127.0.0.1 with mDNS and the DHT off, periodic
// sync off, fast score reports, cheap key backups, and a device key named
// after name.
func testConfig(t *testing.T, name string) Config {
	t.Helper()
	return Config{
		DataDir:       t.TempDir(),
		DeviceKey:     prototest.Key(name),
		KeyWorkFactor: cheapScrypt,
		Logger:        testLogger(name),
		Net: p2p.Config{
			Network:       "test",
			ListenAddrs:   []string{"/ip4/127.0.0.1/tcp/0"},
			SyncInterval:  -1,
			ScoreInterval: 100 * time.Millisecond,
		},
	}
}

// testLogger logs at debug level to stderr when JEJAK_TEST_LOG is set, and
// discards otherwise.
func testLogger(name string) *slog.Logger {
	if os.Getenv("JEJAK_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// startNode starts a node and closes it when the test ends.
func startNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	n, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

// startNodes starts count nodes named prefix0, prefix1, ….
func startNodes(t *testing.T, prefix string, count int, edit func(i int, c *Config)) []*Node {
	t.Helper()
	nodes := make([]*Node, count)
	for i := range nodes {
		cfg := testConfig(t, fmt.Sprintf("%s%d", prefix, i))
		if edit != nil {
			edit(i, &cfg)
		}
		nodes[i] = startNode(t, cfg)
	}
	return nodes
}

// connect connects a to b and waits until each sees the other as a Jejak
// node of the network, so gossip and sync can start.
func connect(t *testing.T, a, b *Node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := a.Connect(ctx, b.Addrs()[0]); err != nil {
		t.Fatalf("connect %s to %s: %v", a.PeerID(), b.PeerID(), err)
	}
	waitFor(t, "peers identify each other", func() bool {
		return knows(a, b) && knows(b, a)
	})
}

// knows reports whether a is connected to b and sees it as a Jejak node.
func knows(a, b *Node) bool {
	st, err := a.Status(context.Background())
	if err != nil {
		return false
	}
	for _, p := range st.Peers {
		if p.ID == b.PeerID() {
			return p.Jejak
		}
	}
	return false
}

// waitFor polls cond until it holds or testTimeout passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// has reports whether n's store holds c.
func has(t *testing.T, n *Node, c protocol.CID) bool {
	t.Helper()
	ok, err := n.store.Has(context.Background(), c)
	if err != nil {
		t.Fatalf("Has: %v", err)
	}
	return ok
}

// orgBody returns a valid body, signed by a device key, that differs with
// i: a mill's place record.
func orgBody(i int) protocol.Body {
	return &protocol.Place{Name: fmt.Sprintf("Kilang Sawit %d", i), Kind: protocol.PlaceMill, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(101.45, 2.95))}
}

// publish publishes orgBody(i) on n.
func publish(t *testing.T, n *Node, i int) protocol.Signed {
	t.Helper()
	rec, err := n.Publish(context.Background(), api.Draft{Body: orgBody(i)})
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return rec
}

// watch returns n's event stream for the rest of the test.
func watch(t *testing.T, n *Node) <-chan api.Event {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := n.Watch(ctx)
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	return ch
}

// waitEvent reads events until match returns true.
func waitEvent(t *testing.T, ch <-chan api.Event, what string, match func(api.Event) bool) api.Event {
	t.Helper()
	timer := time.NewTimer(testTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream closed while waiting for %s", what)
			}
			if match(ev) {
				return ev
			}
		case <-timer.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitForMesh waits until every node's gossip mesh holds every peer it is
// connected to (tests use topologies of degree at most pubsub's D), so that
// a record published now is pushed along every link.
func waitForMesh(t *testing.T, nodes []*Node) {
	t.Helper()
	waitFor(t, "gossip meshes form", func() bool {
		for _, n := range nodes {
			st, err := n.Status(context.Background())
			if err != nil || len(st.Peers) == 0 || st.Mesh < min(len(st.Peers), 5) {
				return false
			}
		}
		return true
	})
}
