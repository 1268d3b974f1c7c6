package storetest

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

func testIndexes(t *testing.T, s storage.Store) {
	w := newWorld("indexes")
	recs := w.records()
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(recs), func(i, j int) { recs[i], recs[j] = recs[j], recs[i] })
	putAll(t, s, recs)

	batch := func(r protocol.Signed, n uint32) protocol.BatchID { return protocol.BatchID{Record: r.CID, Index: n} }
	wantUses := func(b protocol.BatchID, want ...storage.Use) {
		t.Helper()
		got, err := s.Uses(ctx, b)
		if err != nil {
			t.Errorf("Uses(%s): %v", b, err)
			return
		}
		if !slices.Equal(got, want) {
			t.Errorf("Uses(%s) = %+v, want %+v", b, got, want)
		}
	}
	wantUses(batch(w.harvest, 0), storage.Use{Record: w.milling.CID, Type: protocol.TypeProcess,
		Author: w.millDev.Author(), Qty: protocol.Q(10, protocol.TNE)})
	wantUses(batch(w.milling, 0), storage.Use{Record: w.ship.CID, Type: protocol.TypeTransfer,
		Author: w.millDev.Author(), Qty: protocol.Q(2, protocol.TNE)})
	wantUses(batch(w.milling, 1))

	got, err := s.Receipts(ctx, w.ship.CID)
	sameCIDs(t, "Receipts(shipment)", got, err, w.receive.CID)
	got, err = s.Receipts(ctx, w.milling.CID)
	sameCIDs(t, "Receipts(not a transfer)", got, err)
	got, err = s.Corrections(ctx, w.harvest.CID)
	sameCIDs(t, "Corrections(harvest)", got, err, w.correct.CID)
	got, err = s.Corrections(ctx, w.plot.CID)
	sameCIDs(t, "Corrections(plot), the replacement", got, err, w.correct.CID)
	got, err = s.TransfersTo(ctx, w.buyerOrg.Author())
	sameCIDs(t, "TransfersTo(buyer)", got, err, w.ship.CID)
	got, err = s.TransfersTo(ctx, w.millOrg.Author())
	sameCIDs(t, "TransfersTo(mill)", got, err)

	for _, tc := range []struct {
		author protocol.PublicKey
		lot    string
		want   []protocol.BatchID
	}{
		{w.millDev.Author(), "H-1", []protocol.BatchID{batch(w.harvest, 0)}},
		{w.millDev.Author(), "CPO-1", []protocol.BatchID{batch(w.milling, 0)}},
		{w.millDev.Author(), "PK-1", []protocol.BatchID{batch(w.milling, 1)}},
		{w.millDev.Author(), "CPO", nil},
		{w.buyerDev.Author(), "CPO-1", nil},
	} {
		got, err := s.Lots(ctx, tc.author, tc.lot)
		if err != nil || !slices.Equal(got, tc.want) {
			t.Errorf("Lots(%s, %q) = %v, %v; want %v", tc.author.Short(), tc.lot, got, err, tc.want)
		}
	}

	var zero protocol.PublicKey
	for _, tc := range []struct {
		t      protocol.Type
		author protocol.PublicKey
		want   []protocol.CID
	}{
		{protocol.TypePlace, zero, []protocol.CID{w.plot.CID}},
		{protocol.TypeOrg, zero, []protocol.CID{w.certOrg.CID, w.mill.CID, w.buyer.CID}},
		{protocol.TypeOrg, w.millOrg.Author(), []protocol.CID{w.mill.CID}},
		{protocol.TypeDevice, w.millOrg.Author(), []protocol.CID{w.delegate.CID, w.delegate2.CID}},
		{protocol.TypeDevice, w.millDev.Author(), nil},
		{protocol.TypeRevoke, zero, []protocol.CID{w.revokeDev.CID, w.unendorse.CID}},
		{protocol.TypeEndorse, zero, []protocol.CID{w.endorse.CID}},
		{protocol.TypeReceive, w.buyerDev.Author(), []protocol.CID{w.receive.CID}},
		{protocol.Type("nonsense"), zero, nil},
	} {
		got, err := s.ByType(ctx, tc.t, tc.author)
		sameCIDs(t, "ByType("+string(tc.t)+")", got, err, tc.want...)
	}

	got, err = s.Delegations(ctx, w.millDev.Author())
	sameCIDs(t, "Delegations(mill desk)", got, err, w.delegate.CID)
	got, err = s.Delegations(ctx, w.spareDev)
	sameCIDs(t, "Delegations(spare desk)", got, err, w.delegate2.CID)
	got, err = s.Endorsements(ctx, w.millOrg.Author())
	sameCIDs(t, "Endorsements(mill)", got, err, w.endorse.CID)
	got, err = s.Endorsements(ctx, w.buyerOrg.Author())
	sameCIDs(t, "Endorsements(buyer)", got, err)
	got, err = s.RevocationsOfKey(ctx, w.spareDev)
	sameCIDs(t, "RevocationsOfKey(spare desk)", got, err, w.revokeDev.CID)
	got, err = s.RevocationsOfRecord(ctx, w.endorse.CID)
	sameCIDs(t, "RevocationsOfRecord(endorsement)", got, err, w.unendorse.CID)

	if c, err := s.FeedAt(ctx, w.millDev.Author(), 3); err != nil || c != w.milling.CID {
		t.Errorf("FeedAt(mill desk, 3) = %s, %v; want the milling run %s", c, err, w.milling.CID)
	}
	_, err = s.FeedAt(ctx, w.millDev.Author(), 99)
	wantKind(t, "FeedAt(missing seq)", err, storage.ErrNotFound)

	heads, err := s.Heads(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(heads) != len(w.authors()) {
		t.Errorf("Heads lists %d feeds, want %d", len(heads), len(w.authors()))
	}
	for _, f := range w.authors() {
		want := storage.Head{Seq: f.Seq(), CID: f.Last().CID}
		if heads[f.Author()] != want {
			t.Errorf("Heads[%s] = %+v, want %+v", f.Author().Short(), heads[f.Author()], want)
		}
		if h, err := s.Head(ctx, f.Author()); err != nil || h != want {
			t.Errorf("Head(%s) = %+v, %v; want %+v", f.Author().Short(), h, err, want)
		}
	}
	checkClean(t, s)
}

