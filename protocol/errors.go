package protocol

import (
	"errors"
	"fmt"
)

// Error kinds. Every error this package returns for a bad record wraps
// exactly one of them, so callers can tell a malformed encoding from a
// broken rule from a forgery with errors.Is.
var (
	// ErrMalformed means the bytes are not canonical DAG-CBOR, or do not
	// have the shape of a record.
	ErrMalformed = errors.New("malformed record")
	// ErrInvalid means the record decodes but a field breaks a rule.
	ErrInvalid = errors.New("invalid record")
	// ErrSignature means the signature does not verify for the author.
	ErrSignature = errors.New("bad signature")
	// ErrTooLarge means the encoded record exceeds MaxRecordSize.
	ErrTooLarge = errors.New("record too large")
	// ErrNewerVersion means the record is of a format version newer than
	// this release (see NewerVersionError): not the sender's fault, and
	// not to be judged here.
	ErrNewerVersion = errors.New("newer record version")
	// ErrFeed means the record does not follow its predecessor in the
	// author's feed.
	ErrFeed = errors.New("feed order broken")
)

// DecodeError reports bytes that are not canonical DAG-CBOR or not shaped
// like a record. Offset is the byte position of the problem when known, or -1.
type DecodeError struct {
	Offset int
	Msg    string
}

func (e *DecodeError) Error() string {
	if e.Offset >= 0 {
		return fmt.Sprintf("protocol: malformed record at byte %d: %s", e.Offset, e.Msg)
	}
	return "protocol: malformed record: " + e.Msg
}

// Unwrap makes a DecodeError match ErrMalformed.
func (e *DecodeError) Unwrap() error { return ErrMalformed }

// FieldError reports a field that breaks a rule. Field is a path such as
// "body.out[1].qty.n"; Rule says in plain words what the field must be.
type FieldError struct {
	Field string
	Rule  string
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("protocol: invalid record: %s: %s", e.Field, e.Rule)
}

// Unwrap makes a FieldError match ErrInvalid.
func (e *FieldError) Unwrap() error { return ErrInvalid }

// FeedError reports a record that does not follow its predecessor.
type FeedError struct {
	Seq  uint64
	Rule string
}

func (e *FeedError) Error() string {
	return fmt.Sprintf("protocol: feed: record seq %d: %s", e.Seq, e.Rule)
}

// Unwrap makes a FeedError match ErrFeed.
func (e *FeedError) Unwrap() error { return ErrFeed }

func malformed(off int, format string, args ...any) error {
	return &DecodeError{Offset: off, Msg: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) error {
	return &FieldError{Field: field, Rule: fmt.Sprintf(format, args...)}
}
