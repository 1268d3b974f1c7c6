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
	"strings"
	"sync"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// identityFile is where an install keeps its organisation and device keys,
// readable by the owner only: the device key as it is, the organisation key
// encrypted with the organisation passphrase (orgkey.go). The encrypted
// backup (BackupKeys) is what carries them to another machine.
const identityFile = "identity.json"

// Identity file formats. Version 1 held the organisation key's seed in
// plain text; it is still read (and written again only while the key stays
// unprotected). Version 2 holds it encrypted, or not at all.
const (
	identityFormatV1 = "jejak-identity-v1"
	identityFormat   = "jejak-identity-v2"
)

// identity is the install's keys. The organisation key may be absent (an
// install restored from a device-only backup); its public half is then
// learnt from the device's delegation. When present it is either sealed
// (encrypted at rest, unlocked per operation by unlockOrg) or, on an
// install from before keys were encrypted or given in Config.OrgKey, held
// unprotected in org.
type identity struct {
	mu         sync.Mutex
	org        protocol.PrivateKey // the unprotected organisation key, if any
	orgSealed  []byte              // the organisation key encrypted with its passphrase, if any
	orgPub     protocol.PublicKey
	device     protocol.PrivateKey
	deviceName string
}

// idState is a copy of an identity's fields, to change them together and
// put them back when saving fails.
type idState struct {
	org        protocol.PrivateKey
	orgSealed  []byte
	orgPub     protocol.PublicKey
	device     protocol.PrivateKey
	deviceName string
}

// hasOrg reports whether the state holds the organisation key, sealed or
// not.
func (s idState) hasOrg() bool { return !s.org.IsZero() || len(s.orgSealed) > 0 }

type identityJSON struct {
	Format     string             `json:"format"`
	Org        protocol.PublicKey `json:"org"`
	OrgSeed    []byte             `json:"org_seed,omitempty"`   // format 1 only
	OrgSealed  string             `json:"org_sealed,omitempty"` // format 2: an age file of the key set {"org"}
	DeviceSeed []byte             `json:"device_seed"`
	DeviceName string             `json:"device_name"`
}

// keys returns the device key and the organisation's public key.
func (id *identity) keys() (device protocol.PrivateKey, orgPub protocol.PublicKey) {
	id.mu.Lock()
	defer id.mu.Unlock()
	return id.device, id.orgPub
}

func (id *identity) state() idState {
	id.mu.Lock()
	defer id.mu.Unlock()
	return idState{org: id.org, orgSealed: id.orgSealed, orgPub: id.orgPub, device: id.device, deviceName: id.deviceName}
}

func (id *identity) set(s idState) {
	id.mu.Lock()
	defer id.mu.Unlock()
	id.org, id.orgSealed, id.orgPub, id.device, id.deviceName = s.org, s.orgSealed, s.orgPub, s.device, s.deviceName
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
	if err := json.Unmarshal(data, &f); err != nil || (f.Format != identityFormat && f.Format != identityFormatV1) {
		return nil, fmt.Errorf("identity: %s is damaged or not a Jejak identity file (restore it from your key backup)", path)
	}
	dev, err := protocol.PrivateKeyFromSeed(f.DeviceSeed)
	if err != nil {
		return nil, fmt.Errorf("identity: %s: device key: %w", path, err)
	}
	st := idState{device: dev, orgPub: f.Org, deviceName: f.DeviceName}
	switch {
	case f.Format == identityFormatV1 && f.OrgSeed != nil:
		if st.org, err = protocol.PrivateKeyFromSeed(f.OrgSeed); err != nil || st.org.Public() != f.Org {
			return nil, fmt.Errorf("identity: %s: organisation key does not match its public key", path)
		}
	case f.Format == identityFormat && f.OrgSeed != nil:
		return nil, fmt.Errorf("identity: %s: a plain organisation key in a format 2 file (restore it from your key backup)", path)
	case f.OrgSealed != "":
		if f.Org.IsZero() || !strings.HasPrefix(f.OrgSealed, sealedPrefix) {
			return nil, fmt.Errorf("identity: %s: the encrypted organisation key is damaged (restore it from your key backup)", path)
		}
		st.orgSealed = []byte(f.OrgSealed)
	}
	id.set(st)
	return id, nil
}

