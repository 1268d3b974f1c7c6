package p2p

import (
	"bufio"
	"bytes"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// badRecords returns record bytes that no honest node may store: forged
// signatures, malformed encodings and an oversized record.
func badRecords(t *testing.T) [][]byte {
	t.Helper()
	feed := prototest.NewFeed(prototest.Key("victim"))
	var bad [][]byte
	for i := range 3 {
		// A real record with one bit of its author key flipped (the
		// last bytes of the encoding): the signature does not verify.
		rec := feed.MustAdd(orgBody(100 + i))
		forged := bytes.Clone(rec.Bytes)
		forged[len(forged)-1] ^= 0x01
		bad = append(bad, forged)
	}
	// A record that claims another author than the key that signed it.
	impostor, err := protocol.Seal(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: orgBody(200)}, prototest.Key("impostor"))
	if err != nil {
		t.Fatal(err)
	}
	victim := prototest.Key("victim").Public()
	swapped := bytes.Replace(impostor.Bytes, func() []byte { p := impostor.Author; return p[:] }(), victim[:], 1)
	bad = append(bad, swapped)
	// Malformed: not CBOR, CBOR that is not a record, a truncated record.
	bad = append(bad, []byte("definitely not a record"), []byte{0xa1, 0x61, 0x76, 0x01}, impostor.Bytes[:len(impostor.Bytes)/2])
	// Oversized: 70 KiB.
	bad = append(bad, bytes.Repeat([]byte{0x42}, 70<<10))
	return bad
}

