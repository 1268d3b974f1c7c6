package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

// Node is a running Jejak node: a libp2p host that gossips, syncs and serves
// records, and keeps them in a store. It implements api.Service. Create one
// with New and stop it with Close.
type Node struct {
	cfg    Config
	log    *slog.Logger
	protos protocols

	store    storage.Store
	ownStore bool

	host        host.Host
	ps          *pubsub.PubSub
	topic       *pubsub.Topic
	relayCancel pubsub.RelayCancelFunc // leaves the topic's mesh
	dht         *dht.IpfsDHT
	mdns        mdns.Service

	bootstrap []peer.AddrInfo
	relays    []peer.AddrInfo

	writes    chan gossipWrite // to the group committer, maxGroupCommit deep
	events    *hub
	syncer    *syncer
	remember  *peerBook
	scores    scoreBoard
	publishMu sync.Mutex
	id        *identity // organisation and device keys (identity.go)

	metrics *recordMetrics // what examine decided (metrics.go)

	anchorsMu  sync.Mutex
	anchorList *provenance.Anchors // loaded on first use (identity.go)
	started    time.Time
	reach      atomic.Value // api.Reachability
	lan        sync.Map     // peer.ID → struct{}: found by mDNS

	ctx    context.Context // ends at Close
	cancel context.CancelFunc
	wg     sync.WaitGroup

	closeOnce sync.Once
	closeErr  error
}

// protocols are the names a network uses on the wire. Every one has the
// network name in it, so nodes of different networks never exchange
// records, even when they meet on a LAN or share a relay.
type protocols struct {
	topic     string         // jejak/<network>/records/1
	sync      libp2pproto.ID // /jejak/<network>/sync/1.0.0
	fetch     libp2pproto.ID // /jejak/<network>/fetch/1.0.0
	dhtPrefix libp2pproto.ID // /jejak/<network> (the DHT adds /kad/1.0.0)
	mdns      string         // jejak-<network>
	ns        string         // jejak/<network>: the DHT rendezvous
}

func protocolsFor(network string) protocols {
	return protocols{
		topic:     "jejak/" + network + "/records/1",
		sync:      libp2pproto.ID("/jejak/" + network + "/sync/1.0.0"),
		fetch:     libp2pproto.ID("/jejak/" + network + "/fetch/1.0.0"),
		dhtPrefix: libp2pproto.ID("/jejak/" + network),
		mdns:      "jejak-" + network,
		ns:        "jejak/" + network,
	}
}

// New starts a node: it loads or creates the peer key in cfg.DataDir, opens
// the store unless one is given, starts the libp2p host, joins the network's
// gossip topic, serves sync and fetch, and starts discovery (configured
// bootstrap and relay peers, remembered peers, and mDNS and the DHT when
// enabled).
//
// ctx bounds start-up only; the node runs until Close. New returns an error
// and leaves nothing running when the config is invalid, the data folder or
// the store cannot be opened (a store already opened by another Jejak
// process is reported as storage.ErrInUse), or the host cannot listen.
func New(ctx context.Context, cfg Config) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n := &Node{
		cfg:     cfg,
		log:     cfg.Logger.With("network", cfg.Network),
		protos:  protocolsFor(cfg.Network),
		started: cfg.Now(),
	}
	n.metrics = newRecordMetrics(cfg.Metrics)
	n.reach.Store(api.ReachabilityUnknown)
	if cfg.Relay {
		n.reach.Store(api.ReachabilityPublic)
	}
	n.ctx, n.cancel = context.WithCancel(context.WithoutCancel(ctx))
	n.events = newHub(n.ctx, cfg.Now)
	if err := n.start(ctx); err != nil {
		n.Close()
		return nil, fmt.Errorf("node: %w", err)
	}
	return n, nil
}

