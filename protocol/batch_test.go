package protocol_test

import (
	"encoding/json"
	"strings"
	"testing"

	gocid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
)

// foreignCID returns the text form of a CID of data with the given version,
// codec and hash, made with go-cid and go-multihash.
func foreignCID(t *testing.T, version, codec, hash uint64, data string) string {
	t.Helper()
	sum, err := mh.Sum([]byte(data), hash, -1)
	if err != nil {
		t.Fatal(err)
	}
	if version == 0 {
		return gocid.NewCidV0(sum).String()
	}
	return gocid.NewCidV1(codec, sum).String()
}

func TestParseBatchID(t *testing.T) {
	origin := vectorByName(t, "origin").signed.CID
	cid := origin.String()
	upper := strings.ToUpper(cid)
	if !strings.HasPrefix(upper, "BAFYREI") {
		t.Fatalf("the upper-case form of %s does not start with BAFYREI", cid)
	}
	for _, tc := range []struct {
		name string
		in   string
		want protocol.BatchID // zero when an error is expected
		err  string
	}{
		{name: "canonical", in: cid + "/0", want: protocol.BatchID{Record: origin, Index: 0}},
		{name: "upper case as a QR code carries it", in: upper + "/3", want: protocol.BatchID{Record: origin, Index: 3}},
		{name: "newline from a keyboard-wedge scanner", in: cid + "/1\n", want: protocol.BatchID{Record: origin, Index: 1}},
		{name: "carriage return and newline", in: upper + "/1\r\n", want: protocol.BatchID{Record: origin, Index: 1}},
		{name: "surrounding spaces and tabs", in: " \t" + cid + "/12 ", want: protocol.BatchID{Record: origin, Index: 12}},
		{name: "largest output number", in: cid + "/255", want: protocol.BatchID{Record: origin, Index: 255}},
		{name: "output number too large", in: cid + "/256", err: "output number 256 is too large (at most 255)"},
		{name: "output number beyond 32 bits", in: cid + "/4294967296", err: `output number "4294967296" is not a number`},
		{name: "leading zero", in: cid + "/03", err: `output number "03" is not a plain number`},
		{name: "zero written twice", in: cid + "/00", err: `output number "00" is not a plain number`},
		{name: "no output number", in: cid + "/", err: `output number "" is not a plain number`},
		{name: "no slash", in: cid, err: "want <cid>/<output number>"},
		{name: "negative output number", in: cid + "/-1", err: `output number "-1" is not a number`},
		{name: "plus sign", in: cid + "/+1", err: `output number "+1" is not a number`},
		{name: "two slashes", in: cid + "/1/2", err: `output number "1/2" is not a number`},
		{name: "space inside", in: cid + "/ 1", err: `output number " 1" is not a number`},
		{name: "empty", in: "", err: "want <cid>/<output number>"},
		{name: "only white space", in: " \n", err: "want <cid>/<output number>"},
		{name: "CIDv0", in: foreignCID(t, 0, gocid.DagProtobuf, mh.SHA2_256, "x") + "/0", err: "CID version 0, want 1"},
		{name: "CIDv1 with the raw codec", in: foreignCID(t, 1, gocid.Raw, mh.SHA2_256, "x") + "/0", err: "CID codec 0x55, want dag-cbor (0x71)"},
		{name: "CIDv1 with dag-pb", in: foreignCID(t, 1, gocid.DagProtobuf, mh.SHA2_256, "x") + "/0", err: "CID codec 0x70, want dag-cbor (0x71)"},
		{name: "CIDv1 with sha2-512", in: foreignCID(t, 1, gocid.DagCBOR, mh.SHA2_512, "x") + "/0", err: "CID hash 0x13, want sha2-256 (0x12)"},
		{name: "CID cut short", in: cid[:len(cid)-4] + "/0", err: "protocol: batch ID"},
		{name: "not base32", in: "bafyrei0189/0", err: "protocol: batch ID"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.ParseBatchID(tc.in)
			if tc.err != "" {
				if err == nil {
					t.Fatalf("ParseBatchID(%q) = %v, want an error", tc.in, got)
				}
				if !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "protocol: batch ID ") {
					t.Fatalf("ParseBatchID(%q) error %q, want it to say %q", tc.in, err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseBatchID(%q): %v", tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("ParseBatchID(%q) = %v, want %v", tc.in, got, tc.want)
			}
			if s := got.String(); s != strings.TrimSpace(strings.ToLower(tc.in)) {
				t.Fatalf("String() = %q, want the canonical lower-case form of %q", s, tc.in)
			}
		})
	}
}

