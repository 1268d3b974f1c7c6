package p2p

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	dht "github.com/libp2p/go-libp2p-kad-dht"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/discovery/mdns"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Store is what the engine needs of a record store: feeds to serve sync and
// fetch, and a place for the records it verifies. storage.Store has it.
type Store interface {
	Has(ctx context.Context, c protocol.CID) (bool, error)
	Get(ctx context.Context, c protocol.CID) (protocol.Signed, error)
	FeedAt(ctx context.Context, author protocol.PublicKey, seq uint64) (protocol.CID, error)
	Head(ctx context.Context, author protocol.PublicKey) (storage.Head, error)
	Heads(ctx context.Context) (map[protocol.PublicKey]storage.Head, error)
	Range(ctx context.Context, author protocol.PublicKey, from, to uint64, fn func(protocol.Signed) error) error
	Forks(ctx context.Context, author protocol.PublicKey) ([]storage.Fork, error)
	PutBatch(ctx context.Context, recs []protocol.Signed) ([]storage.PutResult, error)
	PutPending(ctx context.Context, c protocol.CID, data []byte) (bool, error)
	Counts(ctx context.Context) (storage.Counts, error)
}

// Engine is a running network engine. Create one with New and stop it with
// Close. Its methods are safe for concurrent use.
type Engine struct {
	cfg    Config
	log    *slog.Logger
	protos protocols
	store  Store
	events Events

	host        host.Host
	ps          *pubsub.PubSub
	topic       *pubsub.Topic
	relayCancel pubsub.RelayCancelFunc // leaves the topic's mesh
	dht         *dht.IpfsDHT

	discMu sync.Mutex
	mdns   mdns.Service      // nil while mDNS is off
	off    map[string]string // why a discovery service is off, by name

	bootstrap []peer.AddrInfo
	relays    []peer.AddrInfo

	writes   chan gossipWrite // to the group committer, maxGroupCommit deep
	syncer   *syncer
	remember *peerBook
	scores   scoreBoard
	shun     shunList // peers cut off for their score (shun.go)
	mesh     meshTracer
	clocks   clocks
	metrics  *recordMetrics // what examine decided (metrics.go)
	held     holding        // records dated ahead of the clock (hold.go)

	started time.Time
	reach   atomic.Value // Reachability
	lan     sync.Map     // peer.ID → struct{}: found by mDNS

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
	syncHeads libp2pproto.ID // /jejak/<network>/sync/1.1.0: a digest of the heads first
	fetch     libp2pproto.ID // /jejak/<network>/fetch/1.0.0
	time      libp2pproto.ID // /jejak/<network>/time/1.0.0
	dhtPrefix libp2pproto.ID // /jejak/<network> (the DHT adds /kad/1.0.0)
	mdns      string         // jejak-<network>
	ns        string         // jejak/<network>: the DHT rendezvous
}

func protocolsFor(network string) protocols {
	return protocols{
		topic:     "jejak/" + network + "/records/1",
		sync:      libp2pproto.ID("/jejak/" + network + "/sync/1.0.0"),
		syncHeads: libp2pproto.ID("/jejak/" + network + "/sync/1.1.0"),
		fetch:     libp2pproto.ID("/jejak/" + network + "/fetch/1.0.0"),
		time:      libp2pproto.ID("/jejak/" + network + "/time/1.0.0"),
		dhtPrefix: libp2pproto.ID("/jejak/" + network),
		mdns:      "jejak-" + network,
		ns:        "jejak/" + network,
	}
}

