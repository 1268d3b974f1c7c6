package protocol

import (
	"errors"
	"fmt"
	"strings"

	"github.com/jejak/jejak/i18n"
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
// "body.out[1].qty.n"; Rule says in plain English what the field must be.
//
// Key and Params are the same rule as a message of the catalog (package
// i18n, text/rule.*.json), so a program that speaks to a person in Malay
// or Indonesian can say it in their language with RuleIn. Params are
// plain values; one whose name ends in "_key" holds the key of another
// message that fills the parameter named without the suffix. A
// FieldError made by hand, with no Key, says its Rule in every language.
type FieldError struct {
	Field  string
	Rule   string
	Key    string
	Params map[string]string
}

// RuleIn says the rule in l: the message Key with its Params, or Rule
// when there is no Key.
func (e *FieldError) RuleIn(l i18n.Lang) string {
	if e.Key == "" {
		return e.Rule
	}
	var p map[string]string
	for k, v := range e.Params {
		if name, ok := strings.CutSuffix(k, "_key"); ok {
			if p == nil {
				p = make(map[string]string, len(e.Params)+1)
				for k2, v2 := range e.Params {
					p[k2] = v2
				}
			}
			p[name] = i18n.TMap(l, v, e.Params)
		}
	}
	if p == nil {
		p = e.Params
	}
	return i18n.TMap(l, e.Key, p)
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

// invalid reports that field breaks the rule of the catalog's message key,
// whose parameters are given as name, value pairs; a value is formatted
// with fmt's %v. Rule is the message in English.
func invalid(field, key string, kv ...any) error {
	e := &FieldError{Field: field, Key: key}
	if len(kv) > 0 {
		e.Params = make(map[string]string, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.Params[fmt.Sprint(kv[i])] = fmt.Sprint(kv[i+1])
		}
	}
	e.Rule = e.RuleIn(i18n.English)
	return e
}

// quoted quotes a value the way a rule shows what was written: "MYX".
func quoted(v any) string { return fmt.Sprintf("%q", v) }
