package p2p

import (
	"bufio"
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestResourceExhaustion: hundreds of bare libp2p hosts dial one node at
// once; some open many sync streams on their connection, and some ask for
// a full sync and never read the answer. The resource manager's limits
// hold (inbound connections at most Limits.ConnsHigh, libp2p's memory at
// most Limits.Memory), the node's heap stays bounded, and an honest peer
// connected before the attack still gets gossip and syncs meanwhile.
func TestResourceExhaustion(t *testing.T) {
	ctx := context.Background()
	attackers := scaled(120, 300)
	cfg := testConfig(t, "exhausted")
	cfg.NoSyncOnConnect = true
	cfg.Limits.ConnsLow, cfg.Limits.ConnsHigh = 16, 64
	cfg.Limits.Memory = 32 << 20
	cfg.Limits.FDs = 256
	cfg.Limits.SyncTimeout = 5 * time.Second
	cfg.Limits.SyncPage = 100
	victim := startNode(t, cfg)
	honest := startNode(t, testConfig(t, "honest-peer"))
	connect(t, honest, victim)
	waitForMesh(t, []*testNode{victim, honest})

	// The victim holds records to serve; the honest peer lacks them.
	feed := prototest.NewFeed(prototest.Key("exhaust-author"))
	var held []protocol.Signed
	for i := range 1000 {
		held = append(held, feed.MustAdd(orgBody(i)))
	}
	if _, err := victim.store.PutBatch(ctx, held); err != nil {
		t.Fatal(err)
	}
	rm, ok := victim.host.Network().ResourceManager().(rcmgr.ResourceManagerState)
	if !ok {
		t.Fatal("the resource manager does not report its state")
	}

	// Sample the victim while the attack runs.
	heap := watchHeap()
	var peakConns, peakMem, peakStreams atomic.Int64
	stopSampling := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			st := rm.Stat().System
			peakConns.Store(max(peakConns.Load(), int64(st.NumConnsInbound)))
			peakMem.Store(max(peakMem.Load(), st.Memory))
			peakStreams.Store(max(peakStreams.Load(), int64(st.NumStreamsInbound)))
			select {
			case <-stopSampling:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()

	// The attack: every host dials (the victim refuses beyond ConnsHigh); the first ten that get in open 32
	// sync streams each, and ask for everything on each without reading.
	var connected, refused, streamsServed, streamsRefused atomic.Int64
	hosts := make([]host.Host, attackers)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 16)
	var inMu sync.Mutex
	var in []host.Host
	for i := range hosts {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			h, err := libp2p.New(libp2p.NoListenAddrs, libp2p.DisableMetrics(), libp2p.ResourceManager(&network.NullResourceManager{}))
			if err != nil {
				t.Error(err)
				return
			}
			hosts[i] = h
			cctx, cancel := context.WithTimeout(ctx, testTimeout)
			defer cancel()
			if err := h.Connect(cctx, peer.AddrInfo{ID: victim.ID(), Addrs: victim.host.Addrs()}); err != nil {
				refused.Add(1)
				return
			}
			connected.Add(1)
			inMu.Lock()
			in = append(in, h)
			inMu.Unlock()
		}()
	}
	t.Cleanup(func() {
		for _, h := range hosts {
			if h != nil {
				h.Close()
			}
		}
	})
	wg.Wait()

	inMu.Lock()
	greedy := in[:min(len(in), 10)]
	inMu.Unlock()
	var streams []network.Stream
	var smu sync.Mutex
	for _, h := range greedy {
		for range 32 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_ = h.Peerstore().SetProtocols(victim.ID()) // negotiate at once
				sctx, cancel := context.WithTimeout(ctx, testTimeout)
				defer cancel()
				s, err := h.NewStream(sctx, victim.ID(), victim.protos.sync)
				if err != nil {
					streamsRefused.Add(1)
					return
				}
				w := bufio.NewWriter(s)
				_ = writeCBOR(w, frameSyncRequest, &syncRequest{Limit: 100})
				if err := w.Flush(); err != nil {
					streamsRefused.Add(1)
					return
				}
				// Read one byte: a served stream has an answer waiting;
				// a refused one is reset. Then never read again.
				var b [1]byte
				if _, err := io.ReadFull(s, b[:]); err != nil {
					streamsRefused.Add(1)
					s.Reset()
					return
				}
				streamsServed.Add(1)
				smu.Lock()
				streams = append(streams, s)
				smu.Unlock()
			}()
		}
	}
	wg.Wait()

	// Meanwhile the honest peer gets gossip both ways and syncs.
	events := watch(t, honest)
	rec := publish(t, victim, 1)
	waitEvent(t, events, "the honest peer gets the victim's record by gossip", func(r protocol.Signed) bool { return r.CID == rec.CID })
	back := publish(t, honest, 2)
	waitFor(t, "the victim gets the honest peer's record by gossip", func() bool { return has(t, victim, back.CID) })
	st, err := honest.SyncWith(ctx, victim.ID())
	if err != nil {
		t.Fatalf("the honest peer's sync during the attack: %v", err)
	}
	if st.Added < len(held) {
		t.Errorf("the honest peer's sync added %d records, want %d", st.Added, len(held))
	}

	close(stopSampling)
	<-sampled
	grew := heap.growth()
	for _, s := range streams {
		s.Reset()
	}
	t.Logf("exhaustion: %d hosts dialled: %d connected, %d refused; inbound connections peaked at %d (limit %d); %d greedy hosts opened %d sync streams: %d served, %d refused; inbound streams peaked at %d; libp2p memory peaked at %.1f MiB (limit %d MiB); process heap grew at most %.1f MiB; the honest peer synced %d records and got gossip both ways",
		attackers, connected.Load(), refused.Load(), peakConns.Load(), cfg.Limits.ConnsHigh, len(greedy), len(greedy)*32,
		streamsServed.Load(), streamsRefused.Load(), peakStreams.Load(), float64(peakMem.Load())/(1<<20), cfg.Limits.Memory>>20,
		float64(grew)/(1<<20), st.Added)
	if n := peakConns.Load(); n > int64(cfg.Limits.ConnsHigh) {
		t.Errorf("%d inbound connections at once, limit %d", n, cfg.Limits.ConnsHigh)
	}
	if refused.Load() == 0 {
		t.Errorf("all %d hosts got a connection; the limit is %d", attackers, cfg.Limits.ConnsHigh)
	}
	if m := peakMem.Load(); m > cfg.Limits.Memory {
		t.Errorf("libp2p held %d bytes, limit %d", m, cfg.Limits.Memory)
	}
	if perPeer := int64(len(greedy) * 4); streamsServed.Load() > perPeer {
		t.Errorf("%d greedy streams served; at most 4 a peer (%d)", streamsServed.Load(), perPeer)
	}
	// The heap is the whole test process's: the victim's, the honest
	// peer's and every attacking host's (about half a MiB each).
	heapBound := int64(64<<20 + attackers*(512<<10))
	if grew > heapBound {
		t.Errorf("the heap grew by %.1f MiB, bound %d MiB", float64(grew)/(1<<20), heapBound>>20)
	}
}
