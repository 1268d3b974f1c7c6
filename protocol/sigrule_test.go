package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"os"
	"slices"
	"testing"

	"filippo.io/edwards25519"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// The signature rule is ZIP-215 (see "Signatures" in doc.go). The edge cases
// are in testdata/ed25519-zip215.json, made by zip215gen_test.go; the tests
// here check the committed file against PublicKey.Verify, BatchVerifier and
// crypto/ed25519.

const zip215Path = "testdata/ed25519-zip215.json"

// zip215File is the layout of testdata/ed25519-zip215.json.
type zip215File struct {
	Comment string         `json:"comment"`
	Format  string         `json:"format"`
	Rule    string         `json:"rule"`
	Vectors []zip215Vector `json:"vectors"`
}

type zip215Vector struct {
	Name        string `json:"name"`
	Description string `json:"description"`
	PublicKey   string `json:"public_key"` // hex
	Message     string `json:"message"`    // hex
	Signature   string `json:"signature"`  // hex
	ZIP215      string `json:"zip215"`     // "accept" or "reject": the rule
	GoStdlib    string `json:"go_stdlib"`  // what crypto/ed25519.Verify says
}

func marshalZIP215(t testing.TB, f zip215File) []byte {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(f); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// zip215Case is a vector of the committed file, decoded.
type zip215Case struct {
	zip215Vector
	pub, msg, sig []byte
	zip, std      bool
}

func loadZIP215(t testing.TB) []zip215Case {
	t.Helper()
	b, err := os.ReadFile(zip215Path)
	if err != nil {
		t.Fatal(err)
	}
	var f zip215File
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		t.Fatalf("%s: %v", zip215Path, err)
	}
	if f.Format != "jejak-ed25519-zip215-1" {
		t.Fatalf("%s: format %q", zip215Path, f.Format)
	}
	unhex := func(name, field, h string) []byte {
		b, err := hex.DecodeString(h)
		if err != nil {
			t.Fatalf("%s: vector %s: %s: %v", zip215Path, name, field, err)
		}
		return b
	}
	verdict := func(name, field, v string) bool {
		if v != "accept" && v != "reject" {
			t.Fatalf("%s: vector %s: %s is %q, want accept or reject", zip215Path, name, field, v)
		}
		return v == "accept"
	}
	var cs []zip215Case
	names := map[string]bool{}
	for _, v := range f.Vectors {
		if names[v.Name] {
			t.Fatalf("%s: two vectors named %s", zip215Path, v.Name)
		}
		names[v.Name] = true
		cs = append(cs, zip215Case{
			zip215Vector: v,
			pub:          unhex(v.Name, "public_key", v.PublicKey),
			msg:          unhex(v.Name, "message", v.Message),
			sig:          unhex(v.Name, "signature", v.Signature),
			zip:          verdict(v.Name, "zip215", v.ZIP215),
			std:          verdict(v.Name, "go_stdlib", v.GoStdlib),
		})
	}
	return cs
}

// stdlibVerify is crypto/ed25519.Verify, with its panic on a key of the
// wrong length taken as a rejection.
func stdlibVerify(pub, msg, sig []byte) (ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	return ed25519.Verify(pub, msg, sig)
}

// TestSignatureRule checks every vector: PublicKey.Verify and a batch of one
// give exactly the zip215 column, and crypto/ed25519 gives the go_stdlib
// column.
func TestSignatureRule(t *testing.T) {
	cs := loadZIP215(t)
	if len(cs) < 30 {
		t.Fatalf("%s has %d vectors, want the full set", zip215Path, len(cs))
	}
	for _, c := range cs {
		t.Run(c.Name, func(t *testing.T) {
			if got := stdlibVerify(c.pub, c.msg, c.sig); got != c.std {
				t.Errorf("crypto/ed25519.Verify = %v, file says go_stdlib %s", got, c.GoStdlib)
			}
			// What the first release accepted, ZIP-215 accepts.
			if c.std && !c.zip {
				t.Errorf("go_stdlib accepts but zip215 rejects")
			}
			if len(c.pub) != ed25519.PublicKeySize {
				// No PublicKey can hold it: a record carrying it does
				// not decode, so it never reaches Verify.
				if c.zip {
					t.Errorf("a %d-byte key cannot be accepted", len(c.pub))
				}
				var p protocol.PublicKey
				if err := p.UnmarshalCBOR(cborByteString(c.pub)); err == nil {
					t.Errorf("PublicKey.UnmarshalCBOR accepts a %d-byte key", len(c.pub))
				}
				return
			}
			p := protocol.PublicKey(c.pub)
			if got := p.Verify(c.msg, c.sig); got != c.zip {
				t.Errorf("PublicKey.Verify = %v, want zip215 %s", got, c.ZIP215)
			}
			bv := protocol.NewBatchVerifier()
			bv.Add(p, c.msg, c.sig)
			if got := bv.Verify(); got != c.zip {
				t.Errorf("BatchVerifier.Verify = %v, want zip215 %s", got, c.ZIP215)
			}
			if got := bv.VerifyEach(); !slices.Equal(got, []bool{c.zip}) {
				t.Errorf("BatchVerifier.VerifyEach = %v, want [%v]", got, c.zip)
			}
		})
	}
}

