package car_test

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"runtime"
	"testing"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol/interop/car"
)

// hostile is a stream of size bytes made on the fly, never held whole: a
// prefix, then a pattern over and over. It counts what it hands out and
// samples the heap as it goes.
type hostile struct {
	prefix, pattern []byte
	size            int64
	served          int64
	nextSample      int64
	peakHeap        uint64
}

func (h *hostile) Read(p []byte) (int, error) {
	if h.served >= h.size {
		return 0, io.EOF
	}
	if h.served >= h.nextSample {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		h.peakHeap = max(h.peakHeap, m.HeapAlloc)
		h.nextSample += 1 << 20
	}
	p = p[:min(int64(len(p)), h.size-h.served)]
	for i := range p {
		at := h.served + int64(i)
		if at < int64(len(h.prefix)) {
			p[i] = h.prefix[at]
		} else {
			p[i] = h.pattern[(at-int64(len(h.prefix)))%int64(len(h.pattern))]
		}
	}
	h.served += int64(len(p))
	return len(p), nil
}

// TestHostileStreams: 100 MB streams built to exhaust a reader are refused
// having read little more than a limit allows, in a heap that stays small.
func TestHostileStreams(t *testing.T) {
	const size = 100 << 20
	file, _, _ := honestFile(t)
	head := header(t, file)
	section := file[sections(t, file)[1]:sections(t, file)[2]] // the first record's
	junk := bytes.Repeat([]byte{0xff}, 60<<10)
	rawJunk := rawCID(t, gocid.Raw, mh.SHA2_256, junk)
	v2 := append(bytes.Clone(carv2.Pragma), make([]byte, 40)...)
	binary.LittleEndian.PutUint64(v2[len(carv2.Pragma)+16:], 1<<40) // data offset
	binary.LittleEndian.PutUint64(v2[len(carv2.Pragma)+24:], 1<<20) // data size
	manyRoots := []byte("\xa2\x65roots\x9b\x00\x00\x00\x01\x00\x00\x00\x00")
	manyKeys := []byte("\xbb\x00\x00\x00\x01\x00\x00\x00\x00")

	for _, tc := range []struct {
		name            string
		prefix, pattern []byte
		lim             car.Limits
		kind            error
		mayRead         int64 // bytes the refusal may take, beyond the prefix
	}{
		{"a header of 2^60 bytes", binary.AppendUvarint(nil, 1<<60), []byte{0}, car.Limits{}, car.ErrLimit, 8 << 10},
		{"a header whose CBOR claims 2^32 roots", withSection(nil, 60<<10, manyRoots), []byte{0}, car.Limits{}, car.ErrFormat, 64 << 10},
		{"a header whose CBOR claims 2^32 keys", withSection(nil, 60<<10, manyKeys), []byte{0}, car.Limits{}, car.ErrFormat, 64 << 10},
		{"a block of 2^60 bytes", withSection(head, 1<<60, nil), []byte{0}, car.Limits{}, car.ErrLimit, 8 << 10},
		{"blocks of 60 KiB that are not records", head, withSection(nil, uint64(rawJunk.ByteLen()+len(junk)), append(rawJunk.Bytes(), junk...)),
			car.Limits{}, car.ErrNotRecord, 128 << 10},
		{"one record over and over, to the byte limit", head, section, car.Limits{}, car.ErrLimit, car.DefaultMaxBytes},
		{"millions of blocks, to the block limit", head, section, car.Limits{MaxBytes: 1 << 30}, car.ErrLimit, int64(len(section)) * (car.DefaultMaxBlocks + 1)},
		{"a CARv2 whose data starts 2^40 bytes in", v2, []byte{0}, car.Limits{}, car.ErrLimit, car.DefaultMaxBytes},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before runtime.MemStats
			runtime.ReadMemStats(&before)
			h := &hostile{prefix: tc.prefix, pattern: tc.pattern, size: size}
			f, err := car.Read(h, tc.lim)
			if f != nil || !errors.Is(err, tc.kind) {
				t.Fatalf("read %d bytes: error %v, want %v", h.served, err, tc.kind)
			}
			if limit := int64(len(tc.prefix)) + tc.mayRead + 8<<10; h.served > limit {
				t.Errorf("read %d bytes before refusing (%v), want at most %d", h.served, err, limit)
			}
			var after runtime.MemStats
			runtime.ReadMemStats(&after)
			peak := max(h.peakHeap, after.HeapAlloc)
			if grew := int64(peak) - int64(before.HeapAlloc); grew > 32<<20 {
				t.Errorf("the heap grew by %d MiB reading %d MiB (%v)", grew>>20, h.served>>20, err)
			}
			t.Logf("refused after %d KiB, heap peak +%d KiB: %v", h.served>>10, (int64(peak)-int64(before.HeapAlloc))>>10, err)
		})
	}
}
