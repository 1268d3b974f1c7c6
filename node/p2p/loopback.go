package p2p

import (
	"fmt"
	"os"
	"testing"

	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// LoopbackOnlyEnv names the environment variable that keeps an engine on
// loopback: "1" turns the guard on, "0" turns it off, and unset leaves it
// on in a test binary only. Tests set it to 1 for the processes they start
// (a node, the app, a benchmark's children), so that no test reaches
// beyond the machine; a test that runs nodes in a network namespace it
// made sets it to 0 there.
const LoopbackOnlyEnv = "JEJAK_LOOPBACK_ONLY"

// loopbackOnly says whether the engine must stay on loopback: listen on
// loopback addresses only, run neither mDNS nor the DHT, and dial loopback
// addresses only.
func loopbackOnly() (bool, error) {
	switch v := os.Getenv(LoopbackOnlyEnv); v {
	case "1":
		return true, nil
	case "0":
		return false, nil
	case "":
		return testing.Testing(), nil
	default:
		return false, fmt.Errorf("%s=%q: want 1 (loopback only) or 0 (off)", LoopbackOnlyEnv, v)
	}
}

// loopbackWhy says why the guard is on, for its errors.
func loopbackWhy() string {
	if os.Getenv(LoopbackOnlyEnv) == "1" {
		return LoopbackOnlyEnv + "=1"
	}
	return "a test binary (" + LoopbackOnlyEnv + " unset; " + LoopbackOnlyEnv + "=0 turns this off)"
}

// checkLoopbackOnly refuses a config that would reach beyond loopback
// while the guard is on, and otherwise returns cfg with the loopback
// gater in front of its own.
func checkLoopbackOnly(cfg Config) (Config, error) {
	on, err := loopbackOnly()
	if err != nil || !on {
		return cfg, err
	}
	why := loopbackWhy()
	for _, s := range cfg.ListenAddrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			return cfg, fmt.Errorf("listen address %q: %w", s, err)
		}
		if !manet.IsIPLoopback(m) {
			return cfg, fmt.Errorf("listen address %q is not a loopback address, and this engine may use loopback only: %s", s, why)
		}
	}
	if cfg.EnableMDNS {
		return cfg, fmt.Errorf("mDNS is on, and this engine may use loopback only: %s", why)
	}
	if cfg.EnableDHT {
		return cfg, fmt.Errorf("the DHT is on, and this engine may use loopback only: %s", why)
	}
	cfg.ConnectionGater = loopbackGater{next: cfg.ConnectionGater}
	return cfg, nil
}

// loopbackGater refuses to dial or accept anything but loopback addresses,
// then asks the gater it wraps, if any.
type loopbackGater struct{ next connmgr.ConnectionGater }

func (g loopbackGater) InterceptPeerDial(p peer.ID) bool {
	return g.next == nil || g.next.InterceptPeerDial(p)
}

func (g loopbackGater) InterceptAddrDial(p peer.ID, m ma.Multiaddr) bool {
	return manet.IsIPLoopback(m) && (g.next == nil || g.next.InterceptAddrDial(p, m))
}

func (g loopbackGater) InterceptAccept(c network.ConnMultiaddrs) bool {
	return manet.IsIPLoopback(c.RemoteMultiaddr()) && (g.next == nil || g.next.InterceptAccept(c))
}

func (g loopbackGater) InterceptSecured(d network.Direction, p peer.ID, c network.ConnMultiaddrs) bool {
	return g.next == nil || g.next.InterceptSecured(d, p, c)
}

func (g loopbackGater) InterceptUpgraded(c network.Conn) (bool, control.DisconnectReason) {
	if g.next == nil {
		return true, 0
	}
	return g.next.InterceptUpgraded(c)
}
