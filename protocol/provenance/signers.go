package provenance

import (
	"math"
	"sort"
	"time"

	"github.com/jejak/jejak/protocol"
)

// origins lists the places where the traced origins took their material.
func (v *verifier) origins() []Origin {
	out := []Origin{}
	idx := map[protocol.CID]int{}
	for _, e := range v.tracedRecords() {
		o, ok := e.rec.Body.(*protocol.Origin)
		if !ok || v.corrected(e.cid) {
			continue
		}
		maker := v.orgKey(e.rec.Author)
		for _, pc := range o.Places {
			pe := v.entries[pc]
			if pe == nil || pe.rec == nil {
				continue
			}
			pl, ok := pe.rec.Body.(*protocol.Place)
			if !ok {
				continue
			}
			i, seen := idx[pc]
			if !seen {
				c := pl.Geo.Centroid()
				area := float64(pl.Area)
				if area == 0 {
					area = pl.Geo.Area()
				}
				idx[pc] = len(out)
				i = len(out)
				out = append(out, Origin{
					Place: pc, Name: pl.Name, Kind: pl.Kind, Country: pl.Country,
					Lat: c.Lat(), Lon: c.Lon(), AreaHa: math.Round(area/100) / 100,
					Polygon: pl.Geo.Type == protocol.GeoPolygon, Geometry: pl.Geo.GeoJSON(),
					Org: v.orgName(maker), OrgKey: keyPtr(maker),
					From: time.UnixMilli(o.From).UTC(), Until: time.UnixMilli(o.Until).UTC(),
					IDs: pl.IDs,
				})
				if pl.IsLand() {
					pe := plotEvidence(pl)
					out[i].EUDR = &pe
				}
			}
			g := &out[i]
			if f := time.UnixMilli(o.From).UTC(); f.Before(g.From) {
				g.From = f
			}
			if u := time.UnixMilli(o.Until).UTC(); u.After(g.Until) {
				g.Until = u
			}
			g.Records = append(g.Records, e.cid)
			for _, x := range o.Out {
				if !contains(g.Products, x.Product) {
					g.Products = append(g.Products, x.Product)
				}
			}
		}
	}
	return out
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// signers describes each organisation that signed traced records.
func (v *verifier) signers() []Signer {
	type acc struct {
		s       *Signer
		devices map[protocol.PublicKey]*SignerDevice
		why     msg
	}
	byKey := map[protocol.PublicKey]*acc{}
	var order []protocol.PublicKey
	for _, e := range v.tracedRecords() {
		d := v.deviceOf(e.rec.Author)
		k := d.org
		if k.IsZero() {
			k = d.key
		}
		a, ok := byKey[k]
		if !ok {
			a = &acc{s: &Signer{Key: k, Roles: []protocol.Role{}, Devices: []SignerDevice{}, Endorsements: []Endorsement{}, Trusted: true},
				devices: map[protocol.PublicKey]*SignerDevice{}}
			byKey[k] = a
			order = append(order, k)
			v.describeOrg(a.s, d)
		}
		a.s.Records++
		sd, ok := a.devices[d.key]
		if !ok {
			sd = &SignerDevice{Key: d.key, Name: d.name}
			if d.delegation != nil {
				sd.Delegation = &d.delegation.cid
			}
			if d.revoked.from != 0 {
				t := time.UnixMilli(d.revoked.from).UTC()
				sd.RevokedAt = &t
			}
			a.devices[d.key] = sd
		}
		sd.Records++
		t := e.rec.Time
		switch {
		case !a.s.Trusted:
		case d.org.IsZero():
			a.s.Trusted, a.why = false, m("report.why.no_delegation")
		case d.revoked.at(t):
			a.s.Trusted, a.why = false, m("report.why.revoked_key", "key", d.key.Short(), "record", e.cid.Short(), "date", when(d.revoked.from))
		case v.orgOf(d.org).revoked.at(t):
			a.s.Trusted, a.why = false, m("report.why.revoked_org", "date", when(v.orgOf(d.org).revoked.from))
		default:
			if en, ok := v.endorsedAt(d.org, t); !ok {
				a.s.Trusted, a.why = false, v.whyUnendorsed(v.orgOf(d.org))
			} else if a.why.key == "" {
				if en == nil {
					a.why = m("report.why.anchor")
				} else {
					a.why = m("report.why.endorsed", "role_key", "report.role."+string(en.body.Role), "by", v.orgName(en.by), "record", en.e.cid.Short())
				}
			}
		}
	}
	out := make([]Signer, 0, len(order))
	for _, k := range order {
		a := byKey[k]
		for _, sd := range a.devices {
			a.s.Devices = append(a.s.Devices, *sd)
		}
		sort.Slice(a.s.Devices, func(i, j int) bool { return a.s.Devices[i].Key.String() < a.s.Devices[j].Key.String() })
		why := a.why
		if len(v.anchors) == 0 {
			a.s.Trusted, why = false, m("report.why.no_anchors")
		}
		a.s.Why, a.s.WhyKey, a.s.WhyParams = why.en(), why.key, why.params
		out = append(out, *a.s)
	}
	return out
}

// describeOrg fills a signer's profile and endorsements.
func (v *verifier) describeOrg(s *Signer, d *device) {
	if d.org.IsZero() {
		s.Name = m("report.unknown_signer", "key", d.key.Short()).en()
		return
	}
	o := v.orgOf(d.org)
	s.Name = v.orgName(d.org)
	if p := o.profile; p != nil {
		s.Roles = append(s.Roles, p.Roles...)
		s.Country, s.RSPO, s.GLN = p.Country, p.RSPO, p.GLN
	}
	now := v.now.UnixMilli()
	for _, en := range o.endorsements {
		x := Endorsement{Record: en.e.cid, By: en.by, ByName: v.orgName(en.by), Role: en.body.Role,
			Trusted: !en.revoked.at(now) && v.trustedCertifier(en.by, now, 0)}
		if c := en.body.Cert; c != nil {
			x.Certificate = &Certificate{Scheme: c.Scheme, Model: c.Model, Number: c.Number,
				ValidFrom: time.UnixMilli(c.From).UTC(), ValidUntil: time.UnixMilli(c.Until).UTC()}
		}
		if en.revoked.from != 0 {
			t := time.UnixMilli(en.revoked.from).UTC()
			x.RevokedAt = &t
		}
		s.Endorsements = append(s.Endorsements, x)
	}
}
