package protocol

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
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

// ScryptWorkFactor is the scrypt cost (log2 N) for new key files: 18 takes
// about a second on a desktop. Tests may lower it; files record their own
// factor, so lowering it never breaks reading older files.
var ScryptWorkFactor = 18

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
// recipient, ASCII armour).
func EncryptKeys(w io.Writer, passphrase string, keys KeySet) error {
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
	r.SetWorkFactor(ScryptWorkFactor)
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

// SaveKeyFile writes keys encrypted with passphrase to path, readable by the
// owner only. It writes a temporary file, syncs it and renames it into
// place, so path holds either the old file or the whole new one.
func SaveKeyFile(path, passphrase string, keys KeySet) error {
	var buf bytes.Buffer
	if err := EncryptKeys(&buf, passphrase, keys); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".keyfile-*")
	if err != nil {
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	tmp := f.Name()
	ok := false
	defer func() {
		if !ok {
			os.Remove(tmp)
		}
	}()
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("protocol: save key file %s: %w", path, err)
	}
	ok = true
	if d, err := os.Open(dir); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// LoadKeyFile reads a key file written by SaveKeyFile. Errors name the file
// and wrap ErrWrongPassphrase, ErrKeyFileDamaged or the file system's error.
func LoadKeyFile(path, passphrase string) (KeySet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("protocol: load key file: %w", err)
	}
	defer f.Close()
	keys, err := DecryptKeys(io.LimitReader(f, 1<<20), passphrase)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
	}
	return keys, nil
}
