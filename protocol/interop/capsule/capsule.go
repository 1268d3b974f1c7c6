package capsule

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fxamacker/cbor/v2"
	gocid "github.com/ipfs/go-cid"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// Version is the capsule format this package writes and reads.
const Version = 1

// Manifest says what a capsule is about.
type Manifest struct {
	Network string           `json:"network"`
	Batch   protocol.BatchID `json:"batch"`
	// Made is when the evidence was gathered: uses, receipts and
	// revocations after it are not in the capsule.
	Made time.Time `json:"made"`
	// Maker is who made the capsule, for people ("relay 12D3KooW…",
	// "Sawit Mill"); nothing rests on it.
	Maker string `json:"maker"`
	// Records is how many records the capsule holds.
	Records int `json:"records"`
	// Disclosures open the commitments of origins recorded on behalf of
	// suppliers who run no Jejak: for the importer the capsule is made
	// for, not for the records' replicas. Verify checks each against its
	// record; a report shows the ones that open their commitments.
	Disclosures []protocol.Disclosure `json:"-"`
}

// Capsule is a capsule as Read found it.
type Capsule struct {
	Manifest Manifest
	// Root is the manifest block's CID.
	Root protocol.CID
	// Records are the capsule's records, each opened with protocol's
	// rules, in file order.
	Records []protocol.Signed
	// Newer counts records of a newer format than this release reads
	// (signed by their authors, left unjudged).
	Newer int
	// Bytes is the size of the file.
	Bytes int64
}

// Codes of an *Error, for a page or a program to act on.
const (
	CodeMismatch     = "mismatch"      // a block's bytes do not hash to its CID
	CodeTruncated    = "truncated"     // the file ends early
	CodeNotCapsule   = "not_capsule"   // not a CAR file, or a CAR that is not a capsule
	CodeLimit        = "limit"         // larger than Limits allow
	CodeInvalid      = "invalid"       // a record breaks protocol's rules or its signature fails
	CodeWrongNetwork = "wrong_network" // a capsule of another Jejak network
	CodeWrongBatch   = "wrong_batch"   // a capsule of another batch than the one asked for
)

// Error is what is wrong with a capsule, and where.
type Error struct {
	Code string
	// Block is the block's position (0 is the manifest), or -1 for the
	// header and the file as a whole.
	Block int
	// Record is the block's CID, when it could be read.
	Record protocol.CID
	Err    error
}

func (e *Error) Error() string {
	switch {
	case !e.Record.IsZero():
		return fmt.Sprintf("capsule: block %d (record %s): %v", e.Block, e.Record, e.Err)
	case e.Block >= 0:
		return fmt.Sprintf("capsule: block %d: %v", e.Block, e.Err)
	default:
		return fmt.Sprintf("capsule: %v", e.Err)
	}
}

func (e *Error) Unwrap() error { return e.Err }

// Limits bound what Read takes, so a hostile file costs little.
type Limits struct {
	MaxBytes   int64 // the whole file
	MaxRecords int   // records in it
}

// DefaultLimits allow 64 MiB and 250,000 records: a capsule of a batch with
// about 150,000 ancestors (roughly 400 bytes a record).
func DefaultLimits() Limits {
	return Limits{MaxBytes: 64 << 20, MaxRecords: provenance.DefaultMaxRecords}
}

type manifestWire struct {
	Capsule int          `cbor:"jejak_capsule"`
	Network string       `cbor:"network"`
	Batch   protocol.CID `cbor:"batch"`
	Index   uint32       `cbor:"index"`
	Made    int64        `cbor:"made"`
	Maker   string       `cbor:"maker"`
	Records uint64       `cbor:"records"`
	// Disclosures link the blocks of disclosures (format 2), which
	// follow the manifest and are not counted in Records.
	Disclosures []protocol.CID `cbor:"disclosures,omitempty"`
}

type headerWire struct {
	Roots   []protocol.CID `cbor:"roots"`
	Version uint64         `cbor:"version"`
}

var (
	encMode cbor.EncMode
	decMode cbor.DecMode
)

