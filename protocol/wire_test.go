package protocol_test

// Hand-made CBOR for tests: a tiny writer that puts every byte where the
// caller says (so tests can write non-canonical forms on purpose), a way to
// take an encoded map apart into raw entries and put it back together, and a
// signer for arbitrary wire bytes, so that a broken rule is tested past the
// signature check rather than stopped by it.

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"encoding/hex"
	"sort"
	"strings"
	"testing"

	"github.com/fxamacker/cbor/v2"
	"github.com/jejak/jejak/protocol"
)

// cHead writes a CBOR item head in shortest form.
func cHead(major byte, n uint64) []byte {
	m := major << 5
	switch {
	case n < 24:
		return []byte{m | byte(n)}
	case n <= 0xff:
		return []byte{m | 24, byte(n)}
	case n <= 0xffff:
		return binary.BigEndian.AppendUint16([]byte{m | 25}, uint16(n))
	case n <= 0xffffffff:
		return binary.BigEndian.AppendUint32([]byte{m | 26}, uint32(n))
	}
	return binary.BigEndian.AppendUint64([]byte{m | 27}, n)
}

func cUint(n uint64) []byte { return cHead(0, n) }

func cInt(n int64) []byte {
	if n < 0 {
		return cHead(1, uint64(-1-n))
	}
	return cHead(0, uint64(n))
}

func cText(s string) []byte { return append(cHead(3, uint64(len(s))), s...) }

func cBytes(b []byte) []byte { return append(cHead(2, uint64(len(b))), b...) }

func cArray(items ...[]byte) []byte {
	return append(cHead(4, uint64(len(items))), bytes.Join(items, nil)...)
}

// cLinkRaw writes tag 42 around a byte string holding content as given (a
// well-formed link's content is 0x00 followed by a binary CID).
func cLinkRaw(content []byte) []byte { return append(cHead(6, 42), cBytes(content)...) }

// cLink writes a DAG-CBOR link to c.
func cLink(c protocol.CID) []byte { return cLinkRaw(append([]byte{0}, c.Bytes()...)) }

// cat joins byte slices.
func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

// unhex decodes hex with spaces allowed, for readable byte literals.
func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// entry is one map entry: a text key and an encoded value.
type entry struct {
	key string
	val []byte
}

// cMap writes a map with the entries in exactly the order given.
func cMap(es ...entry) []byte {
	b := cHead(5, uint64(len(es)))
	for _, e := range es {
		b = append(b, cText(e.key)...)
		b = append(b, e.val...)
	}
	return b
}

// fields is an encoded map taken apart: key → encoded value.
type fields map[string][]byte

// splitMap takes an encoded map apart into its entries.
func splitMap(t testing.TB, b []byte) fields {
	t.Helper()
	var m map[string]cbor.RawMessage
	if err := cbor.Unmarshal(b, &m); err != nil {
		t.Fatalf("split map: %v", err)
	}
	f := fields{}
	for k, v := range m {
		f[k] = bytes.Clone(v)
	}
	return f
}

// splitArray takes an encoded array apart into its items.
func splitArray(t testing.TB, b []byte) [][]byte {
	t.Helper()
	var a []cbor.RawMessage
	if err := cbor.Unmarshal(b, &a); err != nil {
		t.Fatalf("split array: %v", err)
	}
	items := make([][]byte, len(a))
	for i, v := range a {
		items[i] = bytes.Clone(v)
	}
	return items
}

// sortedKeys returns f's keys in DAG-CBOR order: shorter first, then bytewise.
func (f fields) sortedKeys() []string {
	keys := make([]string, 0, len(f))
	for k := range f {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if len(keys[i]) != len(keys[j]) {
			return len(keys[i]) < len(keys[j])
		}
		return keys[i] < keys[j]
	})
	return keys
}

// encode writes f as a canonical map (keys sorted length-first).
func (f fields) encode() []byte {
	var es []entry
	for _, k := range f.sortedKeys() {
		es = append(es, entry{k, f[k]})
	}
	return cMap(es...)
}

// clone returns a copy of f that can be changed without touching f.
func (f fields) clone() fields {
	g := fields{}
	for k, v := range f {
		g[k] = bytes.Clone(v)
	}
	return g
}

