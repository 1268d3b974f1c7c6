// Package protocol defines Jejak's provenance records: their Go types, their
// strict canonical DAG-CBOR encoding, their content identifiers (CIDv1,
// dag-cbor, sha2-256), the Ed25519 keys that sign them, and the rules every
// record must satisfy before a node stores or forwards it.
//
// The package is pure: it does no I/O except for reading and writing key
// files. Values such as CID, BatchID, PublicKey and Quantity are small
// comparable types that can be map keys.
//
// The usual path for bytes that arrive from a peer is Open, which decodes
// strictly (rejecting every non-canonical form), validates the fields of the
// record, checks the size limit and verifies the signature. The usual path
// for a record the local user creates is Seal, which fills in the author,
// signs the record and returns the same Signed value Open would.
package protocol
