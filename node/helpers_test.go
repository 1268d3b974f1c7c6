package node

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// testTimeout bounds every wait in these tests: generous, for -race on a
// loaded two-core machine.
const testTimeout = 60 * time.Second

// testConfig is a node on 127.0.0.1 with mDNS and the DHT off, periodic sync
// off, fast score reports, and a device key named after name.
func testConfig(t *testing.T, name string) Config {
	t.Helper()
	return Config{
		DataDir:       t.TempDir(),
		Network:       "test",
		ListenAddrs:   []string{"/ip4/127.0.0.1/tcp/0"},
		DeviceKey:     prototest.Key(name),
		SyncInterval:  -1,
		ScoreInterval: 100 * time.Millisecond,
		Logger:        testLogger(name),
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

// meshTracer follows a node's gossip mesh. It is a pubsub.RawTracer: raw
// tracers cost next to nothing, unlike event tracers, which build a
// protobuf for every event.
type meshTracer struct {
	mu   sync.Mutex
	mesh map[peer.ID]bool
}

func (m *meshTracer) Graft(p peer.ID, _ string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mesh == nil {
		m.mesh = map[peer.ID]bool{}
	}
	m.mesh[p] = true
}

func (m *meshTracer) Prune(p peer.ID, _ string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.mesh, p)
}

func (m *meshTracer) AddPeer(peer.ID, libp2pproto.ID)                      {}
func (m *meshTracer) RemovePeer(peer.ID)                                   {}
func (m *meshTracer) OnNewOutboundStream(peer.ID, libp2pproto.ID)          {}
func (m *meshTracer) OnClosedOutboundStream(peer.ID)                       {}
func (m *meshTracer) Join(string)                                          {}
func (m *meshTracer) Leave(string)                                         {}
func (m *meshTracer) ValidateMessage(*pubsub.Message)                      {}
func (m *meshTracer) DeliverMessage(*pubsub.Message)                       {}
func (m *meshTracer) RejectMessage(*pubsub.Message, string)                {}
func (m *meshTracer) DuplicateMessage(*pubsub.Message)                     {}
func (m *meshTracer) ThrottlePeer(peer.ID)                                 {}
func (m *meshTracer) RecvRPC(*pubsub.RPC)                                  {}
func (m *meshTracer) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (m *meshTracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) UndeliverableMessage(*pubsub.Message)                 {}

func (m *meshTracer) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.mesh)
}

// meshes maps nodes to their mesh tracers.
var meshes sync.Map // *Node → *meshTracer

// startNode starts a node and closes it when the test ends.
func startNode(t *testing.T, cfg Config) *Node {
	t.Helper()
	mt := new(meshTracer)
	cfg.gossipOpts = append(cfg.gossipOpts, pubsub.WithRawTracer(mt))
	n, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	meshes.Store(n, mt)
	t.Cleanup(func() {
		meshes.Delete(n)
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

// connect connects a to b and waits until both sides have identified each
// other, so gossip and sync can start.
func connect(t *testing.T, a, b *Node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := a.host.Connect(ctx, peer.AddrInfo{ID: b.host.ID(), Addrs: b.host.Addrs()}); err != nil {
		t.Fatalf("connect %s to %s: %v", a.host.ID(), b.host.ID(), err)
	}
	waitFor(t, "peers identify each other", func() bool {
		return supports(a, b.host.ID()) && supports(b, a.host.ID())
	})
}

func supports(n *Node, p peer.ID) bool {
	ok, _ := n.host.Peerstore().SupportsProtocols(p, n.protos.sync)
	return len(ok) > 0
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

// allCIDs returns every record CID n's store holds.
func allCIDs(t *testing.T, n *Node) map[protocol.CID]bool {
	t.Helper()
	out := map[protocol.CID]bool{}
	for _, ty := range protocol.Types() {
		cs, err := n.store.ByType(context.Background(), ty, protocol.PublicKey{})
		if err != nil {
			t.Fatalf("ByType: %v", err)
		}
		for _, c := range cs {
			out[c] = true
		}
	}
	return out
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

// waitForMesh waits until every node's gossip mesh holds every peer it has
// on the records topic (tests use topologies of degree at most pubsub's D),
// so that a record published now is pushed along every link.
func waitForMesh(t *testing.T, nodes []*Node) {
	t.Helper()
	waitFor(t, "gossip meshes form", func() bool {
		for _, n := range nodes {
			mt, _ := meshes.Load(n)
			peers := len(n.topic.ListPeers())
			if peers == 0 || mt.(*meshTracer).size() < min(peers, 5) {
				return false
			}
		}
		return true
	})
}

func protocolZeroKey() protocol.PrivateKey { return protocol.PrivateKey{} }
