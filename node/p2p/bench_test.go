package p2p

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// TestBenchmarkNetwork measures gossip propagation and sync catch-up and
// prints the figures for docs/BENCHMARKS.md. It runs only with
// JEJAK_BENCH=1:
//
//	JEJAK_BENCH=1 go test ./node -run TestBenchmarkNetwork -v -timeout 30m
//
// Three gossip set-ups share one random topology of N nodes on 127.0.0.1:
//
//   - bare: raw libp2p hosts with GossipSub, no signing, content message
//     IDs, flood publish, no validator and no store: the network's ceiling;
//   - default: Jejak nodes (full record verification and a Badger store)
//     with pubsub's default gossip settings put back: pubsub signs every
//     message with the peer key and verifies it, message IDs from author
//     and seqno, no flood publishing, queues of 32;
//   - jejak: Jejak nodes as they ship.
//
// Latency is from publishing a record until the last of the other N-1
// nodes has it (stored, for nodes), at a fixed rate from rotating
// publishers. Throughput is a burst of records from one node: deliveries
// (record × receiving node) per second until the last arrives, and the
// share delivered.
func TestBenchmarkNetwork(t *testing.T) {
	if os.Getenv("JEJAK_BENCH") == "" {
		t.Skip("set JEJAK_BENCH=1 to run the network benchmark")
	}
	const (
		rate       = 50  // records per second for latency
		latencyN   = 300 // records for latency
		burstN     = 2000
		settleTime = 5 * time.Second
		reps       = 3
	)
	var out strings.Builder
	fmt.Fprintf(&out, "machine: %s, %d CPUs, %s; date %s\n\n", cpuModel(), runtime.NumCPU(), runtime.Version(), time.Now().UTC().Format("2006-01-02"))
	fmt.Fprintf(&out, "Medians of %d alternating runs; latency at %d records/s (%d records, rotating publishers); burst of %d records from one node.\n\n", reps, rate, latencyN, burstN)
	fmt.Fprintf(&out, "| N | set-up | p50 to all | p99 to all | delivered | burst deliveries/s | burst delivered | burst records to all nodes/s |\n|---|---|---|---|---|---|---|---|\n")
	kinds := []string{"bare", "default", "jejak"}
	for _, size := range []int{10, 30} {
		edges := topology(size, 2, uint64(size))
		runs := map[string][]benchResult{}
		// The set-ups take turns, reps times, and each figure is the
		// median of its runs: the machine is shared, and load from
		// elsewhere then falls on every set-up alike.
		for rep := range reps {
			for _, kind := range kinds {
				net := startBenchNet(t, kind, size, edges, rep)
				r := net.run(t, rate, latencyN, burstN, settleTime)
				net.close()
				runs[kind] = append(runs[kind], r)
				t.Logf("N=%d %s rep %d: %+v", size, kind, rep, r)
			}
		}
		results := map[string]benchResult{}
		for _, kind := range kinds {
			r := medianResult(runs[kind])
			results[kind] = r
			fmt.Fprintf(&out, "| %d | %s | %v | %v | %.1f%% | %.0f | %.1f%% | %.0f |\n", size, kind,
				r.p50.Round(100*time.Microsecond), r.p99.Round(100*time.Microsecond), 100*r.latencyDelivered,
				r.throughput, 100*r.burstDelivered, r.complete)
		}
		fmt.Fprintf(&out, "| %d | ratios | | jejak / bare = %.2f× | | jejak / default = %.2f× | | jejak / default = %.2f× |\n",
			size, float64(results["jejak"].p99)/float64(results["bare"].p99),
			results["jejak"].throughput/results["default"].throughput, results["jejak"].complete/results["default"].complete)
	}
	out.WriteString("\n")
	out.WriteString(benchCatchUp(t))
	fmt.Println(out.String())
}

