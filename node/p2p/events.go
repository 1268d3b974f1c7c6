package p2p

import (
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Events receives what an engine does. Its methods are called from the
// engine's goroutines, must be safe for concurrent use, must return quickly
// and must not call back into the engine.
type Events interface {
	// Stored: a record from a peer was verified and stored, and is new.
	Stored(rec protocol.Signed)
	// Forked: a record from a peer is a second record by its author at a
	// seq already taken; both are kept as evidence.
	Forked(f storage.Fork)
	// PeerJoined and PeerLeft: a peer's first connection opened, or its
	// last closed.
	PeerJoined(id string, via Via)
	PeerLeft(id string)
	// Synced: a catch-up with a peer moved on.
	Synced(p SyncProgress)
}

type noEvents struct{}

func (noEvents) Stored(protocol.Signed) {}
func (noEvents) Forked(storage.Fork)    {}
func (noEvents) PeerJoined(string, Via) {}
func (noEvents) PeerLeft(string)        {}
func (noEvents) Synced(SyncProgress)    {}
