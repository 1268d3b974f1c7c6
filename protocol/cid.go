package protocol

import (
	"fmt"
	"strings"

	"github.com/fxamacker/cbor/v2"
	gocid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"
)

// CID names a record by its content: a CIDv1 with the dag-cbor codec and a
// sha2-256 multihash of the record's bytes. The zero CID names nothing. CIDs
// are comparable and can be map keys.
type CID struct{ c gocid.Cid }

// ComputeCID returns the CID of encoded record bytes.
func ComputeCID(data []byte) CID {
	sum, err := mh.Sum(data, mh.SHA2_256, -1)
	if err != nil {
		// sha2-256 is always registered; Sum fails only for unknown codes.
		panic(err)
	}
	return CID{gocid.NewCidV1(gocid.DagCBOR, sum)}
}

// ParseCID reads a CID in its string form. It accepts the canonical
// lower-case base32 form and its upper-case equivalent (as QR alphanumeric
// mode carries it), and rejects CIDs that are not version 1, dag-cbor,
// sha2-256.
func ParseCID(s string) (CID, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return CID{}, fmt.Errorf("protocol: parse CID: empty")
	}
	if s[0] == 'B' && strings.ToUpper(s) == s {
		s = strings.ToLower(s)
	}
	c, err := gocid.Decode(s)
	if err != nil {
		return CID{}, fmt.Errorf("protocol: parse CID %q: %w", s, err)
	}
	if err := checkCID(c); err != nil {
		return CID{}, fmt.Errorf("protocol: parse CID %q: %w", s, err)
	}
	return CID{c}, nil
}

// CIDFromBytes reads a CID in its binary form.
func CIDFromBytes(b []byte) (CID, error) {
	c, err := cidFromBytes(b)
	if err != nil {
		return CID{}, fmt.Errorf("protocol: %w", err)
	}
	return c, nil
}

func cidFromBytes(b []byte) (CID, error) {
	n, c, err := gocid.CidFromBytes(b)
	if err != nil {
		return CID{}, fmt.Errorf("not a CID: %v", err)
	}
	if n != len(b) {
		return CID{}, fmt.Errorf("%d bytes after the CID", len(b)-n)
	}
	if err := checkCID(c); err != nil {
		return CID{}, err
	}
	return CID{c}, nil
}

func checkCID(c gocid.Cid) error {
	p := c.Prefix()
	switch {
	case p.Version != 1:
		return fmt.Errorf("CID version %d, want 1", p.Version)
	case p.Codec != gocid.DagCBOR:
		return fmt.Errorf("CID codec 0x%x, want dag-cbor (0x71)", p.Codec)
	case p.MhType != mh.SHA2_256:
		return fmt.Errorf("CID hash 0x%x, want sha2-256 (0x12)", p.MhType)
	case p.MhLength != 32:
		return fmt.Errorf("CID hash length %d, want 32", p.MhLength)
	}
	return nil
}

// IsZero reports whether c names nothing.
func (c CID) IsZero() bool { return !c.c.Defined() }

// String returns the canonical lower-case base32 form ("bafyrei…"), or ""
// for the zero CID.
func (c CID) String() string {
	if c.IsZero() {
		return ""
	}
	return c.c.String()
}

// Short returns a shortened form for people: the last 8 characters.
func (c CID) Short() string {
	s := c.String()
	if len(s) <= 12 {
		return s
	}
	return "…" + s[len(s)-8:]
}

// Bytes returns the binary form of c.
func (c CID) Bytes() []byte { return c.c.Bytes() }

// Cid returns c as a go-cid value, for libraries that speak go-cid.
func (c CID) Cid() gocid.Cid { return c.c }

// MarshalText implements encoding.TextMarshaler.
func (c CID) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler. The empty string
// reads as the zero CID, as MarshalText writes it.
func (c *CID) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*c = CID{}
		return nil
	}
	v, err := ParseCID(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// MarshalCBOR encodes c as a DAG-CBOR link: tag 42 around a byte string of
// 0x00 followed by the binary CID.
func (c CID) MarshalCBOR() ([]byte, error) {
	if c.IsZero() {
		return nil, fmt.Errorf("protocol: encode link: zero CID")
	}
	return encMode.Marshal(cbor.Tag{Number: linkTag, Content: append([]byte{0}, c.c.Bytes()...)})
}

// UnmarshalCBOR decodes a DAG-CBOR link.
func (c *CID) UnmarshalCBOR(data []byte) error {
	var t cbor.RawTag
	if err := decMode.Unmarshal(data, &t); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	if t.Number != linkTag {
		return fmt.Errorf("link: tag %d, want 42", t.Number)
	}
	var b []byte
	if err := decMode.Unmarshal(t.Content, &b); err != nil {
		return fmt.Errorf("link: %w", err)
	}
	if len(b) == 0 || b[0] != 0 {
		return fmt.Errorf("link: missing 0x00 prefix")
	}
	v, err := cidFromBytes(b[1:])
	if err != nil {
		return fmt.Errorf("link: %w", err)
	}
	*c = v
	return nil
}
