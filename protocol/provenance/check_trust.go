package provenance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Trust reason codes. Only CodeUnendorsed leaves the records authentic:
// the verdict is then Unendorsed rather than Failed.
const (
	CodeUnendorsed = "unendorsed"
	CodeRevokedKey = "revoked_key"
	CodeRevokedOrg = "revoked_org"
	CodeNoAnchors  = "no_anchors"
	maxListed      = 10 // records listed in one reason
)

// checkTrust: every traced record's device key is delegated by an
// organisation that a trust anchor endorses (directly or through a
// certifier it endorses), none of them withdrawn at the record's time; and
// every certificate a claim relies on was issued by such a certifier.
func (v *verifier) checkTrust() Check {
	b := newCheck("trust", "Trust")
	if len(v.anchors) == 0 {
		b.add(LevelFail, CodeUnendorsed, "no trust anchors are configured, so no signer can be trusted; add the keys of the certifiers or consortia you believe", nil, nil)
	}
	type group struct {
		text    string
		code    string
		records []protocol.CID
	}
	groups := map[string]*group{}
	var keys []string
	note := func(key, code, text string, c protocol.CID) {
		g, ok := groups[key]
		if !ok {
			g = &group{text: text, code: code}
			groups[key] = g
			keys = append(keys, key)
		}
		g.records = append(g.records, c)
	}
	for _, e := range v.tracedRecords() {
		b.judged++
		t := e.rec.Time
		d := v.deviceOf(e.rec.Author)
		switch {
		case d.org.IsZero():
			note("nodelegation:"+d.key.String(), CodeUnendorsed,
				fmt.Sprintf("device key %s is not delegated by any organisation, so nobody vouches for its records", d.key.Short()), e.cid)
			continue
		case d.revoked.at(t):
			note("revokeddev:"+d.key.String(), CodeRevokedKey,
				fmt.Sprintf("device key %s (%s) of %s was revoked from %s (reason: %q, record %s), yet signed records after that",
					d.key.Short(), d.name, v.orgName(d.org), when(d.revoked.from), d.revoked.reason, d.revoked.record.Short()), e.cid)
			continue
		}
		o := v.orgOf(d.org)
		if o.revoked.at(t) {
			note("revokedorg:"+o.key.String(), CodeRevokedOrg,
				fmt.Sprintf("the organisation key of %s was revoked from %s (reason: %q, record %s), yet its devices signed records after that",
					v.orgName(o.key), when(o.revoked.from), o.revoked.reason, o.revoked.record.Short()), e.cid)
			continue
		}
		if len(v.anchors) == 0 {
			continue
		}
		if _, ok := v.endorsedAt(o.key, t); !ok {
			note("unendorsed:"+o.key.String(), CodeUnendorsed, v.whyUnendorsed(o), e.cid)
		}
	}
	for _, k := range keys {
		g := groups[k]
		text := g.text
		if len(g.records) > 1 {
			text += fmt.Sprintf(" (%d records in this trace)", len(g.records))
		}
		recs := g.records
		if len(recs) > maxListed {
			recs = recs[:maxListed]
		}
		b.add(LevelFail, g.code, text, recs, nil)
	}
	seen := map[*endorsement]bool{}
	for _, rc := range v.relied {
		if seen[rc.en] || len(v.anchors) == 0 {
			continue
		}
		seen[rc.en] = true
		if !v.trustedCertifier(rc.en.by, rc.claim.rec.Time, 0) {
			c := rc.en.body.Cert
			b.add(LevelFail, CodeUnendorsed, fmt.Sprintf("certificate %s %s of %s, relied on by record %s, was issued by %s, which no trust anchor endorses as a certifier",
				c.Scheme, c.Number, v.orgName(rc.en.body.Org), rc.claim.cid.Short(), v.orgName(rc.en.by)), []protocol.CID{rc.en.e.cid, rc.claim.cid}, nil)
		}
	}
	orgs := map[protocol.PublicKey]bool{}
	for _, e := range v.tracedRecords() {
		orgs[v.orgKey(e.rec.Author)] = true
	}
	who := fmt.Sprintf("all %d signers chain", len(orgs))
	switch len(orgs) {
	case 1:
		who = "the signer chains"
	case 2:
		who = "both signers chain"
	}
	return b.done(who+" to a trust anchor; no key was used after its revocation", "no records to check")
}

// whyUnendorsed says in words why an organisation is not trusted.
func (v *verifier) whyUnendorsed(o *org) string {
	name := v.orgName(o.key)
	if len(o.endorsements) == 0 {
		return fmt.Sprintf("%s (%s) is not endorsed by anyone, so no trust anchor vouches for it", name, o.key.Short())
	}
	var by []string
	for _, en := range o.endorsements {
		s := v.orgName(en.by)
		if en.revoked.from != 0 {
			s += fmt.Sprintf(" (withdrawn from %s)", day(en.revoked.from))
		} else if !v.isAnchor(en.by) {
			s += " (which no trust anchor endorses)"
		}
		by = append(by, s)
	}
	sort.Strings(by)
	return fmt.Sprintf("%s (%s) is not endorsed by any trust anchor: its endorsements come from %s", name, o.key.Short(), strings.Join(by, ", "))
}