// save writes the identity to dir atomically, mode 0600: format 2, unless
// the organisation key is still unprotected.
func (id *identity) save(dir string) error {
	if dir == "" {
		return nil
	}
	st := id.state()
	f := identityJSON{Format: identityFormat, Org: st.orgPub, DeviceSeed: st.device.Seed(), DeviceName: st.deviceName}
	switch {
	case len(st.orgSealed) > 0:
		f.OrgSealed = string(st.orgSealed)
	case !st.org.IsZero():
		f.Format, f.OrgSeed = identityFormatV1, st.org.Seed()
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
	st := n.id.state()
	dev := st.device
	out := api.Identity{Org: st.orgPub, HasOrgKey: st.hasOrg(), OrgKeyProtected: len(st.orgSealed) > 0, DeviceName: st.deviceName}
	out.LabelResolver, out.LabelResolverDefault, out.GTINs = n.labelSettings()
	if dev.IsZero() {
		return out, nil
	}
	out.Device = dev.Public()
	bk := n.book(ctx)
	if st.orgPub.IsZero() {
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
	if dev, _ := n.id.keys(); !dev.IsZero() {
		return api.Identity{}, api.E(op, api.ErrConflict, errors.New("this install already has an identity"))
	}
	body := &protocol.Org{Name: s.Name, Roles: slices.Clone(s.Roles), Country: s.Country, RSPO: s.RSPO, GLN: s.GLN}
	if err := protocol.CheckDraft(body); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	if s.DeviceName == "" {
		s.DeviceName = defaultDeviceName()
	}
	if err := checkNewPassphrase("organisation", s.OrgPassphrase); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	if s.BackupPath != "" {
		if err := checkNewPassphrase("backup", s.Passphrase); err != nil {
			return api.Identity{}, api.E(op, api.ErrInvalid, err)
		}
		if s.Passphrase == s.OrgPassphrase {
			return api.Identity{}, api.E(op, api.ErrInvalid, errSamePassphrase)
		}
	}
	org, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	defer org.Wipe()
	dev, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	delegation := &protocol.Device{Key: dev.Public(), Name: s.DeviceName}
	if err := protocol.CheckDraft(delegation); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	sealed, err := sealOrg(org, s.OrgPassphrase, n.cfg.KeyWorkFactor)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	if s.BackupPath != "" {
		keys := protocol.KeySet{orgKeyName: org, "device": dev}
		if err := saveKeyFile(s.BackupPath, s.Passphrase, keys, n.cfg.KeyWorkFactor); err != nil {
			return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("write key backup: %w", err))
		}
	}
	n.id.set(idState{orgSealed: sealed, orgPub: org.Public(), device: dev, deviceName: s.DeviceName})
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(idState{})
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
	org, dev := keys[orgKeyName], keys["device"]
	defer org.Wipe()
	if org.IsZero() && dev.IsZero() {
		return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds neither an organisation nor a device key", path))
	}
	if r.NewDevice {
		if org.IsZero() {
			return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds no organisation key to delegate a new device key; restore its device key as it is, and stop using it on the computer it came from", path))
		}
		dev = protocol.PrivateKey{}
	}
	var sealed []byte
	if !org.IsZero() {
		if r.OrgPassphrase == "" {
			return api.Identity{}, api.E(op, api.ErrLocked, fmt.Errorf("%s holds the organisation key, which this install keeps encrypted: choose an organisation passphrase (at least %d characters)", path, protocol.MinPassphraseLength))
		}
		if err := checkNewPassphrase("organisation", r.OrgPassphrase); err != nil {
			return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds the organisation key, which this install keeps encrypted: %w", path, err))
		}
		if r.OrgPassphrase == r.Passphrase {
			return api.Identity{}, api.E(op, api.ErrInvalid, errSamePassphrase)
		}
	}
	cur := n.id.state()
	if !cur.device.IsZero() {
		same := (!org.IsZero() && org.Public() == cur.orgPub) || (!dev.IsZero() && dev.Public() == cur.device.Public())
		if !same {
			return api.Identity{}, api.E(op, api.ErrConflict, errors.New("this install already has a different identity"))
		}
	}
	next := idState{orgPub: cur.orgPub, org: cur.org, orgSealed: cur.orgSealed, deviceName: defaultDeviceName()}
	if !org.IsZero() {
		if sealed, err = sealOrg(org, r.OrgPassphrase, n.cfg.KeyWorkFactor); err != nil {
			return api.Identity{}, api.E(op, api.ErrUnavailable, err)
		}
		next.org, next.orgSealed, next.orgPub = protocol.PrivateKey{}, sealed, org.Public()
	} else if cur.device.IsZero() {
		next.orgPub = protocol.PublicKey{}
		if o, ok := n.book(ctx).OrgOf(dev.Public()); ok {
			next.orgPub = o
		}
	}
	newDevice := dev.IsZero()
	if newDevice {
		if dev, err = protocol.GenerateKey(nil); err != nil {
			return api.Identity{}, api.E(op, api.ErrUnavailable, err)
		}
	}
	next.device = dev
	n.id.set(next)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(cur)
		return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("save keys: %w", err))
	}
	if newDevice {
		if _, err := n.publishAs(ctx, op, org, &protocol.Device{Key: dev.Public(), Name: next.deviceName}); err != nil {
			return api.Identity{}, err
		}
	}
	return n.Identity(ctx)
}

