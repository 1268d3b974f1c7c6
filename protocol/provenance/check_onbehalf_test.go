package provenance_test

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// onBehalf adds to the palm scenario a smallholder's plot and a delivery of
// its fruit that the mill records on the smallholder's behalf, and returns
// the origin record and its disclosure.
func onBehalf(t *testing.T, s *scenario.Scenario) (protocol.Signed, protocol.Disclosure) {
	t.Helper()
	plot := appendTo(t, s, millDevice, &protocol.Place{Name: "Kebun Parit 7", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.91, 1.79)), Area: 18_000,
		Evidence: []protocol.Evidence{{Kind: protocol.EvidenceDeforestationFree, Ref: "GFW-2025-118", Method: "satellite imagery (Global Forest Watch)", Date: scenario.Start.UnixMilli()}}})
	sup, d, err := protocol.SupplierDraft{Kind: protocol.SupplierSmallholder, Scheme: protocol.SchemeMPOB,
		Name: "Hassan bin Omar", ID: "MPOB-554433-C"}.Commit(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o := appendTo(t, s, millDevice, &protocol.Origin{Places: []protocol.CID{plot.CID}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
		Out: []protocol.Output{{Product: "FFB", Qty: tne(2_400)}}, Supplier: sup})
	d.Record = o.CID
	return o, d
}

func TestOnBehalf(t *testing.T) {
	t.Run("not disclosed", func(t *testing.T) {
		s := scenario.HonestPalm()
		o, _ := onBehalf(t, s)
		r := verify(t, s, bid(o, 0), provenance.Options{})
		x := reason(t, r, "eudr", provenance.CodeOnBehalf)
		mentions(t, x, []string{"Bukit Lebam", "on behalf of a smallholder who runs no Jejak", "MPOB ID committed, not shown"}, o.CID)
		if strings.Contains(r.Text(), "Hassan bin Omar") || strings.Contains(r.Text(), "554433") {
			t.Errorf("the report shows what was not disclosed:\n%s", r.Text())
		}
		if x.Level != provenance.LevelInfo || r.Verdict == provenance.Failed {
			t.Errorf("reason level %s, verdict %s: recording on a supplier's behalf is information, not a fault", x.Level, r.Verdict)
		}
		if len(r.Suppliers) != 1 || r.Suppliers[0].Record != o.CID || r.Suppliers[0].Disclosure != nil || r.Suppliers[0].Kind != "smallholder" {
			t.Errorf("report suppliers %+v", r.Suppliers)
		}
	})
	t.Run("disclosed", func(t *testing.T) {
		s := scenario.HonestPalm()
		o, d := onBehalf(t, s)
		r := verify(t, s, bid(o, 0), provenance.Options{Disclosures: provenance.DisclosureList([]protocol.Disclosure{d})})
		x := reason(t, r, "eudr", provenance.CodeOnBehalf)
		mentions(t, x, []string{"on behalf of a smallholder", "Hassan bin Omar", "MPOB ID MPOB-554433-C"}, o.CID)
		if x.Numbers["name"] != "Hassan bin Omar" || x.Numbers["id"] != "MPOB-554433-C" || x.Numbers["scheme"] != "MPOB" {
			t.Errorf("reason numbers %v", x.Numbers)
		}
		if len(r.Suppliers) != 1 || r.Suppliers[0].Disclosure == nil || r.Suppliers[0].Disclosure.Name != d.Name {
			t.Errorf("report suppliers %+v", r.Suppliers)
		}
	})
	t.Run("forged disclosure", func(t *testing.T) {
		s := scenario.HonestPalm()
		o, d := onBehalf(t, s)
		d.ID = "MPOB-999999-X"
		r := verify(t, s, bid(o, 0), provenance.Options{Disclosures: provenance.DisclosureList([]protocol.Disclosure{d})})
		x := reason(t, r, "eudr", provenance.CodeBadDisclosure)
		mentions(t, x, []string{o.CID.Short(), "not the ones"}, o.CID)
		status(t, r, "eudr", provenance.Fail)
		if r.Verdict != provenance.Failed || len(r.Suppliers) != 1 || r.Suppliers[0].Disclosure != nil {
			t.Errorf("verdict %s, suppliers %+v: a forged disclosure must fail and not be shown as the supplier", r.Verdict, r.Suppliers)
		}
	})
	t.Run("no supplier", func(t *testing.T) {
		r := verify(t, scenario.HonestPalm(), protocol.BatchID{}, provenance.Options{})
		if len(r.Suppliers) != 0 {
			t.Errorf("suppliers %+v in a chain with none", r.Suppliers)
		}
	})
}
