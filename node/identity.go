package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// identityFile is where an install keeps its organisation and device keys,
// readable by the owner only. The encrypted backup (BackupKeys) is what
// carries them to another machine.
const identityFile = "identity.json"

const identityFormat = "jejak-identity-v1"

// identity is the install's keys. The organisation key may be absent (an
// install restored from a device-only backup); its public half is then
// learnt from the device's delegation.
type identity struct {
	mu         sync.Mutex
	org        protocol.PrivateKey
	orgPub     protocol.PublicKey
	device     protocol.PrivateKey
	deviceName string
}

type identityJSON struct {
	Format     string             `json:"format"`
	Org        protocol.PublicKey `json:"org"`
	OrgSeed    []byte             `json:"org_seed,omitempty"`
	DeviceSeed []byte             `json:"device_seed"`
	DeviceName string             `json:"device_name"`
}

// keys returns the current keys.
func (id *identity) keys() (org, device protocol.PrivateKey, orgPub protocol.PublicKey) {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.org, id.device, id.orgPub
}

func (id *identity) set(org, device protocol.PrivateKey, orgPub protocol.PublicKey, name string) {
	id.mu.Lock()
	defer id.mu.Unlock()
	id.org, id.device, id.orgPub, id.deviceName = org, device, orgPub, name
}

// loadIdentity reads DataDir/identity.json; a missing file is no identity.
func loadIdentity(dir string) (*identity, error) {
	id := &identity{}
	if dir == "" {
		return id, nil
	}
	path := filepath.Join(dir, identityFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return id, nil
	}
	if err != nil {
		return nil, fmt.Errorf("identity: %w", err)
	}
	var f identityJSON
	if err := json.Unmarshal(data, &f); err != nil || f.Format != identityFormat {
		return nil, fmt.Errorf("identity: %s is damaged or not a Jejak identity file (restore it from your key backup)", path)
	}
	dev, err := protocol.PrivateKeyFromSeed(f.DeviceSeed)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: device key: %w", path, err)
	}
	var org protocol.PrivateKey
	if f.OrgSeed != nil {
		if org, err = protocol.PrivateKeyFromSeed(f.OrgSeed); err != nil || org.Public() != f.Org {
			return nil, fmt.Errorf("identity: %s: organisation key does not match its public key", path)
		}
	}
	id.set(org, dev, f.Org, f.DeviceName)
	return id, nil
}

// save writes the identity to dir atomically, mode 0600.
func (id *identity) save(dir string) error {
	if dir == "" {
		return nil
	}
	org, dev, orgPub := id.keys()
	id.mu.Lock()
	f := identityJSON{Format: identityFormat, Org: orgPub, DeviceSeed: dev.Seed(), DeviceName: id.deviceName}
	id.mu.Unlock()
	if !org.IsZero() {
		f.OrgSeed = org.Seed()
	}
	data, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(filepath.Join(dir, identityFile), data, 0o600)
}

// defaultDeviceName names this computer's device key when nobody chose a
// name: the host name, or "desk".
func defaultDeviceName() string {
	if h, err := os.Hostname(); err == nil && h != "" {
		return h
	}
	return "desk"
}

// Identity implements api.App.
func (n *Node) Identity(ctx context.Context) (api.Identity, error) {
	const op = "identity"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	org, dev, orgPub := n.id.keys()
	n.id.mu.Lock()
	out := api.Identity{Org: orgPub, HasOrgKey: !org.IsZero(), DeviceName: n.id.deviceName}
	n.id.mu.Unlock()
	if dev.IsZero() {
		return out, nil
	}
	out.Device = dev.Public()
	bk := n.book(ctx)
	if orgPub.IsZero() {
		if o, ok := bk.OrgOf(out.Device); ok {
			out.Org = o
		}
	}
	out.Ready = !out.Org.IsZero()
	if !out.Ready {
		return out, nil
	}
	if p := bk.Profile(out.Org); p != nil {
		out.Name, out.Roles, out.Country = p.Name, p.Roles, p.Country
	}
	var err error
	if out.Devices, err = n.devicesOf(ctx, bk, out.Org, out.Device); err != nil {
		return api.Identity{}, storeError(op, err)
	}
	ends, err := n.endorsementsOf(ctx, bk, out.Org)
	if err != nil {
		return api.Identity{}, storeError(op, err)
	}
	out.Endorsements = ends
	return out, nil
}

