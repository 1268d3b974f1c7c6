package protocol_test

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

func TestSealOpenRoundTrip(t *testing.T) {
	for _, v := range mustVectors(t) {
		t.Run(v.name, func(t *testing.T) {
			s := v.signed
			if s.V != protocol.Version2 || s.Author != v.key.Public() || len(s.Sig) != 64 {
				t.Fatalf("Seal left v %d, author %s, %d-byte sig", s.V, s.Author, len(s.Sig))
			}
			if s.CID != protocol.ComputeCID(s.Bytes) {
				t.Fatal("Seal's CID is not the CID of its bytes")
			}
			opened, err := protocol.Open(s.Bytes)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(opened.Record, s.Record) {
				t.Fatalf("Open gives\n%+v\nSeal made\n%+v", opened.Record, s.Record)
			}
			if opened.CID != s.CID || !bytes.Equal(opened.Bytes, s.Bytes) {
				t.Fatal("Open gives other bytes or another CID")
			}
			again, err := opened.Encode()
			if err != nil || !bytes.Equal(again, s.Bytes) {
				t.Fatalf("Encode after Open: %v, bytes differ: %v", err, !bytes.Equal(again, s.Bytes))
			}
			decoded, err := protocol.Decode(s.Bytes)
			if err != nil || !reflect.DeepEqual(decoded, s.Record) {
				t.Fatalf("Decode: %v", err)
			}
			msg, err := s.SigningBytes()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.HasPrefix(msg, []byte(protocol.SignatureDomain)) || !edVerify(s.Author, msg, s.Sig) {
				t.Fatal("the signature is not over the domain and the record without sig")
			}
			if bytes.Contains(msg, s.Sig) {
				t.Fatal("the signed bytes contain the signature")
			}
		})
	}
}

func TestOpenKeepsItsOwnBytes(t *testing.T) {
	in := bytes.Clone(vectorByName(t, "transfer").signed.Bytes)
	s, err := protocol.Open(in)
	if err != nil {
		t.Fatal(err)
	}
	want := bytes.Clone(in)
	for i := range in {
		in[i] = 0
	}
	if !bytes.Equal(s.Bytes, want) || s.CID != protocol.ComputeCID(want) {
		t.Fatal("changing the input after Open changed the Signed record")
	}
}

func TestDecodeDoesNotVerify(t *testing.T) {
	v := vectorByName(t, "receive")
	e := splitMap(t, v.signed.Bytes)
	e["sig"][5] ^= 0x80
	b := e.encode()
	if _, err := protocol.Decode(b); err != nil {
		t.Fatalf("Decode of a record with a bad signature: %v", err)
	}
	if _, err := protocol.Open(b); !errors.Is(err, protocol.ErrSignature) {
		t.Fatalf("Open of a record with a bad signature: %v", err)
	}
}

func TestSealRefuses(t *testing.T) {
	key := prototest.Key("mill-device")
	good := func() *protocol.Record {
		return &protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: &protocol.Receive{
			Transfer: vectorByName(t, "transfer").signed.CID, Qty: protocol.Q(38, protocol.TNE)}}
	}
	if _, err := protocol.Seal(good(), key); err != nil {
		t.Fatalf("a good record: %v", err)
	}
	for _, tc := range []struct {
		name   string
		record func() *protocol.Record
		key    protocol.PrivateKey
		err    string
		field  string // for a FieldError
	}{
		{name: "no key", record: good, err: "protocol: seal: no key"},
		{name: "author is another key", record: func() *protocol.Record {
			r := good()
			r.Author = prototest.Key("other").Public()
			return r
		}, key: key, err: "is not the signing key"},
		{name: "no body", record: func() *protocol.Record { r := good(); r.Body = nil; return r }, key: key, field: "body"},
		{name: "seq 0", record: func() *protocol.Record { r := good(); r.Seq = 0; return r }, key: key, field: "seq"},
		{name: "seq 2 without prev", record: func() *protocol.Record { r := good(); r.Seq = 2; return r }, key: key, field: "prev"},
		{name: "time in seconds", record: func() *protocol.Record { r := good(); r.Time /= 1000; return r }, key: key, field: "time"},
		{name: "invalid body", record: func() *protocol.Record {
			r := good()
			r.Body.(*protocol.Receive).Qty.Unit = "TON"
			return r
		}, key: key, field: "body.qty.unit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := protocol.Seal(tc.record(), tc.key)
			if err == nil {
				t.Fatalf("Seal made %s", s.CID)
			}
			if tc.field != "" {
				var fe *protocol.FieldError
				if !errors.As(err, &fe) || fe.Field != tc.field {
					t.Fatalf("Seal: %v, want a FieldError on %s", err, tc.field)
				}
				return
			}
			if !strings.Contains(err.Error(), tc.err) {
				t.Fatalf("Seal: %v, want an error saying %q", err, tc.err)
			}
		})
	}
}

