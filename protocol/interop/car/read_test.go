package car_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"testing"

	gocid "github.com/ipfs/go-cid"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
)

// sections returns where each of the file's sections starts, and the
// offset of its end.
func sections(t *testing.T, file []byte) []int {
	t.Helper()
	var at []int
	for off := 0; off < len(file); {
		at = append(at, off)
		n, k := binary.Uvarint(file[off:])
		if k <= 0 {
			t.Fatalf("no length at byte %d", off)
		}
		off += k + int(n)
	}
	return append(at, len(file)) // at[0] is the header
}

// header returns the file's header section, length prefix included.
func header(t *testing.T, file []byte) []byte {
	t.Helper()
	return file[:sections(t, file)[1]]
}

// withSection returns head followed by one section of the given length
// prefix and body.
func withSection(head []byte, length uint64, body []byte) []byte {
	out := binary.AppendUvarint(bytes.Clone(head), length)
	return append(out, body...)
}

// TestReadRefuses: each way a file can be wrong is refused with an error
// that wraps its kind, says what is wrong and, for a block, which one.
func TestReadRefuses(t *testing.T) {
	file, roots, recs := honestFile(t)
	at := sections(t, file)
	head := header(t, file)
	root := roots[0].Cid()

	altered := bytes.Clone(recs[0].Bytes)
	altered[len(altered)/2] ^= 0x01

	badSig := bytes.Clone(recs[1].Bytes)
	i := bytes.Index(badSig, recs[1].Sig)
	if i < 0 {
		t.Fatal("no signature in the record's bytes")
	}
	badSig[i+10] ^= 0x01
	badSigCID := protocol.ComputeCID(badSig)

	notRecord := []byte("\xa1\x65hello\x65world") // {"hello": "world"}, canonical DAG-CBOR
	notRecordCID := protocol.ComputeCID(notRecord)
	huge := bytes.Repeat([]byte{0x41}, protocol.MaxRecordSize+1)
	hugeCID := protocol.ComputeCID(huge)
	rawHello := rawCID(t, gocid.Raw, mh.SHA2_256, []byte("hello"))
	sha512 := rawCID(t, gocid.DagCBOR, mh.SHA2_512, recs[0].Bytes)
	var outside protocol.CID = protocol.ComputeCID([]byte("\xa0"))
	version3 := []byte("\xa2\x65roots\x80\x67version\x03")

	all := make([]block, len(recs))
	for i, r := range recs {
		all[i] = recordBlock(r)
	}

	type want struct {
		kind  error
		says  string
		block int // the index of the block at fault, or -1
	}
	for _, tc := range []struct {
		name string
		file []byte
		lim  car.Limits
		want want
	}{
		{"empty", nil, car.Limits{}, want{car.ErrFormat, "car: header: the file is empty", -1}},
		{"not a CAR", []byte("\x0bJejak file\n and more"), car.Limits{}, want{car.ErrFormat, "car: header: invalid header", -1}},
		{"a CAR of version 3", withSection(nil, uint64(len(version3)), version3), car.Limits{}, want{car.ErrFormat, "invalid car version: 3", -1}},
		{"cut in the header", file[:at[1]-3], car.Limits{}, want{car.ErrFormat, "car: header: the file ends in the middle (truncated)", -1}},
		{"cut in a block's length", file[:at[4]+1], car.Limits{}, want{car.ErrFormat, fmt.Sprintf("car: block 3 at byte %d: the file ends in the middle (truncated)", at[4]), 3}},
		{"cut right after a block's length", file[:at[4]+2], car.Limits{}, want{car.ErrFormat, "the file ends in the middle (truncated)", 3}},
		{"cut in a block's CID", file[:at[4]+2+20], car.Limits{}, want{car.ErrFormat, "the file ends in the middle (truncated)", 3}},
		{"cut in a record", file[:at[4]+2+36+100], car.Limits{}, want{car.ErrFormat, "the file ends in the middle (truncated)", 3}},
		{"cut one byte short", file[:len(file)-1], car.Limits{}, want{car.ErrFormat, "the file ends in the middle (truncated)", len(recs) - 1}},
		{"an empty block", withSection(head, 0, nil), car.Limits{}, want{car.ErrFormat, "car: block 0 at byte", 0}},
		{"bytes under another record's CID", rawCAR(t, []gocid.Cid{root}, block{recs[0].CID.Cid(), recs[1].Bytes}),
			car.Limits{}, want{car.ErrMismatch, fmt.Sprintf("car: block 0 (%s) at byte %d: its bytes hash to %s", recs[0].CID, at[1], recs[1].CID), 0}},
		{"an altered byte", rawCAR(t, []gocid.Cid{root}, append(all[1:], block{recs[0].CID.Cid(), altered})...),
			car.Limits{}, want{car.ErrMismatch, fmt.Sprintf("block %d (%s)", len(recs)-1, recs[0].CID), len(recs) - 1}},
		{"a bad signature", rawCAR(t, []gocid.Cid{root}, append([]block{all[0], {badSigCID.Cid(), badSig}}, all[2:]...)...),
			car.Limits{}, want{protocol.ErrSignature, fmt.Sprintf("car: block 1 (%s)", badSigCID), 1}},
		{"a raw block", rawCAR(t, []gocid.Cid{root}, append(all, block{rawHello, []byte("hello")})...),
			car.Limits{}, want{car.ErrNotRecord, fmt.Sprintf("block %d (%s) at byte %d: a raw block (codec 0x55), not a Jejak record", len(recs), rawHello, len(file)), len(recs)}},
		{"a sha2-512 block", rawCAR(t, []gocid.Cid{root}, append(all, block{sha512, recs[0].Bytes})...),
			car.Limits{}, want{car.ErrNotRecord, "not a Jejak record: protocol: CID hash 0x13, want sha2-256", len(recs)}},
		{"DAG-CBOR that is not a record", rawCAR(t, []gocid.Cid{root}, append(all, block{notRecordCID.Cid(), notRecord})...),
			car.Limits{}, want{car.ErrNotRecord, "not a Jejak record: protocol: invalid record: v: version 0 is not supported", len(recs)}},
		{"a block larger than a record", rawCAR(t, []gocid.Cid{root}, append(all, block{hugeCID.Cid(), huge})...),
			car.Limits{MaxBlockSize: 1 << 20}, want{protocol.ErrTooLarge, "exceeds the 65536-byte limit", len(recs)}},
		{"a root of another kind", rawCAR(t, []gocid.Cid{rawHello}, all...),
			car.Limits{}, want{car.ErrNotRecord, fmt.Sprintf("car: root 0 (%s): a raw block", rawHello), -1}},
		{"a root the file lacks", rawCAR(t, []gocid.Cid{root, outside.Cid()}, all...),
			car.Limits{}, want{car.ErrFormat, fmt.Sprintf("car: root 1 (%s) is not in the file (cut short, or made without it)", outside), -1}},
		{"a header over the limit", withSection(nil, 1<<20, make([]byte, 100)), car.Limits{},
			want{car.ErrLimit, "car: header of 1048576 bytes, more than the 65536-byte limit", -1}},
		{"a header of 2^60 bytes", withSection(nil, 1<<60, make([]byte, 100)), car.Limits{},
			want{car.ErrLimit, "car: header of 1152921504606846976 bytes", -1}},
		{"a header over a lower limit", file, car.Limits{MaxHeaderSize: 20},
			want{car.ErrLimit, fmt.Sprintf("car: header of %d bytes, more than the 20-byte limit", at[1]-1), -1}},
		{"a block of 2^60 bytes", withSection(head, 1<<60, make([]byte, 100)), car.Limits{},
			want{car.ErrLimit, fmt.Sprintf("car: block 0 at byte %d: a block of 1152921504606846976 bytes, more than the %d-byte limit", len(head), car.DefaultMaxBlockSize), 0}},
		{"a block over a lower limit", file, car.Limits{MaxBlockSize: 100},
			want{car.ErrLimit, "more than the 100-byte limit", 0}},
		{"more blocks than the limit", file, car.Limits{MaxBlocks: 5},
			want{car.ErrLimit, fmt.Sprintf("car: block 5 (%s) at byte %d: more than the 5 blocks a file may hold", recs[5].CID, at[6]), 5}},
		{"more bytes than the limit", file, car.Limits{MaxBytes: int64(len(file) - 1)},
			want{car.ErrLimit, fmt.Sprintf("the file is longer than the %d-byte limit", len(file)-1), len(recs) - 1}},
		{"a header longer than the file's limit", file, car.Limits{MaxBytes: 10},
			want{car.ErrLimit, "car: header: the file is longer than the 10-byte limit", -1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, err := car.Read(bytes.NewReader(tc.file), tc.lim)
			if f != nil {
				t.Errorf("a file came back (%d records) with the error", len(f.Records))
			}
			wantError(t, err, tc.want.kind, tc.want.says)
			var be *car.BlockError
			switch {
			case tc.want.block < 0 && errors.As(err, &be):
				t.Errorf("a block error (block %d) for a fault outside the blocks", be.Index)
			case tc.want.block >= 0 && !errors.As(err, &be):
				t.Errorf("not a block error: %v", err)
			case tc.want.block >= 0 && be.Index != tc.want.block:
				t.Errorf("the error names block %d, want %d", be.Index, tc.want.block)
			}
		})
	}
}

