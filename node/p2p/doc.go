// Package p2p is Jejak's network engine: a libp2p host that finds peers,
// gossips every new record, refuses forgeries, catches up on what it missed
// while offline, and fetches records by CID. It knows nothing of
// identities, trust anchors, batches or screens: it takes records in from
// peers, verifies each one (protocol.Open), puts the good ones into the
// Store it is given, and tells its Events what happened. The application
// (package node) publishes the records it signs through Publish.
//
// # Wire
//
// Every name on the wire carries the network name (Config.Network), so
// separate networks never exchange records even when they share a LAN, a
// relay or a DHT peer:
//
//	gossip topic   jejak/<network>/records/1
//	sync           /jejak/<network>/sync/1.1.0 (and 1.0.0 for older peers)
//	fetch          /jejak/<network>/fetch/1.0.0
//	DHT            /jejak/<network>/kad/1.0.0 (protocol prefix /jejak/<network>)
//	mDNS service   jejak-<network>
//
// A gossip message is a record's bytes and its message ID is the record's
// CID, so a record reaching an engine by two paths is one message. Pubsub
// signs nothing (records are signed by their authors). The topic validator
// runs the same check as sync and fetch (examine): size, duplicate, strict
// decoding, field rules and signature. Invalid records are rejected, which
// costs the sender gossip score until it is graylisted, and a graylisted
// peer is disconnected and refused for a while (shun.go); duplicates and
// records of a newer format are ignored.
//
// # Records out of order
//
// A record whose predecessor in its author's feed is missing is verified,
// stored and forwarded like any other: the store keeps the contiguous feed
// head apart from records beyond a gap, and the record is self-certifying.
// If the gap has not closed by itself after a moment (gossip often delivers
// one feed's records by different paths), the engine syncs that author's
// feed from the peer that sent the record. Dropping such records instead
// would lose them on every node until the next periodic sync.
//
// # Sync and fetch
//
// Gossip has no history. When a peer connects, periodically, and after a
// gap, an engine sends its feed heads and the peer streams every record
// above them, a page at a time; see sync.go for the exchange. Fork evidence
// travels too: a differing record at the same head is sent across, fork
// lists are compared by digest, and a newly found fork is gossiped on so
// that every node learns of it. Fetch asks a peer for records by CID.
//
// # Lifetime
//
// New starts everything; Close stops it in order and is idempotent. Every
// goroutine the engine starts ends when Close cancels its context.
package p2p
