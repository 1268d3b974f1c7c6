package car

import (
	"errors"
	"fmt"

	gocid "github.com/ipfs/go-cid"
)

// Error kinds. An error Read returns wraps one of them; or one of
// protocol's kinds (protocol.ErrInvalid, protocol.ErrSignature,
// protocol.ErrTooLarge) for a record that breaks a rule, whose signature
// does not verify or that is too large; or the error of the reader it was
// given.
var (
	// ErrFormat means the bytes are not a well-formed CAR: a damaged or
	// truncated file, or not a CAR at all.
	ErrFormat = errors.New("not a well-formed CAR file")
	// ErrLimit means the file goes past one of the Limits.
	ErrLimit = errors.New("over a limit")
	// ErrNotRecord means a block, or a root, is not a Jejak record: a CID
	// of another kind than CIDv1 dag-cbor sha2-256, or bytes that do not
	// decode as a record. It is wrapped together with protocol's error
	// when there is one.
	ErrNotRecord = errors.New("not a Jejak record")
	// ErrMismatch means a block's bytes do not hash to the CID the file
	// gives them: the block was damaged or altered.
	ErrMismatch = errors.New("block does not match its CID")
)

// BlockError is what Read returns for a block it cannot take in. It wraps
// the reason, which wraps one of the error kinds.
type BlockError struct {
	// Index is the block's position in the file, from 0.
	Index int
	// CID is the CID the file gives the block, or cid.Undef when it could
	// not be read.
	CID gocid.Cid
	// Offset is where the block's section starts, in bytes from the start
	// of the file.
	Offset int64
	// Err says what is wrong.
	Err error
}

func (e *BlockError) Error() string {
	if e.CID.Defined() {
		return fmt.Sprintf("car: block %d (%s) at byte %d: %v", e.Index, e.CID, e.Offset, e.Err)
	}
	return fmt.Sprintf("car: block %d at byte %d: %v", e.Index, e.Offset, e.Err)
}

// Unwrap returns the reason.
func (e *BlockError) Unwrap() error { return e.Err }