// CreateIdentity implements api.App.
func (n *Node) CreateIdentity(ctx context.Context, s api.Setup) (api.Identity, error) {
	const op = "create identity"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if _, dev, _ := n.id.keys(); !dev.IsZero() {
		return api.Identity{}, api.E(op, api.ErrConflict, errors.New("this install already has an identity"))
	}
	body := &protocol.Org{Name: s.Name, Roles: slices.Clone(s.Roles), Country: s.Country, RSPO: s.RSPO, GLN: s.GLN}
	if err := protocol.CheckDraft(body); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	if s.DeviceName == "" {
		s.DeviceName = defaultDeviceName()
	}
	if s.BackupPath != "" && len([]rune(s.Passphrase)) < protocol.MinPassphraseLength {
		return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("the backup passphrase must be at least %d characters", protocol.MinPassphraseLength))
	}
	org, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	dev, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	delegation := &protocol.Device{Key: dev.Public(), Name: s.DeviceName}
	if err := protocol.CheckDraft(delegation); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	if s.BackupPath != "" {
		keys := protocol.KeySet{"org": org, "device": dev}
		if err := saveKeyFile(s.BackupPath, s.Passphrase, keys, n.cfg.KeyWorkFactor); err != nil {
			return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("write key backup: %w", err))
		}
	}
	n.id.set(org, dev, org.Public(), s.DeviceName)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(protocol.PrivateKey{}, protocol.PrivateKey{}, protocol.PublicKey{}, "")
		return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("save keys: %w", err))
	}
	if _, err := n.publishAs(ctx, op, org, body); err != nil {
		return api.Identity{}, err
	}
	if _, err := n.publishAs(ctx, op, org, delegation); err != nil {
		return api.Identity{}, err
	}
	return n.Identity(ctx)
}

// RestoreIdentity implements api.App.
func (n *Node) RestoreIdentity(ctx context.Context, r api.Restore) (api.Identity, error) {
	const op = "restore identity"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	path := r.Path
	keys, err := loadKeyFile(path, r.Passphrase)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	org, dev := keys["org"], keys["device"]
	if org.IsZero() && dev.IsZero() {
		return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds neither an organisation nor a device key", path))
	}
	if r.NewDevice {
		if org.IsZero() {
			return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds no organisation key to delegate a new device key; restore its device key as it is, and stop using it on the computer it came from", path))
		}
		dev = protocol.PrivateKey{}
	}
	curOrg, curDev, curPub := n.id.keys()
	if !curDev.IsZero() {
		same := (!org.IsZero() && org.Public() == curPub) || (!dev.IsZero() && dev.Public() == curDev.Public())
		if !same {
			return api.Identity{}, api.E(op, api.ErrConflict, errors.New("this install already has a different identity"))
		}
		if org.IsZero() {
			org = curOrg
		}
	}
	var orgPub protocol.PublicKey
	if !org.IsZero() {
		orgPub = org.Public()
	} else if o, ok := n.book(ctx).OrgOf(dev.Public()); ok {
		orgPub = o
	}
	name := defaultDeviceName()
	newDevice := dev.IsZero()
	if newDevice {
		if dev, err = protocol.GenerateKey(nil); err != nil {
			return api.Identity{}, api.E(op, api.ErrUnavailable, err)
		}
	}
	n.id.set(org, dev, orgPub, name)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(curOrg, curDev, curPub, name)
		return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("save keys: %w", err))
	}
	if newDevice {
		if _, err := n.publishAs(ctx, op, org, &protocol.Device{Key: dev.Public(), Name: name}); err != nil {
			return api.Identity{}, err
		}
	}
	return n.Identity(ctx)
}

