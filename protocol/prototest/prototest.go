// Package prototest builds keys and signed records for tests: deterministic
// keys by name, and feeds that fill in seq, prev and time.
package prototest

import (
	"crypto/sha256"
	"fmt"
	"sync"

	"github.com/jejak/jejak/protocol"
)

// BaseTime is the time of the first record a Feed writes: 2024-01-01 UTC.
const BaseTime int64 = 1_704_067_200_000

// Key returns the private key derived from name: the same name always gives
// the same key.
func Key(name string) protocol.PrivateKey {
	seed := sha256.Sum256([]byte("jejak-test-key:" + name))
	k, err := protocol.PrivateKeyFromSeed(seed[:])
	if err != nil {
		panic(err)
	}
	return k
}

// Feed appends records to one author's feed. It is safe for concurrent use.
type Feed struct {
	mu   sync.Mutex
	key  protocol.PrivateKey
	last protocol.Signed
	time int64
}

// NewFeed returns an empty feed signed by key.
func NewFeed(key protocol.PrivateKey) *Feed { return &Feed{key: key, time: BaseTime} }

// Key returns the feed's private key.
func (f *Feed) Key() protocol.PrivateKey { return f.key }

// Author returns the feed's public key.
func (f *Feed) Author() protocol.PublicKey { return f.key.Public() }

// Seq returns the seq of the last record appended, 0 before the first.
func (f *Feed) Seq() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.last.Record == nil {
		return 0
	}
	return f.last.Seq
}

// Last returns the last record appended.
func (f *Feed) Last() protocol.Signed {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

// Add seals body as the next record of the feed, one minute after the
// previous one. It returns an error if the body is invalid.
func (f *Feed) Add(body protocol.Body) (protocol.Signed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	r := &protocol.Record{Seq: 1, Time: f.time, Body: body}
	if f.last.Record != nil {
		r.Seq = f.last.Seq + 1
		r.Prev = f.last.CID
	}
	s, err := protocol.Seal(r, f.key)
	if err != nil {
		return protocol.Signed{}, fmt.Errorf("prototest: add %s: %w", body.Type(), err)
	}
	f.last = s
	f.time += 60_000
	return s, nil
}

// MustAdd is Add for bodies known to be valid; it panics otherwise.
func (f *Feed) MustAdd(body protocol.Body) protocol.Signed {
	s, err := f.Add(body)
	if err != nil {
		panic(err)
	}
	return s
}

// At seals body at an explicit seq, prev and time without touching the
// feed's state: for forks and other dishonest records.
func (f *Feed) At(seq uint64, prev protocol.CID, time int64, body protocol.Body) (protocol.Signed, error) {
	r := &protocol.Record{Seq: seq, Prev: prev, Time: time, Body: body}
	return protocol.Seal(r, f.key)
}