// medianResult takes the median of each figure separately.
func medianResult(rs []benchResult) benchResult {
	med := func(f func(benchResult) float64) float64 {
		v := make([]float64, len(rs))
		for i, r := range rs {
			v[i] = f(r)
		}
		slices.Sort(v)
		return v[len(v)/2]
	}
	return benchResult{
		p50:              time.Duration(med(func(r benchResult) float64 { return float64(r.p50) })),
		p99:              time.Duration(med(func(r benchResult) float64 { return float64(r.p99) })),
		latencyDelivered: med(func(r benchResult) float64 { return r.latencyDelivered }),
		throughput:       med(func(r benchResult) float64 { return r.throughput }),
		complete:         med(func(r benchResult) float64 { return r.complete }),
		burstDelivered:   med(func(r benchResult) float64 { return r.burstDelivered }),
	}
}

type benchResult struct {
	p50, p99         time.Duration
	latencyDelivered float64 // share of (record, node) pairs delivered
	throughput       float64 // deliveries (record × node) per second in the burst
	complete         float64 // records that reached every node, per second
	burstDelivered   float64
}

// topology returns the edges of a ring of n nodes plus extra random chords
// per node, the same for every set-up.
func topology(n, extra int, seed uint64) [][2]int {
	r := rand.New(rand.NewPCG(seed, 42))
	seen := map[[2]int]bool{}
	var edges [][2]int
	add := func(a, b int) {
		if a == b {
			return
		}
		if a > b {
			a, b = b, a
		}
		if !seen[[2]int{a, b}] {
			seen[[2]int{a, b}] = true
			edges = append(edges, [2]int{a, b})
		}
	}
	for i := range n {
		add(i, (i+1)%n)
		for range extra {
			add(i, r.IntN(n))
		}
	}
	return edges
}

// arrivals records when each record reached each node.
type arrivals struct {
	mu    sync.Mutex
	sent  map[string]time.Time
	count map[string]int
	last  map[string]time.Time
	total int
	lastT time.Time
}

func newArrivals() *arrivals {
	return &arrivals{sent: map[string]time.Time{}, count: map[string]int{}, last: map[string]time.Time{}}
}

func (a *arrivals) published(id string, t time.Time) {
	a.mu.Lock()
	a.sent[id] = t
	a.mu.Unlock()
}

func (a *arrivals) arrived(id string) {
	now := time.Now()
	a.mu.Lock()
	a.count[id]++
	a.last[id] = now
	a.total++
	a.lastT = now
	a.mu.Unlock()
}

func (a *arrivals) snapshot() (int, time.Time) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.total, a.lastT
}

// benchNet is one set-up: N publishers/receivers.
type benchNet struct {
	kind    string
	arr     *arrivals
	publish []func(protocol.Signed) error
	closers []func()
}

func (b *benchNet) close() {
	for i := len(b.closers) - 1; i >= 0; i-- {
		b.closers[i]()
	}
}

