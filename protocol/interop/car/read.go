package car

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	"github.com/multiformats/go-multicodec"

	"github.com/jejak/jejak/protocol"
)

// File is what Read found in a CAR file.
type File struct {
	// Roots are the roots the header names, in its order. Each is among
	// Records or Newer.
	Roots []protocol.CID
	// Records are the file's records in file order, each once, opened
	// with protocol.Open.
	Records []protocol.Signed
	// Newer are records of a newer format version than this release
	// reads (protocol.ErrNewerVersion) whose signatures verify: to be
	// kept unjudged until an upgrade can judge them.
	Newer []Block
}

// RecordBytes returns the bytes of every record of the file, Records then
// Newer, as a node takes them to import (each is checked again there).
func (f *File) RecordBytes() [][]byte {
	out := make([][]byte, 0, len(f.Records)+len(f.Newer))
	for _, r := range f.Records {
		out = append(out, r.Bytes)
	}
	for _, b := range f.Newer {
		out = append(out, b.Bytes)
	}
	return out
}

// Block is a block of a File kept as bytes.
type Block struct {
	CID   protocol.CID
	Bytes []byte
}

// Read reads a CAR file (CARv1, or CARv2) of Jejak records from r, within
// lim (zero fields take their defaults; see DefaultLimits).
//
// Every block must be a Jejak record under its own CID, and every root
// must be among them. Read returns the whole file, or nil and an error
// that says what is wrong and where: a *BlockError for a block, an error
// that starts "car: header" or "car: root" for those. Errors wrap ErrFormat
// (a damaged, truncated or foreign file), ErrLimit, ErrNotRecord,
// ErrMismatch, or protocol's kinds for a record that breaks a rule
// (protocol.ErrInvalid) or whose signature does not verify
// (protocol.ErrSignature). An error of r's own (other than io.EOF) is
// wrapped as it is, and so is io.ErrNoProgress for a reader that keeps
// returning nothing.
//
// Read stops at the first problem and does not read r to its end then. It
// does not close r.
func Read(r io.Reader, lim Limits) (*File, error) {
	lim = lim.orDefaults()
	src := &limitedReader{r: r, left: lim.MaxBytes}
	rd := &reader{lim: lim, src: src, in: newInput(src), seen: map[protocol.CID]bool{}}
	return rd.read()
}

// reader holds one Read's state.
type reader struct {
	lim  Limits
	src  *limitedReader
	in   *input
	seen map[protocol.CID]bool
}

// read reads the file; on an error it returns no file.
func (rd *reader) read() (*File, error) {
	br, err := rd.header()
	if err != nil {
		return nil, err
	}
	f := &File{}
	for i, c := range br.Roots {
		pc, err := jejakCID(c)
		if err != nil {
			return nil, fmt.Errorf("car: root %d (%s): %w", i, c, err)
		}
		f.Roots = append(f.Roots, pc)
	}
	for i := 0; ; i++ {
		start := rd.in.pos
		if br.Version == 1 {
			// go-car would refuse a longer section too, but could not
			// say how long it was, nor that a limit refused it. (In a
			// CARv2 the blocks may be followed by an index, which this
			// look ahead would take for a block.)
			if n, ok := rd.in.nextLength(); ok && n > uint64(rd.lim.MaxBlockSize) {
				return nil, &BlockError{Index: i, Offset: start,
					Err: fmt.Errorf("a block of %d bytes, more than the %d-byte limit: %w", n, rd.lim.MaxBlockSize, ErrLimit)}
			}
		}
		blk, err := br.Next()
		if err == io.EOF && rd.in.pos == start && !rd.src.past && rd.src.failed == nil {
			break
		}
		if err != nil {
			return nil, &BlockError{Index: i, Offset: start, Err: rd.readError(err)}
		}
		c := blk.Cid()
		fail := func(err error) error { return &BlockError{Index: i, CID: c, Offset: start, Err: err} }
		if i >= rd.lim.MaxBlocks {
			return nil, fail(fmt.Errorf("more than the %d blocks a file may hold: %w", rd.lim.MaxBlocks, ErrLimit))
		}
		if err := rd.block(f, c, blk.RawData()); err != nil {
			return nil, fail(err)
		}
	}
	for i, c := range f.Roots {
		if !rd.seen[c] {
			return nil, fmt.Errorf("car: root %d (%s) is not in the file (cut short, or made without it): %w", i, c, ErrFormat)
		}
	}
	return f, nil
}

