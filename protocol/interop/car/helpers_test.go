package car_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	"github.com/ipld/go-car/v2/storage"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// checkedAt is when the tests verify: every scenario's certificates are
// valid then.
var checkedAt = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func options(s *scenario.Scenario, forward bool) provenance.Options {
	return provenance.Options{Anchors: s.Anchors, Forward: forward, Now: func() time.Time { return checkedAt }}
}

// evidence verifies s's batch from all its records and returns the report
// and the records an export carries.
func evidence(t testing.TB, s *scenario.Scenario, forward bool) (*provenance.Report, []protocol.Signed) {
	t.Helper()
	rep, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, options(s, forward))
	if err != nil {
		t.Fatalf("%s: verify: %v", s.Name, err)
	}
	return rep, recs
}

// rootsOf returns the roots an export of recs for s names: the batch's
// record, or, when the evidence lacks it (the chain is incomplete), the
// first record.
func rootsOf(s *scenario.Scenario, recs []protocol.Signed) []protocol.CID {
	for _, r := range recs {
		if r.CID == s.Batch.Record {
			return []protocol.CID{r.CID}
		}
	}
	return []protocol.CID{recs[0].CID}
}

// export writes recs under roots and returns the file.
func export(t testing.TB, roots []protocol.CID, recs []protocol.Signed) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := car.Write(&buf, roots, recs); err != nil {
		t.Fatalf("write: %v", err)
	}
	return buf.Bytes()
}

// honestFile returns the palm-oil chain's evidence as a CAR, with its roots
// and records.
func honestFile(t *testing.T) ([]byte, []protocol.CID, []protocol.Signed) {
	t.Helper()
	s := scenario.HonestPalm()
	_, recs := evidence(t, s, false)
	roots := rootsOf(s, recs)
	return export(t, roots, recs), roots, recs
}

// block is a block as a hostile or foreign file may hold it: any CID, any
// bytes.
type block struct {
	cid  gocid.Cid
	data []byte
}

func recordBlock(s protocol.Signed) block { return block{s.CID.Cid(), s.Bytes} }

// rawCAR writes a CARv1 with go-car and no checks at all: blocks whose
// bytes do not match their CIDs, blocks of other codecs, repeats.
func rawCAR(t *testing.T, roots []gocid.Cid, blocks ...block) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := storage.NewWritable(&buf, roots, carv2.WriteAsCarV1(true), carv2.AllowDuplicatePuts(true))
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range blocks {
		if err := w.Put(context.Background(), b.cid.KeyString(), b.data); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

// rawCID returns the CID of data under another codec or hash.
func rawCID(t *testing.T, codec uint64, mhType uint64, data []byte) gocid.Cid {
	t.Helper()
	c, err := gocid.Prefix{Version: 1, Codec: codec, MhType: mhType, MhLength: -1}.Sum(data)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// wantError checks that err wraps kind and says want.
func wantError(t *testing.T, err error, kind error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one wrapping %q that says %q", kind, want)
	}
	if !errors.Is(err, kind) {
		t.Errorf("error %q does not wrap %q", err, kind)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

// sameRecords checks that got holds exactly want's records (CIDs and
// bytes), in want's order.
func sameRecords(t *testing.T, name string, got, want []protocol.Signed) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d records read, %d written", name, len(got), len(want))
	}
	for i := range want {
		if got[i].CID != want[i].CID || !bytes.Equal(got[i].Bytes, want[i].Bytes) {
			t.Errorf("%s: record %d is %s, want %s (or its bytes differ)", name, i, got[i].CID, want[i].CID)
		}
	}
}