// edKey returns the crypto/ed25519 form of k, to sign outside the package.
func edKey(k protocol.PrivateKey) ed25519.PrivateKey { return ed25519.NewKeyFromSeed(k.Seed()) }

// signedMessage returns what a record's author signs: domain followed by the
// envelope without its sig entry, canonically encoded.
func signedMessage(domain string, env fields) []byte {
	unsigned := env.clone()
	delete(unsigned, "sig")
	return append([]byte(domain), unsigned.encode()...)
}

// resign signs env (whatever it holds) with key under the record signature
// domain and returns the canonical encoding with the new sig entry. It lets a
// test break a rule and still present a valid signature, so the rule itself
// is what Open must catch.
func resign(key protocol.PrivateKey, env fields) []byte {
	return resignDomain(key, protocol.SignatureDomain, env)
}

// resignDomain is resign with an explicit signature domain.
func resignDomain(key protocol.PrivateKey, domain string, env fields) []byte {
	env = env.clone()
	env["sig"] = cBytes(ed25519.Sign(edKey(key), signedMessage(domain, env)))
	return env.encode()
}

// mutateBody returns env with its body replaced by change(body).
func mutateBody(t testing.TB, env fields, change func(body fields)) fields {
	t.Helper()
	env = env.clone()
	body := splitMap(t, env["body"])
	change(body)
	env["body"] = body.encode()
	return env
}

// mutateIn changes the map at path (keys and array indexes, such as
// "out", "0", "qty") inside m and returns m's new encoding.
func mutateIn(t testing.TB, m []byte, path []string, change func(f fields)) []byte {
	t.Helper()
	if len(path) == 0 {
		f := splitMap(t, m)
		change(f)
		return f.encode()
	}
	if m[0]>>5 == 4 {
		items := splitArray(t, m)
		i := atoi(t, path[0])
		items[i] = mutateIn(t, items[i], path[1:], change)
		return cArray(items...)
	}
	f := splitMap(t, m)
	v, ok := f[path[0]]
	if !ok {
		t.Fatalf("mutate: no key %q", path[0])
	}
	f[path[0]] = mutateIn(t, v, path[1:], change)
	return f.encode()
}

func atoi(t testing.TB, s string) int {
	t.Helper()
	n := 0
	for _, r := range s {
		if r < '0' || r > '9' {
			t.Fatalf("mutate: %q is not an index", s)
		}
		n = n*10 + int(r-'0')
	}
	return n
}

// TestWireHelpersRoundTrip checks that taking a sealed record apart and
// putting it back gives the same bytes, and that resign reproduces the
// signature Seal made: the helpers write exactly what the package writes.
func TestWireHelpersRoundTrip(t *testing.T) {
	for _, v := range mustVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			env := splitMap(t, v.signed.Bytes)
			if got := env.encode(); !bytes.Equal(got, v.signed.Bytes) {
				t.Fatalf("split and encode changed the bytes:\n got %x\nwant %x", got, v.signed.Bytes)
			}
			if got := resign(v.key, env); !bytes.Equal(got, v.signed.Bytes) {
				t.Fatalf("resign differs from Seal:\n got %x\nwant %x", got, v.signed.Bytes)
			}
			want, err := v.signed.SigningBytes()
			if err != nil {
				t.Fatal(err)
			}
			if got := signedMessage(protocol.SignatureDomain, env); !bytes.Equal(got, want) {
				t.Fatalf("signed message differs from SigningBytes:\n got %x\nwant %x", got, want)
			}
		})
	}
}

// cborUnmarshal decodes one CBOR item with fxamacker/cbor's defaults.
func cborUnmarshal(b []byte, v any) error { return cbor.Unmarshal(b, v) }

// edVerify checks a signature with crypto/ed25519 alone.
func edVerify(pub protocol.PublicKey, msg, sig []byte) bool {
	return ed25519.Verify(pub[:], msg, sig)
}

// ed25519Sign signs msg with k using crypto/ed25519 alone.
func ed25519Sign(k protocol.PrivateKey, msg []byte) []byte {
	return ed25519.Sign(edKey(k), msg)
}
