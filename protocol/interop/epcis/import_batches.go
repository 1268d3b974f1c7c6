package epcis

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// lotInfo is a batch's lot master data (ilmd jejak:outputs).
type lotInfo struct {
	c       cur
	product string
	lot     string
	claim   *protocol.Claim
	matched bool
}

// ilmd reads the lot master data of an event's outputs and, with period,
// an origin's production period.
func (im *importer) ilmd(e *ev, period bool) (map[string]*lotInfo, *int64, *int64, error) {
	lots := map[string]*lotInfo{}
	ic, ok := e.c.get("ilmd")
	if !ok {
		return lots, nil, nil, nil
	}
	if err := ic.want(kObject); err != nil {
		return nil, nil, nil, err
	}
	if oc, ok := im.x(ic, xOutputs); ok {
		entries, err := oc.items()
		if err != nil {
			return nil, nil, nil, err
		}
		for _, en := range entries {
			if err := en.want(kObject); err != nil {
				return nil, nil, nil, err
			}
			l := &lotInfo{c: en}
			batch, _, err := en.reqStr(xBatch)
			if err != nil {
				return nil, nil, nil, err
			}
			if l.product, _, err = en.reqStr(xProduct); err != nil {
				return nil, nil, nil, err
			}
			if l.lot, _, err = en.optStr(xLot); err != nil {
				return nil, nil, nil, err
			}
			cl, has, err := en.optStr(xClaim)
			if err != nil {
				return nil, nil, nil, err
			}
			if has {
				c, ok := parseClaimURI(cl)
				if !ok {
					return nil, nil, nil, malformed(en.child(pathKey(xClaim)), "%q is not a claim (urn:jejak:claim:<scheme>:<model>)", short(cl))
				}
				l.claim = &c
			}
			lots[batch] = l
		}
	}
	var start, end *int64
	if period {
		for _, k := range []string{xStart, xEnd} {
			pc, ok := im.x(ic, k)
			if !ok {
				continue
			}
			t, err := timeOf(pc)
			if err != nil {
				return nil, nil, nil, err
			}
			if k == xStart {
				start = &t
			} else {
				end = &t
			}
		}
	}
	return lots, start, end, nil
}

// outputs makes the output batches of an origin or process from its
// items, their lot master data and the event's certificationInfo.
func (im *importer) outputs(e *ev, its []item, lots map[string]*lotInfo) ([]protocol.Output, error) {
	var outs []protocol.Output
	claims := map[protocol.Claim]bool{}
	for i, it := range its {
		o := protocol.Output{Product: it.class, Qty: it.qty}
		if l := lots[it.class]; l != nil && !l.matched {
			l.matched = true
			o.Product, o.Lot, o.Claim = l.product, l.lot, l.claim
			if l.claim != nil {
				claims[*l.claim] = true
			}
		}
		if id, ok := parseBatchURI(it.class); ok && e.signed != nil && id != (protocol.BatchID{Record: e.signed.CID, Index: uint32(i)}) {
			im.problem(it.path, fmt.Sprintf("names batch %s, but output %d of the record the event carries is %s/%d", id, i, e.signed.CID, i))
		}
		outs = append(outs, o)
	}
	for _, l := range lots {
		if !l.matched {
			l.c.skip("lot master data for a batch the event does not make")
		}
	}
	ci, ok := e.c.get("certificationInfo")
	if !ok {
		return outs, nil
	}
	var uris []cur
	if ci.n.kind == kString {
		uris = []cur{ci}
	} else {
		var err error
		if uris, err = ci.items(); err != nil {
			return nil, malformed(ci.path, "want a URI or a list of URIs")
		}
	}
	for _, u := range uris {
		s, err := u.str()
		if err != nil {
			return nil, err
		}
		cl, isClaim := parseClaimURI(s)
		switch {
		case isClaim && claims[cl]:
		case isClaim && len(claims) == 0 && len(uris) == 1:
			for j := range outs {
				c := cl
				outs[j].Claim = &c
			}
		default:
			u.skip("a Jejak claim is a scheme and a supply-chain model on each output (urn:jejak:claim:<scheme>:<model>); this certificate reference names neither")
		}
	}
	return outs, nil
}

// batchRef reads a batch from an item's class, or records the reference
// as unresolved.
func (im *importer) batchRef(d int, field string, it item) protocol.BatchID {
	if id, ok := parseBatchURI(it.class); ok {
		return id
	}
	im.unresolved(Reference{Draft: d, Field: field, Kind: RefBatch, URI: it.class, Path: it.path, Hint: it.hint})
	return protocol.BatchID{}
}

// placeRef reads a place from a location URI, or records the reference as
// unresolved.
func (im *importer) placeRef(d int, field, uri, path string) protocol.CID {
	if c, ok := parseCIDURI(uri, placePrefix); ok {
		return c
	}
	hint := ""
	if strings.HasPrefix(uri, "geo:") {
		hint = "a position, not a place: record the place first"
	}
	im.unresolved(Reference{Draft: d, Field: field, Kind: RefPlace, URI: uri, Path: path, Hint: hint})
	return protocol.CID{}
}