func testCounts(t *testing.T, s storage.Store) {
	n, err := s.Counts(ctx)
	if err != nil || n.Records != 0 || n.Authors != 0 || n.Forks != 0 || len(n.ByType) != 0 {
		t.Errorf("Counts of an empty store = %+v, %v; want zeroes", n, err)
	}
	w := newWorld("counts")
	putAll(t, s, w.records())
	n, err = s.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := storage.Counts{Records: 15, Authors: 5, ByType: map[protocol.Type]int64{
		protocol.TypeOrg: 3, protocol.TypeEndorse: 1, protocol.TypeDevice: 3, protocol.TypeRevoke: 2,
		protocol.TypePlace: 1, protocol.TypeOrigin: 1, protocol.TypeProcess: 1, protocol.TypeTransfer: 1,
		protocol.TypeReceive: 1, protocol.TypeCorrect: 1,
	}}
	if n.Records != want.Records || n.Authors != want.Authors || n.Forks != 0 {
		t.Errorf("Counts = %+v, want %+v", n, want)
	}
	for typ, c := range want.ByType {
		if n.ByType[typ] != c {
			t.Errorf("Counts.ByType[%s] = %d, want %d", typ, n.ByType[typ], c)
		}
	}
	// A fork counts its record and one fork.
	f := w.millDev
	fork, err := f.At(2, w.plot.CID, w.later(), origin("other"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Put(ctx, fork, storage.Synced); err == nil {
		t.Fatalf("Put of a fork: no error")
	}
	n, _ = s.Counts(ctx)
	if n.Records != 16 || n.Forks != 1 || n.Authors != 5 || n.ByType[protocol.TypeOrigin] != 2 {
		t.Errorf("Counts after a fork = %+v, want 16 records, 1 fork, 5 authors, 2 origins", n)
	}
}

// later returns a time after every record of the world.
func (w *world) later() int64 { return w.unendorse.Time + 60_000 }
