package provenance

import (
	"context"
	"errors"

	"github.com/jejak/jejak/protocol"
)

// ErrNotFound is what a Source's Get wraps when it does not hold a record.
// A node's source wraps it around its store's own not-found error.
var ErrNotFound = errors.New("provenance: record not found")

// Use is a record that consumes a batch (a process input) or transfers it,
// with the quantity it takes.
type Use struct {
	Record protocol.CID
	Type   protocol.Type // TypeProcess or TypeTransfer
	Author protocol.PublicKey
	Qty    protocol.Quantity
}

// Fork is evidence of equivocation: two or more different records by one
// author at one seq.
type Fork struct {
	Author protocol.PublicKey
	Seq    uint64
	CIDs   []protocol.CID
}

// Source is what verification reads records from: a node's store, or a
// MemSource in tests and demos. Implementations must be safe for
// concurrent use. Every method may fail with an operational error (a
// closed store, a cancelled context); Verify returns such errors as they
// are. Verify re-checks every record it reads (CID and signature), so a
// source need not be trusted for integrity, only for completeness.
type Source interface {
	// Get returns the record with CID c. Two things might happen: the
	// record is returned, or the source does not hold it and the error
	// wraps ErrNotFound.
	Get(ctx context.Context, c protocol.CID) (protocol.Signed, error)

	// Uses returns every record the source knows that consumes or
	// transfers batch b, in any order, with the quantity each takes. A
	// batch nobody used has no uses and no error.
	Uses(ctx context.Context, b protocol.BatchID) ([]Use, error)

	// Referrers returns the CIDs of records of type t that name record c:
	// TypeReceive for the receipts of a transfer; TypeCorrect for the
	// corrections that name c, as the record corrected or as its
	// replacement (body.by), so a replacement leads back to what it
	// replaced; TypeRevoke for the revocations of a record (an endorsement
	// or a delegation). Other types are never asked for.
	// No referrers is an empty result, not an error.
	Referrers(ctx context.Context, c protocol.CID, t protocol.Type) ([]protocol.CID, error)

	// KeyRecords returns the CIDs of records of type t about key k:
	// TypeOrg for the profiles k itself signed, TypeDevice for the
	// delegations of device key k, TypeEndorse for the endorsements naming
	// org key k, TypeRevoke for the revocations naming key k. Other types
	// are never asked for. None is an empty result, not an error.
	KeyRecords(ctx context.Context, k protocol.PublicKey, t protocol.Type) ([]protocol.CID, error)

	// Forks returns the forks of one author's feed: every seq at which the
	// source holds two or more different records. None is an empty result.
	Forks(ctx context.Context, author protocol.PublicKey) ([]Fork, error)
}

// Fetcher fetches a record the source lacks, by CID, from elsewhere (a
// node asks its peers). It returns the record's bytes, which Verify checks
// against the CID and opens like any other record. An error means the
// record stays missing; it is named in the report, not returned. An error
// with an Asked() []string method says which peers were asked, and the
// report names them.
type Fetcher func(ctx context.Context, c protocol.CID) ([]byte, error)