// locationID reads a readPoint or bizLocation: an object with an id.
func locationID(c cur) (string, error) {
	if err := c.want(kObject); err != nil {
		return "", err
	}
	id, _, err := c.reqStr("id")
	return id, err
}

func (im *importer) origin(e *ev) error {
	its, err := im.items(e, "quantityList", "epcList")
	if err != nil {
		return err
	}
	lots, start, end, err := im.ilmd(e, true)
	if err != nil {
		return err
	}
	o := &protocol.Origin{From: e.time, Until: e.time}
	d := im.addDraft(Draft{Path: e.c.path, ID: e.id, Time: e.time, Body: o})
	if o.Out, err = im.outputs(e, its, lots); err != nil {
		return err
	}
	if start != nil {
		o.From = *start
	}
	if end != nil {
		o.Until = *end
	}
	if err := im.originPlaces(e, d, o); err != nil {
		return err
	}
	if err := im.disposition(e, dispActive); err != nil {
		return err
	}
	im.settle(d, e.signed, true)
	return nil
}

// originPlaces reads an origin's places: its sourceList locations, in
// order; else its bizLocation; else its readPoint.
func (im *importer) originPlaces(e *ev, d int, o *protocol.Origin) error {
	var uris []string
	add := func(uri, path string) {
		o.Places = append(o.Places, im.placeRef(d, fmt.Sprintf("body.places[%d]", len(o.Places)), uri, path))
		uris = append(uris, uri)
	}
	if sl, ok := e.c.get("sourceList"); ok {
		entries, err := sl.items()
		if err != nil {
			return err
		}
		for _, en := range entries {
			typ, uri, err := sourceDest(en, "source")
			if err != nil {
				return err
			}
			if typ == sdLocation {
				add(uri, en.path)
			} else {
				en.skip("an origin names the places its material came from; the producer is the record's signer")
			}
		}
	}
	for _, k := range []string{"bizLocation", "readPoint"} {
		lc, ok := e.c.get(k)
		if !ok {
			continue
		}
		id, err := locationID(lc)
		if err != nil {
			return err
		}
		_, geo := parseGeoURI(id)
		switch {
		case contains(uris, id):
		case geo && len(o.Places) > 0: // the position of the first place, for readers without master data
		case len(o.Places) == 0:
			add(id, lc.path)
		default:
			lc.skip("an origin's places are its sourceList locations, and this one is not among them")
		}
	}
	if len(o.Places) == 0 {
		o.Places = []protocol.CID{{}}
		im.unresolved(Reference{Draft: d, Field: "body.places[0]", Kind: RefPlace, Path: e.c.path, Hint: "the event names no place"})
	}
	return nil
}

// sourceDest reads a sourceList or destinationList entry: its type (in
// bare CBV form) and its URI.
func sourceDest(c cur, key string) (string, string, error) {
	if err := c.want(kObject); err != nil {
		return "", "", err
	}
	typ, _, err := c.reqStr("type")
	if err != nil {
		return "", "", err
	}
	uri, _, err := c.reqStr(key)
	return cbvCode(typ, "sdt", "SDT"), uri, err
}

func (im *importer) process(e *ev) error {
	ins, err := im.items(e, "inputQuantityList", "inputEPCList")
	if err != nil {
		return err
	}
	outs, err := im.items(e, "outputQuantityList", "outputEPCList")
	if err != nil {
		return err
	}
	lots, _, _, err := im.ilmd(e, false)
	if err != nil {
		return err
	}
	p := &protocol.Process{}
	d := im.addDraft(Draft{Path: e.c.path, ID: e.id, Time: e.time, Body: p})
	for i, it := range ins {
		p.In = append(p.In, protocol.Input{Batch: im.batchRef(d, fmt.Sprintf("body.in[%d].batch", i), it), Qty: it.qty})
	}
	if len(ins) == 0 {
		p.In = []protocol.Input{{}}
		im.unresolved(Reference{Draft: d, Field: "body.in[0].batch", Kind: RefBatch, Path: e.c.path, Hint: "the event names no input"})
	}
	if p.Out, err = im.outputs(e, outs, lots); err != nil {
		return err
	}
	if sc, ok := e.c.get("bizStep"); ok {
		if _, err := sc.str(); err != nil {
			return err
		}
	}
	var placeURI string
	for _, k := range []string{"bizLocation", "readPoint"} {
		lc, ok := e.c.get(k)
		if !ok {
			continue
		}
		id, err := locationID(lc)
		if err != nil {
			return err
		}
		_, geo := parseGeoURI(id)
		switch {
		case id == placeURI:
		case geo && p.Place != nil: // the place's position
		case p.Place == nil:
			c := im.placeRef(d, "body.place", id, lc.path)
			p.Place, placeURI = &c, id
		default:
			lc.skip("a process records one place, taken from its bizLocation")
		}
	}
	if err := im.disposition(e, dispActive); err != nil {
		return err
	}
	im.settle(d, e.signed, true)
	return nil
}
