package p2p

import (
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/host/autorelay"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/connmgr"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	tls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// newHost builds the libp2p host: TCP and QUIC, Noise and TLS, yamux, a
// connection manager, and the resource manager with explicit limits. A
// desktop node runs AutoNAT v2, hole punching and auto-relay through the
// configured relays; a relay runs the circuit relay v2 service and the
// AutoNAT service, with its reachability forced to public.
func newHost(cfg Config, key crypto.PrivKey, protos protocols, relays []peer.AddrInfo) (host.Host, error) {
	cm, err := connmgr.NewConnManager(cfg.Limits.ConnsLow, cfg.Limits.ConnsHigh, connmgr.WithGracePeriod(time.Minute))
	if err != nil {
		return nil, fmt.Errorf("connection manager: %w", err)
	}
	rm, err := newResourceManager(cfg, protos)
	if err != nil {
		cm.Close()
		return nil, fmt.Errorf("resource manager: %w", err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.ListenAddrStrings(cfg.ListenAddrs...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Security(tls.ID, tls.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.ConnectionManager(cm),
		libp2p.ResourceManager(rm),
		libp2p.UserAgent(cfg.UserAgent),
		libp2p.EnableAutoNATv2(),
		libp2p.EnableHolePunching(),
	}
	if cfg.Metrics != nil {
		opts = append(opts, libp2p.PrometheusRegisterer(cfg.Metrics))
	} else {
		opts = append(opts, libp2p.DisableMetrics())
	}
	if cfg.ConnectionGater != nil {
		opts = append(opts, libp2p.ConnectionGater(cfg.ConnectionGater))
	}
	if cfg.Relay {
		opts = append(opts,
			libp2p.ForceReachabilityPublic(),
			libp2p.EnableRelayService(),
			libp2p.EnableNATService(),
		)
	} else if len(relays) > 0 {
		opts = append(opts, libp2p.EnableAutoRelayWithStaticRelays(relays, autorelay.WithBootDelay(0)))
	}
	return libp2p.New(opts...)
}

// newResourceManager builds the resource manager from libp2p's scaling
// defaults, with per-protocol limits for sync and fetch so that a flood of
// sync requests cannot starve gossip, and with the whole node's scope held
// to the engine's Limits: libp2p's scaling adds its base amounts on top of
// the budget it is given (128 MiB and 64 inbound connections more than
// asked), so the system scope is set to Limits.Memory, Limits.FDs and
// Limits.ConnsHigh inbound connections (and half as many again outbound)
// exactly, and transient connections (not yet upgraded) get a quarter.
func newResourceManager(cfg Config, protos protocols) (network.ResourceManager, error) {
	limits := rcmgr.DefaultLimits
	libp2p.SetDefaultServiceLimits(&limits)
	perProtocol := rcmgr.BaseLimit{StreamsInbound: 64, StreamsOutbound: 64, Streams: 128, Memory: 64 << 20}
	perPeer := rcmgr.BaseLimit{StreamsInbound: 4, StreamsOutbound: 4, Streams: 8, Memory: 8 << 20}
	for _, p := range []libp2pproto.ID{protos.sync, protos.syncHeads, protos.fetch} {
		limits.AddProtocolLimit(p, perProtocol, rcmgr.BaseLimitIncrease{})
		limits.AddProtocolPeerLimit(p, perPeer, rcmgr.BaseLimitIncrease{})
	}
	return rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(resourceLimits(limits, cfg.Limits)), rcmgr.WithMetricsDisabled())
}

// resourceLimits scales limits to l's budgets and holds the system and
// transient scopes to them (see newResourceManager).
func resourceLimits(limits rcmgr.ScalingLimitConfig, l Limits) rcmgr.ConcreteLimitConfig {
	concrete := limits.Scale(l.Memory, l.FDs)
	partial := concrete.ToPartialLimitConfig()
	conns := l.ConnsHigh
	partial.System.Memory = rcmgr.LimitVal64(l.Memory)
	partial.System.FD = rcmgr.LimitVal(l.FDs)
	partial.System.ConnsInbound = rcmgr.LimitVal(conns)
	partial.System.ConnsOutbound = rcmgr.LimitVal(conns)
	partial.System.Conns = rcmgr.LimitVal(conns + conns/2)
	partial.Transient.Memory = rcmgr.LimitVal64(l.Memory / 4)
	partial.Transient.FD = rcmgr.LimitVal(max(l.FDs/4, 1))
	partial.Transient.ConnsInbound = rcmgr.LimitVal(max(conns/4, 1))
	partial.Transient.ConnsOutbound = rcmgr.LimitVal(max(conns/4, 1))
	partial.Transient.Conns = rcmgr.LimitVal(max(conns/2, 1))
	return partial.Build(concrete)
}

// watchHost follows the host's events: peers joining and leaving (events
// for watchers), identify finishing (sync on connect), and reachability
// changes (for Status).
func (e *Engine) watchHost() error {
	sub, err := e.host.EventBus().Subscribe([]any{
		new(event.EvtPeerConnectednessChanged),
		new(event.EvtPeerIdentificationCompleted),
		new(event.EvtLocalReachabilityChanged),
	})
	if err != nil {
		return fmt.Errorf("host events: %w", err)
	}
	e.spawn(func() {
		defer sub.Close()
		for {
			select {
			case <-e.ctx.Done():
				return
			case ev, ok := <-sub.Out():
				if !ok {
					return
				}
				e.onHostEvent(ev)
			}
		}
	})
	return nil
}

func (e *Engine) onHostEvent(ev any) {
	switch ev := ev.(type) {
	case event.EvtPeerConnectednessChanged:
		switch ev.Connectedness {
		case network.Connected, network.Limited:
			e.events.PeerJoined(ev.Peer.String(), e.via(ev.Peer))
		case network.NotConnected:
			e.events.PeerLeft(ev.Peer.String())
		}
	case event.EvtPeerIdentificationCompleted:
		e.onIdentified(ev)
	case event.EvtLocalReachabilityChanged:
		switch ev.Reachability {
		case network.ReachabilityPublic:
			e.reach.Store(ReachabilityPublic)
		case network.ReachabilityPrivate:
			e.reach.Store(ReachabilityPrivate)
		default:
			e.reach.Store(ReachabilityUnknown)
		}
	}
}

// via says how a connected peer is reached: relayed when every connection
// to it goes through a circuit relay, LAN when a direct connection is to a
// private or loopback address or mDNS found the peer, direct otherwise.
func (e *Engine) via(p peer.ID) Via {
	conns := e.host.Network().ConnsToPeer(p)
	relayed := len(conns) > 0
	lan := false
	for _, c := range conns {
		addr := c.RemoteMultiaddr()
		if isRelayed(addr) {
			continue
		}
		relayed = false
		if manet.IsPrivateAddr(addr) || manet.IsIPLoopback(addr) {
			lan = true
		}
	}
	if _, ok := e.lan.Load(p); ok && !relayed {
		lan = true
	}
	switch {
	case relayed:
		return ViaRelayed
	case lan:
		return ViaLAN
	}
	return ViaDirect
}

// isRelayed reports whether addr goes through a circuit relay.
func isRelayed(addr ma.Multiaddr) bool {
	_, err := addr.ValueForProtocol(ma.P_CIRCUIT)
	return err == nil
}
