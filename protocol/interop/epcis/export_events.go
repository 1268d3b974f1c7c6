package epcis

import (
	"encoding/hex"
	"encoding/json"

	"github.com/jejak/jejak/protocol"
)

// event returns the EPCIS event for s, or false for a record that has none
// (device keys, endorsements, revocations, and receipts or corrections
// whose other record is not in the document: those travel whole in the
// header).
func (x *exporter) event(s protocol.Signed) (*event, bool) {
	var ev *event
	switch b := s.Body.(type) {
	case *protocol.Origin:
		ev = x.originEvent(s, b)
	case *protocol.Process:
		ev = x.processEvent(s, b)
	case *protocol.Transfer:
		ev = x.transferEvent(s, b)
	case *protocol.Receive:
		ev = x.receiveEvent(s, b)
	case *protocol.Correct:
		ev = x.correctEvent(s, b)
	}
	if ev == nil {
		return nil, false
	}
	if ev.ErrorDeclaration == nil {
		ev.EventID = RecordURI(s.CID)
		ev.signedRecord = carry(s)
	}
	return ev, true
}

func newEvent(typ string, s protocol.Signed) *event {
	return &event{Type: typ, EventTime: stampMs(s.Time), EventTimeZoneOffset: "+00:00"}
}

func qty(class string, q protocol.Quantity) quantity {
	return quantity{EPCClass: class, Quantity: json.Number(protocol.FormatMilli(q.Milli)), UOM: string(q.Unit)}
}

