package capsule_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	carv2 "github.com/ipld/go-car/v2"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// checkedAt is when the tests verify: every scenario's certificates are
// valid then.
var checkedAt = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func options(s *scenario.Scenario) provenance.Options {
	return provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return checkedAt }}
}

// build makes s's capsule from the evidence of a verification over all of
// its records, as a node does.
func build(t testing.TB, s *scenario.Scenario) ([]byte, []protocol.Signed) {
	t.Helper()
	_, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, options(s))
	if err != nil {
		t.Fatalf("%s: verify: %v", s.Name, err)
	}
	var b bytes.Buffer
	m := capsule.Manifest{Network: "jejak-test", Batch: s.Batch, Made: checkedAt, Maker: "test relay"}
	if err := capsule.Write(&b, m, recs); err != nil {
		t.Fatalf("%s: write: %v", s.Name, err)
	}
	return b.Bytes(), recs
}

func read(t testing.TB, data []byte) *capsule.Capsule {
	t.Helper()
	c, err := capsule.Read(bytes.NewReader(data), capsule.Limits{})
	if err != nil {
		t.Fatalf("read: %v", err)
	}
	return c
}

// TestEveryScenarioVerifiesFromItsCapsuleAlone: the capsule gives the
// verdict the full set of records gives.
func TestEveryScenarioVerifiesFromItsCapsuleAlone(t *testing.T) {
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			full, err := provenance.Verify(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, options(s))
			if err != nil {
				t.Fatal(err)
			}
			data, recs := build(t, s)
			c := read(t, data)
			if c.Manifest.Batch != s.Batch || c.Manifest.Network != "jejak-test" || !c.Manifest.Made.Equal(checkedAt) ||
				c.Manifest.Maker != "test relay" || c.Manifest.Records != len(recs) || len(c.Records) != len(recs) || c.Bytes != int64(len(data)) {
				t.Fatalf("manifest %+v, %d records, %d bytes; want %d records, %d bytes", c.Manifest, len(c.Records), c.Bytes, len(recs), len(data))
			}
			rep, err := c.Verify(context.Background(), options(s))
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != full.Verdict || string(rep.Verdict) != s.Verdict {
				t.Fatalf("capsule verdict %s, full store %s, scenario says %s: %s", rep.Verdict, full.Verdict, s.Verdict, rep.Summary)
			}
			for _, ch := range full.Checks {
				if got := rep.Check(ch.Name); got == nil || got.Status != ch.Status {
					t.Errorf("check %s: capsule %v, full store %s", ch.Name, got, ch.Status)
				}
			}
		})
	}
}

// TestCapsuleIsACARFile: IPFS tools read a capsule as the CAR file it is,
// every block under its CID.
func TestCapsuleIsACARFile(t *testing.T) {
	data, recs := build(t, scenario.HonestPalm())
	br, err := carv2.NewBlockReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for {
		blk, err := br.Next()
		if err != nil {
			break
		}
		n++
		if got, err := blk.Cid().Prefix().Sum(blk.RawData()); err != nil || !got.Equals(blk.Cid()) {
			t.Fatalf("block %d: %s does not hash to its CID", n, blk.Cid())
		}
	}
	if n != len(recs)+1 || len(br.Roots) != 1 {
		t.Fatalf("go-car read %d blocks and %d roots, want %d and 1", n, len(br.Roots), len(recs)+1)
	}
}

// TestEveryTamperedByteFails: any byte changed anywhere in the file fails
// the read, and a change inside a record names that record.
func TestEveryTamperedByteFails(t *testing.T) {
	data, recs := build(t, scenario.HonestPalm())
	// Where each record's bytes start and end in the file.
	type span struct {
		lo, hi int
		cid    protocol.CID
	}
	var spans []span
	for _, r := range recs {
		i := bytes.Index(data, r.Bytes)
		spans = append(spans, span{i, i + len(r.Bytes), r.CID})
	}
	step := 1
	if testing.Short() {
		step = 7
	}
	for i := 0; i < len(data); i += step {
		bad := bytes.Clone(data)
		bad[i] ^= 0x01
		c, err := capsule.Read(bytes.NewReader(bad), capsule.Limits{})
		if err == nil {
			// A flipped bit in a length can still leave a readable file
			// only if it reads as another valid capsule, which the hashes
			// rule out; the verdict must then still fail.
			t.Fatalf("byte %d changed: read %d records without an error", i, len(c.Records))
		}
		var ce *capsule.Error
		if !errors.As(err, &ce) {
			t.Fatalf("byte %d: %v is not a *capsule.Error", i, err)
		}
		for _, s := range spans {
			if i >= s.lo && i < s.hi && (ce.Code != capsule.CodeMismatch || ce.Record != s.cid) {
				t.Fatalf("byte %d inside record %s: got %s %v, want a mismatch naming the record", i, s.cid, ce.Code, err)
			}
		}
	}
}