func init() {
	var err error
	if encMode, err = (cbor.EncOptions{Sort: cbor.SortLengthFirst, IndefLength: cbor.IndefLengthForbidden, TagsMd: cbor.TagsAllowed}).EncMode(); err != nil {
		panic(err)
	}
	if decMode, err = (cbor.DecOptions{DupMapKey: cbor.DupMapKeyEnforcedAPF, IndefLength: cbor.IndefLengthForbidden,
		TagsMd: cbor.TagsAllowed, MaxNestedLevels: 8, MaxArrayElements: 16, MaxMapPairs: 16,
		UTF8: cbor.UTF8RejectInvalid}).DecMode(); err != nil {
		panic(err)
	}
}

// maxHeader bounds the CAR header (which holds the roots) and the manifest.
const maxHeader = 4 << 10

// Write writes a capsule of recs to w. m.Records is set from recs (a record
// given twice is written once); m.Batch's record must be among them. It
// writes as it goes: on an error from w, w has part of a file.
func Write(w io.Writer, m Manifest, recs []protocol.Signed) error {
	if m.Batch.IsZero() {
		return fmt.Errorf("capsule: write: no batch")
	}
	if m.Network == "" {
		return fmt.Errorf("capsule: write: no network")
	}
	var uniq []protocol.Signed
	seen := make(map[protocol.CID]bool, len(recs))
	for i, r := range recs {
		if r.CID.IsZero() || len(r.Bytes) == 0 {
			return fmt.Errorf("capsule: write: record %d has no CID or no bytes", i)
		}
		if got := protocol.ComputeCID(r.Bytes); got != r.CID {
			return fmt.Errorf("capsule: write: record %d (%s): its bytes hash to %s", i, r.CID, got)
		}
		if !seen[r.CID] {
			seen[r.CID] = true
			uniq = append(uniq, r)
		}
	}
	if !seen[m.Batch.Record] {
		return fmt.Errorf("capsule: write: the batch's record %s is not among the records", m.Batch.Record)
	}
	discs, err := disclosureBlocks(m.Disclosures)
	if err != nil {
		return fmt.Errorf("capsule: write: %w", err)
	}
	mw := manifestWire{Capsule: Version, Network: m.Network, Batch: m.Batch.Record,
		Index: m.Batch.Index, Made: m.Made.UnixMilli(), Maker: m.Maker, Records: uint64(len(uniq))}
	for _, d := range discs {
		mw.Capsule = VersionDisclosures
		mw.Disclosures = append(mw.Disclosures, protocol.ComputeCID(d))
	}
	man, err := encMode.Marshal(mw)
	if err != nil {
		return fmt.Errorf("capsule: write: manifest: %w", err)
	}
	root := protocol.ComputeCID(man)
	head, err := encMode.Marshal(headerWire{Roots: []protocol.CID{root}, Version: 1})
	if err != nil {
		return fmt.Errorf("capsule: write: header: %w", err)
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	section := func(parts ...[]byte) {
		n := 0
		for _, p := range parts {
			n += len(p)
		}
		bw.Write(binary.AppendUvarint(nil, uint64(n)))
		for _, p := range parts {
			bw.Write(p)
		}
	}
	section(head)
	section(root.Bytes(), man)
	for i, d := range discs {
		section(mw.Disclosures[i].Bytes(), d)
	}
	for _, r := range uniq {
		section(r.CID.Bytes(), r.Bytes)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("capsule: write: %w", err)
	}
	return nil
}

// Read reads a capsule from r within lim (zero fields take DefaultLimits'
// values). It returns the whole capsule, or nil and an *Error.
func Read(r io.Reader, lim Limits) (*Capsule, error) {
	def := DefaultLimits()
	if lim.MaxBytes <= 0 {
		lim.MaxBytes = def.MaxBytes
	}
	if lim.MaxRecords <= 0 {
		lim.MaxRecords = def.MaxRecords
	}
	in := &counter{r: bufio.NewReaderSize(io.LimitReader(r, lim.MaxBytes+1), 64<<10), max: lim.MaxBytes}
	fileErr := func(code string, format string, args ...any) error {
		return &Error{Code: code, Block: -1, Err: fmt.Errorf(format, args...)}
	}
	head, err := in.section(maxHeader)
	switch {
	case err == io.EOF:
		return nil, fileErr(CodeNotCapsule, "the file is empty")
	case err != nil:
		return nil, fileErr(CodeNotCapsule, "not a capsule: the file does not start with the header of a CAR file")
	}
	var hw headerWire
	if err := decMode.Unmarshal(head, &hw); err != nil || hw.Version != 1 || len(hw.Roots) != 1 {
		return nil, fileErr(CodeNotCapsule, "not a capsule: the file does not start with the header of a CAR file (version 1, one root)")
	}
	c := &Capsule{Root: hw.Roots[0]}
	var datas [][]byte
	var cids []protocol.CID
	var want uint64
	seen := map[protocol.CID]bool{}
	discs := map[protocol.CID]bool{} // the manifest's blocks of disclosures, until read
	nDisc := 0
	for i := 0; ; i++ {
		sec, err := in.section(protocol.MaxRecordSize + 128)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, in.fail(i, err, "it")
		}
		n, gc, err := gocid.CidFromBytes(sec)
		if err != nil {
			return nil, &Error{Code: CodeNotCapsule, Block: i, Err: fmt.Errorf("its CID cannot be read: %v", err)}
		}
		pc, err := protocol.CIDFromBytes(gc.Bytes())
		if err != nil {
			return nil, &Error{Code: CodeNotCapsule, Block: i, Err: fmt.Errorf("%s is not a Jejak record's CID: %v", gc, err)}
		}
		data := sec[n:]
		if got := protocol.ComputeCID(data); got != pc {
			return nil, &Error{Code: CodeMismatch, Block: i, Record: pc,
				Err: fmt.Errorf("its bytes do not match its ID (they hash to %s)", got)}
		}
		if i == 0 {
			if pc != c.Root {
				return nil, &Error{Code: CodeNotCapsule, Block: 0, Record: pc, Err: errors.New("the first block is not the manifest the header names")}
			}
			var mw manifestWire
			if err := discDec.Unmarshal(data, &mw); err != nil || mw.Capsule == 0 || mw.Batch.IsZero() {
				return nil, &Error{Code: CodeNotCapsule, Block: 0, Record: pc,
					Err: errors.New("not a capsule: a CAR file without a capsule manifest (a plain CAR export is opened with Import)")}
			}
			if mw.Capsule != Version && mw.Capsule != VersionDisclosures {
				return nil, &Error{Code: CodeNotCapsule, Block: 0, Record: pc,
					Err: fmt.Errorf("a capsule of format %d; this release reads formats %d and %d: upgrade Jejak", mw.Capsule, Version, VersionDisclosures)}
			}
			if len(mw.Disclosures) > 0 && mw.Capsule != VersionDisclosures || len(mw.Disclosures) > maxDisclosureBlocks {
				return nil, &Error{Code: CodeNotCapsule, Block: 0, Record: pc,
					Err: fmt.Errorf("a manifest of format %d naming %d blocks of disclosures", mw.Capsule, len(mw.Disclosures))}
			}
			for _, d := range mw.Disclosures {
				discs[d] = true
			}
			nDisc = len(mw.Disclosures)
			if mw.Records > uint64(lim.MaxRecords) {
				return nil, &Error{Code: CodeLimit, Block: 0, Record: pc,
					Err: fmt.Errorf("it holds %d records, more than the %d this reader takes", mw.Records, lim.MaxRecords)}
			}
			want = mw.Records
			c.Manifest = Manifest{Network: mw.Network, Batch: protocol.BatchID{Record: mw.Batch, Index: mw.Index},
				Made: time.UnixMilli(mw.Made).UTC(), Maker: mw.Maker, Records: int(mw.Records)}
			continue
		}
		if discs[pc] {
			ds, err := readDisclosures(data)
			if err != nil {
				return nil, &Error{Code: CodeInvalid, Block: i, Record: pc, Err: err}
			}
			delete(discs, pc)
			c.Manifest.Disclosures = append(c.Manifest.Disclosures, ds...)
			continue
		}
		if seen[pc] {
			return nil, &Error{Code: CodeInvalid, Block: i, Record: pc, Err: errors.New("the record is in the file twice")}
		}
		seen[pc] = true
		if uint64(len(datas)) >= want {
			return nil, &Error{Code: CodeInvalid, Block: i, Record: pc,
				Err: fmt.Errorf("more records than the %d the manifest says", want)}
		}
		datas, cids = append(datas, bytes.Clone(data)), append(cids, pc)
	}
	c.Bytes = in.n
	if c.Manifest.Batch.IsZero() {
		return nil, fileErr(CodeTruncated, "the file ends before its manifest (truncated)")
	}
	if len(discs) > 0 {
		return nil, fileErr(CodeTruncated, "the file lacks %d of the blocks of disclosures its manifest lists (truncated)", len(discs))
	}
	if uint64(len(datas)) < want {
		return nil, fileErr(CodeTruncated, "the file holds %d of the %d records its manifest lists (truncated)", len(datas), want)
	}
	recs, errs := protocol.OpenAll(datas)
	for i, err := range errs {
		switch {
		case err == nil:
			c.Records = append(c.Records, recs[i])
		case errors.Is(err, protocol.ErrNewerVersion):
			c.Newer++
		default:
			return nil, &Error{Code: CodeInvalid, Block: i + 1 + nDisc, Record: cids[i], Err: err}
		}
	}
	if !seen[c.Manifest.Batch.Record] {
		return nil, &Error{Code: CodeInvalid, Block: -1,
			Err: fmt.Errorf("the batch's own record %s is not in the file", c.Manifest.Batch.Record)}
	}
	return c, nil
}

