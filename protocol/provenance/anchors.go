package provenance

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
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
// in its data folder (LoadAnchors, Save). It is safe for concurrent use.
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

// LoadAnchors reads the anchors file at path. A file that does not exist
// gives an empty list, as on a first run.
func LoadAnchors(path string) (*Anchors, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return &Anchors{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("provenance: load trust anchors: %w", err)
	}
	var f anchorsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("provenance: load trust anchors from %s: %w", path, err)
	}
	if f.Version != 1 {
		return nil, fmt.Errorf("provenance: load trust anchors from %s: version %d is not supported", path, f.Version)
	}
	a := &Anchors{}
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

// Save writes the anchors to path atomically: to a temporary file in the
// same folder, synced, then renamed over path, so a crash leaves either
// the old list or the new one. The file is readable by its owner only.
func (a *Anchors) Save(path string) error {
	a.mu.Lock()
	f := anchorsFile{Version: 1, Anchors: append([]Anchor{}, a.list...)}
	a.mu.Unlock()
	sort.SliceStable(f.Anchors, func(i, j int) bool { return f.Anchors[i].Added.Before(f.Anchors[j].Added) })
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return fmt.Errorf("provenance: save trust anchors: %w", err)
	}
	if err := writeFileAtomic(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("provenance: save trust anchors: %w", err)
	}
	return nil
}

func writeFileAtomic(path string, data []byte, perm fs.FileMode) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	defer os.Remove(name) // after a successful rename there is nothing to remove
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync() // best effort: some filesystems cannot sync a folder
		d.Close()
	}
	return nil
}
