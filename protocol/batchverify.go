package protocol

import "github.com/hdevalence/ed25519consensus"

// BatchVerifier checks many signatures at once, by the same ZIP-215 rule as
// PublicKey.Verify: a batch verifies exactly when every signature in it
// would verify alone (a batch of bad signatures passes only with
// probability about 2⁻¹²⁸). Checking n signatures together costs well under
// n single checks, which helps a node that syncs many records from a peer.
//
// Add does not keep msg or sig: it copies them, so the caller may reuse its
// buffers. The zero value is an empty batch ready to use. A BatchVerifier is
// not safe for concurrent use.
type BatchVerifier struct {
	bv      ed25519consensus.BatchVerifier
	entries []batchEntry
	buf     []byte // every entry's msg and sig, back to back
}

// batchEntry is one signature of a batch: its key and where its message
// and signature are in BatchVerifier.buf.
type batchEntry struct {
	pub                        PublicKey
	msgStart, sigStart, sigEnd int // msg is buf[msgStart:sigStart], sig buf[sigStart:sigEnd]
}

// NewBatchVerifier returns an empty batch.
func NewBatchVerifier() *BatchVerifier {
	return &BatchVerifier{bv: ed25519consensus.NewBatchVerifier()}
}

// Add puts pub's signature sig of msg into the batch. A signature of the
// wrong length is kept as an entry that fails.
func (b *BatchVerifier) Add(pub PublicKey, msg, sig []byte) {
	b.bv.Add(pub[:], msg, sig)
	e := batchEntry{pub: pub, msgStart: len(b.buf)}
	b.buf = append(b.buf, msg...)
	e.sigStart = len(b.buf)
	b.buf = append(b.buf, sig...)
	e.sigEnd = len(b.buf)
	b.entries = append(b.entries, e)
}

// Len returns the number of signatures in the batch.
func (b *BatchVerifier) Len() int { return len(b.entries) }

// Verify reports whether every signature in the batch verifies. An empty
// batch reports false, as ed25519consensus does, so that a batch nothing was
// added to is never taken for a checked one.
func (b *BatchVerifier) Verify() bool { return b.bv.Verify() }

// VerifyEach reports, for each signature in the order they were added,
// whether it verifies. It checks the whole batch first; only when that
// fails does it check each signature alone, to say which ones are bad. The
// answers are those of PublicKey.Verify. An empty batch gives an empty
// slice.
func (b *BatchVerifier) VerifyEach() []bool {
	ok := make([]bool, len(b.entries))
	if len(ok) == 0 {
		return ok
	}
	if b.bv.Verify() {
		for i := range ok {
			ok[i] = true
		}
		return ok
	}
	for i, e := range b.entries {
		ok[i] = e.pub.Verify(b.buf[e.msgStart:e.sigStart], b.buf[e.sigStart:e.sigEnd])
	}
	return ok
}
