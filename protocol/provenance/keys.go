package provenance

import (
	"fmt"
	"sort"

	"github.com/jejak/jejak/protocol"
)

// device is what the source says about a device key: the organisation that
// delegated it and whether it was withdrawn.
type device struct {
	key        protocol.PublicKey
	org        protocol.PublicKey // zero when no organisation delegated the key
	self       bool               // the key is an organisation key signing for itself
	name       string
	delegation *entry
	revoked    revocation
}

// revocation is the earliest valid revocation of something: zero From
// means none.
type revocation struct {
	from   int64
	record protocol.CID
	reason string
}

func (r revocation) at(t int64) bool { return r.from != 0 && t >= r.from }

func (r *revocation) merge(from int64, c protocol.CID, reason string) {
	if r.from == 0 || from < r.from {
		*r = revocation{from: from, record: c, reason: reason}
	}
}

// org is what the source says about an organisation key.
type org struct {
	key          protocol.PublicKey
	profile      *protocol.Org
	endorsements []*endorsement
	revoked      revocation
}

// endorsement is one endorse record naming an organisation.
type endorsement struct {
	e       *entry
	body    *protocol.Endorse
	by      protocol.PublicKey
	revoked revocation
}

// deviceOf returns what is known of a device key, loading it on first use.
func (v *verifier) deviceOf(k protocol.PublicKey) *device {
	if d, ok := v.devices[k]; ok {
		return d
	}
	d := &device{key: k}
	v.devices[k] = d
	var dels []*entry
	for _, c := range v.keyRecords(k, protocol.TypeDevice) {
		e := v.loadContext(c, protocol.CID{}, m("reason.what.delegation", "key", k.Short()))
		if e == nil || !e.ok() {
			continue
		}
		if b, ok := e.rec.Body.(*protocol.Device); ok && b.Key == k {
			dels = append(dels, e)
		}
	}
	sort.Slice(dels, func(i, j int) bool { return earlier(dels[i], dels[j]) })
	if len(dels) > 0 {
		d.delegation = dels[0]
		d.org = dels[0].rec.Author
		d.name = dels[0].rec.Body.(*protocol.Device).Name
		for _, c := range v.referrers(d.delegation.cid, protocol.TypeRevoke) {
			if rv := v.revokeBy(c, d.org); rv != nil {
				d.revoked.merge(rv.From, c, rv.Reason)
			}
		}
	} else if o := v.orgOf(k); o.profile != nil || len(o.endorsements) > 0 {
		d.org, d.self = k, true
	}
	for _, c := range v.keyRecords(k, protocol.TypeRevoke) {
		if rv := v.revokeBy(c, d.org); rv != nil {
			d.revoked.merge(rv.From, c, rv.Reason)
		} else if rv := v.revokeBy(c, k); rv != nil {
			d.revoked.merge(rv.From, c, rv.Reason)
		}
	}
	return d
}

// orgKey returns the organisation a device key signs for, or the device
// key itself when no organisation delegated it.
func (v *verifier) orgKey(k protocol.PublicKey) protocol.PublicKey {
	d := v.deviceOf(k)
	if d.org.IsZero() {
		return k
	}
	return d.org
}

// orgOf returns what is known of an organisation key, loading it on first
// use.
func (v *verifier) orgOf(k protocol.PublicKey) *org {
	if o, ok := v.orgs[k]; ok {
		return o
	}
	o := &org{key: k}
	v.orgs[k] = o
	var latest *entry
	for _, c := range v.keyRecords(k, protocol.TypeOrg) {
		e := v.loadContext(c, protocol.CID{}, m("reason.what.profile", "key", k.Short()))
		if e == nil || !e.ok() || e.rec.Author != k {
			continue
		}
		if latest == nil || earlier(latest, e) {
			latest = e
		}
	}
	if latest != nil {
		o.profile = latest.rec.Body.(*protocol.Org)
	}
	for _, c := range v.keyRecords(k, protocol.TypeEndorse) {
		e := v.loadContext(c, protocol.CID{}, m("reason.what.endorsement", "key", k.Short()))
		if e == nil || !e.ok() {
			continue
		}
		b, ok := e.rec.Body.(*protocol.Endorse)
		if !ok || b.Org != k {
			continue
		}
		en := &endorsement{e: e, body: b, by: e.rec.Author}
		for _, rc := range v.referrers(c, protocol.TypeRevoke) {
			if rv := v.revokeBy(rc, en.by); rv != nil {
				en.revoked.merge(rv.From, rc, rv.Reason)
			}
		}
		o.endorsements = append(o.endorsements, en)
	}
	sort.Slice(o.endorsements, func(i, j int) bool { return earlier(o.endorsements[i].e, o.endorsements[j].e) })
	for _, c := range v.keyRecords(k, protocol.TypeRevoke) {
		if rv := v.revokeBy(c, k); rv != nil {
			o.revoked.merge(rv.From, c, rv.Reason)
		}
	}
	return o
}

