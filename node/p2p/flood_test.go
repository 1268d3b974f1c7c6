package p2p

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// floodRecords returns n invalid records, each different (so gossip's
// message IDs differ and every one reaches the validator): in turn a forged
// signature, a record that claims another author, garbage, a truncated
// record and an oversized one (70 KiB, above protocol.MaxRecordSize).
func floodRecords(t *testing.T, n int) [][]byte {
	t.Helper()
	feed := prototest.NewFeed(prototest.Key("flood-victim"))
	victim := feed.Author()
	imp := prototest.Key("flood-impostor")
	out := make([][]byte, 0, n)
	for i := 0; len(out) < n; i++ {
		switch i % 5 {
		case 0:
			rec := feed.MustAdd(orgBody(1000 + i))
			forged := bytes.Clone(rec.Bytes)
			forged[len(forged)-1] ^= 0x01
			out = append(out, forged)
		case 1:
			rec, err := protocol.Seal(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: orgBody(2000 + i)}, imp)
			if err != nil {
				t.Fatal(err)
			}
			a := rec.Author
			out = append(out, bytes.Replace(rec.Bytes, a[:], victim[:], 1))
		case 2:
			out = append(out, fmt.Appendf(nil, "not a record %d", i))
		case 3:
			rec := feed.MustAdd(orgBody(3000 + i))
			out = append(out, rec.Bytes[:len(rec.Bytes)/2])
		case 4:
			big := bytes.Repeat([]byte{0x42}, 70<<10)
			copy(big, fmt.Appendf(nil, "%d", i))
			out = append(out, big)
		}
	}
	return out
}

// TestFlooder: one attacker, connected to every honest node and speaking
// raw gossipsub on the records topic, floods forged, malformed and
// oversized records at ten times the rate the honest nodes publish
// together. Honest records still reach at least 99 % of the honest nodes
// (in practice all of them), no store holds anything but honest records,
// and every honest node graylists the attacker, disconnects it and refuses
// it (as its Status says).
func TestFlooder(t *testing.T) {
	ctx := context.Background()
	honest, rounds := scaled(6, 8), scaled(8, 60)
	nodes := startNodes(t, "flood", honest, nil)
	// A ring with chords: every node has two to four honest peers.
	for i := range nodes {
		connect(t, nodes[i], nodes[(i+1)%honest])
		if i%2 == 0 {
			connect(t, nodes[i], nodes[(i+3)%honest])
		}
	}
	waitForMesh(t, nodes)

	bad := floodRecords(t, 10*honest*rounds)
	evil := newEvilHost(t, nodes[0].protos, nil)
	for _, n := range nodes {
		if err := evil.h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err != nil {
			t.Fatal(err)
		}
	}
	waitFor(t, "the attacker is on the topic with every honest node", func() bool {
		for _, n := range nodes {
			if !slices.Contains(n.topic.ListPeers(), evil.h.ID()) {
				return false
			}
		}
		return true
	})

	// Deliveries: which honest node stored which honest record.
	var mu sync.Mutex
	got := map[protocol.CID]map[int]bool{}
	for i, n := range nodes {
		n.ev.onStored(func(rec protocol.Signed) {
			mu.Lock()
			defer mu.Unlock()
			if got[rec.CID] == nil {
				got[rec.CID] = map[int]bool{}
			}
			got[rec.CID][i] = true
		})
	}
	var sent []protocol.CID
	tried := 0
	for r := range rounds {
		for i, n := range nodes {
			sent = append(sent, publish(t, n, r*honest+i).CID)
			mu.Lock()
			if got[sent[len(sent)-1]] == nil {
				got[sent[len(sent)-1]] = map[int]bool{}
			}
			got[sent[len(sent)-1]][i] = true // its own
			mu.Unlock()
			for range 10 {
				// Publish fails only when pubsub is closing.
				if err := evil.topic.Publish(ctx, bad[tried]); err != nil {
					t.Fatal(err)
				}
				tried++
			}
		}
	}
	delivered := func() int {
		mu.Lock()
		defer mu.Unlock()
		d := 0
		for _, c := range sent {
			d += len(got[c])
		}
		return d
	}
	want := len(sent) * honest
	waitForOrNot(t, "every honest record on every honest node", func() bool { return delivered() == want })
	ratio := float64(delivered()) / float64(want)
	if ratio < 0.99 {
		t.Errorf("honest records reached %.2f %% of the honest nodes, want at least 99 %%", 100*ratio)
	}

	// Every honest node graylisted the attacker, disconnected it and lists
	// it as blocked; none blocked an honest peer.
	for _, n := range nodes {
		waitFor(t, "every honest node cuts the attacker off", func() bool {
			return n.host.Network().Connectedness(evil.h.ID()) != network.Connected && blockedIn(n.Engine.Status(), evil.h.ID())
		})
		if st := n.Engine.Status(); len(st.Blocked) != 1 || st.BlockedEver != 1 {
			t.Errorf("node %s blocks %d peers (%d ever), want only the attacker: %+v", n.ID(), len(st.Blocked), st.BlockedEver, st.Blocked)
		} else if s := st.Blocked[0].Score; s >= graylistThreshold {
			t.Errorf("node %s blocked the attacker at score %v, above the graylist threshold", n.ID(), s)
		}
	}
	refused := 0
	for _, n := range nodes {
		cctx, cancel := context.WithTimeout(ctx, testTimeout)
		err := evil.h.Connect(cctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()})
		cancel()
		if err != nil {
			refused++
			continue
		}
		waitFor(t, "the node drops the blocked attacker's new connection", func() bool {
			return n.host.Network().Connectedness(evil.h.ID()) != network.Connected
		})
		refused++
	}

	// Nothing invalid is stored anywhere: every store holds exactly the
	// honest records.
	honestSet := map[protocol.CID]bool{}
	for _, c := range sent {
		honestSet[c] = true
	}
	rejected := 0.0
	for _, n := range nodes {
		for c := range allCIDs(t, n) {
			if !honestSet[c] {
				t.Errorf("node %s stored %s, which no honest node published", n.ID(), c)
			}
		}
		for _, data := range bad {
			if has(t, n, protocol.ComputeCID(data)) {
				t.Fatalf("node %s stored an invalid record", n.ID())
			}
		}
		rejected += counterValue(t, n.metrics.checked.WithLabelValues("rejected"))
	}
	t.Logf("flood: %d honest nodes, %d honest records, %d invalid records tried (%d reached a validator before the attacker was graylisted), delivery %.2f %%, attacker graylisted and disconnected by %d of %d nodes, %d reconnections refused",
		honest, len(sent), tried, int(rejected), 100*ratio, honest, honest, refused)
}

// waitForOrNot polls cond like waitFor, but only logs when the deadline
// passes, for a test that then measures how far it got.
func waitForOrNot(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(testTimeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Logf("timed out waiting until %s", what)
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
}
