package api

import (
	"context"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Service is what a user interface can ask of a running node. Every method
// is safe for concurrent use. Methods that take a context stop waiting when
// it is done and then return an error wrapping the context's error.
type Service interface {
	// App: identity, trust anchors, batches and verification (app.go).
	App

	// Status returns a snapshot of the node: its identity, peers and how
	// they are reached, relay reachability, record counts, sync progress
	// and forks.
	//
	// Two things might happen: the snapshot is returned, or the node is
	// closed or its store fails (ErrUnavailable). Counts read from the
	// store may be a moment behind records arriving at the same time.
	Status(ctx context.Context) (Status, error)

	// Publish creates a record from d, fills in the envelope from the
	// node's device key and feed (author, the next seq, a prev link to
	// the last record of the feed, and time: the node's clock, but never
	// earlier than the previous record's time), signs it, stores it on
	// disk (synced) and gossips it to peers.
	//
	// Four things might happen:
	//   - The record is stored and handed to gossip: Publish returns it.
	//     Having no peers is not an error; peers get the record by sync
	//     when they connect.
	//   - The draft breaks a record rule (a missing field, an unknown
	//     unit, a record over 64 KiB): ErrInvalid, nothing is stored.
	//   - The node cannot sign (it has no device key, as on a relay), is
	//     closed, or its store fails: ErrUnavailable, nothing is stored.
	//   - The store already holds a different record at the seq this one
	//     would take (the same device key wrote from another install):
	//     ErrConflict; both records are kept as fork evidence.
	Publish(ctx context.Context, d Draft) (protocol.Signed, error)

	// Get returns the record with CID c. It looks in the local store
	// first; when the record is not there it asks connected peers (each
	// record a peer sends is verified and stored before it is returned).
	//
	// Three things might happen: the verified record is returned; neither
	// the store nor any peer asked before ctx ended has it (ErrNotFound);
	// or the node is closed or its store fails (ErrUnavailable).
	Get(ctx context.Context, c protocol.CID) (protocol.Signed, error)

	// List returns one page of stored records that match f, and the
	// cursor of the next page ("" on the last page). With only an author,
	// records come in feed order (seq ascending); otherwise they come in
	// CID order, which is stable but has no other meaning.
	//
	// Three things might happen: a page is returned (possibly empty); the
	// filter or its cursor is malformed (ErrInvalid); or the node is
	// closed or its store fails (ErrUnavailable).
	List(ctx context.Context, f Filter) (Page, error)

	// Watch returns a channel of events that lasts until ctx is done or
	// the node closes, at which point the channel is closed.
	//
	// Events never hold the node back: each watcher has its own buffer of
	// WatchBuffer events. Consecutive sync progress events from the same
	// peer are merged into the newest, and when the buffer is still full
	// the oldest event is dropped; the next event delivered after a drop
	// is an EventDropped that says how many were lost, so a screen knows
	// to refresh from Status and List.
	//
	// Two things might happen: the channel is returned, or the node is
	// closed (ErrUnavailable).
	Watch(ctx context.Context) (<-chan Event, error)
}

// WatchBuffer is how many events a watcher's buffer holds before the oldest
// is dropped.
const WatchBuffer = 256

// Draft is what a user wants to record: a body. The node fills in the rest of
// the record.
type Draft struct {
	Body protocol.Body
}

// Filter selects records for List. The zero Filter selects every record.
type Filter struct {
	Type   protocol.Type      // only records of this type ("" for any)
	Author protocol.PublicKey // only records by this key (zero for any)
	Cursor string             // where the page starts: "" or a Page.Next
	Limit  int                // records per page; 0 means 100, at most 1000
}

// Page is one page of a List.
type Page struct {
	Records []protocol.Signed
	Next    string // cursor of the next page, "" when there is none
}

// Via says how a peer is reached.
type Via string

// How peers are reached.
const (
	ViaDirect  Via = "direct"  // a direct connection over the internet
	ViaLAN     Via = "lan"     // a direct connection on a private network
	ViaRelayed Via = "relayed" // only through a circuit relay
)

// Reachability says whether peers on the internet can dial this node.
type Reachability string

// Reachability values, as AutoNAT finds them.
const (
	ReachabilityUnknown Reachability = "unknown"
	ReachabilityPublic  Reachability = "public"
	ReachabilityPrivate Reachability = "private"
)

// Status is a snapshot of a node.
type Status struct {
	PeerID       string             // this node's peer ID
	Network      string             // the network name; nodes of other networks never mix
	Addrs        []string           // addresses this node listens on or is reachable at
	Relay        bool               // this node runs the relay profile
	Author       protocol.PublicKey // the device key records are signed with; zero on a relay
	Reachability Reachability       // what AutoNAT found
	Relays       []RelayStatus      // the configured relays
	Peers        []Peer             // connected peers, by ID
	Records      int64              // records stored
	ByType       map[protocol.Type]int64
	Authors      int64 // feeds stored
	Forks        []Fork
	Sync         SyncProgress // the latest catch-up
	Started      time.Time
}

// RelayStatus says whether a configured relay is connected and whether this
// node holds a reservation on it (so peers can reach it through the relay).
type RelayStatus struct {
	PeerID      string
	Connected   bool
	Reservation bool
}

// Peer is one connected peer.
type Peer struct {
	ID     string
	Addr   string // the remote address of the best connection
	Via    Via
	Relay  bool      // the peer is one of the configured relays
	Score  float64   // its gossip score as this node sees it (negative is bad)
	Synced time.Time // when a sync with it last finished; zero if never
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

// Fork is evidence that an author signed two different records at one seq.
type Fork struct {
	Author protocol.PublicKey
	Seq    uint64
	CIDs   []protocol.CID
}

// EventKind says what an Event is about.
type EventKind string

// Event kinds.
const (
	EventRecordAdded  EventKind = "record-added"  // a new record was stored
	EventPeerJoined   EventKind = "peer-joined"   // a peer connected
	EventPeerLeft     EventKind = "peer-left"     // a peer's last connection closed
	EventSyncProgress EventKind = "sync-progress" // catch-up with a peer moved on
	EventForkFound    EventKind = "fork-found"    // an author equivocated
	EventDropped      EventKind = "dropped"       // the watcher fell behind
)

// Event is one change a watcher sees. Which fields are set depends on Kind.
type Event struct {
	Kind EventKind
	Time time.Time

	// EventRecordAdded.
	CID    protocol.CID
	Type   protocol.Type
	Author protocol.PublicKey
	Seq    uint64
	Local  bool // published by this node

	// EventPeerJoined, EventPeerLeft.
	Peer string
	Via  Via

	// EventSyncProgress.
	Sync SyncProgress

	// EventForkFound.
	Fork Fork

	// EventDropped: how many events were dropped before this one.
	Dropped int
}
