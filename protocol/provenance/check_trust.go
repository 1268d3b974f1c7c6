package provenance

import (
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
	b := newCheck("trust")
	if len(v.anchors) == 0 {
		b.add(LevelFail, CodeUnendorsed, m("reason.no_anchors"), nil, nil)
	}
	type group struct {
		text    msg
		code    string
		records []protocol.CID
	}
	groups := map[string]*group{}
	var keys []string
	note := func(key, code string, text msg, c protocol.CID) {
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
				m("reason.unendorsed.no_delegation", "key", d.key.Short()), e.cid)
			continue
		case d.revoked.at(t):
			note("revokeddev:"+d.key.String(), CodeRevokedKey,
				m("reason.revoked_key", "key", d.key.Short(), "device", d.name, "org", v.orgName(d.org), "from", when(d.revoked.from),
					"cause", d.revoked.reason, "record", d.revoked.record.Short()), e.cid)
			continue
		}
		o := v.orgOf(d.org)
		if o.revoked.at(t) {
			note("revokedorg:"+o.key.String(), CodeRevokedOrg,
				m("reason.revoked_org", "org", v.orgName(o.key), "from", when(o.revoked.from), "cause", o.revoked.reason, "record", o.revoked.record.Short()), e.cid)
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
			text = m("reason.records_in_trace", "n", len(g.records)).nest("finding", text)
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
			b.add(LevelFail, CodeUnendorsed, m("reason.unendorsed.certifier", "scheme", c.Scheme, "number", c.Number, "org", v.orgName(rc.en.body.Org),
				"record", rc.claim.cid.Short(), "by", v.orgName(rc.en.by)), []protocol.CID{rc.en.e.cid, rc.claim.cid}, nil)
		}
	}
	orgs := map[protocol.PublicKey]bool{}
	for _, e := range v.tracedRecords() {
		orgs[v.orgKey(e.rec.Author)] = true
	}
	pass := m("report.summary.trust.pass", "n", len(orgs))
	if len(orgs) == 2 {
		pass = m("report.summary.trust.pass.two")
	}
	return b.done(pass, m("report.summary.no_records"))
}

// whyUnendorsed says why an organisation is not trusted.
func (v *verifier) whyUnendorsed(o *org) msg {
	name := v.orgName(o.key)
	if len(o.endorsements) == 0 {
		return m("reason.unendorsed.nobody", "org", name, "key", o.key.Short())
	}
	var by, withdrawn, unanchored []string
	for _, en := range o.endorsements {
		s := v.orgName(en.by)
		by = append(by, s)
		if en.revoked.from != 0 {
			withdrawn = append(withdrawn, s+" ("+day(en.revoked.from)+")")
		} else if !v.isAnchor(en.by) {
			unanchored = append(unanchored, s)
		}
	}
	sort.Strings(by)
	sort.Strings(withdrawn)
	sort.Strings(unanchored)
	x := m("reason.unendorsed.by", "org", name, "key", o.key.Short(), "by", strings.Join(uniq(by), ", "),
		"withdrawn", strings.Join(withdrawn, ", "), "unanchored", strings.Join(unanchored, ", "),
		"withdrawn_note_key", "reason.empty", "unanchored_note_key", "reason.empty")
	if len(withdrawn) > 0 {
		x = x.with("withdrawn_note_key", "reason.unendorsed.withdrawn")
	}
	if len(unanchored) > 0 {
		x = x.with("unanchored_note_key", "reason.unendorsed.unanchored")
	}
	return x
}
