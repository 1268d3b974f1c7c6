package protocol

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base32"
	"fmt"
	"io"
	"strings"

	"github.com/hdevalence/ed25519consensus"
)

// KeyPrefix starts the text form of every public key.
const KeyPrefix = "ed25519:"

var keyEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// PublicKey is an Ed25519 public key: an organisation key, a device key or a
// certifier's key. It is comparable and can be a map key. The zero key is
// not a valid key.
type PublicKey [ed25519.PublicKeySize]byte

// PrivateKey is an Ed25519 private key. Keep it in memory only as long as
// needed and on disk only in a key file (see SaveKeyFile).
type PrivateKey struct{ k ed25519.PrivateKey }

// GenerateKey makes a new private key from rand, or from crypto/rand when
// rand is nil.
func GenerateKey(r io.Reader) (PrivateKey, error) {
	if r == nil {
		r = rand.Reader
	}
	_, k, err := ed25519.GenerateKey(r)
	if err != nil {
		return PrivateKey{}, fmt.Errorf("protocol: generate key: %w", err)
	}
	return PrivateKey{k}, nil
}

// PrivateKeyFromSeed returns the private key for a 32-byte seed.
func PrivateKeyFromSeed(seed []byte) (PrivateKey, error) {
	if len(seed) != ed25519.SeedSize {
		return PrivateKey{}, fmt.Errorf("protocol: private key seed is %d bytes, want %d", len(seed), ed25519.SeedSize)
	}
	return PrivateKey{ed25519.NewKeyFromSeed(seed)}, nil
}

// Seed returns the 32-byte seed the key is made from.
func (k PrivateKey) Seed() []byte { return k.k.Seed() }

// IsZero reports whether k holds no key.
func (k PrivateKey) IsZero() bool { return len(k.k) == 0 }

// Public returns the public half of k.
func (k PrivateKey) Public() PublicKey {
	var p PublicKey
	copy(p[:], k.k[32:])
	return p
}

// sign signs msg with crypto/ed25519 (RFC 8032). Every signature it makes
// verifies under the ZIP-215 rule that Verify applies.
func (k PrivateKey) sign(msg []byte) []byte { return ed25519.Sign(k.k, msg) }

// Verify reports whether sig is p's signature of msg under the ZIP-215 rule
// (see "Signatures" in the package documentation): the cofactored
// verification equation, S must be canonical, and p and R may be any
// encoding of a curve point. BatchVerifier applies exactly the same rule.
func (p PublicKey) Verify(msg, sig []byte) bool {
	return ed25519consensus.Verify(p[:], msg, sig)
}

// IsZero reports whether p is all zeroes (no key).
func (p PublicKey) IsZero() bool { return p == PublicKey{} }

// String returns "ed25519:" followed by the key in lower-case base32.
func (p PublicKey) String() string {
	return KeyPrefix + strings.ToLower(keyEncoding.EncodeToString(p[:]))
}

// Short returns a shortened form for people: the prefix and 8 characters.
func (p PublicKey) Short() string { return p.String()[:len(KeyPrefix)+8] + "…" }

// ParsePublicKey reads a key in the form String writes, in either case.
func ParsePublicKey(s string) (PublicKey, error) {
	s = strings.TrimSpace(s)
	if len(s) < len(KeyPrefix) || !strings.EqualFold(s[:len(KeyPrefix)], KeyPrefix) {
		return PublicKey{}, fmt.Errorf("protocol: parse key %q: must start with %q", s, KeyPrefix)
	}
	text := strings.ToUpper(s[len(KeyPrefix):])
	b, err := keyEncoding.DecodeString(text)
	if err != nil {
		return PublicKey{}, fmt.Errorf("protocol: parse key %q: not base32: %v", s, err)
	}
	if len(b) != ed25519.PublicKeySize {
		return PublicKey{}, fmt.Errorf("protocol: parse key %q: %d bytes, want %d", s, len(b), ed25519.PublicKeySize)
	}
	// The last character carries 4 unused bits; base32 ignores them, so
	// without this check 16 spellings would name one key.
	if keyEncoding.EncodeToString(b) != text {
		return PublicKey{}, fmt.Errorf("protocol: parse key %q: not the canonical spelling of a key (check the last character)", s)
	}
	var p PublicKey
	copy(p[:], b)
	if p.IsZero() {
		return PublicKey{}, fmt.Errorf("protocol: parse key %q: all zero", s)
	}
	return p, nil
}

// MarshalText implements encoding.TextMarshaler. The zero key (no key)
// is written as the empty string.
func (p PublicKey) MarshalText() ([]byte, error) {
	if p.IsZero() {
		return []byte{}, nil
	}
	return []byte(p.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. The empty string, and
// the text form of the all-zero key, read as the zero key.
func (p *PublicKey) UnmarshalText(b []byte) error {
	if len(b) == 0 || string(b) == (PublicKey{}).String() {
		*p = PublicKey{}
		return nil
	}
	v, err := ParsePublicKey(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// MarshalCBOR encodes p as a 32-byte byte string.
func (p PublicKey) MarshalCBOR() ([]byte, error) { return encMode.Marshal(p[:]) }

// UnmarshalCBOR decodes a 32-byte byte string.
func (p *PublicKey) UnmarshalCBOR(data []byte) error {
	var b []byte
	if err := decMode.Unmarshal(data, &b); err != nil {
		return err
	}
	if len(b) != ed25519.PublicKeySize {
		return fmt.Errorf("public key is %d bytes, want %d", len(b), ed25519.PublicKeySize)
	}
	copy(p[:], b)
	return nil
}

// Wipe overwrites k's bytes with zeroes, so an unlocked key does not
// linger in memory once the operation that needed it is done. k and every
// copy of it are unusable afterwards.
func (k PrivateKey) Wipe() { clear(k.k) }