// originOfSize returns an origin record whose encoding is exactly size
// bytes, valid in every other way.
func originOfSize(t *testing.T, size int) *protocol.Record {
	t.Helper()
	key := prototest.Key("mill-device")
	base := vectorByName(t, "origin").signed.Body.(*protocol.Origin)
	build := func(n, productLen, lotLen int) *protocol.Record {
		o := *base
		o.Out = nil
		for i := 0; i < n; i++ {
			pl, ll := 120, 120
			if i == 0 {
				pl, ll = productLen, lotLen
			}
			lot := fmt.Sprintf("LOT-%04d-", i)
			o.Out = append(o.Out, protocol.Output{
				Product: strings.Repeat("P", pl),
				Qty:     protocol.Q(int64(i+1), protocol.TNE),
				Lot:     lot + strings.Repeat("x", ll-len(lot)),
				Claim:   &protocol.Claim{Scheme: "RSPO", Model: protocol.ModelMB},
			})
		}
		return &protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: &o}
	}
	encodedLen := func(r *protocol.Record) int {
		r.Author = key.Public()
		r.V = protocol.Version
		r.Sig = bytes.Repeat([]byte{1}, 64) // as long as a signature
		b, err := r.Encode()
		if err != nil {
			t.Fatal(err)
		}
		return len(b)
	}
	// Outputs all encode to the same length; start just short of the size.
	one, two := encodedLen(build(1, 120, 120)), encodedLen(build(2, 120, 120))
	n := max(1, (size-150-one)/(two-one))
	for encodedLen(build(n, 120, 120)) < size-150 {
		n++
	}
	delta := size - encodedLen(build(n, 120, 120))
	r := build(n, 120+delta/2, 120+delta-delta/2)
	if got := encodedLen(r); got != size {
		t.Fatalf("built a record of %d bytes, want %d", got, size)
	}
	r.Author, r.V, r.Sig = protocol.PublicKey{}, 0, nil
	return r
}

func TestSizeLimit(t *testing.T) {
	key := prototest.Key("mill-device")
	atLimit, err := protocol.Seal(originOfSize(t, protocol.MaxRecordSize), key)
	if err != nil {
		t.Fatalf("a record of exactly %d bytes: %v", protocol.MaxRecordSize, err)
	}
	if len(atLimit.Bytes) != protocol.MaxRecordSize {
		t.Fatalf("built %d bytes", len(atLimit.Bytes))
	}
	if _, err := protocol.Open(atLimit.Bytes); err != nil {
		t.Fatalf("Open of a record at the limit: %v", err)
	}
	_, err = protocol.Seal(originOfSize(t, protocol.MaxRecordSize+1), key)
	if !errors.Is(err, protocol.ErrTooLarge) || !strings.Contains(err.Error(), "record of 65537 bytes exceeds the 65536-byte limit") {
		t.Fatalf("Seal of a record one byte over the limit: %v", err)
	}
	// The same record signed outside the package is refused by Open.
	over := resign(key, splitMap(t, mustEncodeUnsigned(t, originOfSize(t, protocol.MaxRecordSize+1), key)))
	if len(over) != protocol.MaxRecordSize+1 {
		t.Fatalf("built %d bytes", len(over))
	}
	if _, err := protocol.Open(over); !errors.Is(err, protocol.ErrTooLarge) {
		t.Fatalf("Open of a record one byte over the limit: %v", err)
	}
}

// mustEncodeUnsigned encodes r as authored by key, without a signature.
func mustEncodeUnsigned(t *testing.T, r *protocol.Record, key protocol.PrivateKey) []byte {
	t.Helper()
	r.V, r.Author, r.Sig = protocol.Version, key.Public(), nil
	b, err := r.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTypes(t *testing.T) {
	types := protocol.Types()
	if len(types) != 10 {
		t.Fatalf("Types() = %v, want the ten record types", types)
	}
	seen := map[protocol.Type]bool{}
	for _, v := range mustVectors(t) {
		ty := v.signed.Type()
		if v.signed.Body.Type() != ty || !strings.HasPrefix(v.name, string(ty)) {
			t.Fatalf("%s: Type() disagrees with its body", v.name)
		}
		seen[ty] = true
	}
	for _, ty := range types {
		if !seen[ty] {
			t.Errorf("type %s has no vector", ty)
		}
	}
	if (&protocol.Record{}).Type() != "" {
		t.Error("a record without a body has a type")
	}
	for _, r := range protocol.Roles() {
		if r == "" {
			t.Error("an empty role")
		}
	}
}

// TestSigningBytesCutFromEncoding checks the shortcut Open takes: cutting
// the sig entry out of a record's bytes gives exactly SigningBytes, for every
// size of seq (and so of its CBOR head) and for records with and without prev.
func TestSigningBytesCutFromEncoding(t *testing.T) {
	var records []protocol.Signed
	for _, v := range mustVectors(t) {
		records = append(records, v.signed)
	}
	feed := prototest.NewFeed(prototest.Key("mill-device"))
	prev := vectorByName(t, "origin").signed.CID
	for _, seq := range []uint64{2, 23, 24, 255, 256, 65_535, 65_536, 1<<32 - 1, 1 << 32, 1<<63 - 1} {
		s, err := feed.At(seq, prev, prototest.BaseTime, vectorByName(t, "process").signed.Body)
		if err != nil {
			t.Fatal(err)
		}
		records = append(records, s)
	}
	for _, s := range records {
		t.Run(fmt.Sprintf("%s-seq-%d", s.Type(), s.Seq), func(t *testing.T) {
			want, err := s.SigningBytes()
			if err != nil {
				t.Fatal(err)
			}
			got, ok := protocol.SigningBytesOf(s.Bytes)
			if !ok || !bytes.Equal(got, want) {
				t.Fatalf("cut from the bytes (ok %v):\n%x\nencoded:\n%x", ok, got, want)
			}
			if _, err := protocol.Open(s.Bytes); err != nil {
				t.Fatal(err)
			}
		})
	}
	for _, b := range [][]byte{nil, {0xa8}, {0x80}, {0xb8, 0x18}, cMap(entry{"v", cUint(1)})} {
		if _, ok := protocol.SigningBytesOf(b); ok {
			t.Errorf("SigningBytesOf(%x) cut a signature out of nothing", b)
		}
	}
}
