package provenance

import (
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
)

// CertificateAt returns the certificate of scheme (compared without regard
// to case) that the report shows organisation org holding at time t, and
// how it stood then. An export that states a certificate for a record
// asks it with the record's time, not the time of the check.
//
// Three things might happen. No endorsement of org carries a certificate
// of scheme: e is nil and both are false. One does and valid is true: the
// certificate was valid on t (from its first to its last day) and its
// endorsement not withdrawn by t, whether or not it was withdrawn since;
// trusted says whether its certifier is one the report trusts. Otherwise e
// is the first such certificate, valid is false and so is trusted. Among
// several, CertificateAt prefers a valid one from a trusted certifier, then
// any valid one, then the first, in the order of Signer.Endorsements. It
// does not look at the supply-chain model of the certificate.
//
// Whether the certifier was trusted at t cannot be told from a report: it
// carries the endorsements of the organisations that signed the trace, not
// those of their certifiers. So trusted judges the certifier as the
// report does, at CheckedAt: Endorsement.Trusted of an endorsement by that
// certifier not withdrawn by then, or, when every endorsement of its in
// the report has been withdrawn, whether it is one of the report's
// anchors. A certificate withdrawn after t is thus judged by its
// certifier, not by its own withdrawal.
func (r *Report) CertificateAt(org protocol.PublicKey, scheme string, t time.Time) (e *Endorsement, valid, trusted bool) {
	var s *Signer
	for i := range r.Signers {
		if r.Signers[i].Key == org {
			s = &r.Signers[i]
			break
		}
	}
	if s == nil {
		return nil, false, false
	}
	for i := range s.Endorsements {
		en := &s.Endorsements[i]
		c := en.Certificate
		if c == nil || !strings.EqualFold(c.Scheme, scheme) {
			continue
		}
		ok := !t.Before(c.ValidFrom) && !t.After(c.ValidUntil) && !withdrawnBy(en, t)
		tr := ok && r.certifierTrusted(en.By)
		if e == nil || ok && !valid || tr && !trusted {
			e, valid, trusted = en, ok, tr
		}
	}
	return e, valid, trusted
}

// withdrawnBy reports whether endorsement en was withdrawn at time t.
func withdrawnBy(en *Endorsement, t time.Time) bool {
	return en.RevokedAt != nil && !t.Before(*en.RevokedAt)
}

// certifierTrusted reports whether the report trusts certifier k at
// CheckedAt: what Endorsement.Trusted says of its endorsements that were
// not withdrawn by then (their trust is then the certifier's), or, when
// the report has none, whether k is one of its anchors.
func (r *Report) certifierTrusted(k protocol.PublicKey) bool {
	for _, s := range r.Signers {
		for i := range s.Endorsements {
			if en := &s.Endorsements[i]; en.By == k && !withdrawnBy(en, r.CheckedAt) {
				return en.Trusted
			}
		}
	}
	for _, a := range r.Anchors {
		if a == k {
			return true
		}
	}
	return false
}
