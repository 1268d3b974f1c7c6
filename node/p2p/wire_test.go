package p2p

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

func TestFrames(t *testing.T) {
	var buf bytes.Buffer
	if err := writeFrame(&buf, frameRecord, []byte("record bytes")); err != nil {
		t.Fatal(err)
	}
	req := syncRequest{Heads: []wireHead{{Author: bytes.Repeat([]byte{1}, 32), Seq: 7, CID: []byte{1, 2}}}, Only: true, Limit: 10}
	if err := writeCBOR(&buf, frameSyncRequest, &req); err != nil {
		t.Fatal(err)
	}
	if err := writeFrame(&buf, frameError, []byte("no")); err != nil {
		t.Fatal(err)
	}
	fr := newFrameReader(&buf)
	kind, payload, err := fr.next(maxRecordFrame)
	if err != nil || kind != frameRecord || string(payload) != "record bytes" {
		t.Fatalf("record frame: %d %q %v", kind, payload, err)
	}
	var got syncRequest
	if err := fr.nextCBOR(frameSyncRequest, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Heads) != 1 || got.Heads[0].Seq != 7 || !got.Only || got.Limit != 10 {
		t.Fatalf("request decoded as %+v", got)
	}
	if err := fr.nextCBOR(frameSyncEnd, new(syncEnd)); err == nil {
		t.Fatal("an error frame decoded as a sync end")
	}
	if _, _, err := fr.next(maxRecordFrame); !errors.Is(err, io.EOF) {
		t.Fatalf("after the last frame: %v, want EOF", err)
	}
}

func TestFrameLimits(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"too large", append([]byte{0xff, 0xff, 0xff, 0x7f}, 1), errFrameTooLarge},
		{"truncated", []byte{10, frameRecord, 1, 2}, io.ErrUnexpectedEOF},
		{"empty", []byte{}, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := newFrameReader(bytes.NewReader(tt.data)).next(maxRecordFrame)
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
		})
	}
}

// FuzzFrameReader feeds arbitrary bytes to the frame reader and the control
// frame decoders: they must fail cleanly, never panic or allocate beyond
// the limits.
func FuzzFrameReader(f *testing.F) {
	var seed bytes.Buffer
	_ = writeCBOR(&seed, frameSyncRequest, &syncRequest{Heads: []wireHead{{Author: make([]byte, 32), Seq: 1}}})
	_ = writeCBOR(&seed, frameSyncEnd, &syncEnd{More: true, Forks: []wireFork{{Author: make([]byte, 32), Seq: 2, CIDs: [][]byte{{1}}}}})
	f.Add(seed.Bytes())
	f.Add([]byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01})
	f.Fuzz(func(t *testing.T, data []byte) {
		fr := newFrameReader(bytes.NewReader(data))
		for range 8 {
			kind, payload, err := fr.next(1 << 16)
			if err != nil {
				return
			}
			switch kind {
			case frameSyncRequest:
				_ = cborDec.Unmarshal(payload, new(syncRequest))
			case frameSyncEnd:
				_ = cborDec.Unmarshal(payload, new(syncEnd))
			case frameFetch:
				_ = cborDec.Unmarshal(payload, new(fetchRequest))
			}
		}
	})
}
