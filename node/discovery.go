package node

import (
	"context"
	"fmt"
	"time"

	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"
	drouting "github.com/libp2p/go-libp2p/p2p/discovery/routing"
	dutil "github.com/libp2p/go-libp2p/p2p/discovery/util"
	ma "github.com/multiformats/go-multiaddr"
)

// Discovery timing.
const (
	dialTimeout       = 15 * time.Second
	redialInterval    = 30 * time.Second // configured peers that dropped
	dhtFindInterval   = 5 * time.Minute
	dhtWantPeers      = 8 // look for more peers in the DHT below this many
	dhtMaxNewPerRound = 8
)

// startDiscovery dials the configured and remembered peers and starts mDNS
// and the DHT when enabled.
func (n *Node) startDiscovery(ctx context.Context) error {
	n.spawn(n.keepConnected)
	if n.cfg.EnableMDNS {
		n.mdns = mdns.NewMdnsService(n.host, n.protos.mdns, mdnsNotifee{n})
		if err := n.mdns.Start(); err != nil {
			return fmt.Errorf("mdns: %w", err)
		}
	}
	if n.cfg.EnableDHT {
		mode := dht.ModeAuto
		if n.cfg.Relay {
			mode = dht.ModeServer
		}
		seeds := append(append([]peer.AddrInfo(nil), n.bootstrap...), n.relays...)
		var err error
		n.dht, err = dht.New(n.host,
			dht.ProtocolPrefix(n.protos.dhtPrefix),
			dht.Mode(mode),
			dht.BootstrapPeers(seeds...),
		)
		if err != nil {
			return fmt.Errorf("dht: %w", err)
		}
		if err := n.dht.Bootstrap(ctx); err != nil {
			return fmt.Errorf("dht bootstrap: %w", err)
		}
		n.spawn(n.discoverDHT)
	}
	return nil
}

// keepConnected dials the remembered peers once at start, and the
// configured bootstrap and relay peers at start and whenever they drop.
func (n *Node) keepConnected() {
	for _, info := range n.remember.list() {
		n.spawn(func() { n.connect(info) })
	}
	t := time.NewTicker(redialInterval)
	defer t.Stop()
	for {
		for _, info := range append(append([]peer.AddrInfo(nil), n.bootstrap...), n.relays...) {
			if n.host.Network().Connectedness(info.ID) != network.Connected {
				n.spawn(func() { n.connect(info) })
			}
		}
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// connect dials a peer, giving up after dialTimeout or when the node closes.
func (n *Node) connect(info peer.AddrInfo) {
	if info.ID == n.host.ID() {
		return
	}
	ctx, cancel := context.WithTimeout(n.ctx, dialTimeout)
	defer cancel()
	if err := n.host.Connect(ctx, info); err != nil && n.ctx.Err() == nil {
		n.log.Debug("dial failed", "peer", info.ID, "err", err)
	}
}

// Connect dials a peer by multiaddr (ending in /p2p/<id>) and waits until
// the connection is up or ctx ends.
func (n *Node) Connect(ctx context.Context, addr string) error {
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		return fmt.Errorf("node: connect %q: %w", addr, err)
	}
	info, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		return fmt.Errorf("node: connect %q: %w", addr, err)
	}
	if err := n.host.Connect(ctx, *info); err != nil {
		return fmt.Errorf("node: connect %s: %w", info.ID, err)
	}
	return nil
}

// mdnsNotifee connects to peers found on the LAN.
type mdnsNotifee struct{ n *Node }

// HandlePeerFound implements mdns.Notifee.
func (m mdnsNotifee) HandlePeerFound(info peer.AddrInfo) {
	n := m.n
	if info.ID == n.host.ID() || n.closed() {
		return
	}
	n.lan.Store(info.ID, struct{}{})
	if n.host.Network().Connectedness(info.ID) == network.Connected {
		return
	}
	n.spawn(func() { n.connect(info) })
}

// discoverDHT advertises this node under the network's rendezvous name and,
// while it has few peers, connects to others found there.
func (n *Node) discoverDHT() {
	rd := drouting.NewRoutingDiscovery(n.dht)
	dutil.Advertise(n.ctx, rd, n.protos.ns)
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case <-n.ctx.Done():
			return
		case <-t.C:
		}
		if len(n.host.Network().Peers()) < dhtWantPeers {
			n.findDHTPeers(rd)
		}
		t.Reset(dhtFindInterval)
	}
}

func (n *Node) findDHTPeers(rd *drouting.RoutingDiscovery) {
	ctx, cancel := context.WithTimeout(n.ctx, time.Minute)
	defer cancel()
	found, err := rd.FindPeers(ctx, n.protos.ns)
	if err != nil {
		n.log.Debug("dht find peers", "err", err)
		return
	}
	dialled := 0
	for info := range found {
		if info.ID == n.host.ID() || len(info.Addrs) == 0 || n.host.Network().Connectedness(info.ID) == network.Connected {
			continue
		}
		n.connect(info)
		if dialled++; dialled >= dhtMaxNewPerRound {
			return
		}
	}
}

// parseAddrInfos reads multiaddrs that end in /p2p/<id>, merging addresses
// of one peer.
func parseAddrInfos(addrs []string) ([]peer.AddrInfo, error) {
	var mas []ma.Multiaddr
	for _, s := range addrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", s, err)
		}
		mas = append(mas, m)
	}
	infos, err := peer.AddrInfosFromP2pAddrs(mas...)
	if err != nil {
		return nil, err
	}
	return infos, nil
}
