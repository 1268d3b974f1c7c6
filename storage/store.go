package storage

import (
	"context"
	"errors"

	"github.com/jejak/jejak/protocol"
)

// Error kinds callers can act on. Errors from this package wrap one of
// these (or describe an I/O failure); no Badger error type escapes.
var (
	// ErrNotFound means the store holds no such record or entry.
	ErrNotFound = errors.New("not found")
	// ErrConflict means a different record already holds the same
	// (author, seq): a fork. The new record is kept as evidence.
	ErrConflict = errors.New("conflict")
	// ErrInUse means another Jejak process has the store open.
	ErrInUse = errors.New("store in use by another Jejak process")
	// ErrCorrupt means the folder is not a Jejak store or is damaged.
	ErrCorrupt = errors.New("store damaged or not a Jejak store")
	// ErrClosed means the store was closed.
	ErrClosed = errors.New("store closed")
	// ErrNoSpace means the disk holding the store is (nearly) full: the
	// write was refused or failed and nothing of it was stored. The store
	// stays usable for reading, and writes succeed again once space is
	// freed.
	ErrNoSpace = errors.New("no space left on device")
	// ErrInvalid means the caller passed something the store cannot take,
	// such as a Signed whose CID does not match its bytes.
	ErrInvalid = errors.New("invalid argument")
)

// Durability says when Put may return. Whatever the durability, a record
// and its index entries are committed together or not at all.
type Durability int

const (
	// Synced: when Put returns, the record is committed and fsynced: it
	// survives the process being killed and a power cut. Use it for
	// records the local user created.
	Synced Durability = iota
	// Buffered: when Put returns, the record is committed and handed to
	// the operating system (written into the store's log, not yet
	// fsynced): it survives the process being killed (kill -9, a crash,
	// the OOM killer) but not a power cut or kernel crash in the next
	// moment. The store fsyncs buffered writes in the background within
	// about a second (Options.SyncInterval) and at Close. Use it for
	// records from peers, which can be fetched again.
	Buffered
)

// PutResult says what a Put did with one record.
type PutResult struct {
	// Added is false when the store already held this exact record.
	Added bool
	// Fork is set when the record is a second, different record for the
	// same (author, seq); it is kept as evidence and also reported as an
	// error wrapping ErrConflict by Put.
	Fork *Fork
}

// Fork is evidence of equivocation: two different records by one author at
// one seq.
type Fork struct {
	Author protocol.PublicKey
	Seq    uint64
	CIDs   []protocol.CID // every record seen at that position, first-stored first
}

// Head is the end of the contiguous part of an author's feed: the highest
// seq such that every record 1..Seq is stored, and that record's CID.
// Seq 0 means the store has none of the feed yet.
type Head struct {
	Seq uint64
	CID protocol.CID
}

// Use is a record that consumes or transfers a batch (a process input or a
// transfer), for forward tracing and double-claim checks.
type Use struct {
	Record protocol.CID
	Type   protocol.Type
	Author protocol.PublicKey
	Qty    protocol.Quantity
}

// Counts are totals for status screens.
type Counts struct {
	Records int64                   // records stored, fork evidence included
	ByType  map[protocol.Type]int64 // records by type; types with none are left out
	Authors int64                   // feeds (authors) with at least one record
	Forks   int64                   // forked (author, seq) positions
}

