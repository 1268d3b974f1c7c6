// Package car writes and reads Jejak records as a CAR file (Content
// Addressable aRchive), the format IPFS tools exchange blocks in: the
// records behind a batch's verdict (provenance.VerifyWithEvidence) go out
// as one file that `ipfs dag import` takes and `ipfs dag get` shows, links
// between records intact, and that another Jejak install reads back with
// every record checked as if a peer had sent it.
//
// # Format
//
// Write produces CARv1: a length-prefixed DAG-CBOR header naming the roots
// (the batch's record), then one section per record, each its CID followed
// by the record's exact bytes, in the order given and each record once.
// CARv1 rather than CARv2 because it is what `ipfs dag export` writes and
// every CAR reader reads (Kubo, go-car, js-car, Filecoin and web3 tools,
// a browser page), because it streams to any io.Writer (CARv2 puts a header
// before the data that can be filled in only afterwards, so it needs an
// io.WriterAt), and because the index CARv2 adds buys nothing for a file
// that is always read from start to end. Read takes CARv1 and CARv2 alike.
//
// A record is a DAG-CBOR block named by a CIDv1 (dag-cbor, sha2-256), and
// the records it refers to (prev, an origin's places, a process's input
// batches and place, a transfer's batch, a receipt's transfer, a
// correction's record) are tag-42 links, so IPLD tools follow them without
// knowing Jejak.
//
// # Reading
//
// Read trusts nothing in the file. It recomputes every block's CID from
// its bytes and opens every record with protocol.Open (strict decoding,
// field rules, signature), refuses a block that is not a Jejak record
// (another codec or hash, or bytes that do not decode as a record), and
// requires each root to be a record the file carries. It returns the
// whole file or an error, never part of one; the error names the block
// (its position, its CID when it could be read, its byte offset) and what
// is wrong, and wraps a kind (ErrFormat, ErrLimit, ErrNotRecord,
// ErrMismatch, or protocol's ErrInvalid and ErrSignature) for errors.Is.
// A record of a newer format version than this release reads, but signed
// by its author, is returned apart (File.Newer) to be kept unjudged, as a
// node keeps one from a peer.
//
// A CARv1 has no end marker: a file cut exactly between two blocks reads
// as a shorter file. Read refuses it when a root was cut off; otherwise
// verifying the batch from what was read reports the records it lacks.
//
// Reading is bounded, so a hostile file costs little: Limits caps the
// header (which holds the roots), each block (a record and its CID), the
// number of blocks and the bytes of the whole file, with defaults in
// DefaultLimits. Every length is checked before anything is allocated for
// it, and reading stops at the first byte past a limit. The records read
// are held in memory, so the limit on the file's bytes also bounds memory:
// measured, a file of 20 MB of records took a heap of up to 98 MB while it
// was read (garbage included) and 24 MB once read.
//
// The package does no I/O of its own: it takes an io.Reader and an
// io.Writer, and the node opens the files.
package car
