package node

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/jejak/jejak/node/localapi"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

// Node is a running Jejak install: its store, its identity, the network
// engine, and the local API. It implements api.Service. Create one with
// New and stop it with Close.
type Node struct {
	cfg Config
	log *slog.Logger

	store    storage.Store
	ownStore bool
	net      *p2p.Engine
	events   *hub

	publishMu sync.Mutex
	id        *identity // organisation and device keys (identity.go)
	disc      discStore // disclosures of suppliers' identities (disclosures.go)

	labelsMu sync.RWMutex // guards cfg.LabelResolver and cfg.GTINs (labels_settings.go)

	anchorsMu  sync.Mutex
	anchorList *provenance.Anchors // loaded on first use (anchors.go)

	apiListener net.Listener
	apiDone     chan error
	apiErr      error // why the local API does not run, if it does not

	ctx    context.Context // ends at Close
	cancel context.CancelFunc

	closeOnce sync.Once
	closeErr  error
}

// New starts an install: it opens the store in cfg.DataDir unless one is
// given, reads the identity and starts the network engine and, when there
// is a data folder, the local API on its socket.
//
// ctx bounds start-up only; the node runs until Close. New returns an error
// and leaves nothing running when the config is invalid, the data folder or
// the store cannot be opened (a store already opened by another Jejak
// process is reported as storage.ErrInUse), or the engine cannot start.
func New(ctx context.Context, cfg Config) (*Node, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("node: %w", err)
	}
	n := &Node{cfg: cfg, log: cfg.Logger}
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
	var err error
	if n.id, err = loadIdentity(cfg.DataDir); err != nil {
		return err
	}
	if dev, _ := n.id.keys(); dev.IsZero() && !cfg.DeviceKey.IsZero() {
		st := idState{org: cfg.OrgKey, device: cfg.DeviceKey, deviceName: defaultDeviceName()}
		if !cfg.OrgKey.IsZero() {
			st.orgPub = cfg.OrgKey.Public()
		}
		n.id.set(st)
	}
	n.store = cfg.Store
	if n.store == nil {
		if n.store, err = openStore(filepath.Join(cfg.DataDir, "store"), cfg); err != nil {
			return err
		}
		n.ownStore = true
	}
	if err := n.judgePending(ctx); err != nil {
		return err
	}
	net := cfg.Net
	net.DataDir = cfg.DataDir
	net.Store = n.store
	net.Events = netEvents{n}
	net.Now = cfg.Now
	net.Logger = cfg.Logger
	if n.net, err = p2p.New(ctx, net); err != nil {
		return err
	}
	if cfg.DataDir != "" {
		n.serveLocalAPI()
	}
	return nil
}

// serveLocalAPI serves the node on the data folder's socket, so that
// jejak-node commands work beside the desktop app or a running serve. A
// socket that cannot be made is not a reason to stop the install: Status
// says why the local API is off.
func (n *Node) serveLocalAPI() {
	l, err := localapi.Listen(n.cfg.DataDir)
	if err != nil {
		n.apiErr = err
		n.log.Warn("local API off: other jejak-node commands cannot reach this process", "err", err)
		return
	}
	n.apiListener = l
	n.apiDone = make(chan error, 1)
	go func() { n.apiDone <- localapi.Serve(n.ctx, l, n) }()
}

// Close stops the install in order: the local API, the network engine, and
// then the store if the node opened it. Watch channels are closed. Close is
// safe to call more than once and from several goroutines; every call
// returns the first call's result.
func (n *Node) Close() error {
	n.closeOnce.Do(func() { n.closeErr = n.close() })
	return n.closeErr
}

func (n *Node) close() error {
	var errs []error
	n.cancel()
	if n.apiDone != nil {
		if err := <-n.apiDone; err != nil {
			errs = append(errs, err)
		}
	}
	if n.net != nil {
		if err := n.net.Close(); err != nil {
			errs = append(errs, err)
		}
	}
	n.events.close()
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

// Addrs returns the addresses peers can dial this node at, with its peer
// ID.
func (n *Node) Addrs() []string { return n.net.Addrs() }

// PeerID returns the node's peer ID on the network.
func (n *Node) PeerID() string { return n.net.ID().String() }

// Connect dials a peer by multiaddr (ending in /p2p/<id>) and waits until
// the connection is up or ctx ends.
func (n *Node) Connect(ctx context.Context, addr string) error { return n.net.Connect(ctx, addr) }

// openStore opens the record store in dir, sized for a relay or a desktop.
func openStore(dir string, cfg Config) (storage.Store, error) {
	// The store logs Badger's chatter at debug level; keep the node's
	// debug log for the node.
	opts := storage.Options{Logger: slog.New(minLevel{cfg.Logger.Handler(), slog.LevelInfo})}
	if cfg.Net.Relay {
		opts.Profile = storage.Relay
	}
	return storage.Open(dir, opts)
}

// now returns the node's clock.
func (n *Node) now() time.Time { return n.cfg.Now() }
