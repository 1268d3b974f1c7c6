package gui

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/demo"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// The GUI's tests run the screens on Fyne's test app against the real
// application: a node.Node over an in-memory store, preloaded with signed
// records of the palm-oil scenarios. What the screens show is what the node
// computes (holdings, what is left, who owns a key, verdicts), and what a
// test checks after the user acts is what the node stored.
//
// Every node listens on 127.0.0.1 only, with mDNS, the DHT and periodic sync
// off, so tests never reach another computer.

// testTimeout bounds every wait in these tests: generous, for -race on a
// loaded two-core machine.
const testTimeout = 60 * time.Second

// testNetwork is the network of the tests' nodes.
const testNetwork = "gui-test"

// testStart is when the tests' nodes think it is when a test binary starts:
// after every record of the scenarios and of the mill's world (which ends
// in March 2024), and inside every certificate's validity, whatever the
// date on the machine running the tests. Their clocks run on from there.
var testStart = scenario.Start.AddDate(0, 2, 0)

var binaryStart = time.Now()

// testClock is the tests' nodes' clock.
func testClock() time.Time { return testStart.Add(time.Since(binaryStart)) }

// testLogger logs at debug level to stderr when JEJAK_TEST_LOG is set, and
// discards otherwise.
func testLogger(name string) *slog.Logger {
	if os.Getenv("JEJAK_TEST_LOG") == "" {
		return slog.New(slog.DiscardHandler)
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelDebug})).With("node", name)
}

// ---- The nodes ----

// nodeConfig says what a test node holds and who it is.
type nodeConfig struct {
	name    string              // for the log
	recs    []protocol.Signed   // records in its store at start
	org     protocol.PrivateKey // the install's organisation key (zero: none)
	device  protocol.PrivateKey // its device key (both zero: a first run)
	anchors []anchor            // trust anchors to add at start
	dataDir string              // "" keeps nothing on disk
	network string              // "" is testNetwork
	now     func() time.Time    // nil is testClock
}

type anchor struct {
	key  protocol.PublicKey
	name string
}

// testNode is a real node and the in-memory store under it.
type testNode struct {
	*node.Node
	store storage.Store
}

// openNode starts a node as c says. It does not touch t, so that it may run
// on any goroutine; the caller closes the node.
func openNode(ctx context.Context, c nodeConfig) (*testNode, error) {
	st, err := storage.OpenMemory(storage.Options{Logger: testLogger(c.name + "/store")})
	if err != nil {
		return nil, err
	}
	if len(c.recs) > 0 {
		res, err := st.PutBatch(ctx, c.recs)
		if err != nil {
			st.Close()
			return nil, err
		}
		for i, r := range res {
			if !r.Added || r.Fork != nil {
				st.Close()
				return nil, fmt.Errorf("record %d (%s) of the test world: added %v, fork %v", i, c.recs[i].CID, r.Added, r.Fork)
			}
		}
	}
	network := c.network
	if network == "" {
		network = testNetwork
	}
	now := c.now
	if now == nil {
		now = testClock
	}
	n, err := node.New(ctx, node.Config{
		DataDir: c.dataDir, Store: st,
		Now: now, KeyWorkFactor: protocol.MinScryptWorkFactor, Logger: testLogger(c.name),
		Net: p2p.Config{Network: network, ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, SyncInterval: -1},
	})
	if err != nil {
		st.Close()
		return nil, err
	}
	tn := &testNode{Node: n, store: st}
	if err := tn.setUp(ctx, c); err != nil {
		tn.close()
		return nil, err
	}
	return tn, nil
}

// testOrgPass is the organisation passphrase of the test installs.
const testOrgPass = "test organisation passphrase"

