package provenance

import (
	"context"
	"fmt"
	"sync"

	"github.com/jejak/jejak/protocol"
)

// MemSource is a Source that indexes records in memory: for tests, demos
// and benchmarks, where no store is needed. It trusts the records it is
// given to be opened or sealed; Verify checks them again anyway. It is
// safe for concurrent use.
type MemSource struct {
	mu      sync.RWMutex
	recs    map[protocol.CID]protocol.Signed
	uses    map[protocol.BatchID][]Use
	refs    map[refKey][]protocol.CID
	keyRecs map[keyKey][]protocol.CID
	feeds   map[feedPos][]protocol.CID
	forked  map[protocol.PublicKey][]uint64
}

type refKey struct {
	c protocol.CID
	t protocol.Type
}

type keyKey struct {
	k protocol.PublicKey
	t protocol.Type
}

type feedPos struct {
	author protocol.PublicKey
	seq    uint64
}

// NewMemSource returns a MemSource holding recs.
func NewMemSource(recs ...protocol.Signed) *MemSource {
	m := &MemSource{
		recs:    make(map[protocol.CID]protocol.Signed, len(recs)),
		uses:    map[protocol.BatchID][]Use{},
		refs:    map[refKey][]protocol.CID{},
		keyRecs: map[keyKey][]protocol.CID{},
		feeds:   make(map[feedPos][]protocol.CID, len(recs)),
		forked:  map[protocol.PublicKey][]uint64{},
	}
	m.Add(recs...)
	return m
}

// Add indexes recs. Adding a record the source already holds changes
// nothing; a second, different record at a held (author, seq) is kept and
// reported by Forks.
func (m *MemSource) Add(recs ...protocol.Signed) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, s := range recs {
		if _, ok := m.recs[s.CID]; ok || s.Record == nil {
			continue
		}
		m.recs[s.CID] = s
		pos := feedPos{s.Author, s.Seq}
		m.feeds[pos] = append(m.feeds[pos], s.CID)
		if len(m.feeds[pos]) == 2 {
			m.forked[s.Author] = append(m.forked[s.Author], s.Seq)
		}
		m.index(s)
	}
}

func (m *MemSource) index(s protocol.Signed) {
	ref := func(c protocol.CID, t protocol.Type) {
		m.refs[refKey{c, t}] = append(m.refs[refKey{c, t}], s.CID)
	}
	key := func(k protocol.PublicKey, t protocol.Type) {
		m.keyRecs[keyKey{k, t}] = append(m.keyRecs[keyKey{k, t}], s.CID)
	}
	switch b := s.Body.(type) {
	case *protocol.Org:
		key(s.Author, protocol.TypeOrg)
	case *protocol.Device:
		key(b.Key, protocol.TypeDevice)
	case *protocol.Endorse:
		key(b.Org, protocol.TypeEndorse)
	case *protocol.Revoke:
		if b.Key != nil {
			key(*b.Key, protocol.TypeRevoke)
		}
		if b.Record != nil {
			ref(*b.Record, protocol.TypeRevoke)
		}
	case *protocol.Process:
		for _, in := range b.In {
			m.uses[in.Batch] = append(m.uses[in.Batch], Use{Record: s.CID, Type: protocol.TypeProcess, Author: s.Author, Qty: in.Qty})
		}
	case *protocol.Transfer:
		m.uses[b.Batch] = append(m.uses[b.Batch], Use{Record: s.CID, Type: protocol.TypeTransfer, Author: s.Author, Qty: b.Qty})
	case *protocol.Receive:
		ref(b.Transfer, protocol.TypeReceive)
	case *protocol.Correct:
		ref(b.Record, protocol.TypeCorrect)
		if b.By != nil {
			ref(*b.By, protocol.TypeCorrect)
		}
	}
}

// Remove forgets the record c (its index entries stay, as in a store that
// lost a record): for tests of missing ancestors.
func (m *MemSource) Remove(c protocol.CID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.recs, c)
}

// Len returns how many records the source holds.
func (m *MemSource) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.recs)
}

// Get implements Source.
func (m *MemSource) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	if err := ctx.Err(); err != nil {
		return protocol.Signed{}, err
	}
	m.mu.RLock()
	s, ok := m.recs[c]
	m.mu.RUnlock()
	if !ok {
		return protocol.Signed{}, fmt.Errorf("get %s: %w", c, ErrNotFound)
	}
	return s, nil
}

// Uses implements Source.
func (m *MemSource) Uses(ctx context.Context, b protocol.BatchID) ([]Use, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]Use(nil), m.uses[b]...), nil
}

// Referrers implements Source.
func (m *MemSource) Referrers(ctx context.Context, c protocol.CID, t protocol.Type) ([]protocol.CID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]protocol.CID(nil), m.refs[refKey{c, t}]...), nil
}

// KeyRecords implements Source.
func (m *MemSource) KeyRecords(ctx context.Context, k protocol.PublicKey, t protocol.Type) ([]protocol.CID, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	return append([]protocol.CID(nil), m.keyRecs[keyKey{k, t}]...), nil
}

// Forks implements Source.
func (m *MemSource) Forks(ctx context.Context, author protocol.PublicKey) ([]Fork, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	var out []Fork
	for _, seq := range m.forked[author] {
		cids := m.feeds[feedPos{author, seq}]
		out = append(out, Fork{Author: author, Seq: seq, CIDs: append([]protocol.CID(nil), cids...)})
	}
	return out, nil
}