// Store keeps verified records and their indexes. Implementations are safe
// for concurrent use. Records handed to Put must already be verified
// (protocol.Open or protocol.Seal); the store trusts their CID and bytes.
type Store interface {
	// Put stores one record and updates every index in one transaction.
	// Putting a record the store already holds changes nothing and returns
	// Added false. A second, different record at a stored (author, seq) is
	// stored and indexed as fork evidence; Put then returns the result and
	// an error wrapping ErrConflict.
	Put(ctx context.Context, rec protocol.Signed, d Durability) (PutResult, error)
	// PutBatch stores many records in as few transactions as possible
	// (Buffered durability), for gossip and sync. Results are in the order
	// of recs; forks are reported in the results, not as an error. Each
	// record is stored with all its index entries or not at all. On an
	// error (including ctx ending between transactions) the records whose
	// results are returned are stored and the rest are not: the results
	// slice is then shorter than recs.
	PutBatch(ctx context.Context, recs []protocol.Signed) ([]PutResult, error)
	// PutDraft stores a record the local user created (Synced durability)
	// and notes, in the same transaction, that the draft named draftID
	// produced it, so that a publish whose answer was lost can be repeated
	// without making a second record (DraftRecord finds it). Putting the
	// same record for the same draft again changes nothing; a different
	// record for a draft that already produced one is refused with
	// ErrConflict and nothing is stored. Forks are reported as by Put.
	PutDraft(ctx context.Context, rec protocol.Signed, draftID string) (PutResult, error)
	// DraftRecord returns the CID of the record the draft named draftID
	// produced, or ErrNotFound.
	DraftRecord(ctx context.Context, draftID string) (protocol.CID, error)

	// PutPending keeps the bytes of an authentic record of a newer format
	// version (protocol.ErrNewerVersion), unindexed and unjudged, and
	// reports whether it was new. At most MaxPending records and
	// MaxPendingBytes are kept; beyond that ErrPendingFull.
	PutPending(ctx context.Context, c protocol.CID, data []byte) (bool, error)
	// Pending calls fn with every kept record, in CID order, stopping at
	// fn's first error. fn may call the store.
	Pending(ctx context.Context, fn func(c protocol.CID, data []byte) error) error
	// DeletePending forgets a kept record.
	DeletePending(ctx context.Context, c protocol.CID) error

	// Get returns the record with the given CID, or ErrNotFound.
	Get(ctx context.Context, c protocol.CID) (protocol.Signed, error)
	// Has reports whether the store holds the record.
	Has(ctx context.Context, c protocol.CID) (bool, error)

	// FeedAt returns the CID at (author, seq) (the first stored, if forked),
	// or ErrNotFound.
	FeedAt(ctx context.Context, author protocol.PublicKey, seq uint64) (protocol.CID, error)
	// Head returns the contiguous head of an author's feed (Seq 0 for an
	// unknown author).
	Head(ctx context.Context, author protocol.PublicKey) (Head, error)
	// Heads returns the head of every feed the store holds a record of,
	// including feeds whose seq 1 is still missing (their head has Seq 0).
	Heads(ctx context.Context) (map[protocol.PublicKey]Head, error)
	// Range calls fn with the author's records for seq in [from, to] in seq
	// order (to 0 means no upper bound), skipping missing seqs; at a forked
	// seq it gives the first record stored. It stops early when fn returns
	// an error, and returns that error. fn runs outside any transaction and
	// may call the store.
	Range(ctx context.Context, author protocol.PublicKey, from, to uint64, fn func(protocol.Signed) error) error
	// Forks returns every fork found, or those of one author when author
	// is not zero, ordered by author and seq.
	Forks(ctx context.Context, author protocol.PublicKey) ([]Fork, error)

	// Uses returns the records that consume or transfer a batch, ordered by
	// record CID. (The record that created a batch is b.Record: Get it.)
	Uses(ctx context.Context, b protocol.BatchID) ([]Use, error)
	// Receipts returns the receive records that confirm a transfer.
	Receipts(ctx context.Context, transfer protocol.CID) ([]protocol.CID, error)
	// Corrections returns the correct records that name a record, as the
	// record they supersede or as its replacement (body.by).
	Corrections(ctx context.Context, c protocol.CID) ([]protocol.CID, error)
	// TransfersTo returns the transfer records addressed to an
	// organisation key, for "incoming" lists.
	TransfersTo(ctx context.Context, org protocol.PublicKey) ([]protocol.CID, error)
	// Lots returns the batches an author's records labelled with a lot
	// code. Lot codes are per author (device key); an organisation's lots
	// are those of its delegated devices.
	Lots(ctx context.Context, author protocol.PublicKey, lot string) ([]protocol.BatchID, error)
	// ByType returns the CIDs of records of one type, optionally of one
	// author (zero for all), in no particular order. It serves places,
	// orgs, devices, endorsements and revocations.
	ByType(ctx context.Context, t protocol.Type, author protocol.PublicKey) ([]protocol.CID, error)
	// Delegations returns the device records (authored by org keys) that
	// delegate a device key: how a device key finds its organisation.
	Delegations(ctx context.Context, device protocol.PublicKey) ([]protocol.CID, error)
	// Endorsements returns the endorse records that name an org key.
	Endorsements(ctx context.Context, org protocol.PublicKey) ([]protocol.CID, error)
	// RevocationsOfKey returns the revoke records that withdraw a key.
	RevocationsOfKey(ctx context.Context, k protocol.PublicKey) ([]protocol.CID, error)
	// RevocationsOfRecord returns the revoke records that withdraw a
	// record (an endorsement).
	RevocationsOfRecord(ctx context.Context, c protocol.CID) ([]protocol.CID, error)

	// Counts returns totals for status screens.
	Counts(ctx context.Context) (Counts, error)

	// Reindex drops every index and rebuilds it from the records alone,
	// calling progress (if not nil) with records done and total. Writes
	// wait while it runs. If it stops early (ctx ends, an error), the
	// indexes stay incomplete until Reindex runs to the end; Open finishes
	// an interrupted Reindex.
	Reindex(ctx context.Context, progress func(done, total int64)) error
	// Check compares the indexes with a rebuild from the records (of one
	// consistent snapshot, into a scratch store) and returns a description
	// of every difference, at most 100 of them and a last line saying how
	// many more there were; nil when they match.
	Check(ctx context.Context) ([]string, error)

	// Close waits for running calls, flushes and closes the store. Later
	// calls, Close included, return ErrClosed.
	Close() error
}
