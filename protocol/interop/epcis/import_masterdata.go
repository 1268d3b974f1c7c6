package epcis

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// masterData reads the header's vocabularies: locations become place
// drafts, parties tell the keys of organisations named by GLN.
func (im *importer) masterData(md cur) error {
	if err := md.want(kObject); err != nil {
		return err
	}
	vl, ok := md.get("vocabularyList")
	if !ok {
		return nil
	}
	vocabs, err := vl.items()
	if err != nil {
		return err
	}
	for _, v := range vocabs {
		if err := v.want(kObject); err != nil {
			return err
		}
		typ, _, err := v.reqStr("type")
		if err != nil {
			return err
		}
		var each func(cur) error
		switch typ {
		case vtypeLocation, vtypeReadPt:
			each = im.placeElement
		case vtypeParty:
			each = im.partyElement
		default:
			v.skip(fmt.Sprintf("master data of type %s, which no Jejak record holds", short(typ)))
			continue
		}
		el, ok := v.get("vocabularyElementList")
		if !ok {
			continue
		}
		elems, err := el.items()
		if err != nil {
			return err
		}
		for _, e := range elems {
			if err := e.want(kObject); err != nil {
				return err
			}
			if err := each(e); err != nil {
				return err
			}
		}
	}
	return nil
}

// attributes reads an element's attributes by id. A repeated id is left
// unmapped.
func attributes(e cur) (map[string]cur, error) {
	out := map[string]cur{}
	ac, ok := e.get("attributes")
	if !ok {
		return out, nil
	}
	list, err := ac.items()
	if err != nil {
		return nil, err
	}
	for _, a := range list {
		if err := a.want(kObject); err != nil {
			return nil, err
		}
		id, _, err := a.reqStr("id")
		if err != nil {
			return nil, err
		}
		if _, dup := out[id]; dup {
			a.skip("the attribute is given twice; the first is read")
			continue
		}
		a.n.used = false // used once read
		out[id] = a
	}
	return out, nil
}

// attr takes attribute id as a string (a number's literal for a number).
func attr(attrs map[string]cur, id string) (string, cur, bool, error) {
	a, ok := attrs[id]
	if !ok {
		return "", cur{}, false, nil
	}
	v, ok := a.get("attribute")
	if !ok {
		return "", cur{}, false, malformed(a.child(".attribute"), "missing")
	}
	if v.n.kind != kString && v.n.kind != kNumber {
		return "", cur{}, false, malformed(v.path, "want a string or a number")
	}
	a.n.used = true
	return v.n.text, v, true, nil
}

// placeElement proposes a place from location master data that gives a
// position: Jejak's exact geometry, or CBV's latitude and longitude.
func (im *importer) placeElement(e cur) error {
	id, _, err := e.reqStr("id")
	if err != nil {
		return err
	}
	attrs, err := attributes(e)
	if err != nil {
		return err
	}
	pl := &protocol.Place{}
	has := false
	if a, ok := attrs[xGeometry]; ok && im.ours {
		v, ok := a.get("attribute")
		if !ok {
			return malformed(a.child(".attribute"), "missing")
		}
		if pl.Geo, err = geometryOf(v); err != nil {
			return err
		}
		a.n.used, has = true, true
	}
	lat, latCur, okLat, err := attr(attrs, mdaLatitude)
	if err != nil {
		return err
	}
	lon, lonCur, okLon, err := attr(attrs, mdaLongitude)
	if err != nil {
		return err
	}
	if okLat && okLon {
		la, ok1 := parseDegrees(lat)
		lo, ok2 := parseDegrees(lon)
		if !ok1 || la < -90*protocol.CoordScale || la > 90*protocol.CoordScale {
			return malformed(latCur.path, "%q is not a latitude in degrees", short(lat))
		}
		if !ok2 {
			return malformed(lonCur.path, "%q is not a longitude in degrees", short(lon))
		}
		if !has {
			pl.Geo, has = protocol.PointGeometry(protocol.Position{lo, la}), true
		}
	} else if okLat || okLon {
		if okLat {
			attrs[mdaLatitude].skip("a latitude without a longitude")
		} else {
			attrs[mdaLongitude].skip("a longitude without a latitude")
		}
	}
	if !has {
		e.skip("a location with no position: a Jejak place needs one (latitude and longitude)")
		return nil
	}
	pl.Name = id
	if name, _, ok, err := attr(attrs, mdaName); err != nil {
		return err
	} else if ok {
		pl.Name = name
	}
	if pl.Country, _, _, err = attr(attrs, mdaCountry); err != nil {
		return err
	}
	if im.ours {
		if pl.Kind, _, _, err = attr(attrs, xKind); err != nil {
			return err
		}
		area, ac, ok, err := attr(attrs, xArea)
		if err != nil {
			return err
		}
		if ok {
			m, exact, ok := scaled(area, 0)
			if !ok || !exact || m < 0 {
				return malformed(ac.path, "%q is not an area in whole square metres", short(area))
			}
			pl.Area = m
		}
		if err := placeExtras(attrs, pl); err != nil {
			return err
		}
	}
	s, err := im.carriedAttrs(attrs, e)
	if err != nil {
		return err
	}
	d := im.addDraft(Draft{Path: e.path, ID: id, Body: pl})
	im.settle(d, s, false)
	if s != nil && id != PlaceURI(s.CID) {
		im.problem(e.path, fmt.Sprintf("names place %s, but carries record %s", short(id), s.CID))
	}
	return nil
}

