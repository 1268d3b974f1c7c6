package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestDoubleClaim(t *testing.T) {
	t.Run("receiver claims more than it received", func(t *testing.T) {
		s := scenario.HonestPalm()
		tr := appendTo(t, s, refineryDevice, &protocol.Transfer{Batch: bid(s.Marks["mill.process"], 0), Qty: tne(5_000), To: scenario.Key(otherOrg).Public()})
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		x := reason(t, r, "double_claim", provenance.CodeDoubleClaim)
		mentions(t, x, []string{"Pasir Gudang", "received 21 t", "claims 26 t", "2 records"}, tr.CID, s.Marks["refinery.process"].CID)
		if x.Numbers["available"] != "21 TNE" || x.Numbers["claimed"] != "26 TNE" {
			t.Errorf("numbers %v", x.Numbers)
		}
		status(t, r, "custody", provenance.Pass)
	})
	t.Run("the rest of a batch may be sold", func(t *testing.T) {
		s := scenario.HonestPalm()
		// The refinery kept 0.75 t of its 15.75 t of olein.
		appendTo(t, s, refineryDevice, &protocol.Transfer{Batch: bid(s.Marks["refinery.process"], 0), Qty: tne(750), To: scenario.Key(otherOrg).Public()})
		status(t, verify(t, s, protocol.BatchID{}, provenance.Options{}), "double_claim", provenance.Pass)
	})
	t.Run("a gram too many", func(t *testing.T) {
		s := scenario.HonestPalm()
		appendTo(t, s, refineryDevice, &protocol.Transfer{Batch: bid(s.Marks["refinery.process"], 0), Qty: protocol.Quantity{Milli: 750_001, Unit: protocol.KGM}, To: scenario.Key(otherOrg).Public()})
		x := reason(t, verify(t, s, protocol.BatchID{}, provenance.Options{}), "double_claim", provenance.CodeDoubleClaim)
		if x.Numbers["available"] != "15750 KGM" || x.Numbers["claimed"] != "15750.001 KGM" {
			t.Errorf("numbers %v", x.Numbers)
		}
	})
	t.Run("another unit", func(t *testing.T) {
		s := scenario.HonestPalm()
		tr := appendTo(t, s, refineryDevice, &protocol.Transfer{Batch: bid(s.Marks["refinery.process"], 0), Qty: protocol.Q(500, protocol.LTR), To: scenario.Key(otherOrg).Public()})
		mentions(t, reason(t, verify(t, s, protocol.BatchID{}, provenance.Options{}), "double_claim", provenance.CodeUnitMismatch), []string{"500 L", "measured in t"}, tr.CID)
	})
	t.Run("corrected uses do not count", func(t *testing.T) {
		r := verify(t, scenario.HonestPalmCorrected(), protocol.BatchID{}, provenance.Options{})
		status(t, r, "double_claim", provenance.Pass)
	})
}
