// Package fake is an in-memory api.Service for the GUI's tests and for the
// screenshot build of the desktop app. It keeps signed records in a
// provenance.MemSource, signs what it publishes with real keys (so every
// published draft passes the protocol's rules or is refused), derives
// batches, incoming transfers, organisations and places from its records
// as a node would, and verifies with provenance.Verify.
//
// It is not a node: there is no network, nothing is written to disk, and
// Status reports whatever Status field the caller set.
package fake

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// Service is the fake. Its exported fields record what the GUI asked for;
// read them only after the GUI is idle. It is safe for concurrent use.
type Service struct {
	mu      sync.Mutex
	src     *provenance.MemSource
	recs    []protocol.Signed
	others  []*provenance.MemSource
	ident   api.Identity
	orgKey  protocol.PrivateKey
	devKey  protocol.PrivateKey
	anchors []provenance.Anchor
	watch   []chan api.Event
	now     func() time.Time

	// Status is what Status returns, with Records filled in.
	Snapshot api.Status
	// PublishErr, when set, is what Publish returns instead of storing.
	PublishErr error
	// Published are the drafts Publish stored, in order.
	Published []api.Draft
	// PublishCalls counts calls of Publish, stored or not.
	PublishCalls int
	// Created are the setups CreateIdentity was called with.
	Created []api.Setup
	// Restored are the backup paths RestoreIdentity was called with.
	Restored []string
	// Backups are the paths BackupKeys wrote.
	Backups []string
	// Rotations counts RotateDevice calls.
	Rotations int
}

var _ api.Service = (*Service)(nil)

// New returns a fake with no identity (a first run) holding recs.
func New(recs ...protocol.Signed) *Service {
	s := &Service{src: provenance.NewMemSource(), now: time.Now}
	s.add(recs...)
	s.Snapshot = api.Status{PeerID: "12D3KooWFakeNodeForTheDesktopApp", Network: "main",
		Reachability: api.ReachabilityUnknown, Started: time.Now()}
	return s
}

// AddSource adds records kept apart from the main ones, for verification
// only (another scenario signed with the same keys would otherwise fork).
func (s *Service) AddSource(recs ...protocol.Signed) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.others = append(s.others, provenance.NewMemSource(recs...))
}

func (s *Service) add(recs ...protocol.Signed) {
	s.src.Add(recs...)
	s.recs = append(s.recs, recs...)
}

// BecomeOrg makes this install the organisation whose keys are given (as a
// node restored from a backup would be), and returns its identity.
func (s *Service) BecomeOrg(org, device protocol.PrivateKey) api.Identity {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.orgKey, s.devKey = org, device
	s.ident = s.identityLocked()
	return s.ident
}

// SetAnchors replaces the trust anchors.
func (s *Service) SetAnchors(a ...provenance.Anchor) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.anchors = slices.Clone(a)
}

// Emit sends ev to every watcher.
func (s *Service) Emit(ev api.Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.emitLocked(ev)
}

func (s *Service) emitLocked(ev api.Event) {
	if ev.Time.IsZero() {
		ev.Time = s.now()
	}
	for _, ch := range s.watch {
		select {
		case ch <- ev:
		default:
		}
	}
}

func (s *Service) identityLocked() api.Identity {
	if s.orgKey.IsZero() {
		return api.Identity{}
	}
	id := api.Identity{Ready: true, Org: s.orgKey.Public(), HasOrgKey: true, Device: s.devKey.Public()}
	for _, r := range s.recs {
		switch b := r.Body.(type) {
		case *protocol.Org:
			if r.Author == id.Org {
				id.Name, id.Roles, id.Country = b.Name, b.Roles, b.Country
			}
		case *protocol.Device:
			if b.Key == id.Device {
				id.DeviceName = b.Name
			}
		case *protocol.Endorse:
			if b.Org == id.Org {
				id.Endorsements = append(id.Endorsements, api.Endorsement{Record: r.CID, By: r.Author,
					ByName: s.orgNameLocked(r.Author), Role: b.Role, Cert: b.Cert, Time: time.UnixMilli(r.Time),
					Anchored: s.anchoredLocked(r.Author)})
			}
		}
	}
	return id
}

func (s *Service) anchoredLocked(k protocol.PublicKey) bool {
	return slices.ContainsFunc(s.anchors, func(a provenance.Anchor) bool { return a.Key == k })
}

// Identity implements api.App.
func (s *Service) Identity(ctx context.Context) (api.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgKey.IsZero() {
		return api.Identity{}, nil
	}
	return s.identityLocked(), nil
}