// carriedAttrs reads a record an element carries as attributes.
func (im *importer) carriedAttrs(attrs map[string]cur, e cur) (*protocol.Signed, error) {
	if !im.ours {
		return nil, nil
	}
	// carried reads members of one object: gather the attributes' values
	// into a stand-in holding them.
	holder := node{kind: kObject, used: true}
	var from []cur
	for _, k := range []string{xCID, xSignature, xRecord} {
		a, ok := attrs[k]
		if !ok {
			continue
		}
		v, ok := a.peek("attribute")
		if !ok {
			return nil, malformed(a.child(".attribute"), "missing")
		}
		n := *v.n
		n.key = k
		holder.kids = append(holder.kids, n)
		from = append(from, a)
	}
	if len(holder.kids) == 0 {
		return nil, nil
	}
	for _, a := range from {
		a.n.used = true
		a.get("attribute")
	}
	return im.carried(cur{n: &holder, path: e.path + ".attributes", why: e.why})
}

// partyElement reads an organisation's master data: its key, which lets
// a GLN name it, and its profile record.
func (im *importer) partyElement(e cur) error {
	id, _, err := e.reqStr("id")
	if err != nil {
		return err
	}
	attrs, err := attributes(e)
	if err != nil {
		return err
	}
	var key protocol.PublicKey
	if im.ours {
		k, kc, ok, err := attr(attrs, xKey)
		if err != nil {
			return err
		}
		if ok {
			if key, err = protocol.ParsePublicKey(k); err != nil {
				return malformed(kc.path, "%q is not an organisation key", short(k))
			}
			im.parties[id] = key
		}
	}
	for _, k := range []string{mdaName, mdaCountry} {
		if a, ok := attrs[k]; ok {
			a.skip("Jejak takes an organisation's name and country from the profile it signs itself")
		}
	}
	s, err := im.carriedAttrs(attrs, e)
	if err != nil || s == nil {
		return err
	}
	org, ok := s.Body.(*protocol.Org)
	if !ok || s.Author != key {
		im.problem(e.path, fmt.Sprintf("carries record %s, which is not the profile of the organisation %s names", s.CID, short(id)))
		return nil
	}
	// Name and country restate the signed profile.
	for k, want := range map[string]string{mdaName: org.Name, mdaCountry: org.Country} {
		a, ok := attrs[k]
		if !ok {
			continue
		}
		if v, ok := a.peek("attribute"); ok && v.n.kind == kString && v.n.text == want {
			a.useAllNode()
		}
	}
	if id != OrgURI(key) && id != glnURI(org.GLN) {
		im.problem(e.path, fmt.Sprintf("names the organisation %s, which is neither its key nor the GLN of its profile", short(id)))
	}
	return nil
}

func (c cur) useAllNode() { c.n.useAll() }

// geometryOf reads a GeoJSON Point or Polygon.
func geometryOf(c cur) (protocol.Geometry, error) {
	if err := c.want(kObject); err != nil {
		return protocol.Geometry{}, err
	}
	typ, tc, err := c.reqStr("type")
	if err != nil {
		return protocol.Geometry{}, err
	}
	cc, ok := c.get("coordinates")
	if !ok {
		return protocol.Geometry{}, malformed(c.child(".coordinates"), "missing")
	}
	switch typ {
	case protocol.GeoPoint:
		p, err := positionOf(cc)
		return protocol.PointGeometry(p), err
	case protocol.GeoPolygon:
		rings, err := cc.items()
		if err != nil {
			return protocol.Geometry{}, err
		}
		g := protocol.Geometry{Type: protocol.GeoPolygon, Rings: make([][]protocol.Position, len(rings))}
		for i, r := range rings {
			ps, err := r.items()
			if err != nil {
				return protocol.Geometry{}, err
			}
			g.Rings[i] = make([]protocol.Position, len(ps))
			for j, pc := range ps {
				if g.Rings[i][j], err = positionOf(pc); err != nil {
					return protocol.Geometry{}, err
				}
			}
		}
		return g, nil
	}
	return protocol.Geometry{}, malformed(tc.path, "%q: want Point or Polygon", short(typ))
}

