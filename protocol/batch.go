package protocol

import (
	"fmt"
	"strconv"
	"strings"
)

// BatchID names one output of an origin or process record: the record's CID
// and the output's index. Its text form "<cid>/<n>" is what a QR label
// carries. BatchIDs are comparable and can be map keys.
type BatchID struct {
	Record CID    `cbor:"rec" json:"record"`
	Index  uint32 `cbor:"n" json:"index"`
}

// String returns "<cid>/<n>" with the CID in lower-case base32.
func (b BatchID) String() string {
	return b.Record.String() + "/" + strconv.FormatUint(uint64(b.Index), 10)
}

// LabelText is what a batch's label carries in its QR code, for the desktop
// app and jejak-node alike: the batch ID in upper case, so that the code
// uses the QR alphanumeric mode and stays small. ParseBatchID reads it back.
func LabelText(id BatchID) string { return strings.ToUpper(id.String()) }

// IsZero reports whether b names nothing.
func (b BatchID) IsZero() bool { return b.Record.IsZero() }

// ParseBatchID reads "<cid>/<n>", in lower or upper case, with surrounding
// white space ignored (a keyboard-wedge scanner may add a newline).
func ParseBatchID(s string) (BatchID, error) {
	s = strings.TrimSpace(s)
	c, n, ok := strings.Cut(s, "/")
	if !ok {
		return BatchID{}, fmt.Errorf("protocol: batch ID %q: want <cid>/<output number>", s)
	}
	cid, err := ParseCID(c)
	if err != nil {
		return BatchID{}, fmt.Errorf("protocol: batch ID %q: %w", s, err)
	}
	if n == "" || (len(n) > 1 && n[0] == '0') {
		return BatchID{}, fmt.Errorf("protocol: batch ID %q: output number %q is not a plain number", s, n)
	}
	i, err := strconv.ParseUint(n, 10, 32)
	if err != nil {
		return BatchID{}, fmt.Errorf("protocol: batch ID %q: output number %q is not a number", s, n)
	}
	if i >= MaxOutputs {
		return BatchID{}, fmt.Errorf("protocol: batch ID %q: output number %d is too large (at most %d)", s, i, MaxOutputs-1)
	}
	return BatchID{Record: cid, Index: uint32(i)}, nil
}

// MarshalText implements encoding.TextMarshaler. The zero BatchID, which
// names nothing, writes as the empty string, as the zero CID does.
func (b BatchID) MarshalText() ([]byte, error) {
	if b.IsZero() {
		return []byte{}, nil
	}
	return []byte(b.String()), nil
}

// UnmarshalText implements encoding.TextUnmarshaler. The empty string
// reads as the zero BatchID, as MarshalText writes it.
func (b *BatchID) UnmarshalText(t []byte) error {
	if len(t) == 0 {
		*b = BatchID{}
		return nil
	}
	v, err := ParseBatchID(string(t))
	if err != nil {
		return err
	}
	*b = v
	return nil
}
