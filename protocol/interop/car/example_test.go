package car_test

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// An export carries the records behind a batch's verdict, under the
// batch's record; an import opens every one of them.
func Example() {
	ctx := context.Background()
	s := scenario.HonestPalm()
	opts := provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC) }}
	_, recs, err := provenance.VerifyWithEvidence(ctx, provenance.NewMemSource(s.Records...), s.Batch, opts)
	if err != nil {
		panic(err)
	}
	var file bytes.Buffer
	if err := car.Write(&file, []protocol.CID{s.Batch.Record}, recs); err != nil {
		panic(err)
	}

	f, err := car.Read(&file, car.Limits{})
	if err != nil {
		panic(err)
	}
	rep, err := provenance.Verify(ctx, provenance.NewMemSource(f.Records...), s.Batch, opts)
	if err != nil {
		panic(err)
	}
	fmt.Println(len(f.Records), "records under", f.Roots[0] == s.Batch.Record)
	fmt.Println(rep.Verdict)
	// Output:
	// 31 records under true
	// trusted
}