// BackupKeys implements api.App.
func (n *Node) BackupKeys(ctx context.Context, path, passphrase string) error {
	const op = "back up keys"
	org, dev, _ := n.id.keys()
	if dev.IsZero() && org.IsZero() {
		return api.E(op, api.ErrInvalid, errors.New("this install has no keys yet"))
	}
	if len([]rune(passphrase)) < protocol.MinPassphraseLength {
		return api.E(op, api.ErrInvalid, fmt.Errorf("the passphrase must be at least %d characters", protocol.MinPassphraseLength))
	}
	keys := protocol.KeySet{}
	if !org.IsZero() {
		keys["org"] = org
	}
	if !dev.IsZero() {
		keys["device"] = dev
	}
	if err := saveKeyFile(path, passphrase, keys, n.cfg.KeyWorkFactor); err != nil {
		return api.E(op, api.ErrUnavailable, err)
	}
	return nil
}

// RotateDevice implements api.App.
func (n *Node) RotateDevice(ctx context.Context) (api.Identity, error) {
	const op = "rotate device key"
	org, old, orgPub := n.id.keys()
	if org.IsZero() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errors.New("this install does not hold the organisation key that must sign the new delegation"))
	}
	dev, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	n.id.mu.Lock()
	name := n.id.deviceName
	n.id.mu.Unlock()
	if name == "" {
		name = defaultDeviceName()
	}
	if _, err := n.publishAs(ctx, op, org, &protocol.Device{Key: dev.Public(), Name: name}); err != nil {
		return api.Identity{}, err
	}
	n.id.set(org, dev, orgPub, name)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(org, old, orgPub, name)
		return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("save keys: %w", err))
	}
	if !old.IsZero() {
		oldPub, newPub := old.Public(), dev.Public()
		rev := &protocol.Revoke{Key: &oldPub, From: n.now().UnixMilli(), Reason: "device key rotated", Successor: &newPub}
		if _, err := n.publishAs(ctx, op, org, rev); err != nil {
			return api.Identity{}, err
		}
	}
	return n.Identity(ctx)
}

// Anchors implements api.App.
func (n *Node) Anchors(ctx context.Context) ([]provenance.Anchor, error) {
	a, err := n.anchors()
	if err != nil {
		return nil, api.E("trust anchors", api.ErrUnavailable, err)
	}
	return a.List(), nil
}

// AddAnchor implements api.App.
func (n *Node) AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error {
	const op = "add trust anchor"
	if key.IsZero() {
		return api.E(op, api.ErrInvalid, errors.New("no key"))
	}
	a, err := n.anchors()
	if err != nil {
		return api.E(op, api.ErrUnavailable, err)
	}
	if _, err := a.Add(key, name, n.now()); err != nil {
		return api.E(op, api.ErrInvalid, err)
	}
	return n.saveAnchors(op, a)
}

// RemoveAnchor implements api.App.
func (n *Node) RemoveAnchor(ctx context.Context, key protocol.PublicKey) error {
	const op = "remove trust anchor"
	a, err := n.anchors()
	if err != nil {
		return api.E(op, api.ErrUnavailable, err)
	}
	if !a.Remove(key) {
		return api.E(op, api.ErrNotFound, fmt.Errorf("%s is not a trust anchor", key))
	}
	return n.saveAnchors(op, a)
}

const anchorsFile = "anchors.json"

// anchors returns the trust anchors, loading them from the data folder on
// first use.
func (n *Node) anchors() (*provenance.Anchors, error) {
	n.anchorsMu.Lock()
	defer n.anchorsMu.Unlock()
	if n.anchorList != nil {
		return n.anchorList, nil
	}
	if n.cfg.DataDir == "" {
		n.anchorList = &provenance.Anchors{}
		return n.anchorList, nil
	}
	data, err := os.ReadFile(filepath.Join(n.cfg.DataDir, anchorsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("trust anchors: %w", err)
	}
	a, err := provenance.ParseAnchors(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, filepath.Join(n.cfg.DataDir, anchorsFile))
	}
	n.anchorList = a
	return a, nil
}

func (n *Node) saveAnchors(op string, a *provenance.Anchors) error {
	if n.cfg.DataDir == "" {
		return nil
	}
	data, err := a.Encode()
	if err == nil {
		err = atomicfile.Write(filepath.Join(n.cfg.DataDir, anchorsFile), data, 0o600)
	}
	if err != nil {
		return api.E(op, api.ErrUnavailable, err)
	}
	return nil
}