// New starts an engine: it loads or creates the peer key in cfg.DataDir,
// starts the libp2p host, joins the network's gossip topic, serves sync and
// fetch, and starts discovery (configured bootstrap and relay peers,
// remembered peers, and mDNS and the DHT when enabled).
//
// ctx bounds start-up only; the engine runs until Close. New returns an
// error and leaves nothing running when the config is invalid, the peer key
// cannot be read or written, or the host cannot listen. In a test binary,
// or with JEJAK_LOOPBACK_ONLY=1 (LoopbackOnlyEnv), the engine stays on
// loopback: New refuses a listen address beyond it, mDNS and the DHT, and
// the host dials and accepts loopback addresses only.
func New(ctx context.Context, cfg Config) (*Engine, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	if cfg, err = checkLoopbackOnly(cfg); err != nil {
		return nil, fmt.Errorf("p2p: %w", err)
	}
	e := &Engine{
		cfg:     cfg,
		log:     cfg.Logger.With("network", cfg.Network),
		protos:  protocolsFor(cfg.Network),
		store:   cfg.Store,
		events:  cfg.Events,
		started: cfg.Now(),
	}
	e.metrics = newRecordMetrics(cfg.Metrics)
	e.reach.Store(ReachabilityUnknown)
	if cfg.Relay {
		e.reach.Store(ReachabilityPublic)
	}
	e.ctx, e.cancel = context.WithCancel(context.WithoutCancel(ctx))
	if err := e.start(ctx); err != nil {
		e.Close()
		return nil, fmt.Errorf("p2p: %w", err)
	}
	return e, nil
}

func (e *Engine) start(ctx context.Context) error {
	cfg := e.cfg
	key, err := loadPeerKey(cfg.DataDir)
	if err != nil {
		return err
	}
	if e.bootstrap, err = parseAddrInfos(cfg.Bootstrap); err != nil {
		return fmt.Errorf("bootstrap peers: %w", err)
	}
	if e.relays, err = parseAddrInfos(cfg.Relays); err != nil {
		return fmt.Errorf("relays: %w", err)
	}
	if err := CheckListenAddrs(cfg.ListenAddrs); err != nil {
		return err
	}
	if err := checkPortsFree(cfg.ListenAddrs); err != nil {
		return err
	}
	e.remember = newPeerBook(cfg.DataDir, cfg.Now)
	if err := e.remember.load(); err != nil {
		e.log.Warn("remembered peers unreadable; starting without them", "err", err)
	}
	hostCfg := cfg
	hostCfg.ConnectionGater = shunGater{e: e, inner: cfg.ConnectionGater}
	if e.host, err = newHost(hostCfg, key, e.protos, e.relays); err != nil {
		return fmt.Errorf("host: %w", err)
	}
	if err := e.watchHost(); err != nil {
		return err
	}
	if err := e.startGossip(); err != nil {
		return fmt.Errorf("gossip: %w", err)
	}
	e.syncer = newSyncer(e)
	e.host.SetStreamHandler(e.protos.sync, e.serveSync)
	e.host.SetStreamHandler(e.protos.syncHeads, e.serveSync)
	e.host.SetStreamHandler(e.protos.fetch, e.serveFetch)
	e.host.SetStreamHandler(e.protos.time, e.serveTime)
	e.syncer.start()
	e.spawn(e.releaseHeld)
	return e.startDiscovery(ctx)
}

// spawn runs f in a goroutine that Close waits for. f must return when e.ctx
// is done.
func (e *Engine) spawn(f func()) {
	e.wg.Add(1)
	go func() {
		defer e.wg.Done()
		f()
	}()
}

// Close stops the engine in order: it leaves the gossip topic, stops
// background work, stops mDNS and the DHT, closes the host (and with it
// every connection) and saves the remembered peers. It leaves the store
// open. Close is safe to call more than once and from several goroutines;
// every call returns the first call's result.
func (e *Engine) Close() error {
	e.closeOnce.Do(func() { e.closeErr = e.close() })
	return e.closeErr
}