// setUp gives a new node its identity and anchors as a person sets up an
// install: the organisation's keys come from a key backup (RestoreIdentity,
// as on a second computer of the organisation), and the anchors are added
// one by one.
func (n *testNode) setUp(ctx context.Context, c nodeConfig) error {
	if !c.org.IsZero() || !c.device.IsZero() {
		keys := protocol.KeySet{}
		if !c.org.IsZero() {
			keys["org"] = c.org
		}
		if !c.device.IsZero() {
			keys["device"] = c.device
		}
		dir, err := os.MkdirTemp("", "jejak-gui-test-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "keys.jejakkey")
		const pass = "test backup passphrase"
		var buf bytes.Buffer
		if err := protocol.EncryptKeys(&buf, pass, keys, protocol.MinScryptWorkFactor); err != nil {
			return err
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			return err
		}
		if _, err := n.RestoreIdentity(ctx, api.Restore{Path: path, Passphrase: pass, OrgPassphrase: testOrgPass}); err != nil {
			return fmt.Errorf("restore the keys: %w", err)
		}
	}
	for _, a := range c.anchors {
		if err := n.AddAnchor(ctx, a.key, a.name); err != nil {
			return err
		}
	}
	return nil
}

// close stops the node and drops its store.
func (n *testNode) close() error {
	err := n.Node.Close()
	n.store.Close() // a test may have closed it already
	return err
}

// startNode starts a node as c says and closes it when the test ends.
func startNode(t *testing.T, c nodeConfig) *testNode {
	t.Helper()
	if c.name == "" {
		c.name = t.Name()
	}
	n, err := openNode(context.Background(), c)
	if err != nil {
		t.Fatalf("start node %s: %v", c.name, err)
	}
	t.Cleanup(func() {
		if err := n.close(); err != nil {
			t.Errorf("close node %s: %v", c.name, err)
		}
	})
	return n
}

// feed returns every record of author's feed the node holds, in seq order.
func feed(t *testing.T, n api.Service, author protocol.PublicKey) []protocol.Signed {
	t.Helper()
	var out []protocol.Signed
	f := api.Filter{Author: author, Limit: 1000}
	for {
		p, err := n.List(context.Background(), f)
		if err != nil {
			t.Fatalf("list the feed of %s: %v", author.Short(), err)
		}
		out = append(out, p.Records...)
		if p.Next == "" {
			return out
		}
		f.Cursor = p.Next
	}
}

// batch returns a batch as the node's organisation sees it.
func batch(t *testing.T, n api.Service, id protocol.BatchID) api.Batch {
	t.Helper()
	b, err := n.Batch(context.Background(), id)
	if err != nil {
		t.Fatalf("batch %s: %v", id, err)
	}
	return b
}

// ---- The mill ----

// The keys of the palm-oil scenarios' mill.
var (
	millOrg    = scenario.Key("bukit-lebam-mill")
	millDevice = scenario.Key("bukit-lebam-mill/device-1")
	// millDesk2 is a second desk of the mill, on another computer; it is
	// delegated only in worlds that add it (withDesk2).
	millDesk2 = scenario.Key("bukit-lebam-mill/device-2")
)

// millWorld is the honest palm-oil chain seen from its mill, Kilang Sawit
// Bukit Lebam, with more than the scenario holds: a second harvest the
// mill received and has not processed, a third on its way to the mill, and
// an estate plot the mill registered. Each extra record is sealed onto its
// author's feed (the next seq, prev the feed's last record, a later time).
type millWorld struct {
	recs  []protocol.Signed
	heads map[protocol.PublicKey]protocol.Signed

	// Honest is the end product of the honest chain (verifies as trusted).
	Honest protocol.BatchID
	// FFB is the second harvest (LSL-FFB-2403-02, 90 t): the mill received
	// all of it and has used none.
	FFB protocol.BatchID
	// Next is the third harvest (LSL-FFB-2403-03, 60 t), sent to the mill
	// by NextTransfer and not yet received.
	Next         protocol.BatchID
	NextTransfer protocol.Signed
	// CPO is the mill's CPO (KSBL-CPO-0307, 21 t), all sent to the
	// refinery; PK its palm kernels (KSBL-PK-0307, 5 t), all still here.
	CPO, PK protocol.BatchID
	// Refinery is the refinery's organisation key, Plantation the
	// plantation's.
	Refinery, Plantation protocol.PublicKey
	// Anchor is the trust anchor (the RSPO demo key).
	Anchor protocol.PublicKey
}

// anchorName is what the mill calls its trust anchor.
const anchorName = "RSPO (demo)"

func newMillWorld() *millWorld {
	honest := scenario.HonestPalm()
	w := &millWorld{recs: slices.Clone(honest.Records), heads: map[protocol.PublicKey]protocol.Signed{}}
	for _, r := range w.recs {
		if h, ok := w.heads[r.Author]; !ok || r.Seq > h.Seq {
			w.heads[r.Author] = r
		}
	}
	w.Honest, w.Anchor = honest.Batch, honest.Anchors[0]
	proc := honest.Marks["mill.process"].CID
	w.CPO, w.PK = protocol.BatchID{Record: proc, Index: 0}, protocol.BatchID{Record: proc, Index: 1}
	w.Refinery = scenario.Key("pasir-gudang").Public()
	w.Plantation = scenario.Key("sungai-lebam").Public()

	last := time.UnixMilli(w.recs[len(w.recs)-1].Time)
	day := func(d int) time.Time { return last.AddDate(0, 0, d) }
	plantation := scenario.Key("sungai-lebam/device-1")
	plots := []protocol.CID{honest.Marks["plot.12a"].CID, honest.Marks["plot.12b"].CID}
	rspoIP := &protocol.Claim{Scheme: scenario.RSPO, Model: protocol.ModelIP}
	harvest := func(lot string, tonnes int64, from int) protocol.BatchID {
		o := w.extend(plantation, day(from+7), &protocol.Origin{Places: plots, From: day(from).UnixMilli(), Until: day(from + 6).UnixMilli(),
			Out: []protocol.Output{{Product: scenario.FFB, Qty: protocol.Q(tonnes, protocol.TNE), Lot: lot, Claim: rspoIP}}})
		return protocol.BatchID{Record: o.CID}
	}
	w.FFB = harvest("LSL-FFB-2403-02", 90, 1)
	t := w.extend(plantation, day(8), &protocol.Transfer{Batch: w.FFB, Qty: protocol.Q(90, protocol.TNE), To: millOrg.Public(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-0314-204"}}})
	w.extend(millDevice, day(9), &protocol.Receive{Transfer: t.CID, Qty: protocol.Q(90, protocol.TNE)})
	w.Next = harvest("LSL-FFB-2403-03", 60, 8)
	w.NextTransfer = w.extend(plantation, day(15), &protocol.Transfer{Batch: w.Next, Qty: protocol.Q(60, protocol.TNE), To: millOrg.Public(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-0321-077"}, {Kind: "delivery-order", Ref: "DO-LSL-0321"}}})
	ring := []protocol.Position{protocol.Pos(103.9300, 1.7900), protocol.Pos(103.9360, 1.7900),
		protocol.Pos(103.9360, 1.7950), protocol.Pos(103.9300, 1.7950), protocol.Pos(103.9300, 1.7900)}
	g := protocol.PolygonGeometry(ring)
	w.extend(millDevice, day(16), &protocol.Place{Name: "Estet Bukit Lebam Blok 3", Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(math.Round(g.Area()))})
	return w
}

// extend seals body as the next record of key's feed, at time at or just
// after the feed's last record, and adds it to the world.
func (w *millWorld) extend(key protocol.PrivateKey, at time.Time, body protocol.Body) protocol.Signed {
	r := &protocol.Record{Seq: 1, Time: at.UnixMilli(), Body: body}
	if last, ok := w.heads[key.Public()]; ok {
		r.Seq, r.Prev, r.Time = last.Seq+1, last.CID, max(r.Time, last.Time+1)
	}
	s, err := protocol.Seal(r, key)
	if err != nil {
		panic(fmt.Sprintf("mill world: %v", err))
	}
	w.heads[s.Author] = s
	w.recs = append(w.recs, s)
	return s
}

// withDesk2 has the mill's organisation key delegate a second desk
// (millDesk2).
func (w *millWorld) withDesk2() *millWorld {
	last := time.UnixMilli(w.recs[len(w.recs)-1].Time)
	w.extend(millOrg, last.Add(time.Hour), &protocol.Device{Key: millDesk2.Public(), Name: "Kilang Sawit Bukit Lebam desk 2"})
	return w
}

// mill is an install set up as the mill of a millWorld (its organisation
// and first device key, as after restoring the mill's key backup),
// trusting the scenario's anchor.
type mill struct {
	*testNode
	*millWorld
}

// millConfig is the config of the mill's install over w.
func millConfig(w *millWorld) nodeConfig {
	return nodeConfig{name: "mill", recs: w.recs, org: millOrg, device: millDevice, anchors: []anchor{{w.Anchor, anchorName}}}
}

// startMill starts the mill's node over the mill's world.
func startMill(t *testing.T) *mill {
	t.Helper()
	w := newMillWorld()
	return &mill{testNode: startNode(t, millConfig(w)), millWorld: w}
}

// newMillUI builds the UI on the mill's node.
func newMillUI(t *testing.T) (*UI, *mill) {
	t.Helper()
	m := startMill(t)
	u := newTestUI(t, m, Options{})
	if u.batches == nil {
		t.Fatal("the main screens did not open for an install with an identity")
	}
	return u, m
}

// startDoubleClaim starts a node holding the double-claim chain (the mill
// sold the same CPO twice), as its mill, trusting its anchor, and returns
// it with the chain's end product, which fails verification. The chain
// signs with the honest chain's keys, so it needs a store of its own.
func startDoubleClaim(t *testing.T) (*testNode, protocol.BatchID) {
	t.Helper()
	s := scenario.DoubleClaim()
	n := startNode(t, nodeConfig{name: "double-claim", recs: s.Records, org: millOrg, device: millDevice, anchors: []anchor{{s.Anchors[0], anchorName}}})
	return n, s.Batch
}

// ---- The UI ----

// testQueue brings background results to the test goroutine: the UI's run
// function queues them and returns at once (so no background goroutine
// ever waits for the test), and settle runs them on the test goroutine, as
// the Fyne goroutine runs them in the app.
type testQueue struct {
	mu     sync.Mutex
	funcs  []func()
	notify chan struct{} // one token: something was queued
}

func newTestQueue() *testQueue { return &testQueue{notify: make(chan struct{}, 1)} }

// run is the UI's run function.
func (q *testQueue) run(f func()) {
	q.mu.Lock()
	q.funcs = append(q.funcs, f)
	q.mu.Unlock()
	select {
	case q.notify <- struct{}{}:
	default:
	}
}

func (q *testQueue) pop() (func(), bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.funcs) == 0 {
		return nil, false
	}
	f := q.funcs[0]
	q.funcs[0] = nil
	q.funcs = q.funcs[1:]
	return f, true
}

// queues holds each test UI's queue.
var queues sync.Map // *UI → *testQueue

func queueOf(t *testing.T, u *UI) *testQueue {
	t.Helper()
	q, ok := queues.Load(u)
	if !ok {
		t.Fatal("the UI was not built by newTestUI")
	}
	return q.(*testQueue)
}

// settle runs the UI's queued work on the test goroutine until no
// background work is in flight (u.begin to its finish) and nothing is
// queued. Reloads the node's events cause are counted from when the
// watcher starts them (a moment after the events): wait for those with
// eventually.
func settle(t *testing.T, u *UI) {
	t.Helper()
	q := queueOf(t, u)
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		if f, ok := q.pop(); ok {
			f()
			continue
		}
		n := u.inflight.Load()
		if n == 0 {
			return
		}
		select {
		case <-q.notify:
		case <-deadline.C:
			t.Fatalf("the UI is still waiting for the node after %v: %d pieces of background work have not finished", testTimeout, n)
		}
	}
}

// eventually settles the UI until cond holds: for what arrives as the
// node's events (records from peers, peers joining), which the watcher
// turns into reloads a moment later. Between tries it waits for the UI's
// next piece of work, so cond is only ever read after the screens changed.
func eventually(t *testing.T, u *UI, what string, cond func() bool) {
	t.Helper()
	q := queueOf(t, u)
	deadline := time.NewTimer(testTimeout)
	defer deadline.Stop()
	for {
		settle(t, u)
		if cond() {
			return
		}
		select {
		case <-q.notify:
		case <-deadline.C:
			t.Fatalf("timed out after %v waiting for %s", testTimeout, what)
		}
	}
}

// watchedService is a service as the UI sees it, with a signal when the
// UI's watcher starts following its events. Every call goes to the
// service.
type watchedService struct {
	api.Service
	once     sync.Once
	watching chan struct{}
}

func (w *watchedService) Watch(ctx context.Context) (<-chan api.Event, error) {
	ch, err := w.Service.Watch(ctx)
	w.once.Do(func() { close(w.watching) })
	return ch, err
}

// newTestUI builds the UI on Fyne's test app for svc and waits until it has
// loaded and, when it shows the main screens, until its watcher follows
// the node's events.
func newTestUI(t *testing.T, svc api.Service, opts Options) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	q := newTestQueue()
	ws := &watchedService{Service: svc, watching: make(chan struct{})}
	u := newUI(a, ws, opts, q.run)
	queues.Store(u, q)
	u.files = &stubPicker{}
	t.Cleanup(func() {
		u.Stop()
		settle(t, u)
		queues.Delete(u)
	})
	settle(t, u)
	if u.watcher != nil {
		select {
		case <-ws.watching:
		case <-time.After(testTimeout):
			t.Fatal("the UI's watcher did not start watching the node")
		}
	}
	return u
}

// stubPicker answers file dialogs with set paths.
type stubPicker struct {
	savePath, openPath string
	saved, opened      int
}

func (p *stubPicker) save(title, name string, done func(string)) {
	p.saved++
	if p.savePath != "" {
		done(p.savePath)
	}
}

func (p *stubPicker) open(title string, exts []string, done func(string)) {
	p.opened++
	if p.openPath != "" {
		done(p.openPath)
	}
}

// ---- Reading the screen ----

// texts returns every piece of text o draws, in layout order.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok && t.Visible() && t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// shows reports whether o draws text containing want.
func shows(o fyne.CanvasObject, want string) bool {
	for _, s := range texts(o) {
		if contains(s, want) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// visibleLabel reports whether l is shown with text containing want.
func visibleLabel(l *widget.Label, want string) bool {
	return l.Visible() && contains(l.Text, want)
}

// offers reports whether one of a choice's options contains text.
func offers(opts []string, text string) bool {
	for _, o := range opts {
		if contains(o, text) {
			return true
		}
	}
	return false
}

// topDialog returns the dialog on top of the window, or fails.
func topDialog(t *testing.T, u *UI) fyne.CanvasObject {
	t.Helper()
	d := u.win.Canvas().Overlays().Top()
	if d == nil {
		t.Fatal("no dialog is shown")
	}
	return d
}

// tempFile writes data to a file in a test's temporary folder.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// demoStarter starts the demo as the app does (package main's demoNet): a
// node of its own on a network of its own, set up as a buyer, with the
// demo network beside it. Its start runs on the UI's background goroutine,
// so it reports errors rather than failing the test; everything is stopped
// after the UI (its cleanup runs after newTestUI's).
type demoStarter struct {
	mu      sync.Mutex
	started int
	n       *testNode
	net     *demo.Network
}

func newDemoStarter(t *testing.T) *demoStarter {
	d := &demoStarter{}
	t.Cleanup(func() {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.net != nil {
			d.net.Close()
		}
		if d.n != nil {
			d.n.close()
		}
	})
	return d
}

// start is Options.StartDemo.
func (d *demoStarter) start(ctx context.Context) (Demo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.started++
	dn, err := openNode(ctx, nodeConfig{name: "demo", network: "gui-demo"})
	if err != nil {
		return Demo{}, err
	}
	d.n = dn
	if _, err := dn.CreateIdentity(ctx, api.Setup{Name: "You (demo buyer)", Roles: []protocol.Role{protocol.RoleBuyer}, Country: "MY", DeviceName: "demo", OrgPassphrase: testOrgPass}); err != nil {
		return Demo{}, err
	}
	if d.net, err = demo.Start(ctx, "gui-demo", dn, testClock); err != nil {
		return Demo{}, err
	}
	return Demo{Service: dn.Node, Batches: []DemoBatch{
		{Label: "Palm kernels — honest chain", ID: d.net.Trusted},
		{Label: "Cooking oil — CPO sold twice", ID: d.net.Failed},
	}}, nil
}

// count says how many times start ran.
func (d *demoStarter) count() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.started
}

// node returns the demo's node, once started.
func (d *demoStarter) node() *testNode {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.n
}

// selectTab selects the tab named title in the first AppTabs under o.
func selectTab(o fyne.CanvasObject, title string) {
	var walk func(fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *container.AppTabs:
			for _, t := range x.Items {
				if t.Text == title {
					x.Select(t)
					return true
				}
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				if walk(c) {
					return true
				}
			}
		case *widget.Card:
			return walk(x.Content)
		}
		return false
	}
	walk(o)
}
