package p2p

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/fxamacker/cbor/v2"

	"github.com/jejak/jejak/protocol"
)

// The sync and fetch protocols exchange frames: a uvarint length, then one
// byte saying what the frame is, then the payload. A record frame's payload
// is the record's bytes as they are, so a record costs its own size plus two
// to four bytes; every other payload is a small CBOR array.
const (
	frameSyncRequest byte = 1 // requester → responder: syncRequest
	frameSummary     byte = 2 // responder: syncSummary, before the records
	frameRecord      byte = 3 // responder: one record's bytes
	frameSyncEnd     byte = 4 // responder: syncEnd, after the records
	frameFetch       byte = 5 // requester → responder: fetchRequest
	frameFetchEnd    byte = 6 // responder: fetchEnd, after the records
	frameError       byte = 7 // responder: the request was refused; payload is text
	frameHeadsDigest byte = 8 // requester → responder (sync 1.1.0): headsDigest, before any syncRequest
	frameHeadsAnswer byte = 9 // responder (sync 1.1.0): headsAnswer
)

// Frame size limits. A record frame holds at most one record; control
// frames hold at most maxHeads heads or maxForks forks.
const (
	maxRecordFrame  = protocol.MaxRecordSize + 1
	maxControlFrame = 4 << 20
	maxHeads        = 40_000 // about 80 bytes each
	maxForks        = 1_000
	maxFetch        = 256 // CIDs in one fetch request
)

// errFrameTooLarge is returned for a frame above the reader's limit.
var errFrameTooLarge = errors.New("frame too large")

// violationError is a breach of the sync or fetch protocol by the peer: a
// frame that is malformed, too large or of the wrong kind. Only these cost
// the peer score; a stream that ends, is reset or times out does not (an
// honest peer disconnects, restarts, or is slow).
type violationError struct{ err error }

func (v *violationError) Error() string { return v.err.Error() }
func (v *violationError) Unwrap() error { return v.err }

// violation marks err as a protocol violation.
func violation(err error) error { return &violationError{err} }

// isViolation reports whether err is a protocol violation by the peer.
func isViolation(err error) bool {
	var v *violationError
	return errors.As(err, &v)
}

// The CBOR modes for control frames: sorted keys out, bounded arrays and
// nesting in.
var (
	cborEnc = must(cbor.EncOptions{Sort: cbor.SortLengthFirst}.EncMode())
	cborDec = must(cbor.DecOptions{MaxArrayElements: 1 << 17, MaxNestedLevels: 8}.DecMode())
)

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// wireHead is one feed head in a sync request.
type wireHead struct {
	_      struct{} `cbor:",toarray"`
	Author []byte
	Seq    uint64
	CID    []byte // binary CID of the record at Seq; empty when Seq is 0
}

// cursor is where a paged sync goes on: the author (in byte order) and the
// first seq not yet sent.
type cursor struct {
	_      struct{} `cbor:",toarray"`
	Author []byte
	Seq    uint64
}

// syncRequest asks a peer for every record the requester lacks.
type syncRequest struct {
	_ struct{} `cbor:",toarray"`
	// Heads are the requester's contiguous feed heads.
	Heads []wireHead
	// Only limits the sync to the authors in Heads (a targeted sync after
	// a gossip record arrived ahead of its predecessors).
	Only bool
	// After is the cursor from the previous page, nil on the first.
	After *cursor
	// Limit is the most records the requester wants in this page; the
	// responder sends at most min(Limit, its own page size).
	Limit int
	// ForkDigest is a digest of the fork evidence the requester holds; the
	// responder lists its forks in the last page only when its own digest
	// differs.
	ForkDigest []byte
}

// headsDigest opens a full sync in sync 1.1.0: a digest of the
// requester's feed heads and of its forks, so that two nodes holding the
// same feeds find out in one small round trip instead of sending every
// head.
type headsDigest struct {
	_ struct{} `cbor:",toarray"`
	// Heads is digestHeads of the requester's contiguous feed heads.
	Heads []byte
	// Feeds is how many feeds Heads covers.
	Feeds int
	// Records is how many records the requester holds, fork evidence
	// included. A requester sends a headsDigest only when it holds no
	// record beyond its heads (see digestIfComplete).
	Records int64
	// ForkDigest is as in syncRequest.
	ForkDigest []byte
}

// headsAnswer answers a headsDigest. Same: the responder's heads and forks
// have the same digests, and the sync ends here. Otherwise the requester
// goes on with a syncRequest, as in sync 1.0.0.
type headsAnswer struct {
	_    struct{} `cbor:",toarray"`
	Same bool
}