// outputs returns an event's output quantities, their lot master data and
// the distinct claims on them.
func outputs(c protocol.CID, out []protocol.Output) ([]quantity, []output, []string) {
	var qs []quantity
	var lots []output
	var claims []string
	for i, o := range out {
		class := BatchURI(protocol.BatchID{Record: c, Index: uint32(i)})
		qs = append(qs, qty(class, o.Qty))
		lot := output{Batch: class, Product: o.Product, Lot: o.Lot}
		if o.Claim != nil {
			lot.Claim = claimURI(*o.Claim)
			if !contains(claims, lot.Claim) {
				claims = append(claims, lot.Claim)
			}
		}
		lots = append(lots, lot)
	}
	return qs, lots, claims
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// readPoint returns a place's representative position as a geo URI, or
// nil when the place's record is not in the document.
func (x *exporter) readPoint(place protocol.CID) *location {
	p, ok := x.byCID[place]
	if !ok {
		return nil
	}
	pl, ok := p.Body.(*protocol.Place)
	if !ok {
		return nil
	}
	return &location{ID: geoURI(pl.Geo.Centroid())}
}

// originEvent: raw material enters the chain. An ObjectEvent that adds the
// batches (commissioning), where they came from as the places the origin
// names (sourceList, type location; the first as bizLocation, its position
// as readPoint), and each batch's product, lot and claim as lot master
// data with the production period.
func (x *exporter) originEvent(s protocol.Signed, b *protocol.Origin) *event {
	ev := newEvent("ObjectEvent", s)
	ev.Action, ev.BizStep, ev.Disposition = "ADD", stepCommissioning, dispActive
	var lots []output
	ev.QuantityList, lots, ev.CertificationInfo = outputs(s.CID, b.Out)
	if len(b.Places) > 0 {
		ev.ReadPoint = x.readPoint(b.Places[0])
		ev.BizLocation = &location{ID: PlaceURI(b.Places[0])}
	}
	for _, p := range b.Places {
		ev.SourceList = append(ev.SourceList, source{Type: sdLocation, ID: PlaceURI(p)})
	}
	ev.ILMD = &ilmd{PeriodStart: stampMs(b.From), PeriodEnd: stampMs(b.Until), Outputs: lots}
	return ev
}

// processEvent: a TransformationEvent from the input batches and the
// quantities consumed of each to the output batches, at the process's
// place.
func (x *exporter) processEvent(s protocol.Signed, b *protocol.Process) *event {
	ev := newEvent("TransformationEvent", s)
	ev.BizStep, ev.Disposition = stepCommissioning, dispActive
	for _, in := range b.In {
		ev.InputQuantityList = append(ev.InputQuantityList, qty(BatchURI(in.Batch), in.Qty))
	}
	var lots []output
	ev.OutputQuantityList, lots, ev.CertificationInfo = outputs(s.CID, b.Out)
	if b.Place != nil {
		ev.ReadPoint = x.readPoint(*b.Place)
		ev.BizLocation = &location{ID: PlaceURI(*b.Place)}
	}
	ev.ILMD = &ilmd{Outputs: lots}
	return ev
}

// transferEvent: an ObjectEvent of shipping the quantity of the batch, from
// the sender's organisation (sourceList) to the receiver's
// (destinationList), with its documents as business transactions.
func (x *exporter) transferEvent(s protocol.Signed, b *protocol.Transfer) *event {
	ev := newEvent("ObjectEvent", s)
	ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", stepShipping, dispInTransit
	ev.QuantityList = []quantity{qty(BatchURI(b.Batch), b.Qty)}
	if from, ok := x.authorOrg(s); ok {
		ev.SourceList = []source{{Type: sdOwner, ID: x.party(from)}}
	}
	ev.DestinationList = []destination{{Type: sdOwner, ID: x.party(b.To)}}
	for _, d := range b.Docs {
		ev.BizTransactionList = append(ev.BizTransactionList, bizTransaction{Type: docType(d.Kind), ID: docURI(d)})
	}
	return ev
}

// receiveEvent: an ObjectEvent of receiving the quantity that arrived of
// the transfer's batch, linked to the transfer as its despatch advice
// (bizTransaction type desadv, the transfer's record URI). It needs the
// transfer's record to name the batch.
func (x *exporter) receiveEvent(s protocol.Signed, b *protocol.Receive) *event {
	t, ok := x.byCID[b.Transfer]
	if !ok {
		return nil
	}
	tb, ok := t.Body.(*protocol.Transfer)
	if !ok {
		return nil
	}
	ev := newEvent("ObjectEvent", s)
	ev.Action, ev.BizStep, ev.Disposition = "OBSERVE", stepReceiving, dispInProgress
	ev.QuantityList = []quantity{qty(BatchURI(tb.Batch), b.Qty)}
	if from, ok := x.authorOrg(t); ok {
		ev.SourceList = []source{{Type: sdOwner, ID: x.party(from)}}
	}
	if to, ok := x.authorOrg(s); ok {
		ev.DestinationList = []destination{{Type: sdOwner, ID: x.party(to)}}
	}
	ev.BizTransactionList = []bizTransaction{{Type: "desadv", ID: RecordURI(b.Transfer)}}
	return ev
}

// correctEvent: EPCIS's error declaration. A copy of the corrected
// record's event with an errorDeclaration: when (the correction's time),
// why (incorrect_data when a replacement is named, did_not_occur when
// not, and the author's own words as jejak:reason), the replacement's
// event ID, and the correction record itself.
func (x *exporter) correctEvent(s protocol.Signed, b *protocol.Correct) *event {
	old, ok := x.byCID[b.Record]
	if !ok {
		return nil
	}
	if _, isCorrect := old.Body.(*protocol.Correct); isCorrect {
		return nil
	}
	ev, ok := x.event(old)
	if !ok {
		return nil
	}
	decl := &errorDeclaration{DeclarationTime: stampMs(s.Time), Reason: "did_not_occur", JejakReason: b.Reason,
		signedRecord: carry(s)}
	if b.By != nil {
		decl.Reason = "incorrect_data"
		decl.CorrectiveEventIDs = []string{RecordURI(*b.By)}
	}
	ev.ErrorDeclaration = decl
	return ev
}

// placeElement is a place as location master data: CBV's name, country
// and a representative latitude and longitude, and Jejak's kind, area
// and exact GeoJSON geometry.
func (x *exporter) placeElement(s protocol.Signed, b *protocol.Place) element {
	c := b.Geo.Centroid()
	attrs := []attribute{
		{mdaName, b.Name},
		{mdaCountry, b.Country},
		{mdaLatitude, degrees(c[1])},
		{mdaLongitude, degrees(c[0])},
		{xKind, b.Kind},
	}
	if b.Area != 0 {
		attrs = append(attrs, attribute{xArea, json.Number(decimal(b.Area, 0))})
	}
	attrs = append(attrs, attribute{xGeometry, geometryJSON(b.Geo)})
	if len(b.IDs) > 0 {
		ids := make([]map[string]string, len(b.IDs))
		for i, id := range b.IDs {
			ids[i] = map[string]string{"scheme": id.Scheme, "id": id.ID}
		}
		attrs = append(attrs, attribute{xIDs, map[string]any{"items": ids}}) // an attribute is a string, a number or an object
	}
	if len(b.Evidence) > 0 {
		ev := make([]map[string]string, len(b.Evidence))
		for i, e := range b.Evidence {
			ev[i] = map[string]string{"kind": e.Kind, "ref": e.Ref, "method": e.Method, "date": stampMs(e.Date)}
			if e.Hash != nil {
				ev[i]["sha256"] = hex.EncodeToString(e.Hash)
			}
		}
		attrs = append(attrs, attribute{xLand, map[string]any{"items": ev}})
	}
	return element{ID: PlaceURI(s.CID), Attributes: append(attrs, carriedAttrs(s)...)}
}

// partyElement is an organisation as source/destination master data: its
// name, country and key, and its profile record.
func (x *exporter) partyElement(s protocol.Signed, b *protocol.Org) element {
	attrs := []attribute{{mdaName, b.Name}, {mdaCountry, b.Country}, {xKey, s.Author.String()}}
	return element{ID: x.party(s.Author), Attributes: append(attrs, carriedAttrs(s)...)}
}

func carriedAttrs(s protocol.Signed) []attribute {
	c := carry(s)
	return []attribute{{xCID, c.CID}, {xSignature, c.Signature}, {xRecord, c.Record}}
}

func geometryJSON(g protocol.Geometry) geoJSON {
	pos := func(p protocol.Position) []json.Number {
		return []json.Number{json.Number(degrees(p[0])), json.Number(degrees(p[1]))}
	}
	if g.Type == protocol.GeoPolygon {
		rings := make([][][]json.Number, len(g.Rings))
		for i, r := range g.Rings {
			rings[i] = make([][]json.Number, len(r))
			for j, p := range r {
				rings[i][j] = pos(p)
			}
		}
		return geoJSON{Type: g.Type, Coordinates: rings}
	}
	var p protocol.Position
	if g.Point != nil {
		p = *g.Point
	}
	return geoJSON{Type: g.Type, Coordinates: pos(p)}
}
