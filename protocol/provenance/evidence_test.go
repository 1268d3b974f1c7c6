package provenance_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestEvidenceIsEnough: the records VerifyWithEvidence returns are all a
// reader needs: verifying from them alone gives the same verdict, checks
// and reasons as verifying from everything, for every scenario, backwards
// and forwards.
func TestEvidenceIsEnough(t *testing.T) {
	ctx := context.Background()
	for _, s := range scenario.All() {
		for _, forward := range []bool{false, true} {
			opts := provenance.Options{Anchors: s.Anchors, Forward: forward, Now: func() time.Time { return checkedAt }}
			full, recs, err := provenance.VerifyWithEvidence(ctx, provenance.NewMemSource(s.Records...), s.Batch, opts)
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			seen := map[string]bool{}
			for _, r := range recs {
				if seen[r.CID.String()] {
					t.Errorf("%s: record %s twice in the evidence", s.Name, r.CID.Short())
				}
				seen[r.CID.String()] = true
			}
			if !seen[s.Batch.Record.String()] && full.Verdict != provenance.Incomplete {
				t.Errorf("%s: the evidence lacks the batch's own record", s.Name)
			}
			again, err := provenance.Verify(ctx, provenance.NewMemSource(recs...), s.Batch, opts)
			if err != nil {
				t.Fatalf("%s: %v", s.Name, err)
			}
			if again.Verdict != full.Verdict || !reflect.DeepEqual(again.Checks, full.Checks) {
				t.Errorf("%s (forward %v): from the evidence alone (%d of %d records) the verdict is %s, from everything %s\nevidence: %+v\neverything: %+v",
					s.Name, forward, len(recs), len(s.Records), again.Verdict, full.Verdict, again.Checks, full.Checks)
			}
		}
	}
}