// syncSummary comes before the records of a first page: how many records
// the responder expects to send over all pages, counted from feed heads.
type syncSummary struct {
	_        struct{} `cbor:",toarray"`
	Expected int64
}

// wireFork is one fork in a syncEnd.
type wireFork struct {
	_      struct{} `cbor:",toarray"`
	Author []byte
	Seq    uint64
	CIDs   [][]byte
}

// syncEnd closes a page: whether more records remain (and from where), and
// on the last page the responder's forks if their digest differs.
type syncEnd struct {
	_     struct{} `cbor:",toarray"`
	More  bool
	After *cursor
	Forks []wireFork
}

// fetchRequest asks for records by CID.
type fetchRequest struct {
	_    struct{} `cbor:",toarray"`
	CIDs [][]byte
}

// fetchEnd closes a fetch response.
type fetchEnd struct {
	_       struct{} `cbor:",toarray"`
	Missing int      // how many of the CIDs the responder does not hold
}

// writeFrame writes one frame.
func writeFrame(w io.Writer, kind byte, payload []byte) error {
	var hdr [binary.MaxVarintLen64 + 1]byte
	n := binary.PutUvarint(hdr[:], uint64(len(payload)+1))
	hdr[n] = kind
	if _, err := w.Write(hdr[:n+1]); err != nil {
		return err
	}
	_, err := w.Write(payload)
	return err
}

// writeCBOR writes v, encoded, as one frame.
func writeCBOR(w io.Writer, kind byte, v any) error {
	b, err := cborEnc.Marshal(v)
	if err != nil {
		return fmt.Errorf("encode frame %d: %w", kind, err)
	}
	if len(b)+1 > maxControlFrame {
		return fmt.Errorf("encode frame %d: %d bytes: %w", kind, len(b), errFrameTooLarge)
	}
	return writeFrame(w, kind, b)
}

// frameReader reads frames, reusing one buffer: a payload is valid only
// until the next call.
type frameReader struct {
	r   *bufio.Reader
	buf []byte
	n   int64 // bytes read so far, headers included
}

func newFrameReader(r io.Reader) *frameReader {
	return &frameReader{r: bufio.NewReaderSize(r, 32<<10)}
}

// next reads one frame whose whole length (kind byte included) is at most
// max.
func (fr *frameReader) next(max int) (kind byte, payload []byte, err error) {
	size, err := fr.length()
	if err != nil {
		return 0, nil, err
	}
	if size == 0 {
		return 0, nil, violation(fmt.Errorf("empty frame"))
	}
	if size > uint64(max) {
		return 0, nil, violation(fmt.Errorf("frame of %d bytes, limit %d: %w", size, max, errFrameTooLarge))
	}
	if cap(fr.buf) < int(size) {
		fr.buf = make([]byte, size)
	}
	b := fr.buf[:size]
	if _, err := io.ReadFull(fr.r, b); err != nil {
		return 0, nil, fmt.Errorf("read frame: %w", io.ErrUnexpectedEOF)
	}
	fr.n += int64(size) + int64(uvarintLen(size))
	return b[0], b[1:], nil
}

// nextCBOR reads one control frame of the wanted kind into v. A frameError
// from the peer becomes an error carrying its text.
func (fr *frameReader) nextCBOR(want byte, v any) error {
	kind, payload, err := fr.next(maxControlFrame)
	if err != nil {
		return err
	}
	if kind == frameError {
		return fmt.Errorf("peer refused: %.200q", payload)
	}
	if kind != want {
		return violation(fmt.Errorf("frame kind %d, want %d", kind, want))
	}
	if err := cborDec.Unmarshal(payload, v); err != nil {
		return violation(fmt.Errorf("decode frame %d: %w", kind, err))
	}
	return nil
}

// length reads a frame's uvarint length. The stream ending before the
// first byte is io.EOF; ending within it, or any other failure to read,
// is an I/O error; a length over 64 bits is a protocol violation.
func (fr *frameReader) length() (uint64, error) {
	var x uint64
	for i := 0; ; i++ {
		b, err := fr.r.ReadByte()
		if err != nil {
			if i == 0 && errors.Is(err, io.EOF) {
				return 0, io.EOF
			}
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return 0, fmt.Errorf("read frame length: %w", err)
		}
		if i == binary.MaxVarintLen64-1 && b > 1 || i >= binary.MaxVarintLen64 {
			return 0, violation(errors.New("read frame length: the length overflows 64 bits"))
		}
		if b < 0x80 {
			return x | uint64(b)<<(7*i), nil
		}
		x |= uint64(b&0x7f) << (7 * i)
	}
}

func uvarintLen(x uint64) int {
	n := 1
	for x >= 0x80 {
		x >>= 7
		n++
	}
	return n
}
