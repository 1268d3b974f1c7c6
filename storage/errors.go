package storage

import (
	"context"
	"errors"
	"strings"

	"github.com/dgraph-io/badger/v4"
)

// kindError is an error with a message of its own that matches one of the
// package's error kinds with errors.Is. It carries Badger's errors as text
// only, so no Badger error type escapes the package.
type kindError struct {
	msg  string
	kind error
}

func (e *kindError) Error() string { return e.msg }
func (e *kindError) Unwrap() error { return e.kind }

// dbError turns an error from Badger into one that keeps its text and
// matches the kind it stands for, if any: ErrNotFound, ErrClosed or
// ErrNoSpace. Errors that are not Badger's (a context error, one of ours)
// are returned as they are.
func dbError(err error) error {
	if err == nil {
		return nil
	}
	var ke *kindError
	if errors.As(err, &ke) || isOurs(err) {
		return err
	}
	msg := err.Error()
	switch {
	case errors.Is(err, badger.ErrKeyNotFound):
		return &kindError{msg: "not found", kind: ErrNotFound}
	case errors.Is(err, badger.ErrDBClosed):
		return &kindError{msg: "closed", kind: ErrClosed}
	case strings.Contains(msg, "no space left on device"):
		return &kindError{msg: msg, kind: ErrNoSpace}
	}
	return &kindError{msg: msg}
}

// isOurs reports whether err is one the caller should see as it is: one of
// the package's kinds or a context's error.
func isOurs(err error) bool {
	for _, k := range []error{ErrNotFound, ErrConflict, ErrInUse, ErrCorrupt, ErrClosed,
		ErrNoSpace, ErrInvalid, context.Canceled, context.DeadlineExceeded} {
		if errors.Is(err, k) {
			return true
		}
	}
	return false
}
