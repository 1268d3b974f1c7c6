package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"encoding/binary"
	"errors"
	"math"
	"strings"
	"testing"

	gocid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// badCase is a malformed or dishonest record and how Open must reject it.
type badCase struct {
	name  string
	data  []byte
	kind  error  // ErrMalformed, ErrInvalid, ErrSignature or ErrTooLarge
	msg   string // part of the error message that pins the reason
	field string // for ErrInvalid: the FieldError's Field
}

// errKinds are the error kinds a bad record may be rejected with; each
// rejection matches exactly one.
var errKinds = []error{protocol.ErrMalformed, protocol.ErrInvalid, protocol.ErrSignature, protocol.ErrTooLarge}

// badCases builds the table of bad records from the vectors. Cases that
// break a rule are re-signed by the record's own author, so that the rule,
// not the signature, is what rejects them; cases about the signature change
// the record and keep the old signature, or sign the wrong thing.
func badCases(t testing.TB) []badCase {
	t.Helper()
	vs := map[string]vector{}
	for _, v := range mustVectors(t) {
		vs[v.name] = v
	}
	proc := vs["process"]
	other := prototest.Key("someone-else")

	env := func(v vector) fields { return splitMap(t, v.signed.Bytes) }

	// signed changes a record's envelope and signs it again.
	signed := func(v vector, change func(env fields)) []byte {
		e := env(v)
		change(e)
		return resign(v.key, e)
	}
	// inBody changes the map at path in a record's body and signs again.
	inBody := func(v vector, path string, change func(f fields)) []byte {
		return signed(v, func(e fields) {
			var p []string
			if path != "" {
				p = strings.Split(path, ".")
			}
			e["body"] = mutateIn(t, e["body"], p, change)
		})
	}
	// unsigned changes a record's envelope and keeps the old signature.
	unsigned := func(v vector, change func(env fields)) []byte {
		e := env(v)
		change(e)
		return e.encode()
	}
	// procBody changes the process record's body, bytes as given (the
	// walk rejects the encoding before any signature is looked at).
	procBody := func(change func(body fields)) []byte {
		return unsigned(proc, func(e fields) {
			b := splitMap(t, e["body"])
			change(b)
			e["body"] = b.encode()
		})
	}
	procOut0 := func(change func(f fields)) []byte {
		return unsigned(proc, func(e fields) { e["body"] = mutateIn(t, e["body"], []string{"out", "0"}, change) })
	}
	good := proc.signed.Bytes

	cidOf := func(version, codec, hash uint64, length int) []byte {
		sum, err := mh.Sum([]byte("some record"), hash, length)
		if err != nil {
			t.Fatal(err)
		}
		if version == 0 {
			return gocid.NewCidV0(sum).Bytes()
		}
		return gocid.NewCidV1(codec, sum).Bytes()
	}
	withPrev := func(link []byte) []byte {
		return unsigned(proc, func(e fields) { e["prev"] = link })
	}
	nested := func(depth int) []byte {
		b := cText("deep")
		for i := 0; i < depth; i++ {
			b = cArray(b)
		}
		return b
	}
	float64Bits := func(f float64) []byte {
		return binary.BigEndian.AppendUint64([]byte{0xfb}, math.Float64bits(f))
	}

	cases := []badCase{
		// ---- Bytes that are not canonical DAG-CBOR: ErrMalformed. ----
		{name: "empty input", data: []byte{},
			kind: protocol.ErrMalformed, msg: "at byte 0: unexpected end of data"},
		{name: "truncated by one byte", data: good[:len(good)-1],
			kind: protocol.ErrMalformed, msg: "length 32 runs past the end of data"},
		{name: "truncated inside an item head", data: good[:len(good)-33],
			kind: protocol.ErrMalformed, msg: "unexpected end of data in item head"},
		{name: "truncated to the map head", data: good[:1],
			kind: protocol.ErrMalformed, msg: "at byte 0: map of 8 entries runs past the end of data"},
		{name: "trailing byte", data: cat(good, []byte{0x00}),
			kind: protocol.ErrMalformed, msg: "1 trailing bytes after the record"},
		{name: "two records back to back", data: cat(good, good),
			kind: protocol.ErrMalformed, msg: "492 trailing bytes after the record"},
		{name: "keys in byte order, not length-first", data: func() []byte {
			e := env(proc)
			var es []entry
			for _, k := range []string{"author", "body", "prev", "seq", "sig", "time", "type", "v"} {
				es = append(es, entry{k, e[k]})
			}
			return cMap(es...)
		}(), kind: protocol.ErrMalformed, msg: `map key "body" out of order`},
		{name: "equal-length keys out of byte order", data: func() []byte {
			e := env(proc)
			var es []entry
			for _, k := range []string{"v", "seq", "sig", "body", "prev", "type", "time", "author"} {
				es = append(es, entry{k, e[k]})
			}
			return cMap(es...)
		}(), kind: protocol.ErrMalformed, msg: `map key "time" out of order`},
		{name: "body keys out of order", data: unsigned(proc, func(e fields) {
			b := splitMap(t, e["body"])
			e["body"] = cMap(entry{"out", b["out"]}, entry{"in", b["in"]}, entry{"place", b["place"]})
		}), kind: protocol.ErrMalformed, msg: `map key "in" out of order`},
		{name: "duplicate key", data: func() []byte {
			e := env(proc)
			var es []entry
			for _, k := range e.sortedKeys() {
				es = append(es, entry{k, e[k]})
				if k == "seq" {
					es = append(es, entry{k, cUint(5)})
				}
			}
			return cMap(es...)
		}(), kind: protocol.ErrMalformed, msg: `duplicate map key "seq"`},
		{name: "indefinite-length map", data: func() []byte {
			b := bytes.Clone(good)
			b[0] = 0xbf
			return append(b, 0xff)
		}(), kind: protocol.ErrMalformed, msg: "at byte 0: indefinite-length item not allowed"},
		{name: "indefinite-length array", data: procBody(func(b fields) {
			items := splitArray(t, b["out"])
			b["out"] = cat([]byte{0x9f}, bytes.Join(items, nil), []byte{0xff})
		}), kind: protocol.ErrMalformed, msg: "indefinite-length item not allowed"},
		{name: "indefinite-length text", data: unsigned(proc, func(e fields) {
			e["type"] = cat([]byte{0x7f}, cText("proc"), cText("ess"), []byte{0xff})
		}), kind: protocol.ErrMalformed, msg: "indefinite-length item not allowed"},
		{name: "indefinite-length byte string", data: unsigned(proc, func(e fields) {
			sig := e["sig"][2:]
			e["sig"] = cat([]byte{0x5f}, cBytes(sig[:32]), cBytes(sig[32:]), []byte{0xff})
		}), kind: protocol.ErrMalformed, msg: "indefinite-length item not allowed"},
		{name: "integer not in shortest form", data: unsigned(proc, func(e fields) { e["seq"] = []byte{0x18, 0x04} }),
			kind: protocol.ErrMalformed, msg: "integer or length not in shortest form"},
		{name: "64-bit integer that fits in 32 bits", data: unsigned(proc, func(e fields) {
			e["seq"] = binary.BigEndian.AppendUint64([]byte{0x1b}, 4)
		}), kind: protocol.ErrMalformed, msg: "integer or length not in shortest form"},
		{name: "text length not in shortest form", data: unsigned(proc, func(e fields) {
			e["type"] = cat([]byte{0x78, 0x07}, []byte("process"))
		}), kind: protocol.ErrMalformed, msg: "integer or length not in shortest form"},
		{name: "map length not in shortest form", data: cat([]byte{0xb8, 0x08}, good[1:]),
			kind: protocol.ErrMalformed, msg: "at byte 0: integer or length not in shortest form"},
		{name: "half-precision float", data: unsigned(proc, func(e fields) { e["time"] = []byte{0xf9, 0x3c, 0x00} }),
			kind: protocol.ErrMalformed, msg: "floating-point number not allowed"},
		{name: "single-precision float", data: unsigned(proc, func(e fields) { e["time"] = []byte{0xfa, 0x47, 0xc3, 0x50, 0x00} }),
			kind: protocol.ErrMalformed, msg: "floating-point number not allowed"},
		{name: "double-precision float", data: unsigned(proc, func(e fields) { e["time"] = float64Bits(float64(proc.signed.Time)) }),
			kind: protocol.ErrMalformed, msg: "floating-point number not allowed"},
		{name: "float as a coordinate", data: inBody(vs["place-point"], "geo", func(f fields) {
			f["point"] = cArray(float64Bits(117.9035), float64Bits(5.5521))
		}), kind: protocol.ErrMalformed, msg: "floating-point number not allowed"},
		{name: "undefined", data: procOut0(func(f fields) { f["lot"] = []byte{0xf7} }),
			kind: protocol.ErrMalformed, msg: "undefined not allowed"},
		{name: "simple value", data: procOut0(func(f fields) { f["lot"] = []byte{0xf0} }),
			kind: protocol.ErrMalformed, msg: "simple value 16 not allowed"},
		{name: "one-byte simple value", data: procOut0(func(f fields) { f["lot"] = []byte{0xf8, 0x20} }),
			kind: protocol.ErrMalformed, msg: "simple value not allowed"},
		{name: "reserved additional information", data: unsigned(proc, func(e fields) { e["seq"] = []byte{0x1c} }),
			kind: protocol.ErrMalformed, msg: "reserved additional information 28"},
		{name: "stray break code", data: unsigned(proc, func(e fields) { e["seq"] = []byte{0xff} }),
			kind: protocol.ErrMalformed, msg: "unexpected break code"},
		{name: "integer beyond int64", data: unsigned(proc, func(e fields) { e["seq"] = cUint(math.MaxUint64) }),
			kind: protocol.ErrMalformed, msg: "integer out of the signed 64-bit range"},
		{name: "negative integer beyond int64", data: unsigned(proc, func(e fields) { e["time"] = cHead(1, math.MaxUint64) }),
			kind: protocol.ErrMalformed, msg: "negative integer out of the 64-bit range"},
		{name: "array longer than the data", data: procBody(func(b fields) { b["out"] = []byte{0x9a, 0xff, 0xff, 0xff, 0xff} }),
			kind: protocol.ErrMalformed, msg: "array of 4294967295 items runs past the end of data"},
		{name: "map longer than the data", data: cat([]byte{0xba, 0xff, 0xff, 0xff, 0xff}, good[1:]),
			kind: protocol.ErrMalformed, msg: "map of 4294967295 entries runs past the end of data"},
		{name: "nested too deep", data: procOut0(func(f fields) { f["lot"] = nested(20) }),
			kind: protocol.ErrMalformed, msg: "nested deeper than 16 levels"},
		{name: "tag other than 42", data: unsigned(proc, func(e fields) { e["time"] = cat(cHead(6, 1), cInt(proc.signed.Time/1000)) }),
			kind: protocol.ErrMalformed, msg: "tag 1 not allowed (only 42, a CID link)"},
		{name: "tag 42 without the 0x00 prefix", data: withPrev(cLinkRaw(proc.signed.Prev.Bytes())),
			kind: protocol.ErrMalformed, msg: "tag 42 content must start with the identity multibase prefix 0x00"},
		{name: "tag 42 around text", data: withPrev(cat(cHead(6, 42), cText(proc.signed.Prev.String()))),
			kind: protocol.ErrMalformed, msg: "tag 42 must hold a byte string"},
		{name: "link to a CIDv0", data: withPrev(cLinkRaw(cat([]byte{0}, cidOf(0, gocid.DagProtobuf, mh.SHA2_256, -1)))),
			kind: protocol.ErrMalformed, msg: "CID version 0, want 1"},
		{name: "link with the raw codec", data: withPrev(cLinkRaw(cat([]byte{0}, cidOf(1, gocid.Raw, mh.SHA2_256, -1)))),
			kind: protocol.ErrMalformed, msg: "CID codec 0x55, want dag-cbor (0x71)"},
		{name: "link with sha2-512", data: withPrev(cLinkRaw(cat([]byte{0}, cidOf(1, gocid.DagCBOR, mh.SHA2_512, -1)))),
			kind: protocol.ErrMalformed, msg: "CID hash 0x13, want sha2-256 (0x12)"},
		{name: "link with a truncated sha2-256", data: withPrev(cLinkRaw(cat([]byte{0}, cidOf(1, gocid.DagCBOR, mh.SHA2_256, 20)))),
			kind: protocol.ErrMalformed, msg: "CID hash length 20, want 32"},
		{name: "link with bytes after the CID", data: withPrev(cLinkRaw(cat([]byte{0}, proc.signed.Prev.Bytes(), []byte{0}))),
			kind: protocol.ErrMalformed, msg: "1 bytes after the CID"},
		{name: "link that is not a CID", data: withPrev(cLinkRaw([]byte{0, 0x01})),
			kind: protocol.ErrMalformed, msg: "tag 42: not a CID"},
		{name: "integer map key", data: func() []byte {
			e := env(proc)
			b := cat([]byte{0xa9}, cUint(1), cUint(1))
			for _, k := range e.sortedKeys() {
				b = cat(b, cText(k), e[k])
			}
			return b
		}(), kind: protocol.ErrMalformed, msg: "at byte 1: map key is not a text string"},
		{name: "invalid UTF-8 in text", data: procOut0(func(f fields) { f["lot"] = cat([]byte{0x62, 0xc3, 0x28}) }),
			kind: protocol.ErrMalformed, msg: "text is not valid UTF-8"},
		{name: "invalid UTF-8 in a map key", data: procOut0(func(f fields) { f["\xff\xfe\xfd\xfc"] = cText("x") }),
			kind: protocol.ErrMalformed, msg: "map key is not valid UTF-8"},
		{name: "array instead of a map", data: cArray(cUint(1), cText("process")),
			kind: protocol.ErrMalformed, msg: "cannot unmarshal array"},
		{name: "unknown envelope field", data: signed(proc, func(e fields) { e["note"] = cText("urgent") }),
			kind: protocol.ErrMalformed, msg: "malformed record: cbor: found unknown field"},
		{name: "unknown field in body", data: inBody(proc, "", func(f fields) { f["shift"] = cText("night") }),
			kind: protocol.ErrMalformed, msg: "process body: cbor: found unknown field"},
		{name: "unknown field in an output", data: inBody(proc, "out.0", func(f fields) { f["grade"] = cText("A") }),
			kind: protocol.ErrMalformed, msg: "process body: cbor: found unknown field"},
		{name: "field name in the wrong case", data: inBody(proc, "out.0", func(f fields) { f["Lot"] = f["lot"]; delete(f, "lot") }),
			kind: protocol.ErrMalformed, msg: "process body: cbor: found unknown field"},
		{name: "empty optional field written", data: inBody(proc, "out.0", func(f fields) { f["lot"] = cText("") }),
			kind: protocol.ErrMalformed, msg: "not in canonical form"},
		{name: "null optional field written", data: inBody(proc, "out.0", func(f fields) { f["claim"] = []byte{0xf6} }),
			kind: protocol.ErrMalformed, msg: "not in canonical form"},
		{name: "zero optional number written", data: inBody(vs["place-point"], "", func(f fields) { f["area"] = cUint(0) }),
			kind: protocol.ErrMalformed, msg: "not in canonical form"},
		{name: "boolean for a number", data: signed(proc, func(e fields) { e["seq"] = []byte{0xf5} }),
			kind: protocol.ErrMalformed, msg: "cannot unmarshal primitives into Go struct field protocol.wire.seq of type uint64"},
		{name: "negative seq", data: signed(proc, func(e fields) { e["seq"] = cInt(-4) }),
			kind: protocol.ErrMalformed, msg: "cannot unmarshal negative integer into Go struct field protocol.wire.seq of type uint64"},
		{name: "text for a quantity", data: inBody(proc, "out.0.qty", func(f fields) { f["n"] = cText("38.291") }),
			kind: protocol.ErrMalformed, msg: "cannot unmarshal UTF-8 text string into Go struct field"},
		{name: "author of the wrong length", data: signed(proc, func(e fields) {
			pub := proc.signed.Author
			e["author"] = cBytes(pub[:31])
		}), kind: protocol.ErrMalformed, msg: "public key is 31 bytes, want 32"},
		{name: "position with three numbers", data: inBody(vs["place-point"], "geo", func(f fields) {
			f["point"] = cArray(cInt(1179035000), cInt(55521000), cInt(12))
		}), kind: protocol.ErrMalformed, msg: "position has 3 numbers, want 2"},
		{name: "link where a key belongs", data: inBody(vs["transfer"], "", func(f fields) { f["to"] = cLink(proc.signed.CID) }),
			kind: protocol.ErrMalformed, msg: "public key is 37 bytes, want 32"},

		// ---- A record over the size limit: ErrTooLarge. ----
		{name: "oversized record", data: oversized(t, vs["origin"]),
			kind: protocol.ErrTooLarge, msg: "exceeds the 65536-byte limit"},

		// ---- Forged or damaged signatures: ErrSignature. ----
		{name: "flipped signature bit", data: unsigned(proc, func(e fields) { e["sig"][10] ^= 0x01 }),
			kind: protocol.ErrSignature, msg: "process record seq 4 by " + proc.signed.Author.Short() + ": signature does not verify"},
		{name: "signature by another key", data: resign(other, env(proc)),
			kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "author swapped for the signer of the signature", data: unsigned(proc, func(e fields) {
			pub := other.Public()
			e["author"] = cBytes(pub[:])
		}), kind: protocol.ErrSignature, msg: "by " + other.Public().Short() + ": signature does not verify"},
		{name: "signed without the domain string", data: resignDomain(proc.key, "", env(proc)),
			kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "signed under another domain", data: resignDomain(proc.key, "jejak-record-v2\x00", env(proc)),
			kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "signed over the whole record, sig included", data: func() []byte {
			e := env(proc)
			e["sig"] = cBytes(make([]byte, 64))
			msg := append([]byte(protocol.SignatureDomain), e.encode()...)
			e["sig"] = cBytes(ed25519.Sign(edKey(proc.key), msg))
			return e.encode()
		}(), kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "body altered after signing", data: unsigned(proc, func(e fields) {
			e["body"] = mutateIn(t, e["body"], []string{"out", "0", "qty"}, func(f fields) { f["n"] = cUint(48291) })
		}), kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "time altered after signing", data: unsigned(proc, func(e fields) { e["time"] = cInt(proc.signed.Time + 1) }),
			kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "signature of another record", data: unsigned(proc, func(e fields) { e["sig"] = cBytes(vs["transfer"].signed.Sig) }),
			kind: protocol.ErrSignature, msg: "signature does not verify"},
		{name: "all-zero signature", data: unsigned(proc, func(e fields) { e["sig"] = cBytes(make([]byte, 64)) }),
			kind: protocol.ErrSignature, msg: "signature does not verify"},

		// ---- Well-formed and signed, but a rule is broken: ErrInvalid. ----
		{name: "version 0", data: signed(proc, func(e fields) { e["v"] = cUint(0) }),
			kind: protocol.ErrInvalid, field: "v", msg: "version 0 is not supported"},
		{name: "unknown type", data: signed(proc, func(e fields) { e["type"] = cText("harvest") }),
			kind: protocol.ErrInvalid, field: "type", msg: `unknown record type "harvest"`},
		{name: "seq 0", data: signed(vs["org"], func(e fields) { e["seq"] = cUint(0) }),
			kind: protocol.ErrInvalid, field: "seq", msg: "must be 1 or more"},
		{name: "prev missing at seq 2", data: signed(vs["device"], func(e fields) { delete(e, "prev") }),
			kind: protocol.ErrInvalid, field: "prev", msg: "missing: record seq 2 must link the previous record"},
		{name: "prev present at seq 1", data: signed(vs["org"], func(e fields) { e["prev"] = cLink(proc.signed.CID) }),
			kind: protocol.ErrInvalid, field: "prev", msg: "the first record of a feed (seq 1) has no previous record"},
		{name: "time in seconds", data: signed(proc, func(e fields) { e["time"] = cInt(proc.signed.Time / 1000) }),
			kind: protocol.ErrInvalid, field: "time", msg: "1717286400 is before 2000-01-01"},
		{name: "signature of the wrong length", data: unsigned(proc, func(e fields) { e["sig"] = cBytes(proc.signed.Sig[:63]) }),
			kind: protocol.ErrInvalid, field: "sig", msg: "is 63 bytes, want 64"},
		{name: "no signature", data: unsigned(proc, func(e fields) { delete(e, "sig") }),
			kind: protocol.ErrInvalid, field: "sig", msg: "is 0 bytes, want 64"},
		{name: "all-zero author", data: signed(proc, func(e fields) { e["author"] = cBytes(make([]byte, 32)) }),
			kind: protocol.ErrInvalid, field: "author", msg: "missing"},
		{name: "negative quantity", data: inBody(proc, "out.0.qty", func(f fields) { f["n"] = cInt(-38291) }),
			kind: protocol.ErrInvalid, field: "body.out[0].qty.n", msg: "must be more than zero, is -38.291 TNE"},
		{name: "zero quantity", data: inBody(proc, "in.0.qty", func(f fields) { f["n"] = cInt(0) }),
			kind: protocol.ErrInvalid, field: "body.in[0].qty.n", msg: "must be more than zero, is 0 TNE"},
		{name: "quantity beyond the largest", data: inBody(proc, "out.1.qty", func(f fields) { f["n"] = cInt(protocol.MaxQuantity + 1) }),
			kind: protocol.ErrInvalid, field: "body.out[1].qty.n", msg: "is more than the largest quantity"},
		{name: "unknown unit", data: inBody(proc, "out.1.qty", func(f fields) { f["unit"] = cText("TON") }),
			kind: protocol.ErrInvalid, field: "body.out[1].qty.unit", msg: `unknown unit "TON"`},
		{name: "unit in lower case", data: inBody(proc, "out.0.qty", func(f fields) { f["unit"] = cText("tne") }),
			kind: protocol.ErrInvalid, field: "body.out[0].qty.unit", msg: `unknown unit "tne"`},
		{name: "fractional pieces", data: inBody(proc, "out.0.qty", func(f fields) {
			f["n"] = cInt(1500)
			f["unit"] = cText("H87")
		}), kind: protocol.ErrInvalid, field: "body.out[0].qty.n", msg: "a count of pieces must be whole, is 1.5"},
		{name: "unknown supply-chain model", data: inBody(proc, "out.1.claim", func(f fields) { f["model"] = cText("RSPO-MB") }),
			kind: protocol.ErrInvalid, field: "body.out[1].claim.model", msg: `"RSPO-MB" is not a supply-chain model`},
		{name: "same lot code twice", data: inBody(proc, "out.1", func(f fields) { f["lot"] = cText("CPO-BM-240602-01") }),
			kind: protocol.ErrInvalid, field: "body.out[1].lot", msg: `lot code "CPO-BM-240602-01" used twice`},
		{name: "batch consumed twice", data: inBody(proc, "", func(f fields) {
			in := splitArray(t, f["in"])
			f["in"] = cArray(in[0], in[0])
		}), kind: protocol.ErrInvalid, field: "body.in[1].batch", msg: "consumed twice in one record"},
		{name: "batch output number too large", data: inBody(proc, "in.0.batch", func(f fields) { f["n"] = cUint(protocol.MaxOutputs) }),
			kind: protocol.ErrInvalid, field: "body.in[0].batch.n", msg: "output number 256 is too large"},
		{name: "process without inputs", data: inBody(proc, "", func(f fields) { f["in"] = cArray() }),
			kind: protocol.ErrInvalid, field: "body.in", msg: "at least one input batch is needed"},
		{name: "origin without outputs", data: inBody(vs["origin"], "", func(f fields) { f["out"] = cArray() }),
			kind: protocol.ErrInvalid, field: "body.out", msg: "at least one output batch is needed"},
		{name: "harvest ends before it starts", data: inBody(vs["origin"], "", func(f fields) { f["until"] = cInt(utc(2024, 5, 1, 0, 0)) }),
			kind: protocol.ErrInvalid, field: "body.until", msg: "the production period ends before it starts"},
		{name: "same place twice in an origin", data: inBody(vs["origin"], "", func(f fields) {
			p := splitArray(t, f["places"])
			f["places"] = cArray(p[0], p[0])
		}), kind: protocol.ErrInvalid, field: "body.places[1]", msg: "place listed twice"},
		{name: "open polygon ring", data: inBody(vs["place-polygon"], "geo", func(f fields) {
			ring := splitArray(t, splitArray(t, f["rings"])[0])
			ring[len(ring)-1] = ring[1]
			f["rings"] = cArray(cArray(ring...))
		}), kind: protocol.ErrInvalid, field: "body.geo.rings[0]", msg: "ring is not closed"},
		{name: "too few ring positions", data: inBody(vs["place-polygon"], "geo", func(f fields) {
			ring := splitArray(t, splitArray(t, f["rings"])[0])
			f["rings"] = cArray(cArray(ring[0], ring[1], ring[0]))
		}), kind: protocol.ErrInvalid, field: "body.geo.rings[0]", msg: "a ring needs at least 4 positions"},
		{name: "latitude out of range", data: inBody(vs["place-point"], "geo", func(f fields) {
			f["point"] = cArray(cInt(1179035000), cInt(910000000))
		}), kind: protocol.ErrInvalid, field: "body.geo.point", msg: "latitude 91.0000000 out of range -90..90"},
		{name: "longitude out of range", data: inBody(vs["place-point"], "geo", func(f fields) {
			f["point"] = cArray(cInt(-1800000001), cInt(55521000))
		}), kind: protocol.ErrInvalid, field: "body.geo.point", msg: "longitude -180.0000001 out of range -180..180"},
		{name: "ring corner out of range", data: inBody(vs["place-polygon"], "geo", func(f fields) {
			ring := splitArray(t, splitArray(t, f["rings"])[0])
			ring[2] = cArray(cInt(1179047000), cInt(-900000010))
			f["rings"] = cArray(cArray(ring...))
		}), kind: protocol.ErrInvalid, field: "body.geo.rings[0][2]", msg: "latitude -90.0000010 out of range"},
		{name: "plot over 4 ha as a Point", data: inBody(vs["place-polygon"], "", func(f fields) {
			f["geo"] = cMap(entry{"type", cText("Point")}, entry{"point", cArray(cInt(1179025000), cInt(55515000))})
		}), kind: protocol.ErrInvalid, field: "body.geo", msg: "a plot of 13.59 ha needs a polygon"},
		{name: "declared area does not match the polygon", data: inBody(vs["place-polygon"], "", func(f fields) { f["area"] = cUint(40_000) }),
			kind: protocol.ErrInvalid, field: "body.area", msg: "declared 4 ha but the polygon encloses 13.58"},
		{name: "plot without an area", data: inBody(vs["place-polygon"], "", func(f fields) { delete(f, "area") }),
			kind: protocol.ErrInvalid, field: "body.area", msg: "a plot needs its area in square metres"},
		{name: "Point with rings", data: inBody(vs["place-point"], "geo", func(f fields) {
			f["rings"] = splitMap(t, bodyOf(t, vs["place-polygon"])["geo"])["rings"]
		}), kind: protocol.ErrInvalid, field: "body.geo.rings", msg: "a Point has no rings"},
		{name: "unknown geometry type", data: inBody(vs["place-point"], "geo", func(f fields) { f["type"] = cText("LineString") }),
			kind: protocol.ErrInvalid, field: "body.geo.type", msg: `"LineString" is not supported`},
		{name: "unknown kind of place", data: inBody(vs["place-point"], "", func(f fields) { f["kind"] = cText("kebun") }),
			kind: protocol.ErrInvalid, field: "body.kind", msg: `unknown kind of place "kebun"`},
		{name: "country code in lower case", data: inBody(vs["org"], "", func(f fields) { f["country"] = cText("my") }),
			kind: protocol.ErrInvalid, field: "body.country", msg: `"my" is not an ISO 3166-1 alpha-2 code`},
		{name: "country name for a code", data: inBody(vs["place-point"], "", func(f fields) { f["country"] = cText("Malaysia") }),
			kind: protocol.ErrInvalid, field: "body.country", msg: `"Malaysia" is not an ISO 3166-1 alpha-2 code`},
		{name: "unknown role", data: inBody(vs["org"], "", func(f fields) { f["roles"] = cArray(cText("plantation"), cText("grower")) }),
			kind: protocol.ErrInvalid, field: "body.roles[1]", msg: `unknown role "grower"`},
		{name: "role listed twice", data: inBody(vs["org"], "", func(f fields) { f["roles"] = cArray(cText("mill"), cText("mill")) }),
			kind: protocol.ErrInvalid, field: "body.roles[1]", msg: `role "mill" listed twice`},
		{name: "GLN of 12 digits", data: inBody(vs["org"], "", func(f fields) { f["gln"] = cText("955501230001") }),
			kind: protocol.ErrInvalid, field: "body.gln", msg: "is not a 13-digit GS1 Global Location Number"},
		{name: "name with a leading space", data: inBody(vs["org"], "", func(f fields) { f["name"] = cText(" Kilang Sawit Bukit Mas") }),
			kind: protocol.ErrInvalid, field: "body.name", msg: "has leading or trailing space"},
		{name: "name with a control character", data: inBody(vs["org"], "", func(f fields) { f["name"] = cText("Kilang\x07Sawit") }),
			kind: protocol.ErrInvalid, field: "body.name", msg: "contains a control character"},
		{name: "name too long", data: inBody(vs["org"], "", func(f fields) { f["name"] = cText(strings.Repeat("Kilang ", 28) + "Sawit") }),
			kind: protocol.ErrInvalid, field: "body.name", msg: "is 201 characters, at most 200"},
		{name: "unknown role in an endorsement", data: inBody(vs["endorse"], "", func(f fields) { f["role"] = cText("auditor") }),
			kind: protocol.ErrInvalid, field: "body.role", msg: `unknown role "auditor"`},
		{name: "certificate ends before it starts", data: inBody(vs["endorse"], "cert", func(f fields) { f["until"] = f["from"] }),
			kind: protocol.ErrInvalid, field: "body.cert.until", msg: "must be after the start of validity"},
		{name: "revoke naming both key and record", data: inBody(vs["revoke"], "", func(f fields) { f["record"] = cLink(proc.signed.CID) }),
			kind: protocol.ErrInvalid, field: "body", msg: "a revocation names exactly one of key and record"},
		{name: "revoke naming neither key nor record", data: inBody(vs["revoke"], "", func(f fields) {
			delete(f, "key")
			delete(f, "successor")
		}), kind: protocol.ErrInvalid, field: "body", msg: "a revocation names exactly one of key and record"},
		{name: "successor is the revoked key", data: inBody(vs["revoke"], "", func(f fields) { f["successor"] = f["key"] }),
			kind: protocol.ErrInvalid, field: "body.successor", msg: "must be a different, non-zero key"},
		{name: "transfer to the zero key", data: inBody(vs["transfer"], "", func(f fields) { f["to"] = cBytes(make([]byte, 32)) }),
			kind: protocol.ErrInvalid, field: "body.to", msg: "missing"},
		{name: "document hash of the wrong length", data: inBody(vs["transfer"], "docs.0", func(f fields) { f["hash"] = cBytes(make([]byte, 20)) }),
			kind: protocol.ErrInvalid, field: "body.docs[0].hash", msg: "is 20 bytes, want a 32-byte sha2-256 digest"},
		{name: "document with neither reference nor hash", data: inBody(vs["transfer"], "docs.1", func(f fields) { delete(f, "ref") }),
			kind: protocol.ErrInvalid, field: "body.docs[1]", msg: "a document needs a reference or a hash"},
		{name: "no body", data: signed(proc, func(e fields) { delete(e, "body") }),
			kind: protocol.ErrInvalid, field: "body", msg: "missing"},
		{name: "no author", data: signed(proc, func(e fields) { delete(e, "author") }),
			kind: protocol.ErrInvalid, field: "author", msg: "missing"},
		{name: "no type", data: signed(proc, func(e fields) { delete(e, "type") }),
			kind: protocol.ErrInvalid, field: "type", msg: "type: missing"},
		{name: "required body field left out", data: inBody(proc, "out.0", func(f fields) { delete(f, "product") }),
			kind: protocol.ErrInvalid, field: "body.out[0].product", msg: "missing"},
		{name: "output number of a batch left out", data: inBody(proc, "in.0.batch", func(f fields) { delete(f, "n") }),
			kind: protocol.ErrMalformed, msg: "not in canonical form"},
		{name: "correction replaced by itself", data: inBody(vs["correct"], "", func(f fields) { f["by"] = f["record"] }),
			kind: protocol.ErrInvalid, field: "body.by", msg: "a record cannot replace itself"},
	}
	return cases
}

