package p2p

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

// mdnsRetry is how often mDNS is tried again when it could not start (no
// network interface but loopback: a laptop with wifi off).
const mdnsRetry = 30 * time.Second

// startDiscovery dials the configured and remembered peers and starts mDNS
// and the DHT when enabled. Discovery that cannot start is not a reason to
// stop: the node works offline and says why discovery is off in Status;
// mDNS is tried again until it starts.
func (e *Engine) startDiscovery(ctx context.Context) error {
	e.spawn(e.keepConnected)
	if e.cfg.EnableMDNS {
		if err := e.startMDNS(); err != nil {
			e.note("mdns", "finding peers on the local network is off for now: "+err.Error()+"; Jejak tries again every half minute")
			e.spawn(e.retryMDNS)
		}
	}
	if err := e.startDHT(ctx); err != nil {
		e.note("dht", "finding peers across the internet (DHT) is off: "+err.Error())
	}
	return nil
}

// startMDNS starts mDNS.
func (e *Engine) startMDNS() error {
	m := mdns.NewMdnsService(e.host, e.protos.mdns, mdnsNotifee{e})
	if err := m.Start(); err != nil {
		m.Close()
		return err
	}
	e.discMu.Lock()
	e.mdns = m
	e.discMu.Unlock()
	e.note("mdns", "")
	return nil
}

// retryMDNS tries to start mDNS again until it starts or the engine closes.
func (e *Engine) retryMDNS() {
	t := time.NewTicker(mdnsRetry)
	defer t.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
			if err := e.startMDNS(); err == nil {
				e.log.Info("mdns started")
				return
			}
		}
	}
}

// note records why a discovery service is off ("" when it runs again),
// for Status.
func (e *Engine) note(service, why string) {
	e.discMu.Lock()
	defer e.discMu.Unlock()
	if e.off == nil {
		e.off = map[string]string{}
	}
	if why == "" {
		delete(e.off, service)
		return
	}
	if e.off[service] != why {
		e.log.Warn("discovery off", "service", service, "why", why)
	}
	e.off[service] = why
}

// startDHT joins the network's DHT when enabled.
func (e *Engine) startDHT(ctx context.Context) error {
	if e.cfg.EnableDHT {
		mode := dht.ModeAuto
		if e.cfg.Relay {
			mode = dht.ModeServer
		}
		seeds := append(append([]peer.AddrInfo(nil), e.bootstrap...), e.relays...)
		var err error
		e.dht, err = dht.New(e.host,
			dht.ProtocolPrefix(e.protos.dhtPrefix),
			dht.Mode(mode),
			dht.BootstrapPeers(seeds...),
		)
		if err != nil {
			return fmt.Errorf("dht: %w", err)
		}
		if err := e.dht.Bootstrap(ctx); err != nil {
			return fmt.Errorf("bootstrap: %w", err)
		}
		e.spawn(e.discoverDHT)
	}
	return nil
}

// keepConnected dials the remembered peers once at start, and the
// configured bootstrap and relay peers at start and whenever they drop.
func (e *Engine) keepConnected() {
	for _, info := range e.remember.list() {
		e.spawn(func() { e.connect(info) })
	}
	t := time.NewTicker(redialInterval)
	defer t.Stop()
	for {
		for _, info := range append(append([]peer.AddrInfo(nil), e.bootstrap...), e.relays...) {
			if e.host.Network().Connectedness(info.ID) != network.Connected {
				e.spawn(func() { e.connect(info) })
			}
		}
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
	}
}

// connect dials a peer, giving up after dialTimeout or when the node closes.
func (e *Engine) connect(info peer.AddrInfo) {
	if info.ID == e.host.ID() {
		return
	}
	ctx, cancel := context.WithTimeout(e.ctx, dialTimeout)
	defer cancel()
	if err := e.host.Connect(ctx, info); err != nil && e.ctx.Err() == nil {
		e.log.Debug("dial failed", "peer", info.ID, "err", err)
	}
}

// Connect dials a peer by multiaddr (ending in /p2p/<id>) and waits until
// the connection is up or ctx ends.
func (e *Engine) Connect(ctx context.Context, addr string) error {
	m, err := ma.NewMultiaddr(addr)
	if err != nil {
		return fmt.Errorf("node: connect %q: %w", addr, err)
	}
	info, err := peer.AddrInfoFromP2pAddr(m)
	if err != nil {
		return fmt.Errorf("node: connect %q: %w", addr, err)
	}
	if err := e.host.Connect(ctx, *info); err != nil {
		return fmt.Errorf("node: connect %s: %w", info.ID, err)
	}
	return nil
}

// mdnsNotifee connects to peers found on the LAN.
type mdnsNotifee struct{ e *Engine }

// HandlePeerFound implements mdns.Notifee.
func (m mdnsNotifee) HandlePeerFound(info peer.AddrInfo) {
	e := m.e
	if info.ID == e.host.ID() || (e.ctx.Err() != nil) {
		return
	}
	e.lan.Store(info.ID, struct{}{})
	if e.host.Network().Connectedness(info.ID) == network.Connected {
		return
	}
	e.spawn(func() { e.connect(info) })
}

// discoverDHT advertises this node under the network's rendezvous name and,
// while it has few peers, connects to others found there.
func (e *Engine) discoverDHT() {
	rd := drouting.NewRoutingDiscovery(e.dht)
	dutil.Advertise(e.ctx, rd, e.protos.ns)
	t := time.NewTimer(time.Second)
	defer t.Stop()
	for {
		select {
		case <-e.ctx.Done():
			return
		case <-t.C:
		}
		if len(e.host.Network().Peers()) < dhtWantPeers {
			e.findDHTPeers(rd)
		}
		t.Reset(dhtFindInterval)
	}
}

func (e *Engine) findDHTPeers(rd *drouting.RoutingDiscovery) {
	ctx, cancel := context.WithTimeout(e.ctx, time.Minute)
	defer cancel()
	found, err := rd.FindPeers(ctx, e.protos.ns)
	if err != nil {
		e.log.Debug("dht find peers", "err", err)
		return
	}
	dialled := 0
	for info := range found {
		if info.ID == e.host.ID() || len(info.Addrs) == 0 || e.host.Network().Connectedness(info.ID) == network.Connected {
			continue
		}
		e.connect(info)
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
