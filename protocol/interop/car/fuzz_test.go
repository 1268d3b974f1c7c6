package car_test

import (
	"bytes"
	"errors"
	"testing"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// kinds are the error kinds Read's errors wrap.
var kinds = []error{car.ErrFormat, car.ErrLimit, car.ErrNotRecord, car.ErrMismatch,
	protocol.ErrMalformed, protocol.ErrInvalid, protocol.ErrSignature, protocol.ErrTooLarge}

// FuzzRead: no input makes Read panic; an error comes alone and wraps one
// of the kinds; what Read accepts is records under their own CIDs, each
// once, holding the roots, that write and read back the same.
func FuzzRead(f *testing.F) {
	s := scenario.HonestPalm()
	recs := s.Records[:4]
	var small bytes.Buffer
	if err := car.Write(&small, []protocol.CID{recs[3].CID}, recs); err != nil {
		f.Fatal(err)
	}
	var v2 bytes.Buffer
	if err := carv2.WrapV1(bytes.NewReader(small.Bytes()), &v2); err != nil {
		f.Fatal(err)
	}
	raw, _ := gocid.Prefix{Version: 1, Codec: gocid.Raw, MhType: mh.SHA2_256, MhLength: -1}.Sum([]byte("x"))
	var foreign bytes.Buffer
	if err := car.Write(&foreign, []protocol.CID{recs[0].CID}, recs[:1]); err != nil {
		f.Fatal(err)
	}
	f.Add(small.Bytes())
	f.Add(small.Bytes()[:small.Len()-7])
	f.Add(v2.Bytes())
	f.Add(append(bytes.Clone(foreign.Bytes()), append([]byte{byte(raw.ByteLen() + 1)}, append(raw.Bytes(), 'x')...)...))
	f.Add([]byte{})
	f.Add([]byte("\x11\xa2\x65roots\x80\x67version\x01"))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := car.Read(bytes.NewReader(data), car.Limits{MaxBytes: 1 << 20})
		if err != nil {
			if file != nil {
				t.Fatalf("a file and an error: %v", err)
			}
			for _, k := range kinds {
				if errors.Is(err, k) {
					return
				}
			}
			t.Fatalf("error of no kind: %v", err)
		}
		have := map[protocol.CID]bool{}
		for _, r := range file.Records {
			if protocol.ComputeCID(r.Bytes) != r.CID || have[r.CID] {
				t.Fatalf("record %s: not its bytes' CID, or twice", r.CID)
			}
			have[r.CID] = true
		}
		for _, b := range file.Newer {
			if protocol.ComputeCID(b.Bytes) != b.CID || have[b.CID] {
				t.Fatalf("newer record %s: not its bytes' CID, or twice", b.CID)
			}
			have[b.CID] = true
		}
		for _, c := range file.Roots {
			if !have[c] {
				t.Fatalf("root %s not in the file", c)
			}
		}
		if len(file.Newer) > 0 || len(file.Roots) == 0 {
			return // Write takes neither
		}
		var again bytes.Buffer
		if err := car.Write(&again, file.Roots, file.Records); err != nil {
			t.Fatalf("write what was read: %v", err)
		}
		back, err := car.Read(&again, car.Limits{MaxBytes: 1 << 20})
		if err != nil {
			t.Fatalf("read what was written: %v", err)
		}
		sameRecords(t, "again", back.Records, file.Records)
	})
}
