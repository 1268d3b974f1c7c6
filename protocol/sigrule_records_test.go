package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"slices"
	"testing"

	"filippo.io/edwards25519"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// testdata/sigrule-records.json holds the edge cases of the signature rule
// (testdata/ed25519-zip215.json) built into records: for each vector, a
// record whose author key and signature have the vector's property, signed
// over the record's own signing bytes, with what protocol.Open answers. It
// is a data file, so that the engine's tests (gossip, sync, fetch, CAR
// import) can send every one through their paths and expect the same
// answer, without protocol exporting test code. This file makes it:
//
//	go test ./protocol -run SigruleRecordsFile -update   # rewrite the file
//	go test ./protocol -run SigruleRecords               # check it

const sigruleRecordsPath = "testdata/sigrule-records.json"

// sigruleRecordsFile is the layout of testdata/sigrule-records.json.
type sigruleRecordsFile struct {
	Comment string          `json:"comment"`
	Format  string          `json:"format"`
	Records []sigruleRecord `json:"records"`
}

type sigruleRecord struct {
	Name   string `json:"name"`   // the vector of ed25519-zip215.json it is built from, or a name of its own
	ZIP215 string `json:"zip215"` // the vector's verdict under the rule: accept or reject
	Record string `json:"record"` // hex: the record's bytes
	CID    string `json:"cid"`    // the CID of those bytes
	Open   string `json:"open"`   // accept, or the error protocol.Open returns
	Kind   string `json:"kind"`   // accept, malformed, invalid or bad_signature: the error's kind
	Note   string `json:"note,omitempty"`
}

// TestSigruleRecordsFile checks testdata/sigrule-records.json byte for byte
// against the generator; with -update it writes the file.
func TestSigruleRecordsFile(t *testing.T) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(generateSigruleRecords(t)); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(sigruleRecordsPath, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(sigruleRecordsPath)
	if err != nil {
		t.Fatalf("%v (run: go test ./protocol -run SigruleRecordsFile -update)", err)
	}
	if !bytes.Equal(got, b.Bytes()) {
		t.Errorf("%s is not what the generator makes; run: go test ./protocol -run SigruleRecordsFile -update", sigruleRecordsPath)
	}
}

// TestSigruleRecords checks the committed records against Open, one at a
// time and all at once through OpenAll (the signatures in batches), and
// that a record answers as its vector does wherever the signature is what
// decides.
func TestSigruleRecords(t *testing.T) {
	b, err := os.ReadFile(sigruleRecordsPath)
	if err != nil {
		t.Fatal(err)
	}
	var f sigruleRecordsFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	zip := map[string]zip215Case{}
	for _, c := range loadZIP215(t) {
		zip[c.Name] = c
	}
	var datas [][]byte
	for _, r := range f.Records {
		data, err := hex.DecodeString(r.Record)
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		datas = append(datas, data)
		_, err = protocol.Open(data)
		if got := openAnswer(err); got != r.Open {
			t.Errorf("%s: Open says %q, the file %q", r.Name, got, r.Open)
		}
		if c, ok := zip[r.Name]; ok && r.Note == "" && (err == nil) != c.zip {
			t.Errorf("%s: Open accepts %v, but the vector is a %s", r.Name, err == nil, c.ZIP215)
		}
	}
	// A record is never the empty message, and small-order-A-go-accepts
	// differs from small-order-A-1 only in crypto/ed25519's answer.
	noRecord := []string{"valid-empty-message", "small-order-A-go-accepts"}
	for _, c := range loadZIP215(t) {
		if !slices.ContainsFunc(f.Records, func(r sigruleRecord) bool { return r.Name == c.Name }) && !slices.Contains(noRecord, c.Name) {
			t.Errorf("vector %s has no record", c.Name)
		}
	}
	// Repeated, so that OpenAll makes batches of several on every core.
	all := slices.Concat(datas, datas, datas)
	_, errs := protocol.OpenAll(all)
	for i, err := range errs {
		r := f.Records[i%len(f.Records)]
		if got := openAnswer(err); got != r.Open {
			t.Errorf("%s: OpenAll says %q, the file %q", r.Name, got, r.Open)
		}
	}
}

func openAnswer(err error) string {
	if err == nil {
		return "accept"
	}
	return err.Error()
}

// sigruleGen builds the records.
type sigruleGen struct {
	t   testing.TB
	out []sigruleRecord
}

// baseRecord is the record every vector is built on: a mill's place, the
// first of its author's feed.
func baseRecord(author []byte, time int64) *protocol.Record {
	return &protocol.Record{V: protocol.Version2, Author: protocol.PublicKey(author), Seq: 1, Time: time,
		Body: &protocol.Place{Name: "Kilang Sawit Tepi", Kind: protocol.PlaceMill, Country: "MY",
			Geo: protocol.PointGeometry(protocol.Pos(101.45, 2.95))}}
}

