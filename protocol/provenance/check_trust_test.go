package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestTrust(t *testing.T) {
	t.Run("no anchors", func(t *testing.T) {
		s := scenario.HonestPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Anchors: []protocol.PublicKey{}})
		if r.Verdict != provenance.Unendorsed {
			t.Errorf("verdict %s, want unendorsed", r.Verdict)
		}
		mentions(t, reason(t, r, "trust", provenance.CodeUnendorsed), []string{"no trust anchors"})
	})
	t.Run("certification body as anchor", func(t *testing.T) {
		s := scenario.HonestPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Anchors: []protocol.PublicKey{scenario.Key(cbOrg).Public()}})
		if r.Verdict != provenance.Trusted {
			t.Errorf("verdict %s, want trusted\n%s", r.Verdict, r.Text())
		}
	})
	t.Run("anchor of another scheme", func(t *testing.T) {
		s := scenario.HonestPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{Anchors: scenario.HonestElectronics().Anchors})
		if r.Verdict != provenance.Unendorsed {
			t.Errorf("verdict %s, want unendorsed", r.Verdict)
		}
		for _, sg := range r.Signers {
			if sg.Trusted {
				t.Errorf("signer %s trusted without an anchor", sg.Name)
			}
		}
	})
	t.Run("endorsement withdrawn", func(t *testing.T) {
		s := scenario.HonestPalm()
		var endorsement protocol.CID
		mill := scenario.Key(millOrg).Public()
		for _, x := range s.Records {
			if e, ok := x.Body.(*protocol.Endorse); ok && e.Org == mill {
				endorsement = x.CID
			}
		}
		appendTo(t, s, cbOrg, &protocol.Revoke{Record: &endorsement, From: scenario.Start.UnixMilli(), Reason: "suspended after audit"})
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		x := reason(t, r, "trust", provenance.CodeUnendorsed)
		mentions(t, x, []string{"Kilang Sawit Bukit Lebam", "withdrawn"})
		// The certificate went with the endorsement.
		reason(t, r, "certification", provenance.CodeCertInvalid)
	})
	t.Run("undelegated device", func(t *testing.T) {
		s := scenario.HonestPalm()
		place := appendTo(t, s, "rogue", &protocol.Place{Name: "Kebun Liar", Kind: protocol.PlacePlot, Country: "MY",
			Geo: protocol.PointGeometry(protocol.Pos(103.9, 1.8)), Area: 20_000})
		origin := appendTo(t, s, "rogue", &protocol.Origin{Places: []protocol.CID{place.CID}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
			Out: []protocol.Output{{Product: "FFB", Qty: tne(5_000)}}})
		r := verify(t, s, bid(origin, 0), provenance.Options{})
		mentions(t, reason(t, r, "trust", provenance.CodeUnendorsed), []string{"not delegated", "2 records"}, origin.CID, place.CID)
		if r.Verdict != provenance.Unendorsed {
			t.Errorf("verdict %s, want unendorsed", r.Verdict)
		}
	})
	t.Run("organisation key revoked", func(t *testing.T) {
		s := scenario.HonestPalm()
		key := scenario.Key(millOrg).Public()
		appendTo(t, s, millOrg, &protocol.Revoke{Key: &key, From: scenario.Start.UnixMilli(), Reason: "key file leaked"})
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		mentions(t, reason(t, r, "trust", provenance.CodeRevokedOrg), []string{"key file leaked"}, s.Marks["mill.process"].CID)
		if r.Verdict != provenance.Failed {
			t.Errorf("verdict %s, want failed", r.Verdict)
		}
	})
}