// Check says whether the capsule is for network and (unless batch is zero)
// for batch, as an *Error with CodeWrongNetwork or CodeWrongBatch.
func (c *Capsule) Check(network string, batch protocol.BatchID) error {
	if network != "" && c.Manifest.Network != network {
		return &Error{Code: CodeWrongNetwork, Block: -1,
			Err: fmt.Errorf("it is for the Jejak network %q, not %q", c.Manifest.Network, network)}
	}
	if !batch.IsZero() && c.Manifest.Batch != batch {
		return &Error{Code: CodeWrongBatch, Block: -1,
			Err: fmt.Errorf("it is about batch %s, not %s", c.Manifest.Batch, batch)}
	}
	return nil
}

// Verify verifies the capsule's batch from its records alone. Read has
// already checked every record's bytes and signature, so Verify does not
// check them again. opts.Fetch is ignored: a capsule is all there is.
func (c *Capsule) Verify(ctx context.Context, opts provenance.Options) (*provenance.Report, error) {
	opts.Fetch = nil
	opts.SkipSignatures = true
	if len(c.Manifest.Disclosures) > 0 {
		opts.Disclosures = provenance.DisclosureList(c.Manifest.Disclosures)
	}
	return provenance.Verify(ctx, provenance.NewMemSource(c.Records...), c.Manifest.Batch, opts)
}

