package storage_test

import (
	"context"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
	"github.com/jejak/jejak/storage/storetest"
)

// TestOldStoreOpens: a store written by the first release opens in this
// one with every record and index as they were, and takes new records.
func TestOldStoreOpens(t *testing.T) {
	ctx := context.Background()
	dir := storetest.UnpackRelease01(t, t.TempDir())
	s, err := storage.Open(dir, storage.Options{})
	if err != nil {
		t.Fatalf("the first release's store does not open: %v", err)
	}
	defer s.Close()
	c, err := s.Counts(ctx)
	if err != nil || c.Records != storetest.Release01Records {
		t.Fatalf("counts %+v, %v; want 68 records", c, err)
	}
	if diffs, err := s.Check(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("Check: %v, %v", diffs, err)
	}
	heads, err := s.Heads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for author := range heads {
		err := s.Range(ctx, author, 1, 0, func(rec protocol.Signed) error {
			n++
			if _, err := protocol.Open(rec.Bytes); err != nil {
				t.Errorf("record %s of the old store does not open: %v", rec.CID, err)
			}
			if rec.V != protocol.Version1 {
				t.Errorf("record %s is version %d", rec.CID, rec.V)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if n != storetest.Release01Records {
		t.Fatalf("%d records in the feeds, want %d", n, storetest.Release01Records)
	}
	// New records of this release's version go beside the old ones.
	rec := prototest.NewFeed(prototest.Key("after-the-upgrade")).MustAdd(&protocol.Place{Name: "Kilang Baru", Kind: protocol.PlaceMill,
		Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(101.5, 2.9))})
	if _, err := s.Put(ctx, rec, storage.Synced); err != nil {
		t.Fatal(err)
	}
	if diffs, err := s.Check(ctx); err != nil || len(diffs) != 0 {
		t.Fatalf("Check after a new record: %v, %v", diffs, err)
	}
}
