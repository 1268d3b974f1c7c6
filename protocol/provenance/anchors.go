package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Anchor is one trust anchor: a certifier or consortium key the user
// chooses to believe.
type Anchor struct {
	Key   protocol.PublicKey `json:"key"`
	Name  string             `json:"name,omitempty"`
	Added time.Time          `json:"added"`
}

// Anchors is the list of trust anchors a user controls. The node keeps it
// in its data folder (ParseAnchors, Encode). It is safe for concurrent use.
type Anchors struct {
	mu   sync.Mutex
	list []Anchor
}

type anchorsFile struct {
	Version int      `json:"version"`
	Anchors []Anchor `json:"anchors"`
}

// Add adds key with a name for people and reports whether it was new. A
// key already present keeps its place; its name is updated when name is
// not empty.
func (a *Anchors) Add(key protocol.PublicKey, name string, now time.Time) (bool, error) {
	if key.IsZero() {
		return false, errors.New("provenance: add trust anchor: no key")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.list {
		if a.list[i].Key == key {
			if name != "" {
				a.list[i].Name = name
			}
			return false, nil
		}
	}
	a.list = append(a.list, Anchor{Key: key, Name: name, Added: now.UTC()})
	return true, nil
}

// Remove removes key and reports whether it was there.
func (a *Anchors) Remove(key protocol.PublicKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i := range a.list {
		if a.list[i].Key == key {
			a.list = append(a.list[:i], a.list[i+1:]...)
			return true
		}
	}
	return false
}

// List returns the anchors in the order they were added.
func (a *Anchors) List() []Anchor {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Anchor(nil), a.list...)
}

// Keys returns the anchor keys, for Options.Anchors.
func (a *Anchors) Keys() []protocol.PublicKey {
	a.mu.Lock()
	defer a.mu.Unlock()
	keys := make([]protocol.PublicKey, len(a.list))
	for i, x := range a.list {
		keys[i] = x.Key
	}
	return keys
}

// Has reports whether key is an anchor.
func (a *Anchors) Has(key protocol.PublicKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, x := range a.list {
		if x.Key == key {
			return true
		}
	}
	return false
}

// ParseAnchors reads an anchors list in the form Encode writes. Empty data
// gives an empty list, as on a first run.
func ParseAnchors(data []byte) (*Anchors, error) {
	a := &Anchors{}
	if len(data) == 0 {
		return a, nil
	}
	var f anchorsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("provenance: read trust anchors: %w", err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("provenance: read trust anchors: version %d is not supported", f.Version)
	}
	seen := map[protocol.PublicKey]bool{}
	for _, x := range f.Anchors {
		if x.Key.IsZero() || seen[x.Key] {
			continue
		}
		seen[x.Key] = true
		a.list = append(a.list, x)
	}
	return a, nil
}

// Encode returns the anchors as indented JSON, oldest first, the form
// ParseAnchors reads.
func (a *Anchors) Encode() ([]byte, error) {
	a.mu.Lock()
	f := anchorsFile{Version: 1, Anchors: append([]Anchor{}, a.list...)}
	a.mu.Unlock()
	sort.SliceStable(f.Anchors, func(i, j int) bool { return f.Anchors[i].Added.Before(f.Anchors[j].Added) })
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("provenance: write trust anchors: %w", err)
	}
	return append(data, '\n'), nil
}