// TestTruncatedCapsulesFail: a capsule cut anywhere, between two blocks
// included, is refused as truncated.
func TestTruncatedCapsulesFail(t *testing.T) {
	data, _ := build(t, scenario.HonestPalm())
	for n := 0; n < len(data); n += 3 {
		_, err := capsule.Read(bytes.NewReader(data[:n]), capsule.Limits{})
		var ce *capsule.Error
		if !errors.As(err, &ce) {
			t.Fatalf("cut at %d of %d: %v", n, len(data), err)
		}
		want := capsule.CodeTruncated
		if n < 1+int(data[0]) { // within the CAR header: not yet a capsule
			want = capsule.CodeNotCapsule
		}
		if ce.Code != want {
			t.Fatalf("cut at %d of %d: %s (%v), want %s", n, len(data), ce.Code, err, want)
		}
	}
}

func TestOtherFilesAreNotCapsules(t *testing.T) {
	s := scenario.HonestPalm()
	_, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, options(s))
	if err != nil {
		t.Fatal(err)
	}
	var plain bytes.Buffer
	if err := car.Write(&plain, []protocol.CID{s.Batch.Record}, recs); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{
		"a plain CAR export": plain.Bytes(),
		"a PNG":              []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"),
		"text":               []byte("hello, this is not a capsule\n"),
		"empty":              nil,
	} {
		_, err := capsule.Read(bytes.NewReader(data), capsule.Limits{})
		var ce *capsule.Error
		if !errors.As(err, &ce) || ce.Code != capsule.CodeNotCapsule || !strings.Contains(err.Error(), "capsule") {
			t.Errorf("%s: %v, want a not_capsule error", name, err)
		}
	}
}

func TestNetworkAndBatch(t *testing.T) {
	s := scenario.HonestPalm()
	data, _ := build(t, s)
	c := read(t, data)
	if err := c.Check("jejak-test", s.Batch); err != nil {
		t.Fatal(err)
	}
	var ce *capsule.Error
	if err := c.Check("jejak", protocol.BatchID{}); !errors.As(err, &ce) || ce.Code != capsule.CodeWrongNetwork ||
		!strings.Contains(err.Error(), `network "jejak-test", not "jejak"`) {
		t.Errorf("other network: %v", err)
	}
	other := s.Batch
	other.Index++
	if err := c.Check("", other); !errors.As(err, &ce) || ce.Code != capsule.CodeWrongBatch {
		t.Errorf("other batch: %v", err)
	}
}

func TestLimits(t *testing.T) {
	data, recs := build(t, scenario.HonestPalm())
	var ce *capsule.Error
	_, err := capsule.Read(bytes.NewReader(data), capsule.Limits{MaxBytes: int64(len(data) - 1)})
	if !errors.As(err, &ce) || ce.Code != capsule.CodeLimit {
		t.Errorf("one byte over: %v", err)
	}
	_, err = capsule.Read(bytes.NewReader(data), capsule.Limits{MaxRecords: len(recs) - 1})
	if !errors.As(err, &ce) || ce.Code != capsule.CodeLimit {
		t.Errorf("one record over: %v", err)
	}
	if _, err := capsule.Read(bytes.NewReader(data), capsule.Limits{MaxBytes: int64(len(data)), MaxRecords: len(recs)}); err != nil {
		t.Errorf("exactly at the limits: %v", err)
	}
}

func TestWriteRefuses(t *testing.T) {
	s := scenario.HonestPalm()
	_, recs := build(t, s)
	m := capsule.Manifest{Network: "n", Batch: s.Batch}
	if err := capsule.Write(&bytes.Buffer{}, m, recs[1:]); err == nil || !strings.Contains(err.Error(), "not among") {
		t.Errorf("without the batch's record: %v", err)
	}
	bad := append([]protocol.Signed(nil), recs...)
	bad[2].Bytes = append(bytes.Clone(bad[2].Bytes), 0)
	if err := capsule.Write(&bytes.Buffer{}, m, bad); err == nil {
		t.Error("a record whose bytes do not match its CID was written")
	}
	if err := capsule.Write(&bytes.Buffer{}, capsule.Manifest{Batch: s.Batch}, recs); err == nil {
		t.Error("a capsule with no network was written")
	}
}

// TestSizeGrowsWithTheAncestry reports bytes per record for the
// benchmarks: a capsule is its records and a few bytes of framing each.
func TestSizeGrowsWithTheAncestry(t *testing.T) {
	var per []float64
	for _, n := range []int{100, 1000} {
		s := scenario.Ancestry(n)
		data, recs := build(t, s)
		c := read(t, data)
		rep, err := c.Verify(context.Background(), options(s))
		if err != nil || rep.Verdict != provenance.Trusted {
			t.Fatalf("ancestry %d: %v %v", n, rep, err)
		}
		raw := 0
		for _, r := range recs {
			raw += len(r.Bytes)
		}
		per = append(per, float64(len(data))/float64(len(recs)))
		t.Logf("ancestry %d: %d records (%d in the trace), capsule %d bytes, %.0f bytes a record, framing %d bytes",
			n, len(recs), rep.Stats.Records, len(data), per[len(per)-1], len(data)-raw)
	}
	if per[1] > per[0]*1.5 {
		t.Errorf("bytes a record grew from %.0f to %.0f: the capsule grows faster than its records", per[0], per[1])
	}
}