// counter reads sections of a CARv1 file and counts its bytes.
type counter struct {
	r   *bufio.Reader
	n   int64
	max int64
}

var errTooLarge = errors.New("too large")

// section reads one length-prefixed section of at most max bytes; io.EOF
// means the file ended cleanly before it.
func (c *counter) section(max int) ([]byte, error) {
	start := c.n
	n, err := binary.ReadUvarint(byteCounter{c})
	switch {
	case err == io.EOF && c.n == start:
		return nil, io.EOF
	case err != nil:
		return nil, io.ErrUnexpectedEOF
	case n == 0:
		return nil, fmt.Errorf("an empty section")
	case n > uint64(max):
		return nil, fmt.Errorf("a section of %d bytes, more than the %d a record takes: %w", n, max, errTooLarge)
	case c.n+int64(n) > c.max:
		return nil, fmt.Errorf("the file is longer than the %d-byte limit: %w", c.max, errTooLarge)
	}
	b := make([]byte, n)
	k, err := io.ReadFull(c.r, b)
	c.n += int64(k)
	if err != nil {
		return nil, io.ErrUnexpectedEOF
	}
	return b, nil
}

// fail turns a section error into an *Error for block i ("it" names the
// part for the message).
func (c *counter) fail(i int, err error, what string) error {
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Code: CodeTruncated, Block: i, Err: fmt.Errorf("the file ends in the middle of %s (truncated)", what)}
	case errors.Is(err, errTooLarge):
		return &Error{Code: CodeLimit, Block: i, Err: err}
	case errors.Is(err, bufio.ErrBufferFull), errors.Is(err, io.ErrNoProgress):
		return &Error{Code: CodeTruncated, Block: i, Err: err}
	default:
		if i < 0 {
			return &Error{Code: CodeNotCapsule, Block: i, Err: fmt.Errorf("not a capsule: %v", err)}
		}
		return &Error{Code: CodeNotCapsule, Block: i, Err: err}
	}
}

type byteCounter struct{ c *counter }

func (b byteCounter) ReadByte() (byte, error) {
	x, err := b.c.r.ReadByte()
	if err == nil {
		b.c.n++
	}
	return x, err
}
