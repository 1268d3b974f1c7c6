package provenance_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestAsOf: a batch verified as it stood before the mill sold its CPO a
// second time is trusted (that was the truth a buyer could know then); as
// of now it fails; as of a moment before the batch existed is an error.
func TestAsOf(t *testing.T) {
	ctx := context.Background()
	s := scenario.DoubleClaim()
	src := provenance.NewMemSource(s.Records...)
	opts := provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return checkedAt }}
	end, err := src.Get(ctx, s.Batch.Record)
	if err != nil {
		t.Fatal(err)
	}
	second := time.UnixMilli(s.Marks["mill.transfer2"].Time)
	if end.Time >= second.UnixMilli() {
		t.Fatalf("the scenario's end product (%v) is not older than the second sale (%v)", time.UnixMilli(end.Time), second)
	}

	now, err := provenance.Verify(ctx, src, s.Batch, opts)
	if err != nil {
		t.Fatal(err)
	}
	opts.AsOf = second.Add(-time.Millisecond)
	then, err := provenance.Verify(ctx, src, s.Batch, opts)
	if err != nil {
		t.Fatal(err)
	}
	if now.Verdict != provenance.Failed || then.Verdict != provenance.Trusted {
		t.Fatalf("verdict now %s, as of just before the second sale %s; want failed and trusted\n%s", now.Verdict, then.Verdict, then.Text())
	}
	if !then.CheckedAt.Equal(opts.AsOf.UTC()) {
		t.Errorf("checked at %v, want the as-of moment %v", then.CheckedAt, opts.AsOf)
	}

	opts.AsOf = time.UnixMilli(end.Time).Add(-time.Hour)
	if _, err := provenance.Verify(ctx, src, s.Batch, opts); !errors.Is(err, provenance.ErrAfterAsOf) {
		t.Fatalf("as of before the batch existed: %v, want ErrAfterAsOf", err)
	}
}