// revokeBy loads revoke record c and returns its body when author signed it.
func (v *verifier) revokeBy(c protocol.CID, author protocol.PublicKey) *protocol.Revoke {
	if author.IsZero() {
		return nil
	}
	e := v.loadContext(c, protocol.CID{}, m("reason.what.revocation"))
	if e == nil || !e.ok() || e.rec.Author != author {
		return nil
	}
	b, _ := e.rec.Body.(*protocol.Revoke)
	return b
}

// orgName returns an organisation's name for people, or its short key.
func (v *verifier) orgName(k protocol.PublicKey) string {
	if o := v.orgOf(k); o.profile != nil {
		return o.profile.Name
	}
	return k.Short()
}

// signer sets parameter param of x to whoever signs with key k: its
// organisation's name or, for a key no organisation delegated, the
// message "reason.unknown.<param>" ("unknown signer <key>") with the short
// key as param+"_id".
func (v *verifier) signer(x msg, param string, k protocol.PublicKey) msg {
	if d := v.deviceOf(k); !d.org.IsZero() {
		return x.with(param, v.orgName(d.org))
	}
	return x.with(param+"_key", "reason.unknown."+param).with(param+"_id", k.Short())
}

// isAnchor reports whether k is one of the user's trust anchors.
func (v *verifier) isAnchor(k protocol.PublicKey) bool { return v.anchors[k] }

// maxCertifierDepth bounds chains of certifiers: an anchor may endorse a
// certification body, which may endorse another, which endorses members.
const maxCertifierDepth = 3

// trustedCertifier reports whether k's endorsements count at time t: k is
// an anchor, or an anchor (directly or through certifiers) endorses k as a
// certifier; and k had not revoked its own key by then.
func (v *verifier) trustedCertifier(k protocol.PublicKey, t int64, depth int) bool {
	o := v.orgOf(k)
	if o.revoked.at(t) {
		return false
	}
	if v.isAnchor(k) {
		return true
	}
	if depth >= maxCertifierDepth {
		return false
	}
	for _, en := range o.endorsements {
		if en.body.Role == protocol.RoleCertifier && en.by != k && !en.revoked.at(t) && v.trustedCertifier(en.by, t, depth+1) {
			return true
		}
	}
	return false
}

// endorsedAt returns an endorsement of organisation k by a trusted
// certifier that holds at time t, or nil. An anchor needs none.
func (v *verifier) endorsedAt(k protocol.PublicKey, t int64) (*endorsement, bool) {
	if v.isAnchor(k) && !v.orgOf(k).revoked.at(t) {
		return nil, true
	}
	for _, en := range v.orgOf(k).endorsements {
		if en.by != k && !en.revoked.at(t) && v.trustedCertifier(en.by, t, 0) {
			return en, true
		}
	}
	return nil, false
}

// earlier orders records by time, then CID, so choices are deterministic.
func earlier(a, b *entry) bool {
	if a.rec.Time != b.rec.Time {
		return a.rec.Time < b.rec.Time
	}
	return a.cid.String() < b.cid.String()
}

func (v *verifier) keyRecords(k protocol.PublicKey, t protocol.Type) []protocol.CID {
	if v.err != nil {
		return nil
	}
	cs, err := v.src.KeyRecords(v.ctx, k, t)
	if err != nil {
		v.fail(fmt.Errorf("provenance: read %s records of key %s: %w", t, k.Short(), err))
	}
	return cs
}

func (v *verifier) referrers(c protocol.CID, t protocol.Type) []protocol.CID {
	if v.err != nil {
		return nil
	}
	cs, err := v.src.Referrers(v.ctx, c, t)
	if err != nil {
		v.fail(fmt.Errorf("provenance: read %s records naming %s: %w", t, c, err))
	}
	return cs
}

func (v *verifier) uses(b protocol.BatchID) []Use {
	if v.err != nil {
		return nil
	}
	us, err := v.src.Uses(v.ctx, b)
	if err != nil {
		v.fail(fmt.Errorf("provenance: read uses of batch %s: %w", b, err))
	}
	return us
}
