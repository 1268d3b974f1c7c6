package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
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
	//   - The draft is signed by the organisation key and its
	//     OrgPassphrase is missing or wrong: ErrLocked, nothing is
	//     stored.
	//   - The node cannot sign (it has no device key, as on a relay), is
	//     closed, or its store fails: ErrUnavailable, nothing is stored.
	//   - The store already holds a different record at the seq this one
	//     would take (the same device key wrote from another install):
	//     ErrConflict; both records are kept as fork evidence.
	//   - The records on this computer say verification will fail the
	//     record (it sends or consumes more than the organisation holds
	//     or of a batch it never held, receives what was not sent to it
	//     or was received already, or its yields are implausible):
	//     ErrUnbacked, with an *UnbackedError listing what verification
	//     will say; nothing is signed. Set Draft.Unbacked to publish it
	//     anyway.
	//
	// A draft with an ID that already produced a record returns that
	// record, changing nothing.
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
	Body protocol.Body `json:"body"`
	// ID names this draft, so that publishing it again after an answer
	// was lost (a crash, a dropped connection) returns the record it
	// made instead of making a second one. It is kept with the record, in
	// the same transaction, for as long as the store lives. Empty: no
	// such protection. Make one with NewDraftID; at most 128 bytes.
	ID string `json:"id,omitempty"`
	// Unbacked publishes a draft that the records on this computer say
	// verification will fail (see ErrUnbacked): offline capture of fruit
	// whose transfer has not arrived yet, say. Verification will say so
	// until the records that back it arrive.
	Unbacked bool `json:"unbacked,omitempty"`
	// OrgPassphrase unlocks the organisation key for a draft it signs
	// (org, device, endorse, revoke, and a correction of one of those);
	// other drafts ignore it. It is used for this one publish and never
	// kept.
	OrgPassphrase string `json:"org_passphrase,omitempty"`
	// Supplier, for an origin the mill records on behalf of a smallholder
	// or dealer who runs no Jejak, is the supplier's name, ID, kind and
	// ID scheme in the clear. The node does not put them in the record:
	// it makes fresh salts, puts the commitments in the origin's
	// Supplier (which the Body leaves empty) and keeps the disclosure in
	// its data folder, for the EUDR export and the importer's capsule.
	// Invalid for any other body.
	Supplier *protocol.SupplierDraft `json:"supplier,omitempty"`
}

// NewDraftID returns a new random draft ID.
func NewDraftID() string {
	var b [12]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand never fails on the systems Go supports
	}
	return "d-" + hex.EncodeToString(b[:])
}

// Filter selects records for List. The zero Filter selects every record.
type Filter struct {
	Type   protocol.Type      `json:"type"`   // only records of this type ("" for any)
	Author protocol.PublicKey `json:"author"` // only records by this key (zero for any)
	Cursor string             `json:"cursor"` // where the page starts: "" or a Page.Next
	Limit  int                `json:"limit"`  // records per page; 0 means 100, at most 1000
}

// Page is one page of a List.
type Page struct {
	Records []protocol.Signed `json:"records,omitempty"`
	Next    string            `json:"next"` // cursor of the next page, "" when there is none
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
	PeerID       string                  `json:"peer_id"`          // this node's peer ID
	Network      string                  `json:"network"`          // the network name; nodes of other networks never mix
	Agent        string                  `json:"agent"`            // the program serving: "jejak-desktop", "jejak-node/0.1.0"
	LocalAPI     string                  `json:"local_api"`        // the local API socket, or "off: " and why
	Addrs        []string                `json:"addrs,omitempty"`  // addresses this node listens on or is reachable at
	Relay        bool                    `json:"relay"`            // this node runs the relay profile
	Author       protocol.PublicKey      `json:"author"`           // the device key records are signed with; zero on a relay
	Reachability Reachability            `json:"reachability"`     // what AutoNAT found
	Relays       []RelayStatus           `json:"relays,omitempty"` // the configured relays
	Peers        []Peer                  `json:"peers,omitempty"`  // connected peers, by ID
	Mesh         int                     `json:"mesh"`             // peers in the gossip mesh
	Records      int64                   `json:"records"`          // records stored
	ByType       map[protocol.Type]int64 `json:"by_type,omitempty"`
	Authors      int64                   `json:"authors"` // feeds stored
	Forks        []Fork                  `json:"forks,omitempty"`
	Sync         SyncProgress            `json:"sync"`            // the latest catch-up
	Notes        []string                `json:"notes,omitempty"` // for people: why discovery is off
	// ClockWarning, when set, says this computer's clock is plainly
	// wrong (earlier than a record it signed, or far from its peers'):
	// records are dated by it, so a screen shows it before recording.
	ClockWarning string    `json:"clock_warning,omitempty"`
	Started      time.Time `json:"started"`
}

// RelayStatus says whether a configured relay is connected and whether this
// node holds a reservation on it (so peers can reach it through the relay).
type RelayStatus struct {
	PeerID      string `json:"peer_id"`
	Connected   bool   `json:"connected"`
	Reservation bool   `json:"reservation"`
}

// Peer is one connected peer.
type Peer struct {
	ID    string  `json:"id"`
	Addr  string  `json:"addr"` // the remote address of the best connection
	Via   Via     `json:"via"`
	Relay bool    `json:"relay"` // the peer is one of the configured relays
	Jejak bool    `json:"jejak"` // it speaks this network's protocols: a Jejak node of the network
	Mesh  bool    `json:"mesh"`  // in the gossip mesh: new records are pushed to it
	Score float64 `json:"score"` // its gossip score as this node sees it (negative is bad)
	// Penalty is what this node holds against the peer for invalid records
	// and protocol violations in sync and fetch (part of Score; it
	// decays, halving every ten minutes), and Why the latest reasons.
	Penalty float64   `json:"penalty"`
	Why     []string  `json:"why,omitempty"`
	Synced  time.Time `json:"synced"` // when a sync with it last finished; zero if never
}

// SyncProgress is the progress of catching up with one peer. Expected is an
// estimate made by the peer at the start of the sync; Fetched may end above
// or below it.
type SyncProgress struct {
	Peer     string `json:"peer"`
	Fetched  int64  `json:"fetched"` // records received and verified so far
	Added    int64  `json:"added"`   // of those, records that were new
	Expected int64  `json:"expected"`
	Done     bool   `json:"done"`
}

// Fork is evidence that an author signed two different records at one seq.
type Fork struct {
	Author protocol.PublicKey `json:"author"`
	Seq    uint64             `json:"seq"`
	CIDs   []protocol.CID     `json:"cids,omitempty"`
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
	Kind EventKind `json:"kind"`
	Time time.Time `json:"time"`

	// EventRecordAdded.
	CID    protocol.CID       `json:"cid"`
	Type   protocol.Type      `json:"type"`
	Author protocol.PublicKey `json:"author"`
	Seq    uint64             `json:"seq"`
	Local  bool               `json:"local"` // published by this node

	// EventPeerJoined, EventPeerLeft.
	Peer string `json:"peer"`
	Via  Via    `json:"via"`

	// EventSyncProgress.
	Sync SyncProgress `json:"sync"`

	// EventForkFound.
	Fork Fork `json:"fork"`

	// EventDropped: how many events were dropped before this one.
	Dropped int `json:"dropped"`
}
