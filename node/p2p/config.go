package p2p

import (
	"fmt"
	"log/slog"
	"regexp"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/prometheus/client_golang/prometheus"
)

// DefaultNetwork is the network name used when Config.Network is empty.
const DefaultNetwork = "main"

// Config says how to run an engine. The zero value of every field is usable
// and documented, except Store, which is required.
type Config struct {
	// DataDir is where the engine keeps its peer key (peer.key, mode 0600,
	// separate from organisation and device keys) and the peers it
	// remembers (peers.json). Empty means nothing is kept: a new peer key
	// at each start and no remembered peers.
	DataDir string

	// Network names the network. Engines only gossip, sync and share a DHT
	// with engines of the same name. Empty means DefaultNetwork ("main").
	// Names are 1 to 32 characters of a-z, 0-9 and '-'.
	Network string

	// ListenAddrs are the multiaddrs to listen on. Empty means TCP and
	// QUIC on every IPv4 interface, on ports the system picks:
	// /ip4/0.0.0.0/tcp/0 and /ip4/0.0.0.0/udp/0/quic-v1.
	ListenAddrs []string

	// Bootstrap are peers (multiaddrs ending in /p2p/<id>) dialled at
	// start and kept connected; they also seed the DHT.
	Bootstrap []string

	// Relays are relay nodes (multiaddrs ending in /p2p/<id>). A desktop
	// keeps them connected, seeds the DHT with them, and reserves a slot
	// on them (auto-relay) when it is not reachable directly.
	Relays []string

	// Relay runs the relay profile: the circuit relay v2 service and the
	// AutoNAT service for others, the DHT in server mode, and gossip peer
	// exchange so that the relay acts as a gossip hub. A relay is taken to
	// be on a public address (its reachability is forced to public, since
	// the relay service only starts once reachability is public).
	Relay bool

	// EnableMDNS finds peers of the same network on the local network.
	EnableMDNS bool

	// EnableDHT joins the network's Kademlia DHT (protocol prefix
	// /jejak/<network>) to find peers across the internet.
	EnableDHT bool

	// Store is where the engine reads feeds to serve sync and fetch, and
	// puts the records it receives once they are verified. Required.
	Store Store

	// Events receives what the engine does: records stored, forks found,
	// peers joining and leaving, sync progress. Nil means nobody listens.
	Events Events

	// Now is the engine's clock. Nil means time.Now.
	Now func() time.Time

	// ConnectionGater, when set, decides which connections the host may
	// make or accept (tests use it to cut the network in two).
	ConnectionGater connmgr.ConnectionGater

	// SyncInterval is how often the engine syncs with connected peers
	// besides syncing with each peer when it connects. Zero means one
	// minute; a negative value turns periodic sync off.
	SyncInterval time.Duration

	// ScoreInterval is how often gossip peer scores are read for Status.
	// Zero means ten seconds.
	ScoreInterval time.Duration

	// Limits bound the engine's resources. Zero fields take defaults.
	Limits Limits

	// Metrics, when set, receives libp2p's Prometheus metrics and the
	// engine's record counters. Nil turns them off.
	Metrics prometheus.Registerer

	// Logger receives the engine's log. Nil means slog.Default().
	Logger *slog.Logger

	// UserAgent is sent to peers in identify. Empty means "jejak".
	UserAgent string

	// GossipOptions are appended to the engine's pubsub options, so they
	// override Jejak's settings: for benchmarks that compare gossip
	// settings, and tests that trace the mesh. Nil for what ships.
	GossipOptions []pubsub.Option
	// NoSyncOnConnect turns off the sync when a peer connects, so that
	// records arrive only by gossip, by periodic sync (see SyncInterval)
	// and by SyncWith: for benchmarks that time a sync themselves.
	NoSyncOnConnect bool
}

