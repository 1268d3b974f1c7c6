package p2p

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// rawHost is a bare libp2p host on 127.0.0.1, closed when the test ends.
func rawHost(t testing.TB, opts ...libp2p.Option) host.Host {
	t.Helper()
	h, err := libp2p.New(append([]libp2p.Option{libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// heapWatch samples the process's heap in use until stop, and reports its
// peak above the level when it started (after a collection).
type heapWatch struct {
	base uint64
	peak atomic.Uint64
	stop chan struct{}
	done chan struct{}
}

func watchHeap() *heapWatch {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	w := &heapWatch{base: m.HeapInuse, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		tick := time.NewTicker(25 * time.Millisecond)
		defer tick.Stop()
		for {
			var m runtime.MemStats
			runtime.ReadMemStats(&m)
			if m.HeapInuse > w.peak.Load() {
				w.peak.Store(m.HeapInuse)
			}
			select {
			case <-w.stop:
				return
			case <-tick.C:
			}
		}
	}()
	return w
}

// growth stops the watch and returns the peak growth in bytes.
func (w *heapWatch) growth() int64 {
	close(w.stop)
	<-w.done
	return int64(w.peak.Load()) - int64(w.base)
}

// syncAttackTimeout is the victims' SyncTimeout in these tests: short, so
// that timeouts fire within the test, and long enough for -race on a
// loaded machine to send a page.
const syncAttackTimeout = 3 * time.Second

// TestSyncAttackers: raw libp2p hosts that speak the sync protocol badly,
// as responders (the victim syncs from them) and as requesters (they sync
// from the victim). Each one ends within the victim's timeouts with its
// stream reset; violations cost the attacker a penalty, stalling costs it
// nothing (an honest peer can be slow); nothing invalid is stored; the
// victim's heap grows by a bounded amount meanwhile.
func TestSyncAttackers(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "sync-victim")
	cfg.NoSyncOnConnect = true
	cfg.Limits.SyncTimeout = syncAttackTimeout
	cfg.Limits.SyncPage = 50
	victim := startNode(t, cfg)
	// The victim holds a feed: the forker's first 300 records, and 300
	// other records to serve.
	forker := prototest.NewFeed(prototest.Key("forker"))
	alt := prototest.NewFeed(prototest.Key("forker"))
	var held, forks []protocol.Signed
	for i := range 300 {
		held = append(held, forker.MustAdd(orgBody(i)))
		forks = append(forks, alt.MustAdd(orgBody(10_000+i)))
	}
	served := prototest.NewFeed(prototest.Key("served"))
	for i := range 300 {
		held = append(held, served.MustAdd(orgBody(i)))
	}
	if _, err := victim.store.PutBatch(ctx, held); err != nil {
		t.Fatal(err)
	}
	known := held[0].Bytes
	protos := victim.protos

	heap := watchHeap()

	type responder struct {
		name      string
		serve     func(s network.Stream, w *bufio.Writer) // after the request was read
		violation bool                                    // the attacker must be penalised
		check     func(t *testing.T, h host.Host)
	}
	var fetches atomic.Int64
	responders := []responder{
		{name: "claims huge ranges and a fork list of 100,000 records", serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{Expected: 1 << 60})
			end := syncEnd{}
			for i := range maxForks {
				f := wireFork{Author: make([]byte, 32), Seq: 1 << 60}
				binary.BigEndian.PutUint64(f.Author, uint64(i))
				for j := range 100 {
					f.CIDs = append(f.CIDs, protocol.ComputeCID(fmt.Appendf(nil, "%d/%d", i, j)).Bytes())
				}
				end.Forks = append(end.Forks, f)
			}
			_ = writeCBOR(w, frameSyncEnd, &end)
			_ = w.Flush()
		}, check: func(t *testing.T, h host.Host) {
			if n := fetches.Load(); n > int64(maxForks*maxForkCIDs/maxFetch+1) {
				t.Errorf("the victim made %d fetch requests for a fork list; want at most %d", n, maxForks*maxForkCIDs/maxFetch+1)
			}
		}},
		{name: "streams junk record frames forever", violation: true, serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{Expected: 1 << 40})
			junk := make([]byte, 60<<10)
			for i := 0; ; i++ {
				binary.BigEndian.PutUint64(junk, uint64(i))
				if writeFrame(w, frameRecord, junk) != nil {
					return
				}
			}
		}},
		{name: "streams one valid record forever in one page", violation: true, serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{Expected: 1 << 40})
			for writeFrame(w, frameRecord, known) == nil {
			}
		}},
		{name: "streams pages of records the victim holds forever", serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{Expected: 1 << 40})
			fr := newFrameReader(s)
			for {
				for _, rec := range held[:50] {
					_ = writeFrame(w, frameRecord, rec.Bytes)
				}
				_ = writeCBOR(w, frameSyncEnd, &syncEnd{More: true})
				if w.Flush() != nil {
					return
				}
				var req syncRequest
				if fr.nextCBOR(frameSyncRequest, &req) != nil {
					return
				}
			}
		}},
		{name: "sends a frame that claims 2^40 bytes", violation: true, serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{})
			var hdr [binary.MaxVarintLen64]byte
			n := binary.PutUvarint(hdr[:], 1<<40)
			_, _ = w.Write(hdr[:n])
			_ = w.Flush()
			_, _ = io.Copy(io.Discard, s)
		}},
		{name: "stalls: never writes", serve: func(s network.Stream, w *bufio.Writer) {
			_, _ = io.Copy(io.Discard, s)
		}},
		{name: "trickles: one byte a second", serve: func(s network.Stream, w *bufio.Writer) {
			var buf bytes.Buffer
			_ = writeCBOR(&buf, frameSummary, &syncSummary{Expected: 1})
			for _, b := range buf.Bytes() {
				if _, err := s.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(time.Second) // the attacker's pace
			}
			_, _ = io.Copy(io.Discard, s)
		}},
		{name: "sends 300 forks in one page", serve: func(s network.Stream, w *bufio.Writer) {
			_ = writeCBOR(w, frameSummary, &syncSummary{Expected: int64(len(forks))})
			for _, rec := range forks {
				_ = writeFrame(w, frameRecord, rec.Bytes)
			}
			_ = writeCBOR(w, frameSyncEnd, &syncEnd{})
			_ = w.Flush()
		}, check: func(t *testing.T, h host.Host) {
			fs, err := victim.store.Forks(ctx, forker.Author())
			if err != nil {
				t.Fatal(err)
			}
			if len(fs) != len(forks) {
				t.Errorf("the victim found %d forks, want %d", len(fs), len(forks))
			}
		}},
	}
	for _, r := range responders {
		t.Run("responder "+r.name, func(t *testing.T) {
			h := rawHost(t)
			reset := make(chan error, 4)
			h.SetStreamHandler(protos.sync, func(s network.Stream) {
				var req syncRequest
				if err := newFrameReader(s).nextCBOR(frameSyncRequest, &req); err != nil {
					s.Reset()
					return
				}
				r.serve(s, bufio.NewWriter(s))
				// The victim resets or closes the stream; a read
				// returns once it has.
				_, err := io.Copy(io.Discard, s)
				reset <- err
				s.Close()
			})
			h.SetStreamHandler(protos.fetch, func(s network.Stream) {
				defer s.Close()
				fetches.Add(1)
				var req fetchRequest
				if err := newFrameReader(s).nextCBOR(frameFetch, &req); err != nil {
					s.Reset()
					return
				}
				w := bufio.NewWriter(s)
				_ = writeCBOR(w, frameFetchEnd, &fetchEnd{Missing: len(req.CIDs)})
				_ = w.Flush()
			})
			if err := h.Connect(ctx, peer.AddrInfo{ID: victim.ID(), Addrs: victim.host.Addrs()}); err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			_, err := victim.SyncWith(ctx, h.ID())
			took := time.Since(start)
			t.Logf("sync ended after %v: %v", took.Round(time.Millisecond), err)
			if took > 4*syncAttackTimeout+testTimeout/4 {
				t.Errorf("the sync took %v; the victim's timeout is %v", took, syncAttackTimeout)
			}
			select {
			case <-reset:
			case <-time.After(testTimeout):
				t.Error("the victim never ended the attacker's stream")
			}
			pen, why := victim.scores.penaltyOf(h.ID(), time.Now())
			switch {
			case r.violation && pen >= 0:
				t.Errorf("no penalty for a protocol violation (sync error %v)", err)
			case !r.violation && pen < 0:
				t.Errorf("penalised %v for no violation: %q", pen, why)
			}
			if r.check != nil {
				r.check(t, h)
			}
		})
	}

	type requester struct {
		name      string
		send      func(s network.Stream) // writes the request (or not)
		violation bool
	}
	var servedAuthor = served.Author()
	requesters := []requester{
		{name: "claims 50,000 feeds", violation: true, send: func(s network.Stream) {
			req := syncRequest{Limit: 50}
			for i := range 50_000 {
				a := make([]byte, 32)
				binary.BigEndian.PutUint64(a, uint64(i))
				req.Heads = append(req.Heads, wireHead{Author: a})
			}
			w := bufio.NewWriter(s)
			_ = writeCBOR(w, frameSyncRequest, &req)
			_ = w.Flush()
		}},
		{name: "claims a head at seq 2^64-1", violation: true, send: func(s network.Stream) {
			w := bufio.NewWriter(s)
			_ = writeCBOR(w, frameSyncRequest, &syncRequest{Only: true, Limit: 50,
				Heads: []wireHead{{Author: servedAuthor[:], Seq: math.MaxUint64, CID: held[300].CID.Bytes()}}})
			_ = w.Flush()
		}},
		{name: "claims heads at seq 2^60", send: func(s network.Stream) {
			w := bufio.NewWriter(s)
			_ = writeCBOR(w, frameSyncRequest, &syncRequest{Only: true, Limit: 50,
				Heads: []wireHead{{Author: servedAuthor[:], Seq: 1 << 60, CID: held[300].CID.Bytes()}}})
			_ = w.Flush()
		}},
		{name: "sends a malformed request", violation: true, send: func(s network.Stream) {
			w := bufio.NewWriter(s)
			_ = writeFrame(w, frameSyncRequest, []byte{0xff, 0x00, 0x13})
			_ = w.Flush()
		}},
		{name: "stalls: opens and never writes", send: func(s network.Stream) {}},
		{name: "trickles its request a byte a second", send: func(s network.Stream) {
			var buf bytes.Buffer
			_ = writeCBOR(&buf, frameSyncRequest, &syncRequest{Limit: 50})
			for _, b := range buf.Bytes() {
				if _, err := s.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(time.Second) // the attacker's pace
			}
		}},
		{name: "asks for everything and never reads", send: func(s network.Stream) {
			w := bufio.NewWriter(s)
			_ = writeCBOR(w, frameSyncRequest, &syncRequest{Limit: 50})
			_ = w.Flush()
		}},
	}
	for _, r := range requesters {
		t.Run("requester "+r.name, func(t *testing.T) {
			h := rawHost(t)
			if err := h.Connect(ctx, peer.AddrInfo{ID: victim.ID(), Addrs: victim.host.Addrs()}); err != nil {
				t.Fatal(err)
			}
			// Forget what identify said the victim speaks, so the stream
			// is negotiated at once rather than with the first write:
			// the victim's handler runs even for an attacker that never
			// writes.
			if err := h.Peerstore().SetProtocols(victim.ID()); err != nil {
				t.Fatal(err)
			}
			s, err := h.NewStream(ctx, victim.ID(), protos.sync)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Reset()
			start := time.Now()
			r.send(s)
			// The victim's side of the stream goes once it gives up on
			// it (the attacker is not read from in the last case, so
			// this is watched on the victim).
			waitFor(t, "the victim ends the attacker's stream", func() bool {
				for _, c := range victim.host.Network().ConnsToPeer(h.ID()) {
					for _, vs := range c.GetStreams() {
						if vs.Protocol() == protos.sync {
							return false
						}
					}
				}
				return true
			})
			t.Logf("the victim ended the stream after %v", time.Since(start).Round(time.Millisecond))
			waitForOrNot(t, "the victim's verdict", func() bool {
				pen, _ := victim.scores.penaltyOf(h.ID(), time.Now())
				return !r.violation || pen < 0
			})
			pen, why := victim.scores.penaltyOf(h.ID(), time.Now())
			switch {
			case r.violation && pen >= 0:
				t.Error("no penalty for a protocol violation")
			case !r.violation && pen < 0:
				t.Errorf("penalised %v for no violation: %q", pen, why)
			}
		})
	}

	grew := heap.growth()
	const bound = 64 << 20
	t.Logf("sync attackers: %d responders, %d requesters; victim heap grew at most %.1f MiB (bound %d MiB)", len(responders), len(requesters), float64(grew)/(1<<20), bound>>20)
	if grew > bound {
		t.Errorf("the heap grew by %.1f MiB during the attacks, bound %d MiB", float64(grew)/(1<<20), bound>>20)
	}
	// Nothing but the victim's own records and the forker's second
	// versions (authentic evidence) is stored.
	allowed := map[protocol.CID]bool{}
	for _, rec := range append(append([]protocol.Signed(nil), held...), forks...) {
		allowed[rec.CID] = true
	}
	for c := range allCIDs(t, victim) {
		if !allowed[c] {
			t.Errorf("the victim stored %s, which no attacker could make valid", c)
		}
	}
}