// TestMaliciousPeer: a peer that joins the topic and speaks the sync
// protocol sends forged, malformed and oversized records. The honest node
// it is connected to stores none of them and forwards none to its honest
// neighbour, its score for the peer falls below the graylist threshold, and
// it disconnects the peer and refuses it. A second peer doing the same by
// sync is graylisted by the sync penalties alone and cut off too. A valid
// record from the same peer still gets through, so the path it
// uses is known to work.
func TestMaliciousPeer(t *testing.T) {
	ctx := context.Background()
	nodes := startNodes(t, "honest", 2, nil)
	a, b := nodes[0], nodes[1]
	connect(t, a, b)
	waitForMesh(t, nodes)

	bad := badRecords(t)
	evil := newEvilHost(t, a.protos, bad)
	if err := evil.h.Connect(ctx, peer.AddrInfo{ID: a.ID(), Addrs: a.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the malicious peer and the honest node see each other on the topic", func() bool {
		return slices.Contains(evil.topic.ListPeers(), a.ID()) && slices.Contains(a.topic.ListPeers(), evil.h.ID())
	})

	good := prototest.NewFeed(prototest.Key("evil-but-valid")).MustAdd(orgBody(1))
	if err := evil.topic.Publish(ctx, good.Bytes); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the valid record reaches the honest neighbour", func() bool { return has(t, b, good.CID) })

	for _, data := range bad {
		if err := evil.topic.Publish(ctx, data); err != nil {
			t.Fatal(err)
		}
	}
	// Gossip alone graylists it: the invalid deliveries penalty.
	waitFor(t, "the honest node's score for the malicious peer falls below the graylist", func() bool {
		s, ok := a.scores.score(evil.h.ID())
		return ok && s < graylistThreshold
	})
	// Graylisted, it is cut off: disconnected, listed as blocked, and
	// refused when it dials again.
	waitCutOff(t, a, evil.h)
	// Now the same records by sync, from a second malicious peer.
	evil2 := newEvilHost(t, a.protos, bad)
	if err := evil2.h.Connect(ctx, peer.AddrInfo{ID: a.ID(), Addrs: a.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	evil2.armed.Store(true)
	a.syncer.requestFull(evil2.h.ID())
	waitFor(t, "the honest node synced with the malicious peer", func() bool { return evil2.syncs() > 0 })
	waitFor(t, "the sync penalties alone graylist the peer", func() bool {
		v, _ := a.scores.penaltyOf(evil2.h.ID(), time.Now())
		return v < graylistThreshold
	})
	if _, why := a.scores.penaltyOf(evil2.h.ID(), time.Now()); len(why) == 0 || !strings.Contains(why[len(why)-1], "invalid record") {
		t.Errorf("the penalty's reasons %q do not say an invalid record", why)
	}
	waitCutOff(t, a, evil2.h)

	for _, n := range nodes {
		for _, data := range bad {
			if has(t, n, protocol.ComputeCID(data)) {
				t.Errorf("node %s stored an invalid record", n.ID())
			}
		}
		if got := len(allCIDs(t, n)); got != 1 {
			t.Errorf("node %s holds %d records, want only the valid one", n.ID(), got)
		}
	}
	// The honest neighbour never saw an invalid record from the honest
	// node: its score for it is not negative.
	if s, _ := b.scores.score(a.ID()); s < 0 {
		t.Errorf("honest neighbour scores the honest node %v: it was forwarded invalid records", s)
	}
}

// waitCutOff waits until n has disconnected the peer h and lists it as
// blocked, then checks that h cannot connect again.
func waitCutOff(t *testing.T, n *testNode, h host.Host) {
	t.Helper()
	waitFor(t, "the node disconnects the graylisted peer and lists it as blocked", func() bool {
		return n.host.Network().Connectedness(h.ID()) != network.Connected && blockedIn(n.Engine.Status(), h.ID())
	})
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err == nil {
		// The dialler may see the connection before the node's gater
		// closes it: what counts is that the node does not keep it.
		waitFor(t, "the node refuses the blocked peer's new connection", func() bool {
			return n.host.Network().Connectedness(h.ID()) != network.Connected
		})
	}
}

// blockedIn reports whether st lists p as blocked.
func blockedIn(st Status, p peer.ID) bool {
	return slices.ContainsFunc(st.Blocked, func(b BlockedPeer) bool { return b.ID == p.String() })
}

// evilHost is a raw libp2p host with pubsub joined to the records topic and
// a sync handler that answers with bad records.
type evilHost struct {
	h     host.Host
	topic *pubsub.Topic

	armed  atomic.Bool // serve bad records by sync; until then, nothing
	served chan struct{}
}

func (e *evilHost) syncs() int { return len(e.served) }

func newEvilHost(t *testing.T, protos protocols, bad [][]byte) *evilHost {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(func() {
		cancel()
		h.Close()
	})
	e := &evilHost{h: h, served: make(chan struct{}, 100)}
	h.SetStreamHandler(protos.sync, func(s network.Stream) {
		defer s.Close()
		var req syncRequest
		if err := newFrameReader(s).nextCBOR(frameSyncRequest, &req); err != nil {
			s.Reset()
			return
		}
		w := bufio.NewWriter(s)
		if !e.armed.Load() {
			_ = writeCBOR(w, frameSummary, &syncSummary{})
			_ = writeCBOR(w, frameSyncEnd, &syncEnd{})
			_ = w.Flush()
			return
		}
		_ = writeCBOR(w, frameSummary, &syncSummary{Expected: int64(len(bad))})
		for _, data := range bad {
			_ = writeFrame(w, frameRecord, data)
		}
		_ = writeCBOR(w, frameSyncEnd, &syncEnd{})
		_ = w.Flush()
		select {
		case e.served <- struct{}{}:
		default:
		}
	})
	ps, err := pubsub.NewGossipSub(ctx, h,
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
		pubsub.WithNoAuthor(),
		pubsub.WithMessageIdFn(msgID),
		pubsub.WithFloodPublish(true),
		// Deep enough that a flood is not dropped on the attacker's own
		// side (pubsub's default is 32 messages).
		pubsub.WithPeerOutboundQueueSize(1<<14),
	)
	if err != nil {
		t.Fatal(err)
	}
	if e.topic, err = ps.Join(protos.topic); err != nil {
		t.Fatal(err)
	}
	cancelRelay, err := e.topic.Relay()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cancelRelay)
	return e
}

// TestNewerVersionKeptWithoutPenalty: a peer of a newer release gossips an
// authentic record of a format version this one cannot judge. The node
// neither stores it as a record nor passes it on, keeps it for an upgrade,
// and does not hold it against the peer; the same record forged is
// rejected, penalised and not kept.
func TestNewerVersionKeptWithoutPenalty(t *testing.T) {
	ctx := context.Background()
	verdicts := &verdictTracer{}
	cfg := testConfig(t, "behind")
	cfg.GossipOptions = []pubsub.Option{pubsub.WithRawTracer(verdicts)}
	a := startNode(t, cfg)
	future, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: orgBody(1)}, prototest.Key("ahead"), protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	forged := bytes.Clone(future.Bytes)
	forged[len(forged)-1] ^= 0x01 // the last byte of the author key
	forgedCID := protocol.ComputeCID(forged)
	evil := newEvilHost(t, a.protos, nil)
	if err := evil.h.Connect(ctx, peer.AddrInfo{ID: a.ID(), Addrs: a.host.Addrs()}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the newer peer and the node see each other on the topic", func() bool {
		return slices.Contains(evil.topic.ListPeers(), a.ID()) && slices.Contains(a.topic.ListPeers(), evil.h.ID())
	})
	kept := func(c protocol.CID) bool {
		t.Helper()
		found := false
		if err := a.store.Pending(ctx, func(pc protocol.CID, _ []byte) error { found = found || pc == c; return nil }); err != nil {
			t.Fatal(err)
		}
		return found
	}

	if err := evil.topic.Publish(ctx, future.Bytes); err != nil {
		t.Fatal(err)
	}
	if why := verdicts.wait(t, future.CID); why != pubsub.RejectValidationIgnored {
		t.Errorf("gossip's verdict on a record of a newer version: %q, want %q", why, pubsub.RejectValidationIgnored)
	}
	if !kept(future.CID) {
		t.Error("the record of a newer version was not kept for an upgrade")
	}
	if has(t, a, future.CID) {
		t.Error("a record of a newer version was stored as if judged")
	}
	if s := freshScore(t, a, evil.h.ID()); s < 0 {
		t.Errorf("the node scores the newer peer %v for an honest record", s)
	}

	if err := evil.topic.Publish(ctx, forged); err != nil {
		t.Fatal(err)
	}
	if why := verdicts.wait(t, forgedCID); why != pubsub.RejectValidationFailed {
		t.Errorf("gossip's verdict on the forged copy: %q, want %q", why, pubsub.RejectValidationFailed)
	}
	if s := freshScore(t, a, evil.h.ID()); s >= 0 {
		t.Errorf("the node scores the peer %v after a forged record; want a penalty", s)
	}
	if kept(forgedCID) || has(t, a, forgedCID) {
		t.Error("the forged copy was kept")
	}
}

