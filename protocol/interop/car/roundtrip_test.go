package car_test

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestRoundTripEvidence: for every scenario, backwards and forwards, the
// evidence behind the verdict written as a CAR reads back as the same
// records (CIDs and bytes, in order) under the same roots, and verifying
// from what was read alone gives the same verdict, checks and reasons.
func TestRoundTripEvidence(t *testing.T) {
	ctx := context.Background()
	for _, s := range scenario.All() {
		for _, forward := range []bool{false, true} {
			want, recs := evidence(t, s, forward)
			roots := rootsOf(s, recs)
			f, err := car.Read(bytes.NewReader(export(t, roots, recs)), car.Limits{})
			if err != nil {
				t.Fatalf("%s: read back: %v", s.Name, err)
			}
			if !slices.Equal(f.Roots, roots) {
				t.Errorf("%s: roots %v, want %v", s.Name, f.Roots, roots)
			}
			sameRecords(t, s.Name, f.Records, recs)
			if len(f.Newer) != 0 {
				t.Errorf("%s: %d records of a newer version", s.Name, len(f.Newer))
			}
			got, err := provenance.Verify(ctx, provenance.NewMemSource(f.Records...), s.Batch, options(s, forward))
			if err != nil {
				t.Fatalf("%s: verify what was read: %v", s.Name, err)
			}
			if got.Verdict != want.Verdict || !reflect.DeepEqual(got.Checks, want.Checks) {
				t.Errorf("%s (forward %v): from the file the verdict is %s, from the records %s\nfile: %+v\nrecords: %+v",
					s.Name, forward, got.Verdict, want.Verdict, got.Checks, want.Checks)
			}
			if string(got.Verdict) != s.Verdict && got.Verdict != provenance.Incomplete {
				t.Errorf("%s: verdict %s, the scenario expects %s", s.Name, got.Verdict, s.Verdict)
			}
		}
	}
}

// TestRoundTripLargeAncestry: a chain of a few thousand records goes out
// and comes back whole.
func TestRoundTripLargeAncestry(t *testing.T) {
	if testing.Short() {
		t.Skip("signs thousands of records")
	}
	s := scenario.Ancestry(3000)
	want, recs := evidence(t, s, false)
	if len(recs) < 3000 {
		t.Fatalf("the evidence has %d records; the test wants thousands", len(recs))
	}
	f, err := car.Read(bytes.NewReader(export(t, rootsOf(s, recs), recs)), car.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	sameRecords(t, s.Name, f.Records, recs)
	got, err := provenance.Verify(context.Background(), provenance.NewMemSource(f.Records...), s.Batch, options(s, false))
	if err != nil {
		t.Fatal(err)
	}
	if got.Verdict != want.Verdict || got.Verdict != provenance.Trusted {
		t.Errorf("from the file %s, from the records %s, want trusted", got.Verdict, want.Verdict)
	}
}

// TestWriteOnceInOrder: a record given twice is written once, where it
// first came; a root given twice is named once; the same input always
// gives the same bytes.
func TestWriteOnceInOrder(t *testing.T) {
	s := scenario.HonestPalm()
	_, recs := evidence(t, s, false)
	roots := rootsOf(s, recs)
	twice := append(append([]protocol.Signed{}, recs...), recs[3], recs[0], recs[len(recs)-1])
	file := export(t, append(roots, roots...), twice)
	if again := export(t, append(roots, roots...), twice); !bytes.Equal(file, again) {
		t.Error("two writes of the same records differ")
	}
	if once := export(t, roots, recs); !bytes.Equal(file, once) {
		t.Error("repeating records or roots changed the file")
	}
	f, err := car.Read(bytes.NewReader(file), car.Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(f.Roots, roots) {
		t.Errorf("roots %v, want %v", f.Roots, roots)
	}
	sameRecords(t, "twice", f.Records, recs)
}

// TestWriteRefuses: Write makes no file that does not hold what it names
// or whose blocks do not match their CIDs.
func TestWriteRefuses(t *testing.T) {
	s := scenario.HonestPalm()
	_, recs := evidence(t, s, false)
	roots := rootsOf(s, recs)
	forged := recs[2]
	forged.Bytes = bytes.Clone(forged.Bytes)
	forged.Bytes[len(forged.Bytes)-1] ^= 1
	var outside protocol.Signed
	for _, r := range s.Records {
		if !slices.ContainsFunc(recs, func(e protocol.Signed) bool { return e.CID == r.CID }) {
			outside = r
		}
	}
	if outside.CID.IsZero() {
		t.Fatal("the test wants a record outside the evidence")
	}
	for _, tc := range []struct {
		name  string
		roots []protocol.CID
		recs  []protocol.Signed
		want  string
	}{
		{"no root", nil, recs, "no root"},
		{"root not among the records", []protocol.CID{outside.CID}, recs, "root " + outside.CID.String() + " is not among the records"},
		{"bytes that do not match the CID", roots, append([]protocol.Signed{forged}, recs...), "record 0 (" + forged.CID.String() + "): its bytes hash to"},
		{"a record without bytes", roots, append(recs, protocol.Signed{CID: outside.CID}), "has no CID or no bytes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := car.Write(&buf, tc.roots, tc.recs)
			if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) {
				t.Fatalf("error %v, want one that says %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("%d bytes written before the refusal", buf.Len())
			}
		})
	}
}
