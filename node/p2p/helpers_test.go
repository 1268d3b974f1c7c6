package p2p

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// testTimeout bounds every wait in these tests: generous, for -race on a
// loaded two-core machine.
const testTimeout = 60 * time.Second

// testCfg is an engine's config and the device key its test node
// publishes with.
type testCfg struct {
	Config
	DeviceKey protocol.PrivateKey
}

// testConfig is an engine on 127.0.0.1 with mDNS and the DHT off, periodic
// sync off, fast score reports, and a device key named after name.
func testConfig(t *testing.T, name string) testCfg {
	t.Helper()
	return testCfg{
		Config: Config{
			DataDir:       t.TempDir(),
			Network:       "test",
			ListenAddrs:   []string{"/ip4/127.0.0.1/tcp/0"},
			SyncInterval:  -1,
			ScoreInterval: 100 * time.Millisecond,
			Logger:        testLogger(name),
		},
		DeviceKey: prototest.Key(name),
	}
}

// testNode is an engine with a store of its own (on disk in its DataDir)
// and a device key, publishing as an install would: seal, store synced,
// gossip.
type testNode struct {
	*Engine
	store storage.Store // the whole store, for checks; the engine sees it as a Store
	key   protocol.PrivateKey
	ev    *testEvents
	pubMu sync.Mutex
}

// testEvents hands what the engine reports to the test's watchers as the
// engine's own values: a protocol.Signed for Stored, a storage.Fork for
// Forked and a SyncProgress for Synced. Peers joining and leaving are not
// watched.
type testEvents struct {
	noEvents
	mu       sync.Mutex
	watchers []chan any
	stored   func(protocol.Signed)
}

// onStored has f called with every record from a peer once it is stored.
func (e *testEvents) onStored(f func(protocol.Signed)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.stored = f
}

func (e *testEvents) emit(ev any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, w := range e.watchers {
		select {
		case w <- ev:
		default: // a test that stopped reading misses events
		}
	}
}

func (e *testEvents) Stored(rec protocol.Signed) {
	e.mu.Lock()
	f := e.stored
	e.mu.Unlock()
	if f != nil {
		f(rec)
	}
	e.emit(rec)
}
func (e *testEvents) Forked(f storage.Fork) { e.emit(f) }
func (e *testEvents) Synced(p SyncProgress) { e.emit(p) }

// publishBody seals body as the next record of the node's feed, stores it
// synced and gossips it.
func (n *testNode) publishBody(ctx context.Context, body protocol.Body) (protocol.Signed, error) {
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	author := n.key.Public()
	h, err := n.store.Head(ctx, author)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return protocol.Signed{}, err
	}
	r := &protocol.Record{Seq: h.Seq + 1, Time: time.Now().UnixMilli(), Body: body}
	if h.Seq > 0 {
		last, err := n.store.Get(ctx, h.CID)
		if err != nil {
			return protocol.Signed{}, err
		}
		r.Prev, r.Time = h.CID, max(r.Time, last.Time)
	}
	rec, err := protocol.Seal(r, n.key)
	if err != nil {
		return protocol.Signed{}, err
	}
	if _, err := n.store.Put(ctx, rec, storage.Synced); err != nil {
		return protocol.Signed{}, err
	}
	return rec, n.Publish(ctx, rec)
}

// testStatus is the engine's status with the store's counts.
type testStatus struct {
	Status
	Records int64
	Forks   []storage.Fork
}

func (n *testNode) Status(ctx context.Context) (testStatus, error) {
	c, err := n.store.Counts(ctx)
	if err != nil {
		return testStatus{}, err
	}
	forks, err := n.store.Forks(ctx, protocol.PublicKey{})
	if err != nil {
		return testStatus{}, err
	}
	return testStatus{Status: n.Engine.Status(), Records: c.Records, Forks: forks}, nil
}

// testLogger logs at debug level to stderr when JEJAK_TEST_LOG is set, and
// discards otherwise.
func testLogger(name string) *slog.Logger {
	if os.Getenv("JEJAK_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// startNode starts a node on a store in its DataDir and closes both when
// the test ends (or when the test closes it).
func startNode(t *testing.T, cfg testCfg) *testNode {
	t.Helper()
	c := cfg.Config
	st, err := storage.Open(filepath.Join(cfg.DataDir, "store"), storage.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	ev := &testEvents{}
	c.Store, c.Events = st, ev
	e, err := New(context.Background(), c)
	if err != nil {
		st.Close()
		t.Fatalf("New: %v", err)
	}
	n := &testNode{Engine: e, store: st, key: cfg.DeviceKey, ev: ev}
	t.Cleanup(func() {
		if err := n.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return n
}

// Close closes the engine, then the store.
func (n *testNode) Close() error {
	return errors.Join(n.Engine.Close(), n.closeStore())
}

func (n *testNode) closeStore() error {
	if err := n.store.Close(); err != nil && !errors.Is(err, storage.ErrClosed) {
		return err
	}
	return nil
}

// startNodes starts count nodes named prefix0, prefix1, ….
func startNodes(t *testing.T, prefix string, count int, edit func(i int, c *testCfg)) []*testNode {
	t.Helper()
	nodes := make([]*testNode, count)
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
func connect(t *testing.T, a, b *testNode) {
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

func supports(n *testNode, p peer.ID) bool {
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
func has(t *testing.T, n *testNode, c protocol.CID) bool {
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
func publish(t *testing.T, n *testNode, i int) protocol.Signed {
	t.Helper()
	rec, err := n.publishBody(context.Background(), orgBody(i))
	if err != nil {
		t.Fatalf("Publish: %v", err)
	}
	return rec
}

// allCIDs returns every record CID n's store holds.
func allCIDs(t *testing.T, n *testNode) map[protocol.CID]bool {
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
func watch(t *testing.T, n *testNode) <-chan any {
	t.Helper()
	ch := make(chan any, 4096)
	n.ev.mu.Lock()
	n.ev.watchers = append(n.ev.watchers, ch)
	n.ev.mu.Unlock()
	return ch
}

// waitEvent reads events until one of type T for which match returns true.
func waitEvent[T any](t *testing.T, ch <-chan any, what string, match func(T) bool) T {
	t.Helper()
	timer := time.NewTimer(testTimeout)
	defer timer.Stop()
	for {
		select {
		case ev, ok := <-ch:
			if !ok {
				t.Fatalf("event stream closed while waiting for %s", what)
			}
			if v, ok := ev.(T); ok && match(v) {
				return v
			}
		case <-timer.C:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitForMesh waits until every node's gossip mesh holds every peer it has
// on the records topic (tests use topologies of degree at most pubsub's D),
// so that a record published now is pushed along every link.
func waitForMesh(t *testing.T, nodes []*testNode) {
	t.Helper()
	waitFor(t, "gossip meshes form", func() bool {
		for _, n := range nodes {
			peers := len(n.topic.ListPeers())
			if peers == 0 || n.mesh.size() < min(peers, 5) {
				return false
			}
		}
		return true
	})
}
