package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestCustody(t *testing.T) {
	t.Run("received more than sent", func(t *testing.T) {
		s := scenario.HonestPalm()
		tr := s.Marks["mill.transfer"]
		rc := appendTo(t, s, refineryDevice, &protocol.Receive{Transfer: tr.CID, Qty: tne(22_000)})
		r := verify(t, s, bid(s.Marks["mill.process"], 0), provenance.Options{Forward: true})
		x := reason(t, r, "custody", provenance.CodeOverReceived)
		mentions(t, x, []string{"22 t", "21 t", tr.CID.Short()}, rc.CID, tr.CID)
	})
	t.Run("received by someone else", func(t *testing.T) {
		s := scenario.HonestPalm()
		tr := s.Marks["mill.transfer"]
		rc := appendTo(t, s, otherDevice, &protocol.Receive{Transfer: tr.CID, Qty: tne(21_000)})
		r := verify(t, s, bid(s.Marks["mill.process"], 0), provenance.Options{Forward: true})
		x := reason(t, r, "custody", provenance.CodeWrongReceiver)
		mentions(t, x, []string{"Lahad Datu", "Pasir Gudang"}, rc.CID, tr.CID)
	})
	t.Run("sent without holding", func(t *testing.T) {
		s := scenario.HonestPalm()
		// Lahad Datu never received the CPO but passes some on.
		tr := appendTo(t, s, otherDevice, &protocol.Transfer{Batch: bid(s.Marks["mill.process"], 0), Qty: tne(3_000), To: scenario.Key("sinar-pangan").Public()})
		r := verify(t, s, bid(s.Marks["mill.process"], 0), provenance.Options{Forward: true})
		mentions(t, reason(t, r, "custody", provenance.CodeNoCustody), []string{"Lahad Datu", "sent 3 t", "never held it"}, tr.CID)
		// Backwards from the honest product the stray transfer is not in
		// the trace, and a non-holder's claim does not count against the
		// batch.
		r = verify(t, s, protocol.BatchID{}, provenance.Options{})
		if r.Verdict != provenance.Trusted {
			t.Errorf("verdict %s, want trusted\n%s", r.Verdict, r.Text())
		}
	})
}
