package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestCorrections(t *testing.T) {
	t.Run("replacement used", func(t *testing.T) {
		s := scenario.HonestPalmCorrected()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		old, fixed, corr := s.Marks["mill.process"], s.Marks["mill.process2"], s.Marks["mill.correct"]
		mentions(t, reason(t, r, "corrections", provenance.CodeCorrected), []string{old.CID.Short(), fixed.CID.Short(), "weighbridge"}, old.CID, corr.CID, fixed.CID)
		var oldNode, newNode *provenance.Node
		for i, n := range r.Graph.Nodes {
			switch n.ID {
			case bid(old, 0).String():
				oldNode = &r.Graph.Nodes[i]
			case bid(fixed, 0).String():
				newNode = &r.Graph.Nodes[i]
			}
		}
		if oldNode == nil || !oldNode.Corrected || oldNode.ReplacedBy != bid(fixed, 0).String() || oldNode.Qty.Milli != 22_000 {
			t.Errorf("corrected node %+v", oldNode)
		}
		if newNode == nil || newNode.Corrected || newNode.Qty.Milli != 21_000 {
			t.Errorf("replacement node %+v", newNode)
		}
		// Scanning the old label finds the replacement.
		r = verify(t, s, bid(old, 0), provenance.Options{Forward: true})
		if r.Verdict != provenance.Trusted {
			t.Errorf("old label: verdict %s\n%s", r.Verdict, r.Text())
		}
	})
	t.Run("withdrawn batch in use", func(t *testing.T) {
		s := scenario.HonestPalm()
		mill := s.Marks["mill.process"]
		c := appendTo(t, s, millDevice, &protocol.Correct{Record: mill.CID, Reason: "entered twice"})
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		mentions(t, reason(t, r, "corrections", provenance.CodeRetracted), []string{mill.CID.Short() + "/0", "entered twice", s.Marks["refinery.process"].CID.Short()}, mill.CID, c.CID)
	})
	t.Run("correction by another organisation", func(t *testing.T) {
		s := scenario.HonestPalm()
		mill := s.Marks["mill.process"]
		c := appendTo(t, s, otherDevice, &protocol.Correct{Record: mill.CID, Reason: "not theirs"})
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		mentions(t, reason(t, r, "corrections", provenance.CodeBadCorrection), []string{"Lahad Datu", "ignored"}, c.CID)
		if r.Verdict != provenance.Trusted {
			t.Errorf("verdict %s, want trusted (the stray correction is ignored)", r.Verdict)
		}
	})
}
