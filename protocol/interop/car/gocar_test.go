package car_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"slices"
	"testing"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	mh "github.com/multiformats/go-multihash"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestGoCarReadsWhatWriteWrites reads every scenario's file with go-car's
// own block reader, as IPFS tools do, and recomputes each block's CID from
// its bytes with go-cid and with crypto/sha256: a CARv1, the roots in its
// header, every record once in the order given, each under the CID of its
// exact bytes.
func TestGoCarReadsWhatWriteWrites(t *testing.T) {
	for _, s := range scenario.All() {
		_, recs := evidence(t, s, true)
		roots := rootsOf(s, recs)
		br, err := carv2.NewBlockReader(bytes.NewReader(export(t, roots, recs)))
		if err != nil {
			t.Fatalf("%s: go-car: %v", s.Name, err)
		}
		if br.Version != 1 {
			t.Errorf("%s: CAR version %d, want 1", s.Name, br.Version)
		}
		if len(br.Roots) != len(roots) || !br.Roots[0].Equals(roots[0].Cid()) {
			t.Errorf("%s: go-car reads roots %v, want %v", s.Name, br.Roots, roots)
		}
		for i := 0; ; i++ {
			blk, err := br.Next()
			if errors.Is(err, io.EOF) {
				if i != len(recs) {
					t.Errorf("%s: %d blocks, want %d", s.Name, i, len(recs))
				}
				break
			}
			if err != nil {
				t.Fatalf("%s: go-car: block %d: %v", s.Name, i, err)
			}
			if i >= len(recs) {
				t.Fatalf("%s: more blocks than records", s.Name)
			}
			c, data := blk.Cid(), blk.RawData()
			if !bytes.Equal(data, recs[i].Bytes) || !c.Equals(recs[i].CID.Cid()) {
				t.Errorf("%s: block %d is %s, want record %s", s.Name, i, c, recs[i].CID)
			}
			again, err := c.Prefix().Sum(data)
			if err != nil || !again.Equals(c) {
				t.Errorf("%s: block %d: go-cid computes %s (%v) from its bytes, the file says %s", s.Name, i, again, err, c)
			}
			sum := sha256.Sum256(data)
			digest, _ := mh.Encode(sum[:], mh.SHA2_256)
			if own := gocid.NewCidV1(gocid.DagCBOR, digest); !own.Equals(c) {
				t.Errorf("%s: block %d: sha256 of its bytes gives %s, the file says %s", s.Name, i, own, c)
			}
		}
	}
}

// TestReadTakesCARv2: a file that go-car wrapped as a CARv2 (with an index)
// reads as the CARv1 inside it.
func TestReadTakesCARv2(t *testing.T) {
	v1, roots, recs := honestFile(t)
	var v2 bytes.Buffer
	if err := carv2.WrapV1(bytes.NewReader(v1), &v2); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(v2.Bytes(), carv2.Pragma) {
		t.Fatal("the wrapped file does not start with the CARv2 pragma")
	}
	f, err := car.Read(bytes.NewReader(v2.Bytes()), car.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Roots, roots) {
		t.Errorf("roots %v, want %v", f.Roots, roots)
	}
	sameRecords(t, "CARv2", f.Records, recs)
}

// TestReadTakesRepeatsAndNewer: a repeated block is taken once; an
// authentic record of a newer format version comes back apart, to be kept
// unjudged.
func TestReadTakesRepeatsAndNewer(t *testing.T) {
	s := scenario.HonestPalm()
	_, recs := evidence(t, s, false)
	org := &protocol.Org{Name: "Koperasi Masa Depan", Roles: []protocol.Role{protocol.RolePlantation}, Country: "MY"}
	newer, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: checkedAt.UnixMilli(), Body: org}, scenario.Key("future"), protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	blocks := []block{recordBlock(recs[0]), recordBlock(newer), recordBlock(recs[1]), recordBlock(recs[0]), recordBlock(newer)}
	f, err := car.Read(bytes.NewReader(rawCAR(t, []gocid.Cid{recs[0].CID.Cid(), newer.CID.Cid()}, blocks...)), car.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, "repeats", f.Records, recs[:2])
	if len(f.Newer) != 1 || f.Newer[0].CID != newer.CID || !bytes.Equal(f.Newer[0].Bytes, newer.Bytes) {
		t.Errorf("newer records %v, want the one of version %d", f.Newer, protocol.Version+1)
	}
	if !slices.Equal(f.Roots, []protocol.CID{recs[0].CID, newer.CID}) {
		t.Errorf("roots %v", f.Roots)
	}
	// What a node imports: the records, then the newer one, each once.
	if got, want := f.RecordBytes(), [][]byte{recs[0].Bytes, recs[1].Bytes, newer.Bytes}; !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("RecordBytes gives %d records, want %d: the records, then the newer one", len(got), len(want))
	}
}