// header reads the CAR header (and, for a CARv2, its wrapper) and returns
// the block reader that follows it.
func (rd *reader) header() (*carv2.BlockReader, error) {
	if n, ok := rd.in.nextLength(); ok && n > uint64(rd.lim.MaxHeaderSize) {
		return nil, fmt.Errorf("car: header of %d bytes, more than the %d-byte limit: %w", n, rd.lim.MaxHeaderSize, ErrLimit)
	}
	br, err := carv2.NewBlockReader(rd.in,
		carv2.MaxAllowedHeaderSize(uint64(rd.lim.MaxHeaderSize)),
		carv2.MaxAllowedSectionSize(uint64(rd.lim.MaxBlockSize)),
		// Read checks every CID itself, after checking that it is one of
		// ours: no time is spent hashing a block of another kind, and a
		// mismatch is reported with both CIDs.
		carv2.WithTrustedCAR(true))
	switch {
	case err == nil:
		return br, nil
	case rd.src.past, rd.src.failed != nil:
		return nil, fmt.Errorf("car: header: %w", rd.readError(err))
	case err == io.EOF && rd.in.pos == 0:
		return nil, fmt.Errorf("car: header: the file is empty: %w", ErrFormat)
	default:
		return nil, fmt.Errorf("car: header: %w", rd.readError(err))
	}
}

// readError says what go-car's error err means for the file.
func (rd *reader) readError(err error) error {
	switch {
	case rd.src.past:
		return fmt.Errorf("the file is longer than the %d-byte limit: %w", rd.lim.MaxBytes, ErrLimit)
	case rd.src.failed != nil:
		return fmt.Errorf("read: %w", rd.src.failed)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		// go-car returns io.EOF, not io.ErrUnexpectedEOF, for a section
		// cut right after its length; Read tells a clean end by the
		// position.
		return fmt.Errorf("the file ends in the middle (truncated): %w", ErrFormat)
	default:
		return fmt.Errorf("%v: %w", err, ErrFormat)
	}
}

// block checks one block, c and data as the file gives them, and adds it to
// f.
func (rd *reader) block(f *File, c gocid.Cid, data []byte) error {
	pc, err := jejakCID(c)
	if err != nil {
		return err
	}
	if got := protocol.ComputeCID(data); got != pc {
		return fmt.Errorf("its bytes hash to %s: %w", got, ErrMismatch)
	}
	if rd.seen[pc] {
		// The same bytes again (they hash to the same CID): opened once.
		return nil
	}
	s, err := protocol.Open(data)
	var field *protocol.FieldError
	switch {
	case errors.Is(err, protocol.ErrNewerVersion):
		f.Newer = append(f.Newer, Block{CID: pc, Bytes: bytes.Clone(data)})
	case errors.Is(err, protocol.ErrMalformed),
		errors.As(err, &field) && (field.Field == "v" || field.Field == "type"):
		// Not DAG-CBOR in record form, or no version or type a record
		// has: other IPLD data, not a damaged record.
		return fmt.Errorf("%w: %w", ErrNotRecord, err)
	case err != nil:
		return err
	default:
		f.Records = append(f.Records, s)
	}
	rd.seen[pc] = true
	return nil
}

// jejakCID returns c as a Jejak CID, or an error wrapping ErrNotRecord
// that says what c is instead.
func jejakCID(c gocid.Cid) (protocol.CID, error) {
	if p := c.Prefix(); p.Version == 1 && p.Codec != gocid.DagCBOR {
		return protocol.CID{}, fmt.Errorf("a %s block (codec 0x%x), %w: records are dag-cbor (0x71)",
			multicodec.Code(p.Codec), p.Codec, ErrNotRecord)
	}
	pc, err := protocol.CIDFromBytes(c.Bytes())
	if err != nil {
		return protocol.CID{}, fmt.Errorf("%w: %w", ErrNotRecord, err)
	}
	return pc, nil
}