func positionOf(c cur) (protocol.Position, error) {
	xs, err := c.items()
	if err != nil {
		return protocol.Position{}, err
	}
	if len(xs) != 2 {
		return protocol.Position{}, malformed(c.path, "want [longitude, latitude]")
	}
	var p protocol.Position
	for i, x := range xs {
		if x.n.kind != kNumber {
			return protocol.Position{}, malformed(x.path, "want a number")
		}
		v, ok := parseDegrees(x.n.text)
		if !ok {
			return protocol.Position{}, malformed(x.path, "%s is not a coordinate in degrees", short(x.n.text))
		}
		p[i] = v
	}
	return p, nil
}

// reasons says why a standard field that no draft took has no mapping.
var reasons = map[string]string{
	"id":                    "the document's own identifier; each draft keeps the path it came from",
	"instanceIdentifier":    "the document's own identifier; each draft keeps the path it came from",
	"sender":                "the document's sender; each record's signer says who wrote it",
	"receiver":              "the document's receiver; each record's signer says who wrote it",
	"recordTime":            "when a repository captured the event; a Jejak record keeps when it happened",
	"sensorElementList":     "sensor readings, which no Jejak record holds",
	"persistentDisposition": "Jejak keeps no disposition",
	"disposition":           "Jejak keeps no disposition",
	"transformationID":      "a Jejak process joins its inputs and outputs in one record and keeps no transformation ID",
	"readPoint":             "no Jejak field for this location",
	"bizLocation":           "no Jejak field for this location",
	"ilmd":                  "lot master data with no Jejak field",
	"children":              "a hierarchy of locations, which Jejak does not keep",
	"epcisMasterData":       "master data with no Jejak record",
}

func defaultReason(key string) string {
	if r, ok := reasons[key]; ok {
		return r
	}
	if strings.HasPrefix(key, "jejak:") {
		return "a Jejak field, but the document's @context does not say jejak is " + Namespace
	}
	if strings.Contains(key, ":") {
		return "an extension field with no Jejak meaning"
	}
	return "no Jejak field for it"
}

// placeExtras reads a place's identifiers and land evidence, as Export
// writes them.
func placeExtras(attrs map[string]cur, pl *protocol.Place) error {
	list := func(k string) ([]cur, error) {
		a, ok := attrs[k]
		if !ok {
			return nil, nil
		}
		v, ok := a.get("attribute")
		if !ok {
			return nil, malformed(a.child(".attribute"), "missing")
		}
		a.n.used = true
		if err := v.want(kObject); err != nil {
			return nil, err
		}
		items, ok := v.get("items")
		if !ok {
			return nil, malformed(v.child(".items"), "missing")
		}
		return items.items()
	}
	ids, err := list(xIDs)
	if err != nil {
		return err
	}
	for _, c := range ids {
		if err := c.want(kObject); err != nil {
			return err
		}
		scheme, _, err := c.reqStr("scheme")
		if err != nil {
			return err
		}
		id, _, err := c.reqStr("id")
		if err != nil {
			return err
		}
		pl.IDs = append(pl.IDs, protocol.PlaceID{Scheme: scheme, ID: id})
	}
	evs, err := list(xLand)
	if err != nil {
		return err
	}
	for _, c := range evs {
		if err := c.want(kObject); err != nil {
			return err
		}
		var e protocol.Evidence
		if e.Kind, _, err = c.reqStr("kind"); err != nil {
			return err
		}
		if e.Ref, _, err = c.reqStr("ref"); err != nil {
			return err
		}
		if e.Method, _, err = c.reqStr("method"); err != nil {
			return err
		}
		dc, ok := c.get("date")
		if !ok {
			return malformed(c.child(".date"), "missing")
		}
		if e.Date, err = timeOf(dc); err != nil {
			return err
		}
		if h, hc, ok, err := c.optStrCur("sha256"); err != nil {
			return err
		} else if ok {
			if e.Hash, err = hex.DecodeString(h); err != nil || len(e.Hash) != 32 {
				return malformed(hc.path, "%q is not a SHA-256 in hex", short(h))
			}
		}
		pl.Evidence = append(pl.Evidence, e)
	}
	return nil
}
