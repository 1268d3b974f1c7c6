package provenance_test

import (
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestCertificateAt: a certificate is judged at the time asked, its
// withdrawal too, and its certifier as the report judges it.
func TestCertificateAt(t *testing.T) {
	day := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, time.UTC) }
	ptr := func(t time.Time) *time.Time { return &t }
	smelter, other := scenario.Key("cert-test/smelter").Public(), scenario.Key("cert-test/other").Public()
	anchor, endorsed, stranger := scenario.Key("cert-test/anchor").Public(), scenario.Key("cert-test/endorsed").Public(), scenario.Key("cert-test/stranger").Public()
	cert := func(scheme, number string, from, until time.Time) *provenance.Certificate {
		return &provenance.Certificate{Scheme: scheme, Number: number, ValidFrom: from, ValidUntil: until}
	}
	checked := day(6, 1)
	rep := func(ens ...provenance.Endorsement) *provenance.Report {
		return &provenance.Report{CheckedAt: checked, Anchors: []protocol.PublicKey{anchor}, Signers: []provenance.Signer{
			{Key: other, Endorsements: []provenance.Endorsement{
				// endorsed is a certifier the report trusts now.
				{By: endorsed, Role: protocol.RoleSmelter, Trusted: true},
			}},
			{Key: smelter, Endorsements: ens},
		}}
	}
	year := cert("RMI-RMAP", "RMAP-1", day(1, 1), day(12, 31))
	for _, c := range []struct {
		name           string
		rep            *provenance.Report
		org            protocol.PublicKey
		scheme         string // "" for RMI-RMAP
		at             time.Time
		number         string // of the certificate returned; "" for none
		valid, trusted bool
	}{
		{"valid, from a trusted certifier", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), smelter, "", day(3, 1), "RMAP-1", true, true},
		{"scheme in other case", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), smelter, "rmi-rmap", day(3, 1), "RMAP-1", true, true},
		{"on its first day", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), smelter, "", day(1, 1), "RMAP-1", true, true},
		{"before it", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), smelter, "", day(1, 1).Add(-time.Millisecond), "RMAP-1", false, false},
		{"after it", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), smelter, "", day(12, 31).Add(time.Millisecond), "RMAP-1", false, false},
		{"withdrawn before", rep(provenance.Endorsement{By: anchor, Certificate: year, RevokedAt: ptr(day(2, 1))}), smelter, "", day(3, 1), "RMAP-1", false, false},
		{"withdrawn on the day", rep(provenance.Endorsement{By: anchor, Certificate: year, RevokedAt: ptr(day(3, 1))}), smelter, "", day(3, 1), "RMAP-1", false, false},
		{"withdrawn later, by an anchor", rep(provenance.Endorsement{By: anchor, Certificate: year, RevokedAt: ptr(day(4, 1))}), smelter, "", day(3, 1), "RMAP-1", true, true},
		{"withdrawn later, by a certifier the report trusts", rep(provenance.Endorsement{By: endorsed, Certificate: year, RevokedAt: ptr(day(4, 1))}), smelter, "", day(3, 1), "RMAP-1", true, true},
		{"withdrawn later, by a stranger", rep(provenance.Endorsement{By: stranger, Certificate: year, RevokedAt: ptr(day(4, 1))}), smelter, "", day(3, 1), "RMAP-1", true, false},
		{"valid, from an untrusted certifier", rep(provenance.Endorsement{By: stranger, Certificate: year}), smelter, "", day(3, 1), "RMAP-1", true, false},
		{"the trusted one of several",
			rep(provenance.Endorsement{By: anchor, Certificate: cert("RMI-RMAP", "RMAP-old", day(1, 1), day(1, 31)), Trusted: true},
				provenance.Endorsement{By: stranger, Certificate: cert("RMI-RMAP", "RMAP-stranger", day(1, 1), day(12, 31))},
				provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}),
			smelter, "", day(3, 1), "RMAP-1", true, true},
		{"a valid one before an invalid one",
			rep(provenance.Endorsement{By: anchor, Certificate: cert("RMI-RMAP", "RMAP-old", day(1, 1), day(1, 31)), Trusted: true},
				provenance.Endorsement{By: stranger, Certificate: cert("RMI-RMAP", "RMAP-stranger", day(1, 1), day(12, 31))}),
			smelter, "", day(3, 1), "RMAP-stranger", true, false},
		{"the first of the invalid",
			rep(provenance.Endorsement{By: anchor, Certificate: cert("RMI-RMAP", "RMAP-old", day(1, 1), day(1, 31)), Trusted: true},
				provenance.Endorsement{By: anchor, Certificate: cert("RMI-RMAP", "RMAP-older", day(1, 1), day(1, 15)), Trusted: true}),
			smelter, "", day(3, 1), "RMAP-old", false, false},
		{"another scheme", rep(provenance.Endorsement{By: anchor, Certificate: cert("RSPO", "RSPO-1", day(1, 1), day(12, 31)), Trusted: true}), smelter, "", day(3, 1), "", false, false},
		{"no certificate", rep(provenance.Endorsement{By: anchor, Trusted: true}), smelter, "", day(3, 1), "", false, false},
		{"an organisation not in the report", rep(provenance.Endorsement{By: anchor, Certificate: year, Trusted: true}), stranger, "", day(3, 1), "", false, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			scheme := c.scheme
			if scheme == "" {
				scheme = "RMI-RMAP"
			}
			e, valid, trusted := c.rep.CertificateAt(c.org, scheme, c.at)
			number := ""
			if e != nil {
				number = e.Certificate.Number
			}
			if number != c.number || valid != c.valid || trusted != c.trusted {
				t.Errorf("CertificateAt = %q, valid %v, trusted %v; want %q, %v, %v", number, valid, trusted, c.number, c.valid, c.trusted)
			}
		})
	}
	t.Run("no anchors", func(t *testing.T) {
		r := rep(provenance.Endorsement{By: anchor, Certificate: year, RevokedAt: ptr(day(4, 1))})
		r.Anchors = nil
		if _, valid, trusted := r.CertificateAt(smelter, "RMI-RMAP", day(3, 1)); !valid || trusted {
			t.Errorf("valid %v, trusted %v; want valid and not trusted when the report has no anchors", valid, trusted)
		}
	})
}