// TestReadAtTheLimits: a file exactly as large as each limit reads.
func TestReadAtTheLimits(t *testing.T) {
	file, _, recs := honestFile(t)
	at := sections(t, file)
	var headerSize, largest uint64
	for i := 0; i+1 < len(at); i++ {
		n, _ := binary.Uvarint(file[at[i]:])
		if i == 0 {
			headerSize = n
		} else {
			largest = max(largest, n)
		}
	}
	lim := car.Limits{MaxHeaderSize: int64(headerSize), MaxBlockSize: int64(largest), MaxBlocks: len(recs), MaxBytes: int64(len(file))}
	f, err := car.Read(bytes.NewReader(file), lim)
	if err != nil {
		t.Fatalf("limits %+v: %v", lim, err)
	}
	sameRecords(t, "at the limits", f.Records, recs)
}

// stuck is a reader that hands out a file's first bytes and then returns
// nothing, and no error, however often it is asked.
type stuck struct{ data []byte }

func (s *stuck) Read(p []byte) (int, error) {
	n := copy(p, s.data)
	s.data = s.data[n:]
	return n, nil
}

// TestReadGivesUpOnAStuckReader: a reader that stops giving bytes without
// saying why, in the header or in a block, makes Read fail, not spin.
func TestReadGivesUpOnAStuckReader(t *testing.T) {
	file, _, _ := honestFile(t)
	at := sections(t, file)
	for _, cut := range []int{0, 3, at[1], at[2] + 2, at[2] + 100} {
		f, err := car.Read(&stuck{file[:cut]}, car.Limits{})
		if f != nil || !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("stuck after %d bytes: %v, want io.ErrNoProgress", cut, err)
		}
	}
}

// failing is a reader that hands out a file's first bytes and then fails.
type failing struct {
	data []byte
	err  error
}

func (f *failing) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// TestReadPassesOnReaderErrors: an error of the reader (a disk, a
// connection) comes back as it is, not as a fault of the file.
func TestReadPassesOnReaderErrors(t *testing.T) {
	file, _, _ := honestFile(t)
	at := sections(t, file)
	disk := errors.New("disk on fire")
	for _, cut := range []int{0, 3, at[1], at[2] + 2, at[2] + 100} {
		f, err := car.Read(&failing{file[:cut], disk}, car.Limits{})
		if f != nil || !errors.Is(err, disk) || errors.Is(err, car.ErrFormat) {
			t.Errorf("failing after %d bytes: %v, want the reader's error alone", cut, err)
		}
	}
}
