package epcis

import (
	"errors"
	"fmt"
)

// Error kinds. Every error Import returns for a bad document wraps one of
// them, so a caller can tell a document to fix from one to refuse.
var (
	// ErrMalformed means the document is not JSON or not shaped as an
	// EPCIS 2.0 document: a *PathError says where.
	ErrMalformed = errors.New("malformed EPCIS document")
	// ErrTooLarge means the document passes one of the Limits: a
	// *LimitError says which and where.
	ErrTooLarge = errors.New("EPCIS document too large")
)

// PathError reports a malformed document. Path is the JSON path of the
// problem, such as "epcisBody.eventList[3].quantityList[0].quantity", or
// "" for the document as a whole.
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("epcis: import: %s: %s", orDocument(e.Path), e.Msg)
}

// Unwrap makes a PathError match ErrMalformed.
func (e *PathError) Unwrap() error { return ErrMalformed }

// LimitError reports a document refused for its size: Path is where the
// reading stopped.
type LimitError struct {
	Path string
	Msg  string
}

func (e *LimitError) Error() string {
	return fmt.Sprintf("epcis: import: %s: refused: %s", orDocument(e.Path), e.Msg)
}

// Unwrap makes a LimitError match ErrTooLarge.
func (e *LimitError) Unwrap() error { return ErrTooLarge }

func orDocument(path string) string {
	if path == "" {
		return "document"
	}
	return path
}

// malformed returns a *PathError at path.
func malformed(path, format string, args ...any) error {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, args...)}
}