func TestBatchIDText(t *testing.T) {
	b := batch(vectorByName(t, "process").signed, 1)
	if b.IsZero() || !(protocol.BatchID{}).IsZero() {
		t.Fatal("IsZero is wrong")
	}
	want := b.Record.String() + "/1"
	if b.String() != want {
		t.Fatalf("String() = %q, want %q", b, want)
	}
	// JSON uses the text form, and it comes back equal; a batch ID is
	// comparable and works as a map key.
	j, err := json.Marshal(map[string]protocol.BatchID{"batch": b})
	if err != nil {
		t.Fatal(err)
	}
	if string(j) != `{"batch":"`+want+`"}` {
		t.Fatalf("JSON %s", j)
	}
	var back map[string]protocol.BatchID
	if err := json.Unmarshal(j, &back); err != nil {
		t.Fatal(err)
	}
	seen := map[protocol.BatchID]bool{b: true}
	if !seen[back["batch"]] {
		t.Fatalf("JSON round trip gave %v, want %v", back["batch"], b)
	}
	var bad protocol.BatchID
	if err := bad.UnmarshalText([]byte(want + "x")); err == nil {
		t.Fatal("UnmarshalText accepted a bad batch ID")
	}
}

func TestParseCID(t *testing.T) {
	c := vectorByName(t, "process").signed.CID
	s := c.String()
	for _, tc := range []struct {
		name string
		in   string
		err  string // "" when it parses to c
	}{
		{name: "canonical", in: s},
		{name: "upper case", in: strings.ToUpper(s)},
		{name: "white space", in: "\t" + s + "\r\n"},
		{name: "empty", in: "", err: "protocol: parse CID: empty"},
		{name: "CIDv0", in: foreignCID(t, 0, gocid.DagProtobuf, mh.SHA2_256, "x"), err: "CID version 0, want 1"},
		{name: "raw codec", in: foreignCID(t, 1, gocid.Raw, mh.SHA2_256, "x"), err: "CID codec 0x55"},
		{name: "sha2-512", in: foreignCID(t, 1, gocid.DagCBOR, mh.SHA2_512, "x"), err: "CID hash 0x13"},
		{name: "garbage", in: "hello", err: `protocol: parse CID "hello"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := protocol.ParseCID(tc.in)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("ParseCID(%q) = %v, %v; want an error saying %q", tc.in, got, err, tc.err)
				}
				return
			}
			if err != nil || got != c {
				t.Fatalf("ParseCID(%q) = %v, %v; want %v", tc.in, got, err, c)
			}
		})
	}
}

func TestCIDValue(t *testing.T) {
	v := vectorByName(t, "process").signed
	// ComputeCID agrees with go-cid's own hashing.
	want, err := gocid.Prefix{Version: 1, Codec: gocid.DagCBOR, MhType: mh.SHA2_256, MhLength: -1}.Sum(v.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	c := protocol.ComputeCID(v.Bytes)
	if !c.Cid().Equals(want) || c.String() != want.String() {
		t.Fatalf("ComputeCID = %s, go-cid says %s", c, want)
	}
	if !strings.HasPrefix(c.String(), "bafyrei") {
		t.Fatalf("CID %s is not base32 dag-cbor sha2-256", c)
	}
	back, err := protocol.CIDFromBytes(c.Bytes())
	if err != nil || back != c {
		t.Fatalf("CIDFromBytes(Bytes()) = %v, %v", back, err)
	}
	if _, err := protocol.CIDFromBytes(append(c.Bytes(), 0)); err == nil || !strings.Contains(err.Error(), "1 bytes after the CID") {
		t.Fatalf("CIDFromBytes with a trailing byte: %v", err)
	}
	if short := c.Short(); !strings.HasPrefix(short, "…") || !strings.HasSuffix(c.String(), short[len("…"):]) {
		t.Fatalf("Short() = %q", short)
	}
	var zero protocol.CID
	if !zero.IsZero() || zero.String() != "" || c.IsZero() {
		t.Fatal("IsZero/String of the zero CID are wrong")
	}
	if _, err := zero.MarshalCBOR(); err == nil {
		t.Fatal("MarshalCBOR of the zero CID: no error")
	}
	text, _ := c.MarshalText()
	var fromText protocol.CID
	if err := fromText.UnmarshalText(text); err != nil || fromText != c {
		t.Fatalf("text round trip: %v, %v", fromText, err)
	}
}

// TestBatchIDZeroText: the zero batch ID writes as "" and reads back from
// it, so a draft without its batch survives JSON and is refused by the
// record rules for the missing batch, not by the text of "/0".
func TestBatchIDZeroText(t *testing.T) {
	b, err := json.Marshal(protocol.Transfer{})
	if err != nil {
		t.Fatal(err)
	}
	var back protocol.Transfer
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("%s does not read back: %v", b, err)
	}
	if !back.Batch.IsZero() {
		t.Fatalf("the zero batch ID reads back as %v", back.Batch)
	}
	if text, _ := (protocol.BatchID{}).MarshalText(); len(text) != 0 {
		t.Fatalf("the zero batch ID writes as %q", text)
	}
}
