package protocol

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/fxamacker/cbor/v2"
)

// Record format versions. A record's v says which rules it follows: a rule
// added later applies only to records of the version that introduced it and
// later ones, so a record valid when it was signed stays valid in every
// later release. The envelope fields v, author and sig, the signing domain
// and the signature rule are the same in every version, so a node can tell
// an authentic record of a version it cannot judge (ErrNewerVersion: it is
// kept and judged after an upgrade) from a forgery.
const (
	// Version1 is the first release's format.
	Version1 = 1
	// Version2 adds: plot polygons with no repeated consecutive positions,
	// three distinct corners, no ring crossing itself or another, and
	// holes inside the outer ring; country codes from the ISO 3166-1 list.
	Version2 = 2
	// Version3 adds: an origin's supplier (Origin.Supplier), recorded by a
	// mill on behalf of a smallholder or dealer who runs no Jejak. Older
	// releases refuse unknown fields, so such an origin must be of a
	// version they keep unjudged rather than reject.
	Version3 = 3

	// MinVersion is the oldest version this release reads; Version the
	// newest, which Seal writes.
	MinVersion = Version1
	Version    = Version3
)

// MaxRecordSize is the largest encoded record, signature included: 64 KiB.
const MaxRecordSize = 64 << 10

// SignatureDomain is prepended to the encoding of a record without its sig
// field before signing, so a record signature can never be confused with a
// signature over anything else.
const SignatureDomain = "jejak-record-v1\x00"

// MinTime is the earliest record time accepted (2000-01-01 UTC, in Unix
// milliseconds). It catches times written in seconds instead of milliseconds.
const MinTime int64 = 946_684_800_000

// Record is one provenance record: an envelope common to every type and a
// type-specific Body.
type Record struct {
	V      int       // format version, 1
	Author PublicKey // the key that signed it
	Seq    uint64    // position in the author's feed, from 1
	Prev   CID       // the author's previous record; zero when Seq is 1
	Time   int64     // when the author says it happened, Unix milliseconds
	Body   Body      // the type's fields; Body.Type() is the record type
	Sig    []byte    // Ed25519 signature; nil before signing
}

// Type returns the record's type, or "" when it has no body.
func (r *Record) Type() Type {
	if r.Body == nil {
		return ""
	}
	return r.Body.Type()
}

// wire is the encoded shape of a record. Keys sort length-first on output.
type wire struct {
	V      int             `cbor:"v"`
	Seq    uint64          `cbor:"seq"`
	Sig    []byte          `cbor:"sig,omitempty"`
	Body   cbor.RawMessage `cbor:"body"`
	Prev   *CID            `cbor:"prev,omitempty"`
	Time   int64           `cbor:"time"`
	Type   Type            `cbor:"type"`
	Author PublicKey       `cbor:"author"`
}

func (r *Record) toWire(withSig bool) (*wire, error) {
	if r.Body == nil {
		return nil, fmt.Errorf("protocol: encode record: no body")
	}
	body, err := encMode.Marshal(r.Body)
	if err != nil {
		return nil, fmt.Errorf("protocol: encode %s body: %w", r.Type(), err)
	}
	w := &wire{V: r.V, Seq: r.Seq, Body: body, Time: r.Time, Type: r.Type(), Author: r.Author}
	if !r.Prev.IsZero() {
		prev := r.Prev
		w.Prev = &prev
	}
	if withSig {
		w.Sig = r.Sig
	}
	return w, nil
}

// Encode returns the canonical DAG-CBOR encoding of r, signature included.
func (r *Record) Encode() ([]byte, error) {
	w, err := r.toWire(true)
	if err != nil {
		return nil, err
	}
	return encMode.Marshal(w)
}

// SigningBytes returns what the author signs: SignatureDomain followed by
// the encoding of r without its sig field.
func (r *Record) SigningBytes() ([]byte, error) {
	w, err := r.toWire(false)
	if err != nil {
		return nil, err
	}
	b, err := encMode.Marshal(w)
	if err != nil {
		return nil, err
	}
	return append([]byte(SignatureDomain), b...), nil
}

// Decode reads a record from strict canonical DAG-CBOR and checks its
// fields. It does not verify the signature; Open does everything.
//
// Three things might go wrong: the bytes are not canonical DAG-CBOR or not
// shaped like a record (a *DecodeError, ErrMalformed), the record is larger
// than MaxRecordSize (ErrTooLarge), or a field breaks a rule (a *FieldError,
// ErrInvalid).
func Decode(data []byte) (*Record, error) {
	r, _, err := decode(data)
	return r, err
}

