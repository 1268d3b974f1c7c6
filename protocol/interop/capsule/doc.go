// Package capsule is Jejak's offline verification capsule: one file that
// holds everything needed to check a batch with nothing else (no network,
// no store, no server to believe). A relay's verification page fetches the
// same file to check a batch in a browser, so the page and the offline file
// are one format read by one piece of code.
//
// # Format
//
// A capsule is a CARv1 file (what `ipfs dag import` takes) whose one root
// is a manifest block, followed by the records:
//
//   - the manifest, a DAG-CBOR map: "jejak_capsule" (the format, 1),
//     "network" (the Jejak network the records belong to), "batch" (a link
//     to the batch's record) and "index" (which output of it), "made" (when
//     the evidence was gathered, Unix milliseconds: how fresh the capsule
//     is), "maker" (who made it, for people; nothing rests on it) and
//     "records" (how many records follow, so a file cut short between two
//     blocks is caught: a CAR has no end marker);
//   - in format 2 only, blocks of disclosures the manifest links under
//     "disclosures" (not counted in "records"), each a map
//     {"jejak_disclosures": [disclosure, …]}: the clear names and IDs of
//     suppliers who run no Jejak, with the salts that open their origins'
//     commitments (protocol.Disclosure), for the importer the capsule is
//     handed to. A capsule without them is written in format 1;
//   - the batch's whole ancestry, the trust records it rests on (keys,
//     delegations, endorsements, organisation profiles) and the uses,
//     receipts, corrections and revocations known when it was made: the
//     evidence provenance.VerifyWithEvidence returns.
//
// # Reading
//
// Read trusts nothing in the file: every block's CID is recomputed from its
// bytes and every record opened with protocol.Open's rules (strict
// DAG-CBOR, field rules, ZIP-215 signature), in batches. It returns the
// whole capsule or an *Error naming the block (its position and CID) and
// what is wrong, with a Code a page can act on. Verify then runs
// provenance.Verify over the records alone.
//
// The CAR codec here is a small one of its own rather than go-car's: the
// capsule is read in a phone's browser as WebAssembly, where go-car and
// the IPLD libraries it brings would add a third to the page's download.
// protocol/interop/car remains the reader for CAR files from other tools.
package capsule