// oversized returns an origin record, signed by its author and otherwise
// valid, whose encoding is larger than MaxRecordSize.
func oversized(t testing.TB, origin vector) []byte {
	t.Helper()
	return resignBody(t, origin, func(body fields) {
		out := splitArray(t, body["out"])
		var many [][]byte
		for i := 0; len(many) < protocol.MaxOutputs; i++ {
			o := splitMap(t, out[0])
			o["lot"] = cText(strings.Repeat("L", 190) + string(rune('A'+i%26)) + strings.Repeat("x", i/26))
			o["product"] = cText(strings.Repeat("Fresh fruit bunches ", 10))
			many = append(many, o.encode())
		}
		body["out"] = cArray(many...)
	})
}

// resignBody changes a vector's body and signs it again.
func resignBody(t testing.TB, v vector, change func(body fields)) []byte {
	t.Helper()
	e := splitMap(t, v.signed.Bytes)
	b := splitMap(t, e["body"])
	change(b)
	e["body"] = b.encode()
	return resign(v.key, e)
}

// bodyOf returns a vector's body taken apart.
func bodyOf(t testing.TB, v vector) fields {
	t.Helper()
	return splitMap(t, splitMap(t, v.signed.Bytes)["body"])
}

// TestOpenRejectsBadInput checks that Open rejects every bad record with the
// right kind of error, and a message (and for a broken rule, a field) that
// says which rule.
func TestOpenRejectsBadInput(t *testing.T) {
	cases := badCases(t)
	if len(cases) < 40 {
		t.Fatalf("only %d bad-input cases, want at least 40", len(cases))
	}
	names := map[string]bool{}
	for _, tc := range cases {
		if names[tc.name] {
			t.Fatalf("two cases named %q", tc.name)
		}
		names[tc.name] = true
		t.Run(tc.name, func(t *testing.T) {
			s, err := protocol.Open(tc.data)
			if err == nil {
				t.Fatalf("Open accepted it: %s record seq %d, CID %s", s.Type(), s.Seq, s.CID)
			}
			assertRejection(t, err, tc)
			// A broken rule must be what stops the record: its signature
			// is good (but where the rule is about the sig or author).
			if tc.kind == protocol.ErrInvalid && tc.field != "sig" && tc.field != "author" && !signatureVerifies(t, tc.data) {
				t.Error("the case's signature does not verify; re-sign it so the rule is what is tested")
			}
			// Decode alone must agree, except that it does not look at
			// signatures.
			_, derr := protocol.Decode(tc.data)
			switch {
			case tc.kind == protocol.ErrSignature && derr != nil:
				t.Errorf("Decode rejected a record whose only fault is its signature: %v", derr)
			case tc.kind != protocol.ErrSignature && (derr == nil || derr.Error() != err.Error()):
				t.Errorf("Decode error %v, Open error %v", derr, err)
			}
		})
	}
}