func (e *Engine) close() error {
	var errs []error
	// Topics first: leave the mesh and stop validating while pubsub still
	// runs, so peers see this node go.
	if e.topic != nil {
		if e.relayCancel != nil {
			e.relayCancel()
		}
		_ = e.ps.UnregisterTopicValidator(e.protos.topic)
		if err := e.topic.Close(); err != nil {
			e.log.Debug("close topic", "err", err)
		}
	}
	// Then every goroutine of the engine (pubsub's too) is told to stop.
	e.cancel()
	if e.host != nil {
		e.host.RemoveStreamHandler(e.protos.sync)
		e.host.RemoveStreamHandler(e.protos.syncHeads)
		e.host.RemoveStreamHandler(e.protos.fetch)
		e.host.RemoveStreamHandler(e.protos.time)
	}
	e.discMu.Lock()
	m := e.mdns
	e.discMu.Unlock()
	if m != nil {
		if err := m.Close(); err != nil {
			errs = append(errs, fmt.Errorf("mdns: %w", err))
		}
	}
	if e.dht != nil {
		if err := e.dht.Close(); err != nil {
			errs = append(errs, fmt.Errorf("dht: %w", err))
		}
	}
	if e.host != nil {
		if err := e.host.Close(); err != nil {
			errs = append(errs, fmt.Errorf("host: %w", err))
		}
	}
	e.wg.Wait()
	e.discMu.Lock()
	late := e.mdns
	e.discMu.Unlock()
	if late != nil && late != m {
		_ = late.Close() // started by the retry while Close began
	}
	if e.remember != nil {
		if err := e.remember.save(); err != nil {
			errs = append(errs, fmt.Errorf("remembered peers: %w", err))
		}
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("p2p: close: %w", err)
	}
	return nil
}

// ID returns the engine's peer ID.
func (e *Engine) ID() peer.ID { return e.host.ID() }

// Addrs returns the engine's addresses with its peer ID, for others to dial.
func (e *Engine) Addrs() []string {
	info := peer.AddrInfo{ID: e.host.ID(), Addrs: e.host.Addrs()}
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

// Publish gossips a record this install signed and has already stored.
// Having no peers is not an error: peers get the record by sync when they
// connect. It returns an error only when gossip refused the record (the
// engine is closing, or ctx ended).
func (e *Engine) Publish(ctx context.Context, rec protocol.Signed) error {
	if e.ctx.Err() != nil {
		return errClosed
	}
	return e.gossip(ctx, rec)
}

// errClosed is what calls return after Close.
var errClosed = errors.New("p2p: engine closed")

// fetchTimeout bounds asking one peer for records.
const fetchTimeout = 5 * time.Second

// Fetch asks connected peers, one after another, for record c and returns
// its bytes once a peer sent it; the record has then been verified and
// stored like any record from a peer. It fails when no peer has it (the
// error says how many were asked) or ctx ends.
func (e *Engine) Fetch(ctx context.Context, c protocol.CID) ([]byte, error) {
	if e.ctx.Err() != nil {
		return nil, errClosed
	}
	peers := e.syncPeers()
	if len(peers) == 0 {
		return nil, &NotFoundError{}
	}
	for _, p := range peers {
		fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		recs, err := e.fetch(fctx, p, []protocol.CID{c})
		cancel()
		if err != nil {
			e.log.Debug("fetch", "peer", p, "cid", c, "err", err)
		}
		for _, r := range recs {
			if r.CID == c {
				return r.Bytes, nil
			}
		}
		// A sync running meanwhile may have stored it.
		if rec, err := e.store.Get(ctx, c); err == nil {
			return rec.Bytes, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	nf := &NotFoundError{}
	for _, p := range peers {
		nf.Peers = append(nf.Peers, p.String())
	}
	return nil, nf
}

// NotFoundError is what Fetch returns when no connected peer has a record:
// the peers asked, none when there were none to ask.
type NotFoundError struct {
	Peers []string
}

func (e *NotFoundError) Error() string {
	if len(e.Peers) == 0 {
		return "p2p: not found: no peer connected to ask"
	}
	return fmt.Sprintf("p2p: not found at any of the %d peers asked", len(e.Peers))
}

// Asked returns the peers asked (provenance reports them).
func (e *NotFoundError) Asked() []string { return e.Peers }