// decode is Decode that also returns, with a *NewerVersionError, the
// record's signature, which is all Open can check of it.
func decode(data []byte) (*Record, []byte, error) {
	if len(data) > MaxRecordSize {
		return nil, nil, fmt.Errorf("protocol: record of %d bytes exceeds the %d-byte limit: %w", len(data), MaxRecordSize, ErrTooLarge)
	}
	if err := checkCanonical(data); err != nil {
		return nil, nil, err
	}
	r, sig, err := unmarshalRecord(data)
	if err != nil {
		return nil, sig, err
	}
	// Rules first, so that a required field left out is reported by name
	// rather than as a difference in the re-encoding below.
	if err := r.Validate(); err != nil {
		return nil, nil, err
	}
	// The walk above rejects non-canonical encodings item by item; encoding
	// again catches anything it cannot see, such as an empty optional field
	// written out instead of left out.
	again, err := r.Encode()
	if err != nil {
		return nil, nil, malformed(-1, "re-encode: %v", err)
	}
	if !bytes.Equal(again, data) {
		return nil, nil, malformed(firstDiff(again, data), "not in canonical form: the record encodes differently from here on (an empty optional field written, a required field left out, or a null or other value where the field's type does not allow it)")
	}
	return r, nil, nil
}

// DecodeKnown decodes bytes already known to be a record Decode accepted:
// a store's record whose bytes still hash to its CID. It returns the same
// record as Decode, without the canonical walk, the field rules and the
// re-encoding that proved the bytes when they first arrived; bytes that
// never passed Decode may decode to a record Decode would refuse.
func DecodeKnown(data []byte) (*Record, error) {
	r, _, err := unmarshalRecord(data)
	return r, err
}

// unmarshalRecord decodes data into a Record, with no check beyond what
// decoding needs. For a record of a newer version it returns a
// *NewerVersionError and the signature.
func unmarshalRecord(data []byte) (*Record, []byte, error) {
	var w wire
	if err := decMode.Unmarshal(data, &w); err != nil {
		// A record of a newer version may have fields this release does
		// not know: its version, from the envelope alone, says whether
		// that is why.
		var head versionHead
		if herr := lenientDec.Unmarshal(data, &head); herr != nil {
			return nil, nil, malformed(-1, "%v", herr)
		}
		if verr := checkVersion(head.V, head.Author); verr != nil {
			var sig []byte
			if lenientDec.Unmarshal(head.Sig, &sig) != nil {
				sig = nil // not a signature: Open refuses the record
			}
			return nil, sig, verr
		}
		return nil, nil, malformed(-1, "%v", err)
	}
	if err := checkVersion(w.V, w.Author); err != nil {
		return nil, w.Sig, err
	}
	if w.Type == "" {
		return nil, nil, invalid("type", "rule.missing")
	}
	body := newBody(w.Type)
	if body == nil {
		return nil, nil, invalid("type", "rule.unknown_type", "type", quoted(w.Type))
	}
	if w.Body == nil {
		return nil, nil, invalid("body", "rule.missing")
	}
	if err := decMode.Unmarshal(w.Body, body); err != nil {
		return nil, nil, malformed(-1, "%s body: %v", w.Type, err)
	}
	r := &Record{V: w.V, Author: w.Author, Seq: w.Seq, Time: w.Time, Body: body, Sig: w.Sig}
	if w.Prev != nil {
		r.Prev = *w.Prev
	}
	return r, nil, nil
}

// versionHead is the part of a record's envelope every version shares.
// Sig is kept as it was written: a newer version's record is refused for
// a sig that is not a signature, not for being malformed.
type versionHead struct {
	V      int             `cbor:"v"`
	Author PublicKey       `cbor:"author"`
	Sig    cbor.RawMessage `cbor:"sig"`
}

// checkVersion says whether this release reads records of version v by
// author: a *NewerVersionError for a newer one, a *FieldError for one
// older than MinVersion.
func checkVersion(v int, author PublicKey) error {
	switch {
	case v > Version:
		return &NewerVersionError{V: v, Author: author}
	case v < MinVersion:
		return invalid("v", "rule.version", "v", v, "min", MinVersion, "max", Version)
	}
	return nil
}

// NewerVersionError is what Decode and Open return for an authentic record
// of a version newer than this release: its rules cannot be checked here.
// It wraps ErrNewerVersion. A node keeps such a record, untouched and
// unjudged, until an upgrade can judge it; it is not the sender's fault.
type NewerVersionError struct {
	V      int
	Author PublicKey
}

func (e *NewerVersionError) Error() string {
	return fmt.Sprintf("protocol: record of format version %d, newer than this release reads (%d to %d): upgrade Jejak to judge it", e.V, MinVersion, Version)
}

func (e *NewerVersionError) Unwrap() error { return ErrNewerVersion }

// firstDiff returns the offset of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	n := min(len(a), len(b))
	for i := 0; i < n; i++ {
		if a[i] != b[i] {
			return i
		}
	}
	return n
}

