package node

import (
	"context"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage/storetest"
)

// TestFirstReleaseStoreVerifies: an install whose data folder holds a store
// written by the first release opens it in this release, and its batches
// verify as they did: the honest chains are trusted.
func TestFirstReleaseStoreVerifies(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "upgraded-install")
	storetest.UnpackRelease01(t, cfg.DataDir)
	n := startNode(t, cfg)
	st, err := n.Status(ctx)
	if err != nil || st.Records < storetest.Release01Records {
		t.Fatalf("status after the upgrade: %d records, %v", st.Records, err)
	}
	for _, b := range storetest.Release01Batches() {
		for _, a := range b.Scenario.Anchors {
			if err := n.AddAnchor(ctx, a, "anchor"); err != nil {
				t.Fatal(err)
			}
		}
		r, err := n.Verify(ctx, api.VerifyRequest{Batch: b.Batch, Forward: false})
		if err != nil {
			t.Fatal(err)
		}
		if r.Verdict != provenance.Trusted || r.Stats.Records < 10 {
			t.Errorf("%s in the first release's store: %s over %d records\n%s", b.Scenario.Name, r.Verdict, r.Stats.Records, r.Text())
		}
	}
}
