package node

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// The organisation key at rest: identity.json keeps it as a key file (the
// key set {"org"}, encrypted with the organisation passphrase by
// protocol.EncryptKeys at the install's scrypt work factor). It is
// decrypted for one operation, which wipes it when done; it is never kept
// decrypted in memory.

// sealedPrefix starts every sealed organisation key (age's ASCII armour).
const sealedPrefix = "-----BEGIN AGE ENCRYPTED FILE-----"

// orgKeyName is the organisation key's name in a key set.
const orgKeyName = "org"

// Why an operation that signs as the organisation cannot.
var (
	errNoOrgKey           = errors.New("this install does not hold the organisation key: sign from an install that does, or restore it from the key backup")
	errNoOrgPassphrase    = errors.New("the organisation key is encrypted: give the organisation passphrase")
	errWrongOrgPassphrase = errors.New("wrong organisation passphrase (forgotten? set a new one from the key backup)")
)

// sealOrg encrypts the organisation key with passphrase.
func sealOrg(org protocol.PrivateKey, passphrase string, workFactor int) ([]byte, error) {
	var b bytes.Buffer
	if err := protocol.EncryptKeys(&b, passphrase, protocol.KeySet{orgKeyName: org}, workFactor); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// checkNewPassphrase says what is wrong with a passphrase about to protect
// something (what: "organisation", "backup").
func checkNewPassphrase(what, p string) error {
	if len([]rune(p)) < protocol.MinPassphraseLength {
		if p == "" {
			return fmt.Errorf("an %s passphrase is needed (at least %d characters)", what, protocol.MinPassphraseLength)
		}
		return fmt.Errorf("the %s passphrase must be at least %d characters", what, protocol.MinPassphraseLength)
	}
	return nil
}

// errSamePassphrase is why a backup may not share the organisation
// passphrase.
var errSamePassphrase = errors.New("the backup passphrase must differ from the organisation passphrase: the backup is how a forgotten organisation passphrase is recovered, and with one passphrase forgetting it loses both")

// unlock returns the organisation key of st for op: the unprotected key as
// it is, or the sealed key decrypted with passphrase. The caller wipes a
// decrypted key when done (see release). Errors are *api.Error: no key
// (ErrUnavailable), a missing or wrong passphrase (ErrLocked).
func (st idState) unlock(op, passphrase string) (key protocol.PrivateKey, decrypted bool, err error) {
	switch {
	case !st.org.IsZero():
		return st.org, false, nil
	case len(st.orgSealed) == 0:
		return protocol.PrivateKey{}, false, api.E(op, api.ErrUnavailable, errNoOrgKey)
	case passphrase == "":
		return protocol.PrivateKey{}, false, api.E(op, api.ErrLocked, errNoOrgPassphrase)
	}
	keys, err := protocol.DecryptKeys(bytes.NewReader(st.orgSealed), passphrase)
	switch {
	case errors.Is(err, protocol.ErrWrongPassphrase):
		return protocol.PrivateKey{}, false, api.E(op, api.ErrLocked, errWrongOrgPassphrase)
	case err != nil:
		return protocol.PrivateKey{}, false, api.E(op, api.ErrUnavailable, fmt.Errorf("%s: the encrypted organisation key: %w (restore it from the key backup)", identityFile, err))
	}
	org := keys[orgKeyName]
	if org.IsZero() || org.Public() != st.orgPub {
		for _, k := range keys {
			k.Wipe()
		}
		return protocol.PrivateKey{}, false, api.E(op, api.ErrUnavailable, fmt.Errorf("%s: the encrypted organisation key is not the organisation's (restore it from the key backup)", identityFile))
	}
	return org, true, nil
}

// unlockOrg returns this install's organisation key for op, and a release
// function the caller defers: it wipes a key that was decrypted for op.
func (n *Node) unlockOrg(op, passphrase string) (protocol.PrivateKey, func(), error) {
	key, decrypted, err := n.id.state().unlock(op, passphrase)
	if err != nil {
		return protocol.PrivateKey{}, func() {}, err
	}
	return key, func() {
		if decrypted {
			key.Wipe()
		}
	}, nil
}

// SetOrgPassphrase implements api.App.
func (n *Node) SetOrgPassphrase(ctx context.Context, p api.OrgPassphrase) (api.Identity, error) {
	const op = "set organisation passphrase"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if err := checkNewPassphrase("organisation", p.New); err != nil {
		return api.Identity{}, api.E(op, api.ErrInvalid, err)
	}
	// One change of the identity at a time.
	n.publishMu.Lock()
	defer n.publishMu.Unlock()
	cur := n.id.state()
	if cur.device.IsZero() {
		return api.Identity{}, api.E(op, api.ErrInvalid, errors.New("this install has no identity yet"))
	}
	var org protocol.PrivateKey
	if p.BackupPath != "" {
		if p.New == p.BackupPassphrase {
			return api.Identity{}, api.E(op, api.ErrInvalid, errSamePassphrase)
		}
		keys, err := loadKeyFile(p.BackupPath, p.BackupPassphrase)
		if err != nil {
			return api.Identity{}, api.E(op, api.ErrInvalid, err)
		}
		defer func() {
			for _, k := range keys {
				k.Wipe()
			}
		}()
		org = keys[orgKeyName]
		switch {
		case org.IsZero():
			return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds no organisation key", p.BackupPath))
		case org.Public() != cur.orgPub:
			return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s holds the key of another organisation (%s, not this install's %s)", p.BackupPath, org.Public().Short(), cur.orgPub.Short()))
		}
	} else {
		key, decrypted, err := cur.unlock(op, p.Old)
		if err != nil {
			return api.Identity{}, err
		}
		if decrypted {
			defer key.Wipe()
		}
		org = key
	}
	sealed, err := sealOrg(org, p.New, n.cfg.KeyWorkFactor)
	if err != nil {
		return api.Identity{}, api.E(op, api.ErrUnavailable, err)
	}
	next := cur
	next.org, next.orgSealed = protocol.PrivateKey{}, sealed
	n.id.set(next)
	if err := n.id.save(n.cfg.DataDir); err != nil {
		n.id.set(cur)
		return api.Identity{}, api.E(op, api.ErrUnavailable, fmt.Errorf("save keys: %w", err))
	}
	return n.Identity(ctx)
}

// RevokeDevice implements api.App.
func (n *Node) RevokeDevice(ctx context.Context, r api.DeviceRevocation) (api.Identity, error) {
	const op = "revoke device key"
	if n.closed() {
		return api.Identity{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if strings.TrimSpace(r.Reason) == "" {
		return api.Identity{}, api.E(op, api.ErrInvalid, errors.New("say why the key is withdrawn (the reason is part of the record)"))
	}
	id, err := n.Identity(ctx)
	if err != nil {
		return api.Identity{}, err
	}
	if !id.Ready {
		return api.Identity{}, api.E(op, api.ErrInvalid, errors.New("this install has no identity yet"))
	}
	if r.Key == id.Device {
		return api.Identity{}, api.E(op, api.ErrInvalid, fmt.Errorf("%s is this computer's own device key: rotate it instead, which delegates a new key first", r.Key.Short()))
	}
	if !slices.ContainsFunc(id.Devices, func(d api.Device) bool { return d.Key == r.Key }) {
		return api.Identity{}, api.E(op, api.ErrNotFound, fmt.Errorf("%s is not a device key of %s", r.Key, id.Name))
	}
	from := r.From
	if from.IsZero() {
		from = n.now()
	}
	org, release, err := n.unlockOrg(op, r.OrgPassphrase)
	if err != nil {
		return api.Identity{}, err
	}
	defer release()
	key := r.Key
	if _, err := n.publishAs(ctx, op, org, &protocol.Revoke{Key: &key, From: from.UnixMilli(), Reason: r.Reason}); err != nil {
		return api.Identity{}, err
	}
	return n.Identity(ctx)
}