// Signed is a record together with its exact bytes and CID, as returned by
// Open and Seal. Its signature has been verified.
type Signed struct {
	*Record
	CID   CID
	Bytes []byte
}

// Open decodes, validates and verifies a record received from anywhere:
// strict decoding (see Decode), then the Ed25519 signature (ErrSignature).
// On success the record is well-formed and was signed by its author; whether
// the author is trusted is a question for provenance.
func Open(data []byte) (Signed, error) {
	r, sig, err := decode(data)
	var newer *NewerVersionError
	if errors.As(err, &newer) {
		// Its rules are not known here, but its signature is the same in
		// every version: a forgery is refused, an authentic record kept.
		msg, ok := signingBytesOf(data)
		if !ok {
			return Signed{}, malformed(-1, "the envelope of a version %d record cannot be read", newer.V)
		}
		if !newer.Author.Verify(msg, sig) {
			return Signed{}, fmt.Errorf("protocol: version %d record by %s: signature does not verify: %w", newer.V, newer.Author.Short(), ErrSignature)
		}
		return Signed{}, err
	}
	if err != nil {
		return Signed{}, err
	}
	// Decode has checked that data is exactly r.Encode(), so what the
	// author signed can be cut out of data instead of encoded again.
	msg, ok := signingBytesOf(data)
	if !ok {
		if msg, err = r.SigningBytes(); err != nil {
			return Signed{}, err
		}
	}
	if err := r.verifySig(msg); err != nil {
		return Signed{}, err
	}
	b := bytes.Clone(data)
	return Signed{Record: r, CID: ComputeCID(b), Bytes: b}, nil
}

// signingBytesOf returns SignatureDomain followed by data without its sig
// entry, which is r.SigningBytes() for a record r whose canonical encoding
// is data. The envelope's keys sort length-first, so sig is the third entry,
// after v and seq; removing an entry leaves every other byte as it was but
// the map's head, whose count (under 24) is one less. It reports false for
// data it cannot cut, and the caller encodes the record instead.
func signingBytesOf(data []byte) ([]byte, bool) {
	c := canonChecker{b: data}
	major, n, _, err := c.head()
	if err != nil || major != 5 || n >= 24 || c.off != 1 {
		return nil, false
	}
	for i := uint64(0); i < n && i < 3; i++ {
		start := c.off
		kmajor, klen, kstart, err := c.head()
		if err != nil || kmajor != 3 {
			return nil, false
		}
		key, err := c.bytesOf(klen, kstart)
		if err != nil {
			return nil, false
		}
		if err := c.item(1); err != nil {
			return nil, false
		}
		if string(key) == "sig" {
			msg := make([]byte, 0, len(SignatureDomain)+len(data)-(c.off-start))
			msg = append(msg, SignatureDomain...)
			msg = append(msg, data[0]-1)
			msg = append(msg, data[1:start]...)
			return append(msg, data[c.off:]...), true
		}
	}
	return nil, false
}

func (r *Record) verifySig(msg []byte) error {
	if !r.Author.Verify(msg, r.Sig) {
		return fmt.Errorf("protocol: %s record seq %d by %s: signature does not verify: %w", r.Type(), r.Seq, r.Author.Short(), ErrSignature)
	}
	return nil
}

// Seal signs r with key and returns it encoded. It sets r.V and r.Author
// (an Author already set must match key), validates r, and checks the size
// limit, so a sealed record is exactly what Open accepts.
func Seal(r *Record, key PrivateKey) (Signed, error) { return SealVersion(r, key, Version) }

// SealVersion is Seal writing format version v. Nodes never write another
// version than Version; tests and tools do, to show that records of older
// versions still open and that records of newer ones are kept unjudged. A
// record of a version above Version is signed without checking its rules.
func SealVersion(r *Record, key PrivateKey, v int) (Signed, error) {
	if key.IsZero() {
		return Signed{}, fmt.Errorf("protocol: seal: no key")
	}
	pub := key.Public()
	if !r.Author.IsZero() && r.Author != pub {
		return Signed{}, fmt.Errorf("protocol: seal: record author %s is not the signing key %s", r.Author.Short(), pub.Short())
	}
	r.V = v
	r.Author = pub
	r.Sig = make([]byte, 64) // the right length, so validation can run first
	if v <= Version {
		if err := r.Validate(); err != nil {
			return Signed{}, err
		}
	}
	msg, err := r.SigningBytes()
	if err != nil {
		return Signed{}, err
	}
	r.Sig = key.sign(msg)
	b, err := r.Encode()
	if err != nil {
		return Signed{}, err
	}
	if len(b) > MaxRecordSize {
		return Signed{}, fmt.Errorf("protocol: record of %d bytes exceeds the %d-byte limit: %w", len(b), MaxRecordSize, ErrTooLarge)
	}
	return Signed{Record: r, CID: ComputeCID(b), Bytes: b}, nil
}
