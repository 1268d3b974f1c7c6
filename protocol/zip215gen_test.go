package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"fmt"
	"math/big"
	"os"
	"testing"

	"filippo.io/edwards25519"
	"github.com/hdevalence/ed25519consensus"
)

// This file generates testdata/ed25519-zip215.json, the edge cases of the
// signature rule. The file is committed; this test only checks that it is
// what the code below makes, and rewrites it when asked:
//
//	go test ./protocol -run ZIP215VectorsFile -update   # rewrite the file
//	go test ./protocol -run 'ZIP215|SignatureRule|Batch' # check it
//
// Every vector is built on purpose (keys from fixed seeds, messages chosen
// by counting up until the wanted property holds), so the output is the
// same on every run. Each vector says what it was built to do under ZIP-215
// and under crypto/ed25519, and generation fails if ed25519consensus or
// crypto/ed25519 says otherwise. TestSignatureRule (sigrule_test.go) then
// checks the committed file against PublicKey.Verify and BatchVerifier.

// TestZIP215VectorsFile checks testdata/ed25519-zip215.json byte for byte
// against the generator; with -update it writes the file.
func TestZIP215VectorsFile(t *testing.T) {
	want := marshalZIP215(t, generateZIP215(t))
	if *update {
		if err := os.WriteFile(zip215Path, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(zip215Path)
	if err != nil {
		t.Fatalf("%v (run: go test ./protocol -run ZIP215VectorsFile -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what the generator makes; run: go test ./protocol -run ZIP215VectorsFile -update", zip215Path)
	}
}

// zL is the order of the base point, 2^252 + 27742317777372353535851937790883648493.
var zL, _ = new(big.Int).SetString("7237005577332262213973186563042994240857116359379907606001950938285454250989", 10)

// zT is a point of order 8, and zTorsion[i] is [i]zT: the eight points of
// small order, zTorsion[0] being the identity.
var (
	zT       = mustPoint("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a")
	zTorsion = func() [8]*edwards25519.Point {
		var ts [8]*edwards25519.Point
		for i := range ts {
			ts[i] = zMul(zSmall(i), zT)
		}
		return ts
	}()
)

func mustPoint(h string) *edwards25519.Point {
	b, err := hex.DecodeString(h)
	if err != nil {
		panic(err)
	}
	p, err := new(edwards25519.Point).SetBytes(b)
	if err != nil {
		panic(err)
	}
	return p
}

// zSmall returns the scalar n, for small n.
func zSmall(n int) *edwards25519.Scalar {
	var b [32]byte
	b[0] = byte(n)
	s, err := new(edwards25519.Scalar).SetCanonicalBytes(b[:])
	if err != nil {
		panic(err)
	}
	return s
}

// zHashScalar hashes parts to a scalar.
func zHashScalar(parts ...string) *edwards25519.Scalar {
	h := sha512.New()
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	s, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(nil))
	if err != nil {
		panic(err)
	}
	return s
}

func zMul(s *edwards25519.Scalar, p *edwards25519.Point) *edwards25519.Point {
	return new(edwards25519.Point).ScalarMult(s, p)
}

func zBase(s *edwards25519.Scalar) *edwards25519.Point {
	return new(edwards25519.Point).ScalarBaseMult(s)
}

func zAdd(p, q *edwards25519.Point) *edwards25519.Point {
	return new(edwards25519.Point).Add(p, q)
}

func zIsIdentity(p *edwards25519.Point) bool {
	return p.Equal(edwards25519.NewIdentityPoint()) == 1
}

// zOrder returns the order of a point of small order, or 0 for a point of
// large order.
func zOrder(p *edwards25519.Point) int {
	for n := 1; n <= 8; n++ {
		if zIsIdentity(zMul(zSmall(n), p)) {
			return n
		}
	}
	return 0
}

// zChallenge is k = SHA-512(R || A || msg) mod L, over the bytes as given.
func zChallenge(r, a, msg []byte) *edwards25519.Scalar {
	h := sha512.New()
	h.Write(r)
	h.Write(a)
	h.Write(msg)
	k, err := new(edwards25519.Scalar).SetUniformBytes(h.Sum(nil))
	if err != nil {
		panic(err)
	}
	return k
}

// zSig is the signature R || S.
func zSig(r []byte, s *edwards25519.Scalar) []byte {
	return append(append([]byte{}, r...), s.Bytes()...)
}

// zKey is an ordinary Ed25519 key with its secret scalar a (A = [a]B).
type zKey struct {
	priv ed25519.PrivateKey
	pub  []byte
	a    *edwards25519.Scalar
}

func zNewKey(t testing.TB, name string) zKey {
	t.Helper()
	seed := sha256.Sum256([]byte("jejak-zip215-key:" + name))
	priv := ed25519.NewKeyFromSeed(seed[:])
	h := sha512.Sum512(seed[:])
	a, err := new(edwards25519.Scalar).SetBytesWithClamping(h[:32])
	if err != nil {
		t.Fatal(err)
	}
	pub := []byte(priv.Public().(ed25519.PublicKey))
	if !bytes.Equal(zBase(a).Bytes(), pub) {
		t.Fatalf("key %s: [a]B is not the public key", name)
	}
	return zKey{priv, pub, a}
}

// zNonce is the nonce r for a crafted signature.
func zNonce(name string, msg []byte) *edwards25519.Scalar {
	return zHashScalar("jejak-zip215-nonce", name, string(msg))
}

// zMessage returns the first message "jejak zip215 vector <name> #n" for
// which ok holds.
func zMessage(t testing.TB, name string, ok func(msg []byte) bool) []byte {
	t.Helper()
	for n := 0; n < 1000; n++ {
		msg := fmt.Appendf(nil, "jejak zip215 vector %s #%d", name, n)
		if ok(msg) {
			return msg
		}
	}
	t.Fatalf("%s: no message has the wanted property", name)
	return nil
}

// zNonCanonical lists the non-canonical encodings of the small-order points:
// the only non-canonical encodings anyone can make signatures with.
var zNonCanonical = []struct {
	name string
	enc  []byte
	desc string
}{
	{"identity-y-is-p+1", zEnc(0xee, 0x7f), "y = p+1 (so y = 1) and sign bit 0: the identity, whose canonical encoding is 01000…00"},
	{"identity-y-is-p+1-sign-set", zEnc(0xee, 0xff), "y = p+1 (so y = 1) and sign bit 1 though x = 0: the identity"},
	{"identity-sign-set", func() []byte { b := make([]byte, 32); b[0], b[31] = 1, 0x80; return b }(), "y = 1 and sign bit 1 though x = 0: the identity"},
	{"order2-sign-set", zEnc(0xec, 0xff), "y = p-1 (so y = -1) and sign bit 1 though x = 0: the point of order 2, whose canonical encoding is ecff…ff7f"},
	{"order4-y-is-p", zEnc(0xed, 0x7f), "y = p (so y = 0) and sign bit 0: a point of order 4, whose canonical encoding is 0000…0000"},
	{"order4-y-is-p-sign-set", zEnc(0xed, 0xff), "y = p (so y = 0) and sign bit 1: a point of order 4, whose canonical encoding is 0000…0080"},
}

// zEnc returns first, 30 bytes of ff, last.
func zEnc(first, last byte) []byte {
	b := bytes.Repeat([]byte{0xff}, 32)
	b[0], b[31] = first, last
	return b
}

// checkNonCanonicalList checks that zNonCanonical holds exactly the
// encodings that decode to a small-order point but are not its canonical
// encoding: each canonical encoding with the sign bit flipped, and, where
// y < 19, with p added to y, with either sign bit.
func checkNonCanonicalList(t testing.TB) {
	t.Helper()
	p := new(big.Int).Sub(new(big.Int).Lsh(big.NewInt(1), 255), big.NewInt(19))
	found := map[string]bool{}
	for _, tp := range zTorsion {
		c := tp.Bytes()
		y := leInt(c)
		y.SetBit(y, 255, 0)
		ys := []*big.Int{y}
		if y.Cmp(big.NewInt(19)) < 0 {
			ys = append(ys, new(big.Int).Add(y, p))
		}
		for _, yy := range ys {
			for _, sign := range []uint{0, 1} {
				v := new(big.Int).Set(yy)
				v.SetBit(v, 255, sign)
				b := intLE(v)
				q, err := new(edwards25519.Point).SetBytes(b)
				if err != nil || bytes.Equal(q.Bytes(), b) || zOrder(q) == 0 {
					continue
				}
				found[hex.EncodeToString(b)] = true
			}
		}
	}
	listed := map[string]bool{}
	for _, nc := range zNonCanonical {
		listed[hex.EncodeToString(nc.enc)] = true
	}
	if fmt.Sprint(found) != fmt.Sprint(listed) {
		t.Fatalf("non-canonical small-order encodings: found %v, listed %v", found, listed)
	}
}

// leInt reads a little-endian integer.
func leInt(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i := range b {
		be[len(b)-1-i] = b[i]
	}
	return new(big.Int).SetBytes(be)
}

// intLE writes v as 32 bytes, little-endian.
func intLE(v *big.Int) []byte {
	be := v.FillBytes(make([]byte, 32))
	le := make([]byte, 32)
	for i := range be {
		le[31-i] = be[i]
	}
	return le
}

// zip215Gen collects the vectors.
type zip215Gen struct {
	t  testing.TB
	vs []zip215Vector
}

// add records a vector built to get zip from ZIP-215 and std from
// crypto/ed25519, after checking that both say so.
func (g *zip215Gen) add(name, desc string, pub, msg, sig []byte, zip, std bool) {
	g.t.Helper()
	if got := ed25519consensus.Verify(pub, msg, sig); got != zip {
		g.t.Fatalf("%s: ed25519consensus.Verify = %v, built to be %v", name, got, zip)
	}
	if got := stdlibVerify(pub, msg, sig); got != std {
		g.t.Fatalf("%s: crypto/ed25519.Verify = %v, built to be %v", name, got, std)
	}
	g.vs = append(g.vs, zip215Vector{
		Name:        name,
		Description: desc,
		PublicKey:   hex.EncodeToString(pub),
		Message:     hex.EncodeToString(msg),
		Signature:   hex.EncodeToString(sig),
		ZIP215:      verdict(zip),
		GoStdlib:    verdict(std),
	})
}

func verdict(ok bool) string {
	if ok {
		return "accept"
	}
	return "reject"
}

func generateZIP215(t testing.TB) zip215File {
	t.Helper()
	if zOrder(zT) != 8 {
		t.Fatal("T is not of order 8")
	}
	checkNonCanonicalList(t)
	g := &zip215Gen{t: t}
	signer := zNewKey(t, "signer")
	other := zNewKey(t, "other")

	// Ordinary signatures, and the ordinary ways to be wrong.
	msg := []byte("jejak zip215 vector: an ordinary message")
	sig := ed25519.Sign(signer.priv, msg)
	g.add("valid", "An ordinary signature made by crypto/ed25519.Sign. Every signature an honest signer makes verifies under both rules.",
		signer.pub, msg, sig, true, true)
	g.add("valid-empty-message", "An ordinary signature of the empty message.",
		signer.pub, nil, ed25519.Sign(signer.priv, nil), true, true)
	g.add("wrong-message", "The signature of vector valid, over a message with one byte changed.",
		signer.pub, append(bytes.Clone(msg[:len(msg)-1]), msg[len(msg)-1]^1), sig, false, false)
	g.add("wrong-key", "The signature of vector valid, checked with another key.",
		other.pub, msg, sig, false, false)

	// Small-order public keys. With A of small order [8][k]A = 0, so
	// R = [r]B and S = r satisfy the cofactored equation for any message:
	// anyone can "sign" for such a key. The cofactorless equation R = [S]B
	// - [k]A also needs [k]A = 0; these vectors pick messages where it
	// fails, except for the identity, where it always holds.
	for i, tp := range zTorsion {
		name := fmt.Sprintf("small-order-A-%d", i)
		a := tp.Bytes()
		var s []byte
		m := zMessage(t, name, func(m []byte) bool {
			r := zNonce(name, m)
			R := zBase(r).Bytes()
			s = zSig(R, r)
			return zIsIdentity(zMul(zChallenge(R, a, m), tp)) == (i == 0)
		})
		desc := fmt.Sprintf("A = [%d]T, a point of order %d in its canonical encoding (T = c7176a…037a has order 8); R = [r]B, S = r. The cofactored equation holds for any message.", i, zOrder(tp))
		if i == 2 {
			desc += " (All zeroes is also Jejak's \"no key\", which validation refuses as an author before any signature is checked.)"
		}
		if i == 0 {
			desc += " A is the identity, so the cofactorless equation holds too and crypto/ed25519 accepts."
		} else {
			desc += " [k]A ≠ 0 here, so the cofactorless equation fails and crypto/ed25519 rejects."
		}
		g.add(name, desc, a, m, s, true, i == 0)
	}
	{
		name := "small-order-A-go-accepts"
		tp := zTorsion[1]
		a := tp.Bytes()
		var s []byte
		m := zMessage(t, name, func(m []byte) bool {
			r := zNonce(name, m)
			R := zBase(r).Bytes()
			s = zSig(R, r)
			return zIsIdentity(zMul(zChallenge(R, a, m), tp))
		})
		g.add(name, "A = T, of order 8, as in small-order-A-1, but with a message whose k is a multiple of 8: [k]A = 0, so crypto/ed25519 accepts this one. Whether it accepts such a signature depends on the hash.",
			a, m, s, true, true)
	}

	// Small-order R. With an ordinary key, R of small order and S = k·a,
	// [8]R = 0 = [8]([S]B - [k]A). The cofactorless check computes
	// [S]B - [k]A = 0 and compares its encoding with R's, so it accepts only
	// R = identity.
	for i, tp := range zTorsion {
		name := fmt.Sprintf("small-order-R-%d", i)
		m := fmt.Appendf(nil, "jejak zip215 vector %s", name)
		R := tp.Bytes()
		s := new(edwards25519.Scalar).Multiply(zChallenge(R, signer.pub, m), signer.a)
		desc := fmt.Sprintf("An ordinary key; R = [%d]T, a point of order %d in its canonical encoding; S = k·a.", i, zOrder(tp))
		if i == 0 {
			desc += " R is the identity, which is what the cofactorless equation wants here, so crypto/ed25519 accepts."
		} else {
			desc += " crypto/ed25519 rejects: [S]B - [k]A is the identity, not R."
		}
		g.add(name, desc, signer.pub, m, zSig(R, s), true, i == 0)
	}

	// Mixed-order key: A = [a]B + T, signed with a. The cofactored equation
	// kills T; the cofactorless one is off by [k]T, which is 0 only when k is
	// a multiple of 8.
	mixedA := zAdd(zBase(signer.a), zT)
	mixedPub := mixedA.Bytes()
	for _, goAccepts := range []bool{false, true} {
		name := "mixed-order-A"
		if goAccepts {
			name += "-go-accepts"
		}
		var s []byte
		m := zMessage(t, name, func(m []byte) bool {
			r := zNonce(name, m)
			R := zBase(r).Bytes()
			k := zChallenge(R, mixedPub, m)
			s = zSig(R, new(edwards25519.Scalar).MultiplyAdd(k, signer.a, r))
			return zIsIdentity(zMul(k, zT)) == goAccepts
		})
		desc := "A = [a]B + T (the key of vector valid with a torsion component of order 8 added), signed with a: R = [r]B, S = r + k·a. The cofactored equation holds;"
		if goAccepts {
			desc += " k is a multiple of 8 for this message, so the cofactorless one holds too and crypto/ed25519 accepts. For 7 messages in 8 it would not (see mixed-order-A)."
		} else {
			desc += " the cofactorless one is off by [k]T ≠ 0, so crypto/ed25519 rejects."
		}
		g.add(name, desc, mixedPub, m, s, true, goAccepts)
	}
	{
		name := "mixed-order-R"
		m := fmt.Appendf(nil, "jejak zip215 vector %s", name)
		r := zNonce(name, m)
		R := zAdd(zBase(r), zT).Bytes()
		k := zChallenge(R, signer.pub, m)
		g.add(name, "An ordinary key; R = [r]B + T, with a torsion component of order 8; S = r + k·a. The cofactored equation holds; crypto/ed25519 rejects, as [S]B - [k]A = [r]B, not R.",
			signer.pub, m, zSig(R, new(edwards25519.Scalar).MultiplyAdd(k, signer.a, r)), true, false)
	}

	// Non-canonical encodings of A. crypto/ed25519 decodes A as leniently
	// as ZIP-215; these messages are picked so that [k]A = 0, so the
	// cofactorless equation holds too and only the encoding is on trial.
	for _, nc := range zNonCanonical {
		name := "noncanonical-A-" + nc.name
		ap, err := new(edwards25519.Point).SetBytes(nc.enc)
		if err != nil {
			t.Fatal(err)
		}
		var s []byte
		m := zMessage(t, name, func(m []byte) bool {
			r := zNonce(name, m)
			R := zBase(r).Bytes()
			s = zSig(R, r)
			return zIsIdentity(zMul(zChallenge(R, nc.enc, m), ap))
		})
		g.add(name, "A is a non-canonical encoding: "+nc.desc+". R = [r]B, S = r, and [k]A = 0, so both equations hold. crypto/ed25519 accepts: it decodes A leniently.",
			nc.enc, m, s, true, true)
	}

	// Non-canonical encodings of R. crypto/ed25519 compares the canonical
	// encoding of [S]B - [k]A with R's bytes, so it rejects every one.
	for _, nc := range zNonCanonical {
		name := "noncanonical-R-" + nc.name
		m := fmt.Appendf(nil, "jejak zip215 vector %s", name)
		s := new(edwards25519.Scalar).Multiply(zChallenge(nc.enc, signer.pub, m), signer.a)
		g.add(name, "An ordinary key; R is a non-canonical encoding: "+nc.desc+"; S = k·a. The cofactored equation holds. crypto/ed25519 rejects: it compares encodings byte for byte.",
			signer.pub, m, zSig(nc.enc, s), true, false)
	}

	// S must be canonical.
	{
		sPlusL := intLE(new(big.Int).Add(leInt(sig[32:]), zL))
		g.add("S-plus-L", "The signature of vector valid with S replaced by S + L: the same scalar mod L, so the equation holds, but S ≥ L is not canonical. Both rules reject it.",
			signer.pub, msg, append(bytes.Clone(sig[:32]), sPlusL...), false, false)
	}

	// Encodings that are no point at all.
	{
		var off []byte
		for y := 2; off == nil; y++ {
			b := make([]byte, 32)
			b[0] = byte(y)
			if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
				off = b
			}
		}
		g.add("A-not-on-curve", fmt.Sprintf("A encodes y = %d, for which no x is on the curve; the signature is that of vector valid.", off[0]),
			off, msg, sig, false, false)
		g.add("R-not-on-curve", fmt.Sprintf("The signature of vector valid with R replaced by an encoding of y = %d, for which no x is on the curve.", off[0]),
			signer.pub, msg, append(bytes.Clone(off), sig[32:]...), false, false)
	}

	// Wrong lengths.
	g.add("public-key-31-bytes", "The key of vector valid without its last byte. A protocol.PublicKey cannot hold it (and crypto/ed25519.Verify panics on it, counted here as reject).",
		signer.pub[:31], msg, sig, false, false)
	g.add("signature-63-bytes", "The signature of vector valid without its last byte.",
		signer.pub, msg, sig[:63], false, false)
	g.add("signature-65-bytes", "The signature of vector valid with a zero byte appended.",
		signer.pub, msg, append(bytes.Clone(sig), 0), false, false)

	return zip215File{
		Comment: "Ed25519 edge cases for Jejak's signature rule, ZIP-215 (https://zips.z.cash/zip-0215). " +
			"Generated by `go test ./protocol -run ZIP215VectorsFile -update` (protocol/zip215gen_test.go). " +
			"public_key, message and signature are hex. zip215 is what a Jejak node must answer; " +
			"go_stdlib is what Go's crypto/ed25519.Verify answers, for comparison only.",
		Format: "jejak-ed25519-zip215-1",
		Rule: "Accept iff the key is 32 bytes and the signature 64; A (the key) and R (the first 32 bytes of the signature) each decode to a curve point, " +
			"with non-canonical encodings (y >= p, or x = 0 with the sign bit set) and points of small or mixed order allowed; " +
			"S (the last 32 bytes, little-endian) is less than L; and [8][S]B = [8]R + [8][k]A, where k = SHA-512(R || A || message) mod L over the bytes as given.",
		Vectors: g.vs,
	}
}