// BackupKeys implements api.App.
func (n *Node) BackupKeys(ctx context.Context, b api.Backup) error {
	const op = "back up keys"
	st := n.id.state()
	if st.device.IsZero() && !st.hasOrg() {
		return api.E(op, api.ErrInvalid, errors.New("this install has no keys yet"))
	}
	if err := checkNewPassphrase("backup", b.Passphrase); err != nil {
		return api.E(op, api.ErrInvalid, err)
	}
	keys := protocol.KeySet{}
	if st.hasOrg() {
		if b.Passphrase == b.OrgPassphrase {
			return api.E(op, api.ErrInvalid, errSamePassphrase)
		}
		org, release, err := n.unlockOrg(op, b.OrgPassphrase)
		if err != nil {
			return err
		}
		defer release()
		keys[orgKeyName] = org
	}
	if !st.device.IsZero() {
		keys["device"] = st.device
	}
	if err := saveKeyFile(b.Path, b.Passphrase, keys, n.cfg.KeyWorkFactor); err != nil {
		return api.E(op, api.ErrUnavailable, err)
	}
	return nil
}

// RotateDevice implements api.App.
func (n *Node) RotateDevice(ctx context.Context, orgPassphrase string) (api.Identity, error) {
	const op = "rotate device key"
	org, release, err := n.unlockOrg(op, orgPassphrase)
	if err != nil {
		if errors.Is(err, api.ErrUnavailable) {
			err = api.E(op, api.ErrUnavailable, errors.New("this install does not hold the organisation key that must sign the new delegation"))
		}
		return api.Identity{}, err
	}
	defer release()
	dev, err := protocol.GenerateKey(nil)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	cur := n.id.state()
	old, name := cur.device, cur.deviceName
	if name == "" {
		name = defaultDeviceName()
	}
	if _, err := n.publishAs(ctx, op, org, &protocol.Device{Key: dev.Public(), Name: name}); err != nil {
		return api.Identity{}, err
	}
	next := cur
	next.device, next.deviceName = dev, name
	n.id.set(next)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(cur)
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
	a, err := ReadAnchors(n.cfg.DataDir)
	if err != nil {
		return nil, err
	}
	n.anchorList = a
	return a, nil
}

// ReadAnchors reads the trust anchors saved in the data folder dir, without
// opening its store (none when there is no file): for checks that need
// nothing else, such as a capsule's.
func ReadAnchors(dir string) (*provenance.Anchors, error) {
	data, err := os.ReadFile(filepath.Join(dir, anchorsFile))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("trust anchors: %w", err)
	}
	a, err := provenance.ParseAnchors(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, filepath.Join(dir, anchorsFile))
	}
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

// labelResolver is the host labels name: the one configured, else the host
// name of the first relay or bootstrap peer given by name (/dns, /dns4,
// /dns6), else none (labels carry the bare batch ID). The caller holds
// labelsMu.
func (n *Node) labelResolver() string {
	if n.cfg.LabelResolver != "" {
		return n.cfg.LabelResolver
	}
	for _, a := range append(append([]string{}, n.cfg.Net.Relays...), n.cfg.Net.Bootstrap...) {
		parts := strings.Split(a, "/")
		for i := 0; i+1 < len(parts); i++ {
			if parts[i] == "dns" || parts[i] == "dns4" || parts[i] == "dns6" {
				if protocol.CheckResolver(parts[i+1]) == nil {
					return parts[i+1]
				}
			}
		}
	}
	return ""
}
