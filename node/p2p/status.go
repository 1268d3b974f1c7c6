package p2p

import (
	"slices"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// Via says how a peer is reached.
type Via string

// How peers are reached.
const (
	ViaDirect  Via = "direct"  // a direct connection over the internet
	ViaLAN     Via = "lan"     // a direct connection on a private network
	ViaRelayed Via = "relayed" // only through a circuit relay
)

// Reachability says whether peers on the internet can dial this engine.
type Reachability string

// Reachability values, as AutoNAT finds them.
const (
	ReachabilityUnknown Reachability = "unknown"
	ReachabilityPublic  Reachability = "public"
	ReachabilityPrivate Reachability = "private"
)

// Status is a snapshot of an engine.
type Status struct {
	PeerID       string
	Network      string
	Addrs        []string // with /p2p/<id>, for others to dial
	Relay        bool     // the relay profile runs
	Reachability Reachability
	Relays       []RelayStatus
	Peers        []Peer // by ID
	// Blocked are the peers disconnected and refused for now because
	// their score fell below the graylist threshold, by ID; BlockedEver
	// counts every peer cut off since start.
	Blocked     []BlockedPeer
	BlockedEver int
	Mesh        int // peers in the gossip mesh of the records topic
	Sync        SyncProgress
	Notes       []string // why discovery is off, if it is, for people
	Clock       string   // when this computer's clock is far from its peers', says so
	Started     time.Time
}

// RelayStatus says whether a configured relay is connected and whether this
// engine holds a reservation on it (so peers can reach it through the relay).
type RelayStatus struct {
	PeerID      string
	Connected   bool
	Reservation bool
}

// Peer is one connected peer.
type Peer struct {
	ID    string
	Addr  string // the remote address of the best connection
	Via   Via
	Relay bool    // one of the configured relays
	Jejak bool    // it speaks this network's sync protocol: a Jejak node of the network
	Mesh  bool    // in the gossip mesh: records are pushed to it
	Score float64 // its gossip score as this engine sees it (negative is bad)
	// Penalty is what this engine holds against it for violations in
	// sync and fetch (part of Score; it decays), and Why the latest
	// reasons.
	Penalty float64
	Why     []string
	Synced  time.Time // when a sync with it last finished; zero if never
}

// SyncProgress is the progress of catching up with one peer. Expected is an
// estimate made by the peer at the start of the sync; Fetched may end above
// or below it.
type SyncProgress struct {
	Peer     string
	Fetched  int64 // records received and verified so far
	Added    int64 // of those, records that were new
	Expected int64
	Done     bool
}

// Status returns a snapshot of the engine: its addresses, peers and how they
// are reached, relays, reachability and the latest catch-up.
func (e *Engine) Status() Status {
	progress, synced := e.syncer.status()
	st := Status{
		PeerID:       e.host.ID().String(),
		Network:      e.cfg.Network,
		Addrs:        e.Addrs(),
		Relay:        e.cfg.Relay,
		Reachability: e.reach.Load().(Reachability),
		Mesh:         e.mesh.size(),
		Sync:         progress,
		Started:      e.started,
	}
	e.discMu.Lock()
	for _, s := range []string{"mdns", "dht"} {
		if why := e.off[s]; why != "" {
			st.Notes = append(st.Notes, why)
		}
	}
	e.discMu.Unlock()
	st.Clock = e.clockNote()
	st.Blocked, st.BlockedEver = e.shun.list(e.cfg.Now())
	relays := map[peer.ID]bool{}
	for _, r := range e.relays {
		relays[r.ID] = true
		rs := RelayStatus{PeerID: r.ID.String(), Connected: len(e.host.Network().ConnsToPeer(r.ID)) > 0}
		for _, a := range e.host.Addrs() {
			if isRelayed(a) && strings.Contains(a.String(), r.ID.String()) {
				rs.Reservation = true
			}
		}
		st.Relays = append(st.Relays, rs)
	}
	for _, p := range e.host.Network().Peers() {
		sp := Peer{ID: p.String(), Via: e.via(p), Relay: relays[p], Synced: synced[p], Mesh: e.mesh.has(p)}
		if ok, _ := e.host.Peerstore().SupportsProtocols(p, e.protos.sync); len(ok) > 0 {
			sp.Jejak = true
		}
		if conns := e.host.Network().ConnsToPeer(p); len(conns) > 0 {
			sp.Addr = conns[0].RemoteMultiaddr().String()
		}
		sp.Score, _ = e.scores.score(p)
		sp.Penalty, sp.Why = e.scores.penaltyOf(p, e.cfg.Now())
		st.Peers = append(st.Peers, sp)
	}
	slices.SortFunc(st.Peers, func(a, b Peer) int { return strings.Compare(a.ID, b.ID) })
	return st
}
