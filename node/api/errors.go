package api

import (
	"errors"
	"strings"

	"github.com/jejak/jejak/protocol/provenance"
)

// Error kinds. Every error a Service returns wraps at most one of them, so a
// user interface can act on the kind with errors.Is without parsing text.
var (
	// ErrNotFound means the record or entry does not exist where the
	// service looked.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the request itself is wrong (a draft that breaks a
	// record rule, a malformed filter); asking again unchanged will fail
	// again.
	ErrInvalid = errors.New("invalid request")
	// ErrUnavailable means the service cannot do this now: it is closed or
	// closing, it has no device key to sign with, or its store failed.
	ErrUnavailable = errors.New("unavailable")
	// ErrConflict means the request contradicts what is stored: for
	// example publishing would give this node's own feed a second record
	// at a seq it already used.
	ErrConflict = errors.New("conflict")
	// ErrUnbacked means a draft is well formed but the records on this
	// computer say verification will fail it; see UnbackedError and
	// Draft.Unbacked.
	ErrUnbacked = errors.New("not backed by the records here")
	// ErrLocked means the operation signs with the organisation key,
	// which is encrypted at rest, and the organisation passphrase was
	// not given or is wrong. Nothing was changed; ask the user for the
	// passphrase and try again.
	ErrLocked = errors.New("this needs the organisation passphrase")
)

// UnbackedError lists what verification will say of a draft that the
// records on this computer do not back, in the user's units.
type UnbackedError struct {
	Findings []provenance.Finding
}

func (e *UnbackedError) Error() string {
	var texts []string
	for _, f := range e.Findings {
		texts = append(texts, f.Text)
	}
	return strings.Join(texts, "; ")
}

// Error is what a Service returns: the operation that failed, the kind of
// failure (one of the Err variables above, or nil when none fits) and the
// underlying error. It matches its Kind and its Err with errors.Is.
type Error struct {
	Op   string // the operation, such as "publish" or "get bafy…"
	Kind error  // ErrNotFound, ErrInvalid, ErrUnavailable, ErrConflict, ErrUnbacked, ErrLocked or nil
	Err  error  // what went wrong, possibly nil
}

// E builds an *Error.
func E(op string, kind, err error) *Error { return &Error{Op: op, Kind: kind, Err: err} }

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("node: ")
	b.WriteString(e.Op)
	if e.Kind != nil {
		b.WriteString(": ")
		b.WriteString(e.Kind.Error())
	}
	if e.Err != nil {
		b.WriteString(": ")
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the kind and the underlying error, so errors.Is and
// errors.As see both.
func (e *Error) Unwrap() []error {
	var errs []error
	if e.Kind != nil {
		errs = append(errs, e.Kind)
	}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}
