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
//
// # Signatures
//
// The author signs SignatureDomain ("jejak-record-v1" and one zero byte)
// followed by the record's canonical encoding without its sig entry (see
// SigningBytes), with Ed25519 as RFC 8032 defines it: no pre-hashing, no
// context. Signing uses crypto/ed25519.
//
// Verification, in Open, PublicKey.Verify and BatchVerifier alike, follows
// ZIP-215 (https://zips.z.cash/zip-0215), implemented by
// github.com/hdevalence/ed25519consensus: the key A and the first half R of
// the signature may be any 32 bytes that decode to a curve point,
// non-canonical encodings (y ≥ p, or x = 0 with the sign bit set) and points
// of small or mixed order included; the second half S must be canonical
// (S < L); and the cofactored equation [8][S]B = [8]R + [8][k]A must hold,
// with k = SHA-512(R ‖ A ‖ message) mod L over the bytes as given.
//
// The rule is fixed this exactly because whether a record is valid must not
// depend on which implementation a node runs. RFC 8032 lets a verifier check
// either the cofactored or the cofactorless equation, and Ed25519 libraries
// also differ on the encodings they take (crypto/ed25519, for one, checks
// the cofactorless equation, decodes A leniently and compares R byte for
// byte); nodes that disagree on a record would split the network. Under
// ZIP-215, batch verification accepts exactly the batches whose every
// signature single verification accepts (but for a chance of about 2⁻¹²⁸),
// so a node may use either. Every signature crypto/ed25519 accepts, and so
// every honest signature, is accepted.
//
// The edge cases, with what ZIP-215 and crypto/ed25519 each answer, are in
// protocol/testdata/ed25519-zip215.json.
package protocol
