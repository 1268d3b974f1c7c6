package provenance_test

import (
	"context"
	"errors"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestMemSource(t *testing.T) {
	ctx := context.Background()
	s := scenario.DoubleClaim()
	src := provenance.NewMemSource(s.Records...)
	src.Add(s.Records...) // adding again changes nothing
	if src.Len() != len(s.Records) {
		t.Errorf("Len %d, want %d", src.Len(), len(s.Records))
	}
	m := s.Marks
	if got, err := src.Get(ctx, m["mill.process"].CID); err != nil || got.CID != m["mill.process"].CID {
		t.Errorf("Get: %v", err)
	}
	if _, err := src.Get(ctx, s.Batch.Record); err != nil {
		t.Errorf("Get start: %v", err)
	}
	if _, err := src.Get(ctx, protocol.ComputeCID([]byte("nothing"))); !errors.Is(err, provenance.ErrNotFound) {
		t.Errorf("Get of an unknown CID: %v, want ErrNotFound", err)
	}
	uses, _ := src.Uses(ctx, bid(m["mill.process"], 0))
	var total int64
	for _, u := range uses {
		total += u.Qty.Milli
		if u.Type != protocol.TypeTransfer && u.Type != protocol.TypeProcess {
			t.Errorf("use of type %s", u.Type)
		}
	}
	if len(uses) != 3 || total != 57_000 { // two transfers and the refinery's run
		t.Errorf("uses %v", uses)
	}
	receipts, _ := src.Referrers(ctx, m["mill.transfer"].CID, protocol.TypeReceive)
	if len(receipts) != 1 || receipts[0] != m["refinery.receive"].CID {
		t.Errorf("receipts %v", receipts)
	}
	dels, _ := src.KeyRecords(ctx, scenario.Key(millDevice).Public(), protocol.TypeDevice)
	ends, _ := src.KeyRecords(ctx, scenario.Key(millOrg).Public(), protocol.TypeEndorse)
	profiles, _ := src.KeyRecords(ctx, scenario.Key(millOrg).Public(), protocol.TypeOrg)
	if len(dels) != 1 || len(ends) != 1 || len(profiles) != 1 {
		t.Errorf("delegations %d, endorsements %d, profiles %d; want 1 each", len(dels), len(ends), len(profiles))
	}
	if forks, _ := src.Forks(ctx, scenario.Key(millDevice).Public()); len(forks) != 0 {
		t.Errorf("forks %v", forks)
	}
	f := scenario.Fork()
	fsrc := provenance.NewMemSource(f.Records...)
	forks, _ := fsrc.Forks(ctx, scenario.Key(millDevice).Public())
	if len(forks) != 1 || forks[0].Seq != f.Marks["fork.a"].Seq || len(forks[0].CIDs) != 2 {
		t.Errorf("forks %v", forks)
	}
	c := scenario.HonestPalmCorrected()
	csrc := provenance.NewMemSource(c.Records...)
	for _, name := range []string{"mill.process", "mill.process2"} {
		if refs, _ := csrc.Referrers(ctx, c.Marks[name].CID, protocol.TypeCorrect); len(refs) != 1 || refs[0] != c.Marks["mill.correct"].CID {
			t.Errorf("corrections naming %s: %v", name, refs)
		}
	}
	src.Remove(m["mill.process"].CID)
	if _, err := src.Get(ctx, m["mill.process"].CID); !errors.Is(err, provenance.ErrNotFound) {
		t.Errorf("Get after Remove: %v", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := src.Uses(cancelled, s.Batch); err == nil {
		t.Error("a cancelled context gave no error")
	}
}