// TestSignatureRuleCoverage checks that the file holds the kinds of vector
// the rule is about, and that the two rules differ where they should.
func TestSignatureRuleCoverage(t *testing.T) {
	cs := loadZIP215(t)
	byName := map[string]zip215Case{}
	for _, c := range cs {
		byName[c.Name] = c
	}
	want := map[string][2]bool{ // name: zip215, go_stdlib
		"valid":                        {true, true},
		"wrong-message":                {false, false},
		"small-order-A-1":              {true, false},
		"small-order-R-1":              {true, false},
		"mixed-order-A":                {true, false},
		"noncanonical-A-order4-y-is-p": {true, true},
		"noncanonical-R-order4-y-is-p": {true, false},
		"S-plus-L":                     {false, false},
		"public-key-31-bytes":          {false, false},
		"signature-63-bytes":           {false, false},
	}
	for name, w := range want {
		c, ok := byName[name]
		if !ok {
			t.Errorf("no vector %s", name)
			continue
		}
		if c.zip != w[0] || c.std != w[1] {
			t.Errorf("%s: zip215 %s go_stdlib %s, want %v %v", name, c.ZIP215, c.GoStdlib, w[0], w[1])
		}
	}
	// The eight small-order points, canonically encoded, as keys.
	keys := map[string]bool{}
	for _, c := range cs {
		if len(c.pub) != 32 {
			continue
		}
		p, err := new(edwards25519.Point).SetBytes(c.pub)
		if err == nil && zOrder(p) != 0 && bytes.Equal(p.Bytes(), c.pub) && c.zip {
			keys[c.PublicKey] = true
		}
	}
	if len(keys) != 8 {
		t.Errorf("accepted vectors have %d distinct canonical small-order keys, want 8", len(keys))
	}
}

// cborByteString encodes b as a CBOR byte string (b shorter than 256 bytes).
func cborByteString(b []byte) []byte {
	if len(b) < 24 {
		return append([]byte{0x40 | byte(len(b))}, b...)
	}
	return append([]byte{0x58, byte(len(b))}, b...)
}

// zip215Batchable returns the vectors a BatchVerifier can hold (32-byte
// keys), with their keys.
func zip215Batchable(t testing.TB) ([]zip215Case, []protocol.PublicKey) {
	var cs []zip215Case
	var keys []protocol.PublicKey
	for _, c := range loadZIP215(t) {
		if len(c.pub) == ed25519.PublicKeySize {
			cs = append(cs, c)
			keys = append(keys, protocol.PublicKey(c.pub))
		}
	}
	return cs, keys
}

// TestBatchVerifierVectors checks that batches of the vectors agree with
// single verification: all accepted vectors together verify, and each
// rejected vector among them makes the batch fail and is the one entry
// VerifyEach flags.
func TestBatchVerifierVectors(t *testing.T) {
	cs, keys := zip215Batchable(t)
	var good []int
	for i, c := range cs {
		if c.zip {
			good = append(good, i)
		}
	}

	// Every accepted vector at once, small-order and mixed-order keys,
	// small-order and non-canonical R included.
	bv := protocol.NewBatchVerifier()
	for _, i := range good {
		bv.Add(keys[i], cs[i].msg, cs[i].sig)
	}
	if bv.Len() != len(good) || !bv.Verify() {
		t.Errorf("batch of the %d accepted vectors does not verify", len(good))
	}
	if got := bv.VerifyEach(); slices.Contains(got, false) || len(got) != len(good) {
		t.Errorf("VerifyEach over the accepted vectors = %v", got)
	}

	// Each rejected vector in the middle of the accepted ones.
	for j, c := range cs {
		if c.zip {
			continue
		}
		t.Run(c.Name, func(t *testing.T) {
			bv := protocol.NewBatchVerifier()
			want := make([]bool, 0, len(good)+1)
			for n, i := range good {
				if n == len(good)/2 {
					bv.Add(keys[j], c.msg, c.sig)
					want = append(want, false)
				}
				bv.Add(keys[i], cs[i].msg, cs[i].sig)
				want = append(want, true)
			}
			if bv.Verify() {
				t.Errorf("batch with %s verifies", c.Name)
			}
			if got := bv.VerifyEach(); !slices.Equal(got, want) {
				t.Errorf("VerifyEach = %v, want %v", got, want)
			}
		})
	}

	// All batchable vectors at once: VerifyEach is the zip215 column.
	var all protocol.BatchVerifier // the zero value is ready to use
	var want []bool
	for i, c := range cs {
		all.Add(keys[i], c.msg, c.sig)
		want = append(want, c.zip)
	}
	if all.Verify() {
		t.Error("batch of all vectors verifies")
	}
	if got := all.VerifyEach(); !slices.Equal(got, want) {
		t.Errorf("VerifyEach over all vectors = %v, want %v", got, want)
	}
}

