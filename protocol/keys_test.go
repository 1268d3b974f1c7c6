package protocol_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

func TestPublicKeyText(t *testing.T) {
	pub := prototest.Key("mill-org").Public()
	s := pub.String()
	if !strings.HasPrefix(s, "ed25519:") || len(s) != len("ed25519:")+52 || strings.ToLower(s) != s {
		t.Fatalf("String() = %q, want ed25519: and 52 lower-case base32 characters", s)
	}
	for _, tc := range []struct {
		name string
		in   string
		err  string // "" when it parses to pub
	}{
		{name: "canonical", in: s},
		{name: "upper case", in: strings.ToUpper(s)},
		{name: "white space", in: " " + s + "\n"},
		{name: "no prefix", in: s[len("ed25519:"):], err: `must start with "ed25519:"`},
		{name: "other algorithm", in: "secp256k1:" + s[len("ed25519:"):], err: `must start with "ed25519:"`},
		{name: "empty", in: "", err: `must start with "ed25519:"`},
		{name: "one character short", in: s[:len(s)-1], err: "30 bytes, want 32"},
		{name: "one character long", in: s + "a", err: "33 bytes, want 32"},
		{name: "not base32", in: s[:len(s)-2] + "1q", err: "not base32"},
		{name: "padded", in: s + "====", err: "not base32"},
		{name: "all zero", in: protocol.PublicKey{}.String(), err: "all zero"},
		// The last character has 4 bits that do not belong to the key; only
		// one spelling of a key is accepted, so text forms compare.
		{name: "unused bits set", in: s[:len(s)-1] + "r", err: "not the canonical spelling of a key"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.ParsePublicKey(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "protocol: parse key ") {
					t.Fatalf("ParsePublicKey(%q) = %v, %v; want an error saying %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != pub {
				t.Fatalf("ParsePublicKey(%q) = %v, %v; want %v", tc.in, got, err, pub)
			}
		})
	}
	if !strings.HasSuffix(s, "q") {
		t.Fatalf("test assumes %s ends in q, whose unused bits are zero", s)
	}
}

func TestPublicKeyRoundTrip(t *testing.T) {
	for _, name := range vectorKeyNames {
		t.Run(name, func(t *testing.T) {
			pub := prototest.Key(name).Public()
			got, err := protocol.ParsePublicKey(pub.String())
			if err != nil || got != pub {
				t.Fatalf("ParsePublicKey(String()) = %v, %v; want %v", got, err, pub)
			}
			j, err := json.Marshal(struct{ Key protocol.PublicKey }{pub})
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(j, []byte(`"`+pub.String()+`"`)) {
				t.Fatalf("JSON %s does not hold the text form", j)
			}
			var back struct{ Key protocol.PublicKey }
			if err := json.Unmarshal(j, &back); err != nil || back.Key != pub {
				t.Fatalf("JSON round trip: %v, %v", back.Key, err)
			}
			if short := pub.Short(); !strings.HasPrefix(pub.String(), strings.TrimSuffix(short, "…")) {
				t.Fatalf("Short() = %q is not a prefix of %q", short, pub)
			}
		})
	}
}

func TestPrivateKeys(t *testing.T) {
	seed := sha256.Sum256([]byte("a seed"))
	k, err := protocol.PrivateKeyFromSeed(seed[:])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(k.Seed(), seed[:]) {
		t.Fatal("Seed() does not return the seed")
	}
	// GenerateKey reads its seed from the reader, so a fixed reader gives
	// the same key.
	g, err := protocol.GenerateKey(bytes.NewReader(seed[:]))
	if err != nil || g.Public() != k.Public() {
		t.Fatalf("GenerateKey from the same seed: %v, %v", g.Public(), err)
	}
	if r, err := protocol.GenerateKey(nil); err != nil || r.Public() == k.Public() || r.IsZero() {
		t.Fatalf("GenerateKey(nil) = %v, %v", r.Public(), err)
	}
	if _, err := protocol.GenerateKey(bytes.NewReader(seed[:10])); err == nil {
		t.Fatal("GenerateKey from a short reader: no error")
	}
	for _, n := range []int{0, 31, 33, 64} {
		if _, err := protocol.PrivateKeyFromSeed(make([]byte, n)); err == nil || !strings.Contains(err.Error(), "want 32") {
			t.Errorf("PrivateKeyFromSeed(%d bytes): %v", n, err)
		}
	}
	if !(protocol.PrivateKey{}).IsZero() || k.IsZero() {
		t.Fatal("IsZero is wrong")
	}
	msg := []byte("jejak")
	pub := k.Public()
	sig := ed25519Sign(k, msg)
	if !pub.Verify(msg, sig) {
		t.Fatal("Verify rejects a good signature")
	}
	if pub.Verify([]byte("jejak!"), sig) || pub.Verify(msg, sig[:63]) || prototest.Key("other").Public().Verify(msg, sig) {
		t.Fatal("Verify accepts a bad signature")
	}
}

func TestZeroValuesRoundTripThroughJSON(t *testing.T) {
	type v struct {
		Key protocol.PublicKey
		CID protocol.CID
	}
	b, err := json.Marshal(v{})
	if err != nil {
		t.Fatal(err)
	}
	var got v
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("zero values do not read back from %s: %v", b, err)
	}
	if !got.Key.IsZero() || !got.CID.IsZero() {
		t.Fatalf("read back %+v from %s", got, b)
	}
	if err := json.Unmarshal([]byte(`{"Key":"`+(protocol.PublicKey{}).String()+`"}`), &got); err != nil || !got.Key.IsZero() {
		t.Fatalf("the all-zero key's text form: %v", err)
	}
}
