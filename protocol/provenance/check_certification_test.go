package provenance_test

import (
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// mixedHarvest adds two harvests, one RSPO IP and one uncertified, and a
// mill run over both whose CPO carries claim.
func mixedHarvest(t *testing.T, claim *protocol.Claim) (*scenario.Scenario, protocol.Signed) {
	t.Helper()
	s := scenario.HonestPalm()
	mill := scenario.Key(millOrg).Public()
	var in []protocol.Input
	for _, c := range []*protocol.Claim{{Scheme: "RSPO", Model: "IP"}, nil} {
		o := appendTo(t, s, plantDevice, &protocol.Origin{Places: []protocol.CID{s.Marks["plot.12a"].CID},
			From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli() + 86_400_000,
			Out: []protocol.Output{{Product: "FFB", Qty: tne(50_000), Claim: c}}})
		tr := appendTo(t, s, plantDevice, &protocol.Transfer{Batch: bid(o, 0), Qty: tne(50_000), To: mill})
		appendTo(t, s, millDevice, &protocol.Receive{Transfer: tr.CID, Qty: tne(50_000)})
		in = append(in, protocol.Input{Batch: bid(o, 0), Qty: tne(50_000)})
	}
	p := appendTo(t, s, millDevice, &protocol.Process{In: in, Out: []protocol.Output{
		{Product: "CPO", Qty: tne(21_000), Claim: claim}, {Product: "PK", Qty: tne(5_000)}}})
	return s, p
}

func TestCertification(t *testing.T) {
	t.Run("certified output exceeds certified input", func(t *testing.T) {
		s, p := mixedHarvest(t, &protocol.Claim{Scheme: "RSPO", Model: "MB"})
		r := verify(t, s, bid(p, 0), provenance.Options{})
		x := reason(t, r, "certification", provenance.CodeOverCertified)
		mentions(t, x, []string{p.CID.Short(), "100 %", "50 %"}, p.CID)
		for _, c := range r.Checks {
			if c.Name != "certification" && c.Status == provenance.Fail {
				t.Errorf("check %s failed too", c.Name)
			}
		}
	})
	t.Run("segregated from a mix", func(t *testing.T) {
		s, p := mixedHarvest(t, &protocol.Claim{Scheme: "RSPO", Model: "SG"})
		r := verify(t, s, bid(p, 0), provenance.Options{})
		mentions(t, reason(t, r, "certification", provenance.CodeModelUpgrade), []string{"no RSPO claim"}, p.CID)
	})
	t.Run("no certificate of the scheme", func(t *testing.T) {
		s, p := mixedHarvest(t, &protocol.Claim{Scheme: "ISCC", Model: "MB"})
		r := verify(t, s, bid(p, 0), provenance.Options{})
		mentions(t, reason(t, r, "certification", provenance.CodeNoCertificate), []string{"Kilang Sawit Bukit Lebam", "holds no ISCC certificate"}, p.CID)
	})
	t.Run("no claims", func(t *testing.T) {
		s, p := mixedHarvest(t, nil)
		r := verify(t, s, bid(p, 1), provenance.Options{})
		// The IP harvest's claim is still judged.
		status(t, r, "certification", provenance.Pass)
	})
	t.Run("MSPO is checked like RSPO", func(t *testing.T) {
		r := verify(t, scenario.MSPOPalm(), protocol.BatchID{}, provenance.Options{})
		status(t, r, "certification", provenance.Pass)
		if c := r.Check("certification"); c.Summary != "7 claims are backed by valid certificates, models only downgrade, and certified output never exceeds certified input" {
			t.Errorf("summary %q", c.Summary)
		}
		if r.Verdict != provenance.Trusted {
			t.Errorf("verdict %s\n%s", r.Verdict, r.Text())
		}
		for _, s := range r.Signers {
			for _, en := range s.Endorsements {
				if en.Certificate != nil && (en.Certificate.Scheme != "MSPO" || !en.Trusted) {
					t.Errorf("%s: certificate %+v (trusted %v)", s.Name, en.Certificate, en.Trusted)
				}
			}
		}
	})
	t.Run("ISPO certificates carry no model, and models still only go down", func(t *testing.T) {
		s := scenario.ISPOPalm()
		r := verify(t, s, protocol.BatchID{}, provenance.Options{})
		status(t, r, "certification", provenance.Pass)
		// The mill re-labels its SG CPO as IP: no certificate model to
		// break, but the input's model.
		up := appendTo(t, s, "pks-siak/device-1", &protocol.Process{In: []protocol.Input{{Batch: s.Batch, Qty: tne(1_000)}},
			Out: []protocol.Output{{Product: "CPO", Qty: tne(1_000), Claim: &protocol.Claim{Scheme: "ISPO", Model: "IP"}}}})
		r = verify(t, s, bid(up, 0), provenance.Options{})
		mentions(t, reason(t, r, "certification", provenance.CodeModelUpgrade), []string{"ISPO IP", "only ISPO SG"}, up.CID, s.Batch.Record)
	})
}
