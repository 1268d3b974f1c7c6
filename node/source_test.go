package node

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// TestVerifySourceGivesTheFullReport: what the node verifies over (the
// store's decoded records taken as they are, its corrections read in one
// scan) gives every scenario exactly the report of a verification that
// decodes every record again and asks the store for each record's
// corrections, and of one over the records in memory with every signature
// checked.
func TestVerifySourceGivesTheFullReport(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			st := memStoreOf(t, s.Records)
			report := func(src provenance.Source, skip bool) string {
				t.Helper()
				r, err := provenance.Verify(ctx, src, s.Batch, provenance.Options{Anchors: s.Anchors, Forward: true, Now: now, SkipSignatures: skip})
				if err != nil {
					t.Fatal(err)
				}
				// Only the integrity summary says whether signatures
				// were checked here or by the store.
				r.Checks[0].Summary, r.Checks[0].SummaryKey = "", ""
				b, err := json.Marshal(r)
				if err != nil {
					t.Fatal(err)
				}
				return string(b)
			}
			src, stop := Source(st)
			got := report(src, true)
			stop()
			if want := report(bytesOnly{storeSource{s: st}}, true); got != want {
				t.Errorf("over the node's source:\n%s\nre-decoding every record, corrections record by record:\n%s", got, want)
			}
			mem := provenance.NewMemSource()
			for _, rec := range s.Records {
				mem.Add(rec)
			}
			if want := report(mem, false); got != want {
				t.Errorf("over the node's source:\n%s\nin memory, every signature checked:\n%s", got, want)
			}
		})
	}
}

// memStoreOf returns a store in memory holding recs, closed when the test
// ends.
func memStoreOf(t *testing.T, recs []protocol.Signed) *storage.Badger {
	t.Helper()
	st, err := storage.OpenMemory(storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.PutBatch(context.Background(), recs); err != nil {
		t.Fatal(err)
	}
	return st
}

// bytesOnly hands provenance records as bytes alone, so that it decodes
// and checks each one itself.
type bytesOnly struct{ provenance.Source }

func (b bytesOnly) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	s, err := b.Source.Get(ctx, c)
	return protocol.Signed{CID: s.CID, Bytes: s.Bytes}, err
}

// TestAllCorrectionsFallsBack: the one-scan read of the corrections gives
// what asking record by record gives, and a store holding more than the
// bound is asked record by record, with the same report.
func TestAllCorrectionsFallsBack(t *testing.T) {
	ctx := context.Background()
	s := scenario.HonestPalmCorrected()
	st := memStoreOf(t, s.Records)
	all, ok, err := st.AllCorrections(ctx, 1<<20)
	if err != nil || !ok || len(all) == 0 {
		t.Fatalf("AllCorrections = %d named records, %v, %v; want the scenario's corrections", len(all), ok, err)
	}
	for named, corr := range all {
		one, err := st.Corrections(ctx, named)
		slices.SortFunc(one, byBytes)
		slices.SortFunc(corr, byBytes)
		if err != nil || !slices.Equal(one, corr) {
			t.Errorf("Corrections(%v) = %v, %v; AllCorrections gave %v", named, one, err, corr)
		}
	}
	if m, ok, err := st.AllCorrections(ctx, 0); err != nil || ok || m != nil {
		t.Errorf("AllCorrections over its bound = %v, %v, %v; want nothing and ok false", m, ok, err)
	}
	opts := provenance.Options{Anchors: s.Anchors, Forward: true, SkipSignatures: true,
		Now: func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }}
	report := func() string {
		src, stop := Source(st)
		defer stop()
		r, err := provenance.Verify(ctx, src, s.Batch, opts)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := json.Marshal(r)
		return string(b)
	}
	want := report()
	defer func(n int64) { maxCorrections = n }(maxCorrections)
	maxCorrections = 0
	if got := report(); got != want {
		t.Errorf("over the bound, asked record by record:\n%s\nread in one scan:\n%s", got, want)
	}
}

func byBytes(a, b protocol.CID) int { return bytes.Compare(a.Bytes(), b.Bytes()) }