// CreateIdentity implements api.App.
func (s *Service) CreateIdentity(ctx context.Context, st api.Setup) (api.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Created = append(s.Created, st)
	if !s.orgKey.IsZero() {
		return api.Identity{}, api.E("create identity", api.ErrConflict, errors.New("this install already has an identity"))
	}
	if len([]rune(st.Passphrase)) < protocol.MinPassphraseLength && st.BackupPath != "" {
		return api.Identity{}, api.E("create identity", api.ErrInvalid, errors.New("passphrase too short"))
	}
	org, _ := protocol.GenerateKey(nil)
	dev, _ := protocol.GenerateKey(nil)
	name := st.DeviceName
	if name == "" {
		name = "desk"
	}
	first, err := s.sealLocked(org, &protocol.Org{Name: st.Name, Roles: st.Roles, Country: st.Country, RSPO: st.RSPO, GLN: st.GLN})
	if err != nil {
		return api.Identity{}, api.E("create identity", api.ErrInvalid, err)
	}
	s.add(first)
	del, err := s.sealLocked(org, &protocol.Device{Key: dev.Public(), Name: name})
	if err != nil {
		return api.Identity{}, api.E("create identity", api.ErrInvalid, err)
	}
	s.add(del)
	if st.BackupPath != "" {
		if err := os.WriteFile(st.BackupPath, []byte("fake key backup\n"), 0o600); err != nil {
			return api.Identity{}, api.E("create identity", api.ErrUnavailable, err)
		}
	}
	s.orgKey, s.devKey = org, dev
	s.ident = s.identityLocked()
	return s.ident, nil
}

// RestoreIdentity implements api.App. The fake cannot read backups: it
// records the call and answers ErrInvalid.
func (s *Service) RestoreIdentity(ctx context.Context, path, passphrase string) (api.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Restored = append(s.Restored, path)
	return api.Identity{}, api.E("restore identity", api.ErrInvalid, errors.New("the passphrase is wrong or the file is not a Jejak key backup"))
}

// BackupKeys implements api.App.
func (s *Service) BackupKeys(ctx context.Context, path, passphrase string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len([]rune(passphrase)) < protocol.MinPassphraseLength {
		return api.E("backup keys", api.ErrInvalid, fmt.Errorf("passphrase must be at least %d characters", protocol.MinPassphraseLength))
	}
	if err := os.WriteFile(path, []byte("fake key backup\n"), 0o600); err != nil {
		return api.E("backup keys", api.ErrUnavailable, err)
	}
	s.Backups = append(s.Backups, path)
	return nil
}

// RotateDevice implements api.App.
func (s *Service) RotateDevice(ctx context.Context) (api.Identity, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Rotations++
	if s.orgKey.IsZero() {
		return api.Identity{}, api.E("rotate device key", api.ErrUnavailable, errors.New("no organisation key"))
	}
	dev, _ := protocol.GenerateKey(nil)
	old := s.devKey.Public()
	name := s.identityLocked().DeviceName
	del, err := s.sealLocked(s.orgKey, &protocol.Device{Key: dev.Public(), Name: name})
	if err != nil {
		return api.Identity{}, api.E("rotate device key", api.ErrUnavailable, err)
	}
	s.add(del)
	succ := dev.Public()
	rev, err := s.sealLocked(s.orgKey, &protocol.Revoke{Key: &old, From: s.now().UnixMilli(), Reason: "device key rotated", Successor: &succ})
	if err != nil {
		return api.Identity{}, api.E("rotate device key", api.ErrUnavailable, err)
	}
	s.add(rev)
	s.devKey = dev
	s.ident = s.identityLocked()
	return s.ident, nil
}

// Anchors implements api.App.
func (s *Service) Anchors(ctx context.Context) ([]provenance.Anchor, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.anchors), nil
}

// AddAnchor implements api.App.
func (s *Service) AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key.IsZero() {
		return api.E("add anchor", api.ErrInvalid, errors.New("no key"))
	}
	for i := range s.anchors {
		if s.anchors[i].Key == key {
			if name != "" {
				s.anchors[i].Name = name
			}
			return nil
		}
	}
	s.anchors = append(s.anchors, provenance.Anchor{Key: key, Name: name, Added: s.now().UTC()})
	return nil
}

// RemoveAnchor implements api.App.
func (s *Service) RemoveAnchor(ctx context.Context, key protocol.PublicKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.anchors {
		if s.anchors[i].Key == key {
			s.anchors = slices.Delete(s.anchors, i, i+1)
			return nil
		}
	}
	return api.E("remove anchor", api.ErrNotFound, fmt.Errorf("%s is not a trust anchor", key.Short()))
}

// Verify implements api.App with provenance.Verify over the fake's records
// (or, for a batch they lack, over a source added with AddSource).
func (s *Service) Verify(ctx context.Context, batch protocol.BatchID, forward bool) (*provenance.Report, error) {
	s.mu.Lock()
	var src provenance.Source = s.src
	if _, err := s.src.Get(ctx, batch.Record); err != nil {
		for _, o := range s.others {
			if _, err := o.Get(ctx, batch.Record); err == nil {
				src = o
				break
			}
		}
	}
	keys := make([]protocol.PublicKey, len(s.anchors))
	for i, a := range s.anchors {
		keys[i] = a.Key
	}
	s.mu.Unlock()
	r, err := provenance.Verify(ctx, src, batch, provenance.Options{Anchors: keys, Forward: forward})
	if err != nil {
		return nil, api.E("verify "+batch.String(), api.ErrUnavailable, err)
	}
	return r, nil
}

// Reindex implements api.App.
func (s *Service) Reindex(ctx context.Context, progress func(done, total int64)) error {
	if progress != nil {
		progress(1, 1)
	}
	return nil
}

// Check implements api.App.
func (s *Service) Check(ctx context.Context) ([]string, error) { return nil, nil }
