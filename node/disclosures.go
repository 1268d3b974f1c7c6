package node

import (
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// DisclosureDir is the folder of the data folder that keeps the
// disclosures of suppliers' identities: one file <cid>.json for each
// origin recorded on a supplier's behalf, readable by the user alone.
// They are personal data: never gossiped, never in the record store
// (which replicas copy), handed out only in the exports the user makes.
const DisclosureDir = "disclosures"

// discStore keeps disclosures: in files under the data folder, or in
// memory for a node without one. Its zero value is ready.
type discStore struct {
	mu  sync.Mutex
	mem map[protocol.CID]protocol.Disclosure
}

// commitSupplier returns the body to sign for d: for an origin with a
// supplier draft, a copy whose Supplier holds commitments under fresh
// salts, and the disclosure that opens them; otherwise d.Body as it is.
func (n *Node) commitSupplier(d api.Draft) (protocol.Body, *protocol.Disclosure, error) {
	if d.Supplier == nil {
		return d.Body, nil, nil
	}
	op := "publish " + string(d.Body.Type())
	o, ok := d.Body.(*protocol.Origin)
	if !ok {
		return nil, nil, api.E(op, api.ErrInvalid, errors.New("a supplier who runs no Jejak can only be named on an origin"))
	}
	if o.Supplier != nil {
		return nil, nil, api.E(op, api.ErrInvalid, errors.New("the draft names its supplier twice: give the supplier's clear fields and leave the origin's commitments to the node"))
	}
	if n.cfg.RecordFormat < protocol.Version3 {
		return nil, nil, api.E(op, api.ErrInvalid, fmt.Errorf("this install signs record format %d, and a supplier needs format %d: set record_format to %d once the network's nodes are upgraded", n.cfg.RecordFormat, protocol.Version3, protocol.Version3))
	}
	s, disc, err := d.Supplier.Commit(rand.Reader)
	if err != nil {
		return nil, nil, api.E(op, api.ErrInvalid, err)
	}
	c := *o
	c.Supplier = s
	if err := protocol.CheckDraft(&c); err != nil {
		return nil, nil, api.E(op, api.ErrInvalid, err)
	}
	return &c, &disc, nil
}

// put keeps d, durably: when it returns nil the file and its name are on
// disk, so a crash after the record is stored cannot lose it. (A crash
// before the record is stored leaves a disclosure of no record, which
// nothing reads.)
func (s *discStore) put(dataDir string, d protocol.Disclosure) error {
	if dataDir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.mem == nil {
			s.mem = map[protocol.CID]protocol.Disclosure{}
		}
		s.mem[d.Record] = d
		return nil
	}
	dir := filepath.Join(dataDir, DisclosureDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("keep the supplier's disclosure: %w", err)
	}
	b, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("keep the supplier's disclosure: %w", err)
	}
	name := filepath.Join(dir, d.Record.String()+".json")
	if err := writeSynced(name, b); err != nil {
		return fmt.Errorf("keep the supplier's disclosure in %s: %w", name, err)
	}
	return nil
}

// writeSynced writes data to name through a temporary file, syncing the
// file and then the folder.
func writeSynced(name string, data []byte) error {
	f, err := os.CreateTemp(filepath.Dir(name), ".disclosure-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // after a successful rename, a no-op
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, name); err != nil {
		return err
	}
	d, err := os.Open(filepath.Dir(name))
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// get returns the disclosure of origin c: false when there is none. A file
// that cannot be read or names another record is an error.
func (s *discStore) get(dataDir string, c protocol.CID) (protocol.Disclosure, bool, error) {
	if dataDir == "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		d, ok := s.mem[c]
		return d, ok, nil
	}
	name := filepath.Join(dataDir, DisclosureDir, c.String()+".json")
	b, err := os.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return protocol.Disclosure{}, false, nil
	}
	if err != nil {
		return protocol.Disclosure{}, false, err
	}
	var d protocol.Disclosure
	if err := json.Unmarshal(b, &d); err != nil {
		return protocol.Disclosure{}, false, fmt.Errorf("disclosure %s: %w", name, err)
	}
	if d.Record != c {
		return protocol.Disclosure{}, false, fmt.Errorf("disclosure %s names record %s", name, d.Record)
	}
	return d, true, nil
}

// disclosures is the disclosure store for a verification: a disclosure
// that cannot be read is logged and left out (verification then says the
// supplier is not disclosed).
func (n *Node) disclosures() provenance.Disclosures {
	return func(c protocol.CID) (protocol.Disclosure, bool) {
		d, ok, err := n.disc.get(n.cfg.DataDir, c)
		if err != nil {
			n.log.Warn("verify: read a supplier's disclosure", "record", c, "err", err)
		}
		return d, ok && err == nil
	}
}