func (n *Node) start(ctx context.Context) error {
	cfg := n.cfg
	if cfg.DataDir != "" {
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("data folder: %w", err)
		}
	}
	key, err := loadPeerKey(cfg.DataDir)
	if err != nil {
		return err
	}
	if n.id, err = loadIdentity(cfg.DataDir); err != nil {
		return err
	}
	if _, dev, _ := n.id.keys(); dev.IsZero() && !cfg.DeviceKey.IsZero() {
		var orgPub protocol.PublicKey
		if !cfg.OrgKey.IsZero() {
			orgPub = cfg.OrgKey.Public()
		}
		n.id.set(cfg.OrgKey, cfg.DeviceKey, orgPub, "")
	}
	if n.bootstrap, err = parseAddrInfos(cfg.Bootstrap); err != nil {
		return fmt.Errorf("bootstrap peers: %w", err)
	}
	if n.relays, err = parseAddrInfos(cfg.Relays); err != nil {
		return fmt.Errorf("relays: %w", err)
	}
	n.store = cfg.Store
	if n.store == nil {
		if n.store, err = openStore(filepath.Join(cfg.DataDir, "store"), cfg.Relay, cfg); err != nil {
			return err
		}
		n.ownStore = true
	}
	n.remember = newPeerBook(cfg.DataDir, cfg.Now)
	if err := n.remember.load(); err != nil {
		n.log.Warn("remembered peers unreadable; starting without them", "err", err)
	}
	if n.host, err = newHost(cfg, key, n.protos, n.relays); err != nil {
		return fmt.Errorf("host: %w", err)
	}
	if err := n.watchHost(); err != nil {
		return err
	}
	if err := n.startGossip(); err != nil {
		return fmt.Errorf("gossip: %w", err)
	}
	n.syncer = newSyncer(n)
	n.host.SetStreamHandler(n.protos.sync, n.serveSync)
	n.host.SetStreamHandler(n.protos.fetch, n.serveFetch)
	n.syncer.start()
	return n.startDiscovery(ctx)
}

// spawn runs f in a goroutine that Close waits for. f must return when n.ctx
// is done.
func (n *Node) spawn(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// Close stops the node in order: it leaves the gossip topic, stops
// background work, stops mDNS and the DHT, closes the host (and with it
// every connection), saves the remembered peers, and closes the store if
// the node opened it. Watch channels are closed. Close is safe to call more than once
// and from several goroutines; every call returns the first call's result.
func (n *Node) Close() error {
	n.closeOnce.Do(func() { n.closeErr = n.close() })
	return n.closeErr
}

func (n *Node) close() error {
	var errs []error
	// Topics first: leave the mesh and stop validating while pubsub still
	// runs, so peers see this node go.
	if n.topic != nil {
		if n.relayCancel != nil {
			n.relayCancel()
		}
		_ = n.ps.UnregisterTopicValidator(n.protos.topic)
		if err := n.topic.Close(); err != nil {
			n.log.Debug("close topic", "err", err)
		}
	}
	// Then every goroutine of the node (pubsub's too) is told to stop.
	n.cancel()
	if n.host != nil {
		n.host.RemoveStreamHandler(n.protos.sync)
		n.host.RemoveStreamHandler(n.protos.fetch)
	}
	if n.mdns != nil {
		if err := n.mdns.Close(); err != nil {
			errs = append(errs, fmt.Errorf("mdns: %w", err))
		}
	}
	if n.dht != nil {
		if err := n.dht.Close(); err != nil {
			errs = append(errs, fmt.Errorf("dht: %w", err))
		}
	}
	if n.host != nil {
		if err := n.host.Close(); err != nil {
			errs = append(errs, fmt.Errorf("host: %w", err))
		}
	}
	n.wg.Wait()
	n.events.close()
	if n.remember != nil {
		if err := n.remember.save(); err != nil {
			errs = append(errs, fmt.Errorf("remembered peers: %w", err))
		}
	}
	// Last the store, once nothing can write to it.
	if n.ownStore && n.store != nil {
		if err := n.store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("store: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("node: close: %w", err)
	}
	return nil
}

// closed reports whether Close has begun.
func (n *Node) closed() bool { return n.ctx.Err() != nil }

// errNodeClosed is the cause of ErrUnavailable after Close.
var errNodeClosed = errors.New("node closed")

// joinData names a file in the data folder.
func joinData(dir, name string) string { return filepath.Join(dir, name) }

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// ID returns the node's peer ID.
func (n *Node) ID() peer.ID { return n.host.ID() }

// Addrs returns the node's addresses with its peer ID, for others to dial.
func (n *Node) Addrs() []string {
	info := peer.AddrInfo{ID: n.host.ID(), Addrs: n.host.Addrs()}
	mas, err := peer.AddrInfoToP2pAddrs(&info)
	if err != nil {
		return nil
	}
	out := make([]string, len(mas))
	for i, m := range mas {
		out[i] = m.String()
	}
	return out
}
