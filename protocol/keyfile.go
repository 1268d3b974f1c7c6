package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"

	"filippo.io/age"
	"filippo.io/age/armor"
)

// Key file errors, for errors.Is.
var (
	// ErrWrongPassphrase means the key file opened but the passphrase is
	// not the one it was saved with.
	ErrWrongPassphrase = errors.New("wrong passphrase")
	// ErrKeyFileDamaged means the file is not a Jejak key file, or it was
	// cut short or changed.
	ErrKeyFileDamaged = errors.New("key file damaged or not a Jejak key file")
)

// MinPassphraseLength is the shortest passphrase SaveKeyFile accepts.
const MinPassphraseLength = 8

// DefaultScryptWorkFactor is the scrypt cost (log2 N) of new key files when
// EncryptKeys is given 0: 17 takes about half a second and 128 MiB (scrypt
// with r = 8 holds 128·r·N bytes), the minimum OWASP recommends. It was
// 18, age's default, whose 256 MiB alone exceeded a desktop node's memory
// budget (200 MiB, measured by jejak-node bench) while it wrote a backup.
// Files record their own factor, so a lower one never breaks reading
// older files, and opening a file of factor 18 still takes 256 MiB.
const DefaultScryptWorkFactor = 17

// MinScryptWorkFactor and MaxScryptWorkFactor bound the factor EncryptKeys
// accepts. Below 10 a passphrase falls to guessing at once; above 22 age
// refuses to open the file by default.
const (
	MinScryptWorkFactor = 10
	MaxScryptWorkFactor = 22
)

const keyFileFormat = "jejak-keys-v1"

// KeySet is a set of named private keys kept in one key file, such as
// {"org": …, "device": …}.
type KeySet map[string]PrivateKey

type keyFileJSON struct {
	Format string       `json:"format"`
	Keys   []keyFileKey `json:"keys"`
}

type keyFileKey struct {
	Name   string    `json:"name"`
	Public PublicKey `json:"public"`
	Seed   []byte    `json:"seed"`
}

// EncryptKeys writes keys to w, encrypted with passphrase (age, scrypt
// recipient with cost workFactor, ASCII armour). A workFactor of 0 means
// DefaultScryptWorkFactor.
func EncryptKeys(w io.Writer, passphrase string, keys KeySet, workFactor int) error {
	if workFactor == 0 {
		workFactor = DefaultScryptWorkFactor
	}
	if workFactor < MinScryptWorkFactor || workFactor > MaxScryptWorkFactor {
		return fmt.Errorf("protocol: key file: scrypt work factor %d: want %d to %d", workFactor, MinScryptWorkFactor, MaxScryptWorkFactor)
	}
	if len([]rune(passphrase)) < MinPassphraseLength {
		return fmt.Errorf("protocol: key file: passphrase must be at least %d characters", MinPassphraseLength)
	}
	if len(keys) == 0 {
		return fmt.Errorf("protocol: key file: no keys to save")
	}
	doc := keyFileJSON{Format: keyFileFormat}
	for name, k := range keys {
		if name == "" || k.IsZero() {
			return fmt.Errorf("protocol: key file: key %q is empty", name)
		}
		doc.Keys = append(doc.Keys, keyFileKey{Name: name, Public: k.Public(), Seed: k.Seed()})
	}
	sort.Slice(doc.Keys, func(i, j int) bool { return doc.Keys[i].Name < doc.Keys[j].Name })
	plain, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	r, err := age.NewScryptRecipient(passphrase)
	if err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	r.SetWorkFactor(workFactor)
	aw := armor.NewWriter(w)
	ew, err := age.Encrypt(aw, r)
	if err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	if _, err := ew.Write(plain); err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	if err := ew.Close(); err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	if err := aw.Close(); err != nil {
		return fmt.Errorf("protocol: key file: %w", err)
	}
	return nil
}

// DecryptKeys reads keys written by EncryptKeys. A wrong passphrase gives
// ErrWrongPassphrase; anything that is not an intact key file gives
// ErrKeyFileDamaged.
func DecryptKeys(r io.Reader, passphrase string) (KeySet, error) {
	id, err := age.NewScryptIdentity(passphrase)
	if err != nil {
		return nil, fmt.Errorf("protocol: key file: %w", err)
	}
	dr, err := age.Decrypt(armor.NewReader(r), id)
	if err != nil {
		var noMatch *age.NoIdentityMatchError
		if errors.As(err, &noMatch) {
			return nil, fmt.Errorf("protocol: key file: %w", ErrWrongPassphrase)
		}
		return nil, fmt.Errorf("protocol: key file: %w (%v)", ErrKeyFileDamaged, err)
	}
	plain, err := io.ReadAll(io.LimitReader(dr, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("protocol: key file: %w (%v)", ErrKeyFileDamaged, err)
	}
	var doc keyFileJSON
	dec := json.NewDecoder(bytes.NewReader(plain))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil || doc.Format != keyFileFormat {
		return nil, fmt.Errorf("protocol: key file: %w (unexpected contents)", ErrKeyFileDamaged)
	}
	keys := KeySet{}
	for _, k := range doc.Keys {
		pk, err := PrivateKeyFromSeed(k.Seed)
		if err != nil || pk.Public() != k.Public || k.Name == "" {
			return nil, fmt.Errorf("protocol: key file: %w (key %q does not match its public key)", ErrKeyFileDamaged, k.Name)
		}
		keys[k.Name] = pk
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("protocol: key file: %w (no keys)", ErrKeyFileDamaged)
	}
	return keys, nil
}