// TestBatchVerifierRecords checks a batch of real record signatures from
// many keys, one of them bad, and that Add copies what it is given.
func TestBatchVerifierRecords(t *testing.T) {
	msgs, sigs, keys := sealedRecords(t, 64)
	bv := protocol.NewBatchVerifier()
	buf := make([]byte, 0, 1024)
	for i := range msgs {
		buf = append(buf[:0], msgs[i]...)
		bv.Add(keys[i], buf, sigs[i]) // buf is reused: Add must copy it
	}
	clear(buf[:cap(buf)])
	if !bv.Verify() {
		t.Fatal("batch of good record signatures does not verify")
	}
	if got := bv.VerifyEach(); slices.Contains(got, false) {
		t.Fatalf("VerifyEach = %v, want all true", got)
	}

	const bad = 41
	bv = protocol.NewBatchVerifier()
	for i := range msgs {
		sig := sigs[i]
		if i == bad {
			sig = bytes.Clone(sig)
			sig[10] ^= 0x20
		}
		bv.Add(keys[i], msgs[i], sig)
	}
	if bv.Verify() {
		t.Fatal("batch with one bad signature verifies")
	}
	got := bv.VerifyEach()
	for i, ok := range got {
		if ok != (i != bad) {
			t.Errorf("VerifyEach[%d] = %v", i, ok)
		}
	}
	// Verify can be asked again and answers the same.
	if bv.Verify() {
		t.Error("second Verify of the bad batch verifies")
	}
}

func TestBatchVerifierEmpty(t *testing.T) {
	bv := protocol.NewBatchVerifier()
	if bv.Verify() {
		t.Error("empty batch verifies")
	}
	if got := bv.VerifyEach(); len(got) != 0 {
		t.Errorf("VerifyEach of an empty batch = %v", got)
	}
	var zero protocol.BatchVerifier
	if zero.Verify() || len(zero.VerifyEach()) != 0 || zero.Len() != 0 {
		t.Error("zero BatchVerifier is not an empty batch")
	}
}

// sealedRecords seals n copies of the process vector, each by its own key
// and at its own time, and returns what each signed, its signature and key.
func sealedRecords(t testing.TB, n int) (msgs, sigs [][]byte, keys []protocol.PublicKey) {
	t.Helper()
	base := vectorByName(t, "process").signed.Record
	for i := range n {
		key := prototest.Key("batch-signer-" + string(rune('a'+i%26)) + string(rune('a'+i/26)))
		r := *base
		r.Author = protocol.PublicKey{}
		r.Time += int64(i)
		s, err := protocol.Seal(&r, key)
		if err != nil {
			t.Fatal(err)
		}
		msg, err := s.SigningBytes()
		if err != nil {
			t.Fatal(err)
		}
		msgs = append(msgs, msg)
		sigs = append(sigs, s.Sig)
		keys = append(keys, s.Author)
	}
	return msgs, sigs, keys
}

// TestOpenZIP215 checks that Open applies the rule: a record whose author
// key has a torsion component, signed so that only the cofactored equation
// holds, opens, though crypto/ed25519 rejects its signature.
func TestOpenZIP215(t *testing.T) {
	signer := zNewKey(t, "signer")
	author := zAdd(zBase(signer.a), zT).Bytes()
	r := *vectorByName(t, "process").signed.Record
	r.Author = protocol.PublicKey(author)
	for range 100 {
		r.Time++
		msg, err := r.SigningBytes()
		if err != nil {
			t.Fatal(err)
		}
		nonce := zNonce("open", msg)
		R := zBase(nonce).Bytes()
		k := zChallenge(R, author, msg)
		r.Sig = zSig(R, new(edwards25519.Scalar).MultiplyAdd(k, signer.a, nonce))
		if stdlibVerify(author, msg, r.Sig) {
			continue // k is a multiple of 8: try another time
		}
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		s, err := protocol.Open(b)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		if s.Author != r.Author {
			t.Errorf("Open: author %s, want %s", s.Author, r.Author)
		}
		// S + L is the same scalar but not canonical: refused.
		sig := bytes.Clone(r.Sig)
		copy(sig[32:], intLE(new(big.Int).Add(leInt(sig[32:]), zL)))
		r.Sig = sig
		if b, err = r.Encode(); err != nil {
			t.Fatal(err)
		}
		if _, err := protocol.Open(b); !errors.Is(err, protocol.ErrSignature) {
			t.Errorf("Open with S + L: %v, want ErrSignature", err)
		}
		return
	}
	t.Fatal("no time gives a k that is not a multiple of 8")
}