// signing returns what r's author signs.
func signing(t testing.TB, r *protocol.Record) []byte {
	t.Helper()
	r.Sig = make([]byte, 64)
	msg, err := r.SigningBytes()
	if err != nil {
		t.Fatal(err)
	}
	return msg
}

func encode(t testing.TB, r *protocol.Record) []byte {
	t.Helper()
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// add records data as the record of vector name, whose verdict is zip.
func (g *sigruleGen) add(name string, zip bool, data []byte, note string) {
	_, err := protocol.Open(data)
	kind := "accept"
	switch {
	case err == nil:
	case errors.Is(err, protocol.ErrMalformed):
		kind = "malformed"
	case errors.Is(err, protocol.ErrInvalid):
		kind = "invalid"
	case errors.Is(err, protocol.ErrSignature):
		kind = "bad_signature"
	default:
		g.t.Fatalf("%s: Open: %v, of no kind", name, err)
	}
	g.out = append(g.out, sigruleRecord{Name: name, ZIP215: verdict(zip), Record: hex.EncodeToString(data),
		CID: protocol.ComputeCID(data).String(), Open: openAnswer(err), Kind: kind, Note: note})
}

// signed builds a record by author whose signature sig makes from what it
// signs.
func (g *sigruleGen) signed(author []byte, sig func(msg []byte) []byte) []byte {
	r := baseRecord(author, prototest.BaseTime)
	r.Sig = sig(signing(g.t, r))
	return encode(g.t, r)
}

func generateSigruleRecords(t testing.TB) sigruleRecordsFile {
	t.Helper()
	g := &sigruleGen{t: t}
	// Each vector's record has its own signer, so that no two records are
	// one feed's first: every one is judged alone.
	key := func(name string) zKey { return zNewKey(t, "record:"+name) }

	k := key("valid")
	g.add("valid", true, g.signed(k.pub, func(m []byte) []byte { return ed25519.Sign(k.priv, m) }), "")
	{
		// The record's time changed after it was signed.
		k := key("wrong-message")
		r := baseRecord(k.pub, prototest.BaseTime)
		r.Sig = ed25519.Sign(k.priv, signing(t, r))
		r.Time++
		g.add("wrong-message", false, encode(t, r), "")
	}
	{
		k, other := key("wrong-key"), key("wrong-key-other")
		g.add("wrong-key", false, g.signed(other.pub, func(m []byte) []byte { return ed25519.Sign(k.priv, m) }), "")
	}
	for i, tp := range zTorsion {
		name := fmt.Sprintf("small-order-A-%d", i)
		note := ""
		if bytes.Equal(tp.Bytes(), make([]byte, 32)) {
			note = "The all-zero key is Jejak's \"no key\": the author field is refused before any signature is checked."
		}
		g.add(name, true, g.signed(tp.Bytes(), func(m []byte) []byte {
			r := zNonce(name, m)
			return zSig(zBase(r).Bytes(), r)
		}), note)
	}
	for i, tp := range zTorsion {
		name := fmt.Sprintf("small-order-R-%d", i)
		k := key(name)
		g.add(name, true, g.signed(k.pub, func(m []byte) []byte {
			R := tp.Bytes()
			return zSig(R, new(edwards25519.Scalar).Multiply(zChallenge(R, k.pub, m), k.a))
		}), "")
	}
	for _, goAccepts := range []bool{false, true} {
		name := "mixed-order-A"
		if goAccepts {
			name += "-go-accepts"
		}
		k := key(name)
		pub := zAdd(zBase(k.a), zT).Bytes()
		// The time that gives a k the name asks for.
		for time := prototest.BaseTime; ; time++ {
			r := baseRecord(pub, time)
			m := signing(t, r)
			nonce := zNonce(name, m)
			R := zBase(nonce).Bytes()
			c := zChallenge(R, pub, m)
			if zIsIdentity(zMul(c, zT)) != goAccepts {
				continue
			}
			r.Sig = zSig(R, new(edwards25519.Scalar).MultiplyAdd(c, k.a, nonce))
			if stdlibVerify(pub, m, r.Sig) != goAccepts {
				t.Fatalf("%s: crypto/ed25519 does not answer as built", name)
			}
			g.add(name, true, encode(t, r), "")
			break
		}
	}
	{
		name := "mixed-order-R"
		k := key(name)
		g.add(name, true, g.signed(k.pub, func(m []byte) []byte {
			r := zNonce(name, m)
			R := zAdd(zBase(r), zT).Bytes()
			return zSig(R, new(edwards25519.Scalar).MultiplyAdd(zChallenge(R, k.pub, m), k.a, r))
		}), "")
	}
	for _, nc := range zNonCanonical {
		name := "noncanonical-A-" + nc.name
		g.add(name, true, g.signed(nc.enc, func(m []byte) []byte {
			r := zNonce(name, m)
			return zSig(zBase(r).Bytes(), r)
		}), "")
	}
	for _, nc := range zNonCanonical {
		name := "noncanonical-R-" + nc.name
		k := key(name)
		g.add(name, true, g.signed(k.pub, func(m []byte) []byte {
			return zSig(nc.enc, new(edwards25519.Scalar).Multiply(zChallenge(nc.enc, k.pub, m), k.a))
		}), "")
	}
	{
		k := key("S-plus-L")
		g.add("S-plus-L", false, g.signed(k.pub, func(m []byte) []byte {
			sig := ed25519.Sign(k.priv, m)
			return append(sig[:32:32], intLE(new(big.Int).Add(leInt(sig[32:]), zL))...)
		}), "")
	}
	var off []byte
	for y := 2; off == nil; y++ {
		b := make([]byte, 32)
		b[0] = byte(y)
		if _, err := new(edwards25519.Point).SetBytes(b); err != nil {
			off = b
		}
	}
	{
		k := key("A-not-on-curve")
		g.add("A-not-on-curve", false, g.signed(off, func(m []byte) []byte { return ed25519.Sign(k.priv, m) }), "")
	}
	{
		k := key("R-not-on-curve")
		g.add("R-not-on-curve", false, g.signed(k.pub, func(m []byte) []byte {
			return append(bytes.Clone(off), ed25519.Sign(k.priv, m)[32:]...)
		}), "")
	}
	// Wrong lengths: no Record can hold them, so the encoding is cut by
	// hand. The author is the envelope's last entry, the sig its third.
	{
		k := key("public-key-31-bytes")
		b := g.signed(k.pub, func(m []byte) []byte { return ed25519.Sign(k.priv, m) })
		head := append([]byte{0x66}, "author"...)
		at := bytes.LastIndex(b, append(head, 0x58, 0x20))
		if at < 0 || at+len(head)+2+32 != len(b) {
			t.Fatal("public-key-31-bytes: the author is not the record's last entry")
		}
		cut := append(append(bytes.Clone(b[:at+len(head)]), 0x58, 31), b[len(b)-32:len(b)-1]...)
		g.add("public-key-31-bytes", false, cut, "A 31-byte key is no key: the record does not decode.")
	}
	for _, n := range []int{63, 65} {
		name := fmt.Sprintf("signature-%d-bytes", n)
		k := key(name)
		b := g.signed(k.pub, func(m []byte) []byte { return ed25519.Sign(k.priv, m) })
		head := append(append([]byte{0x63}, "sig"...), 0x58, 0x40)
		at := bytes.Index(b, head)
		if at < 0 {
			t.Fatalf("%s: no sig entry", name)
		}
		sig := b[at+len(head) : at+len(head)+64]
		if n == 63 {
			sig = sig[:63]
		} else {
			sig = append(bytes.Clone(sig), 0)
		}
		out := append(append(bytes.Clone(b[:at+len(head)-1]), byte(n)), sig...)
		out = append(out, b[at+len(head)+64:]...)
		g.add(name, false, out, "")
	}
	// A signature that verifies, written with a longer length head than
	// canonical CBOR allows: what the author signed is intact, the
	// encoding is not.
	{
		k := key("sig-length-not-canonical")
		b := g.signed(k.pub, func(m []byte) []byte { return ed25519.Sign(k.priv, m) })
		head := append(append([]byte{0x63}, "sig"...), 0x58, 0x40)
		at := bytes.Index(b, head)
		out := append(append(bytes.Clone(b[:at+len(head)-2]), 0x59, 0x00, 0x40), b[at+len(head):]...)
		g.add("sig-length-not-canonical", true, out, "Not one of the ZIP-215 vectors: an honest signature in a non-canonical CBOR encoding, refused as malformed whatever its signature.")
	}

	return sigruleRecordsFile{
		Comment: "The edge cases of ed25519-zip215.json built into records, for the engine's paths (gossip, sync, fetch, CAR import) to answer as protocol.Open does. " +
			"Generated by `go test ./protocol -run SigruleRecordsFile -update` (protocol/sigrule_records_test.go). " +
			"record is hex; open is \"accept\" or Open's error; kind names the error's kind; zip215 is the vector's verdict, which open follows unless a note says why not.",
		Format:  "jejak-sigrule-records-1",
		Records: g.out,
	}
}
