package eudr_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestSummarySuppliers: the due diligence summary lists the harvests a
// mill recorded on behalf of a smallholder, with the name and ID the
// exporter disclosed (and the salts that prove them), or says they are
// committed and not shown.
func TestSummarySuppliers(t *testing.T) {
	s := scenario.HonestPalm()
	key := scenario.Key("bukit-lebam-mill/device-1")
	add := func(body protocol.Body) protocol.Signed {
		r := &protocol.Record{Seq: 1, Time: scenario.Start.UnixMilli(), Body: body}
		for _, x := range s.Records {
			if x.Author == key.Public() && x.Seq >= r.Seq {
				r.Seq, r.Prev = x.Seq+1, x.CID
			}
			r.Time = max(r.Time, x.Time+60_000)
		}
		sealed, err := protocol.Seal(r, key)
		if err != nil {
			t.Fatal(err)
		}
		s.Records = append(s.Records, sealed)
		return sealed
	}
	plot := add(&protocol.Place{Name: "Kebun Parit 7", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.91, 1.79)), Area: 18_000})
	sup, d, err := protocol.SupplierDraft{Kind: protocol.SupplierSmallholder, Scheme: protocol.SchemeMPOB,
		Name: "Hassan bin Omar", ID: "MPOB-554433-C"}.Commit(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o := add(&protocol.Origin{Places: []protocol.CID{plot.CID}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Quantity{Milli: 2_400_000, Unit: protocol.TNE}}}, Supplier: sup})
	d.Record = o.CID

	for _, tc := range []struct {
		name  string
		discs []protocol.Disclosure
		shows []string
	}{
		{"disclosed", []protocol.Disclosure{d}, []string{"Hassan bin Omar", "MPOB MPOB-554433-C"}},
		{"not disclosed", nil, []string{"not disclosed", "committed, not shown"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), protocol.BatchID{Record: o.CID},
				provenance.Options{Anchors: s.Anchors, Now: func() time.Time { return checkedAt }, Disclosures: provenance.DisclosureList(tc.discs)})
			if err != nil {
				t.Fatal(err)
			}
			sum, err := eudr.Summarize(rep, recs, eudr.Subject{}, eudr.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(sum.Suppliers) != 1 || sum.Suppliers[0].Record != o.CID || sum.Suppliers[0].Recorder != "Kilang Sawit Bukit Lebam Sdn Bhd" || sum.Suppliers[0].Kind != "smallholder" {
				t.Fatalf("suppliers %+v", sum.Suppliers)
			}
			if disclosed := sum.Suppliers[0].Disclosure != nil; disclosed != (tc.discs != nil) || disclosed && sum.Suppliers[0].ID != d.ID {
				t.Errorf("supplier %+v", sum.Suppliers[0])
			}
			var page bytes.Buffer
			if err := eudr.WriteHTML(&page, sum); err != nil {
				t.Fatal(err)
			}
			for _, w := range tc.shows {
				if !strings.Contains(page.String(), w) {
					t.Errorf("the summary page does not say %q", w)
				}
			}
		})
	}
}