func startBenchNet(t *testing.T, kind string, size int, edges [][2]int, rep int) *benchNet {
	t.Helper()
	b := &benchNet{kind: kind, arr: newArrivals()}
	var hosts []host.Host
	var tracers []*meshTracer
	var topics []*pubsub.Topic
	for i := range size {
		mt := new(meshTracer)
		tracers = append(tracers, mt)
		if kind == "bare" {
			h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			ps, err := pubsub.NewGossipSub(ctx, h,
				pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign), pubsub.WithNoAuthor(),
				pubsub.WithMessageIdFn(msgID), pubsub.WithFloodPublish(true),
				pubsub.WithValidateQueueSize(1024), pubsub.WithPeerOutboundQueueSize(1024),
				pubsub.WithRawTracer(mt))
			if err != nil {
				t.Fatal(err)
			}
			topic, err := ps.Join("bench")
			if err != nil {
				t.Fatal(err)
			}
			sub, err := topic.Subscribe(pubsub.WithBufferSize(4096))
			if err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					m, err := sub.Next(ctx)
					if err != nil {
						return
					}
					if m.ReceivedFrom != h.ID() {
						b.arr.arrived(m.ID)
					}
				}
			}()
			hosts = append(hosts, h)
			topics = append(topics, topic)
			b.publish = append(b.publish, func(rec protocol.Signed) error { return topic.Publish(ctx, rec.Bytes) })
			b.closers = append(b.closers, func() { sub.Cancel(); cancel(); wg.Wait(); h.Close() })
			continue
		}
		cfg := testConfig(t, fmt.Sprintf("bench-%s-%d-%d", kind, rep, i))
		cfg.gossipOpts = []pubsub.Option{pubsub.WithRawTracer(mt)}
		if kind == "default" {
			cfg.gossipOpts = append(cfg.gossipOpts,
				pubsub.WithMessageSignaturePolicy(pubsub.StrictSign),
				pubsub.WithMessageAuthor(""),
				pubsub.WithMessageIdFn(pubsub.DefaultMsgIdFn),
				pubsub.WithFloodPublish(false),
				pubsub.WithValidateQueueSize(32),
				pubsub.WithPeerOutboundQueueSize(32),
			)
		}
		n := startNode(t, cfg)
		n.ev.onStored(func(rec protocol.Signed) { b.arr.arrived(string(rec.CID.Bytes())) })
		hosts = append(hosts, n.host)
		topics = append(topics, n.topic)
		b.publish = append(b.publish, func(rec protocol.Signed) error {
			ctx := context.Background()
			if _, err := n.store.Put(ctx, rec, storage.Buffered); err != nil {
				return err
			}
			return n.gossip(ctx, rec)
		})
		b.closers = append(b.closers, func() { n.Close() })
	}
	for _, e := range edges {
		a, c := hosts[e[0]], hosts[e[1]]
		if err := a.Connect(context.Background(), peer.AddrInfo{ID: c.ID(), Addrs: c.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, kind+" meshes form", func() bool {
		for i, tp := range topics {
			peers := len(tp.ListPeers())
			if peers == 0 || tracers[i].size() < min(peers, 5) {
				return false
			}
		}
		return true
	})
	return b
}

// run measures latency at a fixed rate, then throughput in a burst.
func (b *benchNet) run(t *testing.T, rate, latencyN, burstN int, settle time.Duration) benchResult {
	t.Helper()
	size := len(b.publish)
	feeds := make([]*prototest.Feed, size)
	for i := range feeds {
		feeds[i] = prototest.NewFeed(prototest.Key(fmt.Sprintf("bench-author-%d-%d", size, i)))
	}
	var r benchResult

	// Latency.
	recs := make([]protocol.Signed, latencyN)
	for i := range recs {
		recs[i] = feeds[i%size].MustAdd(orgBody(i))
	}
	tick := time.NewTicker(time.Second / time.Duration(rate))
	for i, rec := range recs {
		<-tick.C
		id := string(rec.CID.Bytes())
		b.arr.published(id, time.Now())
		if err := b.publish[i%size](rec); err != nil {
			t.Fatal(err)
		}
	}
	tick.Stop()
	b.waitQuiet(latencyN*(size-1), settle)
	var lat []time.Duration
	delivered := 0
	b.arr.mu.Lock()
	for _, rec := range recs {
		id := string(rec.CID.Bytes())
		delivered += b.arr.count[id]
		if b.arr.count[id] >= size-1 {
			lat = append(lat, b.arr.last[id].Sub(b.arr.sent[id]))
		}
	}
	b.arr.mu.Unlock()
	slices.Sort(lat)
	if len(lat) > 0 {
		r.p50 = lat[len(lat)/2]
		r.p99 = lat[min(len(lat)-1, len(lat)*99/100)]
	}
	r.latencyDelivered = float64(delivered) / float64(latencyN*(size-1))

	// Throughput: one publisher, as fast as it can.
	burst := make([]protocol.Signed, burstN)
	for i := range burst {
		burst[i] = feeds[0].MustAdd(orgBody(latencyN + i))
	}
	before, _ := b.arr.snapshot()
	start := time.Now()
	for _, rec := range burst {
		if err := b.publish[0](rec); err != nil {
			t.Fatal(err)
		}
	}
	b.waitQuiet(before+burstN*(size-1), settle)
	after, last := b.arr.snapshot()
	got := after - before
	r.burstDelivered = float64(got) / float64(burstN*(size-1))
	complete := 0
	b.arr.mu.Lock()
	for _, rec := range burst {
		if b.arr.count[string(rec.CID.Bytes())] >= size-1 {
			complete++
		}
	}
	b.arr.mu.Unlock()
	if d := last.Sub(start); d > 0 {
		r.throughput = float64(got) / d.Seconds()
		r.complete = float64(complete) / d.Seconds()
	}
	return r
}

// waitQuiet waits until want deliveries have arrived, or none has for
// settle.
func (b *benchNet) waitQuiet(want int, settle time.Duration) {
	lastCount, lastChange := -1, time.Now()
	for {
		n, _ := b.arr.snapshot()
		if n >= want {
			return
		}
		if n != lastCount {
			lastCount, lastChange = n, time.Now()
		} else if time.Since(lastChange) > settle {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// benchCatchUp measures sync: a node 10,000 records behind catches up from
// one peer; then a sync with nothing missing.
func benchCatchUp(t *testing.T) string {
	const total = 10_000
	ctx := context.Background()
	src := startNode(t, testConfig(t, "bench-sync-source"))
	var recs []protocol.Signed
	for a := range 10 {
		feed := prototest.NewFeed(prototest.Key(fmt.Sprintf("bench-sync-author-%d", a)))
		for i := range total / 10 {
			recs = append(recs, feed.MustAdd(orgBody(i)))
		}
	}
	var recBytes int
	for _, r := range recs {
		recBytes += len(r.Bytes)
	}
	if _, err := src.store.PutBatch(ctx, recs); err != nil {
		t.Fatal(err)
	}
	// Sync by hand on a fresh node that does not sync on connect.
	cfg := testConfig(t, "bench-sync-measured")
	cfg.NoSyncOnConnect = true
	fresh := startNode(t, cfg)
	if err := fresh.host.Connect(ctx, peer.AddrInfo{ID: src.ID(), Addrs: src.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	stats, err := fresh.syncWith(ctx, src.ID(), &syncJob{full: true})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	again, err := fresh.syncWith(ctx, src.ID(), &syncJob{full: true})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Catch-up of %d records (10 feeds, %d bytes of records, mean %d bytes) from one peer on 127.0.0.1:\n\n", total, recBytes, recBytes/total)
	fmt.Fprintf(&b, "| measure | value |\n|---|---|\n")
	fmt.Fprintf(&b, "| records fetched (new) | %d (%d) |\n", stats.records, stats.added)
	fmt.Fprintf(&b, "| time | %v |\n", elapsed.Round(time.Millisecond))
	fmt.Fprintf(&b, "| records/s | %.0f |\n", float64(stats.records)/elapsed.Seconds())
	fmt.Fprintf(&b, "| bytes received per missing record | %.1f (record itself: %.1f) |\n", float64(stats.bytesIn)/float64(stats.records), float64(recBytes)/total)
	fmt.Fprintf(&b, "| round trips (pages) | %d |\n", stats.pages)
	fmt.Fprintf(&b, "| nothing missing: round trips, bytes sent, bytes received | %d, %d, %d |\n", again.pages, again.bytesOut, again.bytesIn)
	return b.String()
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "model name") {
			if _, v, ok := strings.Cut(line, ":"); ok {
				return strings.TrimSpace(v)
			}
		}
	}
	return runtime.GOARCH
}