// Limits bound what the engine spends. The zero value of each field means
// the default given beside it.
type Limits struct {
	// ConnsLow and ConnsHigh are the connection manager's water marks:
	// above ConnsHigh it trims connections down to ConnsLow. The resource
	// manager refuses inbound connections beyond ConnsHigh outright (and
	// as many outbound; half as many again in all). Defaults 32 and 96
	// (relays: 256 and 1024).
	ConnsLow, ConnsHigh int
	// Memory is the resource manager's memory budget for libp2p: every
	// connection's and stream's buffers together. It is a share of the
	// process's Go memory limit (node.LimitMemory: 160 MiB for a desktop,
	// 224 MiB for a relay), which the store needs the rest of. Default
	// 64 MiB (relays: 96 MiB).
	Memory int64
	// FDs is the resource manager's file descriptor budget. Default 512
	// (relays: 4096).
	FDs int
	// SyncPage is the most records a peer sends for one sync request;
	// the requester asks again until it has caught up. Default 500.
	SyncPage int
	// SyncTimeout bounds one sync page or one fetch, from request to last
	// record. Default 30 seconds.
	SyncTimeout time.Duration
	// SyncWorkers is how many syncs run at once. Default 4 (relays: 16).
	SyncWorkers int
	// ValidateQueue is the gossip validation queue (pubsub's default is
	// 32, which drops messages under bursts). Default 1024 (relays: 4096).
	ValidateQueue int
	// PeerQueue is each peer's gossip outbound queue (pubsub's default
	// is 32). Default 1024.
	PeerQueue int
}

var networkName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,31}$`)

// CheckNetworkName reports whether name can name a network: 1 to 32
// characters of a-z, 0-9 and '-', not starting with '-'.
func CheckNetworkName(name string) error {
	if !networkName.MatchString(name) {
		return fmt.Errorf("network name %q: want 1 to 32 characters of a-z, 0-9 and '-'", name)
	}
	return nil
}

// withDefaults returns c with every zero field replaced by its default.
func (c Config) withDefaults() (Config, error) {
	if c.Network == "" {
		c.Network = DefaultNetwork
	}
	if err := CheckNetworkName(c.Network); err != nil {
		return c, err
	}
	if c.Store == nil {
		return c, fmt.Errorf("config: no store")
	}
	if c.Events == nil {
		c.Events = noEvents{}
	}
	if len(c.ListenAddrs) == 0 {
		c.ListenAddrs = []string{"/ip4/0.0.0.0/tcp/0", "/ip4/0.0.0.0/udp/0/quic-v1"}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.SyncInterval == 0 {
		c.SyncInterval = time.Minute
	}
	if c.ScoreInterval <= 0 {
		c.ScoreInterval = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.Default()
	}
	if c.UserAgent == "" {
		c.UserAgent = "jejak"
	}
	c.Limits = c.Limits.withDefaults(c.Relay)
	return c, nil
}

// DefaultLimits returns the limits an engine runs with when Config.Limits
// is zero: a desktop's, or a relay's when relay is set.
func DefaultLimits(relay bool) Limits { return Limits{}.withDefaults(relay) }

// withDefaults returns l with every zero field replaced by its default
// for a desktop, or for a relay when relay is set.
func (l Limits) withDefaults(relay bool) Limits {
	setDefault(&l.ConnsLow, 32, 256, relay)
	setDefault(&l.ConnsHigh, 96, 1024, relay)
	if l.ConnsHigh < l.ConnsLow {
		l.ConnsHigh = l.ConnsLow
	}
	if l.Memory <= 0 {
		l.Memory = 64 << 20
		if relay {
			l.Memory = 96 << 20
		}
	}
	setDefault(&l.FDs, 512, 4096, relay)
	setDefault(&l.SyncPage, 500, 500, false)
	if l.SyncTimeout <= 0 {
		l.SyncTimeout = 30 * time.Second
	}
	setDefault(&l.SyncWorkers, 4, 16, relay)
	setDefault(&l.ValidateQueue, 1024, 4096, relay)
	setDefault(&l.PeerQueue, 1024, 1024, false)
	return l
}

func setDefault(v *int, desktop, relay int, isRelay bool) {
	if *v > 0 {
		return
	}
	*v = desktop
	if isRelay {
		*v = relay
	}
}
