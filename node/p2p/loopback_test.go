package p2p

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/storage"
)

// TestLoopbackGuard: in a test binary an engine refuses, with an error
// naming the setting, to listen beyond loopback (the shipped default of
// every interface included) or to run mDNS or the DHT; JEJAK_LOOPBACK_ONLY
// says otherwise only when set, and must be 0 or 1.
func TestLoopbackGuard(t *testing.T) {
	cases := []struct {
		name string
		edit func(*testCfg)
		want string
	}{
		{"every interface", func(c *testCfg) { c.ListenAddrs = []string{"/ip4/0.0.0.0/tcp/0"} }, `listen address "/ip4/0.0.0.0/tcp/0" is not a loopback address`},
		{"the default listen addresses", func(c *testCfg) { c.ListenAddrs = nil }, "is not a loopback address"},
		{"a LAN address", func(c *testCfg) { c.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/0", "/ip4/192.0.2.7/udp/0/quic-v1"} }, `"/ip4/192.0.2.7/udp/0/quic-v1" is not a loopback address`},
		{"mDNS", func(c *testCfg) { c.EnableMDNS = true }, "mDNS is on"},
		{"the DHT", func(c *testCfg) { c.EnableDHT = true }, "the DHT is on"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig(t, "guarded")
			c.edit(&cfg)
			cfg.Store = newMemStore(t)
			e, err := New(context.Background(), cfg.Config)
			if err == nil {
				e.Close()
				t.Fatal("New started an engine that reaches beyond loopback in a test")
			}
			if !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), LoopbackOnlyEnv) {
				t.Errorf("New: %v; want it to say %q and name %s", err, c.want, LoopbackOnlyEnv)
			}
		})
	}
	t.Run("a bad setting", func(t *testing.T) {
		t.Setenv(LoopbackOnlyEnv, "yes")
		cfg := testConfig(t, "guarded")
		cfg.Store = newMemStore(t)
		e, err := New(context.Background(), cfg.Config)
		if err == nil {
			e.Close()
			t.Fatal("New took JEJAK_LOOPBACK_ONLY=yes")
		}
		if !strings.Contains(err.Error(), `JEJAK_LOOPBACK_ONLY="yes": want 1`) {
			t.Errorf("New: %v", err)
		}
	})
}

// TestLoopbackGater: the guard's gater lets loopback through and nothing
// else, whichever way the connection goes, and still asks the test's own
// gater.
func TestLoopbackGater(t *testing.T) {
	g := loopbackGater{}
	for addr, want := range map[string]bool{
		"/ip4/127.0.0.1/tcp/4001":          true,
		"/ip4/127.9.9.9/udp/1/quic-v1":     true,
		"/ip6/::1/tcp/4001":                true,
		"/ip4/192.0.2.1/tcp/4001":          false,
		"/ip4/10.0.0.1/tcp/4001":           false,
		"/ip6/2001:db8::1/tcp/4001":        false,
		"/ip4/0.0.0.0/tcp/4001":            false,
		"/dns4/example.org/tcp/4001":       false,
		"/ip4/192.0.2.1/tcp/1/p2p-circuit": false,
	} {
		m := ma.StringCast(addr)
		if got := g.InterceptAddrDial("", m); got != want {
			t.Errorf("dial %s: %v, want %v", addr, got, want)
		}
		if got := g.InterceptAccept(connAddrs{m}); got != want {
			t.Errorf("accept from %s: %v, want %v", addr, got, want)
		}
	}
	other := peer.ID("other")
	part := &partition{cut: true, group: map[peer.ID]int{other: 2}}
	inner := loopbackGater{next: gater{p: part, group: 1}}
	if inner.InterceptPeerDial(other) || inner.InterceptAddrDial(other, ma.StringCast("/ip4/127.0.0.1/tcp/1")) {
		t.Error("the test's own gater was not asked")
	}
}

// connAddrs is a network.ConnMultiaddrs with a remote address only.
type connAddrs struct{ remote ma.Multiaddr }

func (c connAddrs) LocalMultiaddr() ma.Multiaddr  { return ma.StringCast("/ip4/127.0.0.1/tcp/1") }
func (c connAddrs) RemoteMultiaddr() ma.Multiaddr { return c.remote }

// TestLoopbackGuardDial: a guarded engine refuses to dial a peer at an
// address beyond loopback, before any packet leaves. It runs in a network
// namespace of its own that holds only lo, so even a dial that got past
// the gater could reach nothing; the error must be the gater's.
func TestLoopbackGuardDial(t *testing.T) {
	if !inOwnNetns(t, "1") {
		return
	}
	n := startNode(t, testConfig(t, "guarded"))
	other := startNode(t, testConfig(t, "other"))
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	err := n.host.Connect(ctx, peer.AddrInfo{ID: other.ID(), Addrs: []ma.Multiaddr{ma.StringCast("/ip4/192.0.2.1/tcp/4001")}})
	if !errors.Is(err, swarm.ErrGaterDisallowedConnection) && !errors.Is(err, swarm.ErrNoGoodAddresses) {
		t.Errorf("dial 192.0.2.1: %v, want the gater's refusal", err)
	}
	// Loopback still works.
	connect(t, n, other)
}

// newMemStore is a store in memory, closed when the test ends.
func newMemStore(t *testing.T) storage.Store {
	t.Helper()
	st, err := storage.OpenMemory(storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}
