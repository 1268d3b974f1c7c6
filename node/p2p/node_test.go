package p2p

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/jejak/jejak/storage"
)

func TestConfigDefaults(t *testing.T) {
	st, err := storage.OpenMemory(storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c, err := Config{Store: st}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	if c.Network != DefaultNetwork || len(c.ListenAddrs) != 2 || c.SyncInterval != time.Minute || c.Limits.SyncPage != 500 || c.Limits.ConnsHigh != 96 {
		t.Errorf("defaults: %+v", c)
	}
	for _, bad := range []string{"Main", "a b", "-x", "this-name-is-far-too-long-for-a-network"} {
		if _, err := (Config{Store: st, Network: bad}).withDefaults(); err == nil {
			t.Errorf("network name %q accepted", bad)
		}
	}
	if _, err := (Config{}).withDefaults(); err == nil {
		t.Error("a config without a store accepted")
	}
}

func TestPeerKeyKeptPrivate(t *testing.T) {
	dir := t.TempDir()
	k1, err := loadPeerKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(filepath.Join(dir, peerKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("peer key mode %v, want 0600", fi.Mode().Perm())
	}
	k2, err := loadPeerKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !k1.Equals(k2) {
		t.Error("peer key changed on reload")
	}
}

// TestNetworksDoNotMix: nodes of two networks that connect exchange no
// records, by gossip or by sync.
func TestNetworksDoNotMix(t *testing.T) {
	a := startNode(t, testConfig(t, "net-a"))
	cfg := testConfig(t, "net-b")
	cfg.Network = "other"
	b := startNode(t, cfg)
	rec := publish(t, a, 1)
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := b.Connect(ctx, a.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "identify", func() bool {
		protos, _ := b.host.Peerstore().GetProtocols(a.ID())
		return len(protos) > 0
	})
	if supports(b, a.ID()) {
		t.Fatal("a node of another network speaks this network's sync protocol")
	}
	publish(t, a, 2)
	// A sync with a, if it were possible, would take one round trip;
	// ask for it and check nothing arrives.
	if _, err := b.syncWith(ctx, a.ID(), &syncJob{full: true}); err == nil {
		t.Fatal("sync across networks succeeded")
	}
	if has(t, b, rec.CID) {
		t.Fatal("a record crossed networks")
	}
}

// TestRemembersPeers: a peer synced with is written to peers.json and
// dialled again at the next start.
func TestRemembersPeers(t *testing.T) {
	a := startNode(t, testConfig(t, "remembered"))
	cfg := testConfig(t, "rememberer")
	b := startNode(t, cfg)
	connect(t, b, a)
	waitFor(t, "the peer is remembered", func() bool {
		_, err := os.Stat(filepath.Join(cfg.DataDir, peersFile))
		return err == nil
	})
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	b = startNode(t, cfg)
	waitFor(t, "the remembered peer is dialled at start", func() bool {
		return len(b.host.Network().ConnsToPeer(a.ID())) > 0
	})
}

// TestRelayProfile: a relay (circuit relay service, DHT server, public
// reachability) and a desktop node that names it as its relay and joins the
// DHT through it. The DHT is on, so the test runs in a network namespace
// of its own that holds only lo.
func TestRelayProfile(t *testing.T) {
	if !inOwnNetns(t, "0") {
		return
	}
	ctx := context.Background()
	rcfg := testConfig(t, "relay")
	rcfg.Relay = true
	rcfg.EnableDHT = true
	relay := startNode(t, rcfg)

	dcfg := testConfig(t, "desk-behind-relay")
	dcfg.Relays = relay.Addrs()[:1]
	dcfg.EnableDHT = true
	desk := startNode(t, dcfg)
	waitFor(t, "the desktop connects to its relay", func() bool {
		st, err := desk.Status(ctx)
		return err == nil && len(st.Relays) == 1 && st.Relays[0].Connected
	})
	st, err := relay.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !st.Relay || st.Reachability != "public" {
		t.Errorf("relay status: relay %v, reachability %q", st.Relay, st.Reachability)
	}
	// Records published on the desktop reach the relay, the gossip hub.
	waitFor(t, "the desktop sees the relay on the topic", func() bool {
		return slices.Contains(desk.topic.ListPeers(), relay.ID())
	})
	rec := publish(t, desk, 1)
	waitFor(t, "the relay stores the record", func() bool { return has(t, relay, rec.CID) })
}