// signatureVerifies reports whether the record in b carries a good
// signature by its author, checked with crypto/ed25519 alone.
func signatureVerifies(t *testing.T, b []byte) bool {
	t.Helper()
	env := splitMap(t, b)
	var sig, author []byte
	if err := cborUnmarshal(env["sig"], &sig); err != nil {
		return false
	}
	if err := cborUnmarshal(env["author"], &author); err != nil || len(author) != 32 {
		return false
	}
	return ed25519.Verify(author, signedMessage(protocol.SignatureDomain, env), sig)
}

// assertRejection checks err against what tc expects.
func assertRejection(t *testing.T, err error, tc badCase) {
	t.Helper()
	if !errors.Is(err, tc.kind) {
		t.Errorf("error %q is not %v", err, tc.kind)
	}
	for _, k := range errKinds {
		if k != tc.kind && errors.Is(err, k) {
			t.Errorf("error %q is also %v", err, k)
		}
	}
	if !strings.Contains(err.Error(), tc.msg) {
		t.Errorf("error %q does not say %q", err, tc.msg)
	}
	if !strings.HasPrefix(err.Error(), "protocol: ") {
		t.Errorf("error %q does not start with the package name", err)
	}
	var fe *protocol.FieldError
	switch {
	case tc.kind == protocol.ErrInvalid && !errors.As(err, &fe):
		t.Errorf("error %q is not a *FieldError", err)
	case tc.kind == protocol.ErrInvalid && fe.Field != tc.field:
		t.Errorf("FieldError.Field is %q, want %q (%v)", fe.Field, tc.field, err)
	case tc.kind == protocol.ErrMalformed:
		var de *protocol.DecodeError
		if !errors.As(err, &de) {
			t.Errorf("error %q is not a *DecodeError", err)
		}
	}
}