// verdictTracer records why pubsub did not deliver each message, by the
// message's CID: a pubsub.RawTracer added after the peer score's, so the
// score has counted a verdict by the time the tracer sees it.
type verdictTracer struct {
	meshTracer
	mu      sync.Mutex
	reasons map[protocol.CID]string
}

func (v *verdictTracer) RejectMessage(m *pubsub.Message, reason string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.reasons == nil {
		v.reasons = map[protocol.CID]string{}
	}
	v.reasons[protocol.ComputeCID(m.Data)] = reason
}

// wait returns the reason pubsub gave for not delivering the message c,
// once it has judged it.
func (v *verdictTracer) wait(t *testing.T, c protocol.CID) string {
	t.Helper()
	var why string
	waitFor(t, "gossip's verdict on "+c.Short(), func() bool {
		v.mu.Lock()
		defer v.mu.Unlock()
		why = v.reasons[c]
		return why != ""
	})
	return why
}

// freshScore returns n's gossip score for p from a report pubsub computed
// after the call began. It drops the last report and waits for two more:
// the first may have been computed before the drop.
func freshScore(t *testing.T, n *testNode, p peer.ID) float64 {
	t.Helper()
	for range 2 {
		n.scores.update(nil)
		waitFor(t, "a score report for "+p.String(), func() bool { _, ok := n.scores.score(p); return ok })
	}
	s, _ := n.scores.score(p)
	return s
}
