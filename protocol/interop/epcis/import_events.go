package epcis

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// ev is one event being mapped.
type ev struct {
	c      cur
	typ    string
	time   int64
	id     string
	signed *protocol.Signed // the record the event carries whole, if it verifies
}

func (im *importer) event(c cur) error {
	if err := c.want(kObject); err != nil {
		return err
	}
	typ, _, err := c.reqStr("type")
	if err != nil {
		return err
	}
	tc, ok := c.get("eventTime")
	if !ok {
		return malformed(c.child(".eventTime"), "missing")
	}
	t, err := timeOf(tc)
	if err != nil {
		return err
	}
	off, offCur, err := c.reqStr("eventTimeZoneOffset")
	if err != nil {
		return err
	}
	if !isOffset(off) {
		return malformed(offCur.path, "%q is not a time zone offset such as +00:00", short(off))
	}
	id, _, err := c.optStr("eventID")
	if err != nil {
		return err
	}
	e := &ev{c: c, typ: typ, time: t, id: id}
	if decl, ok := c.get("errorDeclaration"); ok {
		return im.correction(e, decl)
	}
	if e.signed, err = im.carried(c); err != nil {
		return err
	}
	switch typ {
	case "ObjectEvent":
		return im.objectEvent(e)
	case "TransformationEvent":
		return im.process(e)
	case "AggregationEvent":
		c.skip("an AggregationEvent packs objects into a container (a case, a pallet); Jejak records batches and their custody, not packaging")
	case "AssociationEvent":
		c.skip("an AssociationEvent ties assets (sensors, returnable assets) to objects; no Jejak record holds it")
	case "TransactionEvent":
		c.skip("a TransactionEvent ties objects to a business transaction; a Jejak transfer carries its documents itself, so the shipping event is the one to map")
	default:
		c.skip(fmt.Sprintf("an event of type %q, which has no Jejak record", short(typ)))
	}
	return nil
}

func isOffset(s string) bool {
	return len(s) == 6 && (s[0] == '+' || s[0] == '-') && allDigits(s[1:3]) && s[3] == ':' && allDigits(s[4:6])
}

// cbvCode returns a CBV value in its bare form: "shipping" for
// "urn:epcglobal:cbv:bizstep:shipping" or "https://ref.gs1.org/cbv/BizStep-shipping".
func cbvCode(s, urn, web string) string {
	for _, p := range []string{"urn:epcglobal:cbv:" + urn + ":", "https://ns.gs1.org/cbv/" + web + "-", "https://ref.gs1.org/cbv/" + web + "-"} {
		if rest, ok := strings.CutPrefix(s, p); ok {
			return rest
		}
	}
	return s
}

func (im *importer) objectEvent(e *ev) error {
	action, _, err := e.c.reqStr("action")
	if err != nil {
		return err
	}
	step := ""
	if sc, ok := e.c.peek("bizStep"); ok {
		s, err := sc.str()
		if err != nil {
			return err
		}
		step = cbvCode(s, "bizstep", "BizStep")
	}
	switch {
	case (step == stepCommissioning || step == "creating_class_instance") && action == "ADD":
		e.c.get("bizStep")
		return im.origin(e)
	case step == stepShipping && action != "DELETE":
		e.c.get("bizStep")
		return im.transfer(e)
	case step == stepReceiving && action != "DELETE":
		e.c.get("bizStep")
		return im.receive(e)
	}
	why := fmt.Sprintf("an ObjectEvent (action %s, bizStep %q) has no Jejak record: Jejak maps commissioning with action ADD to an origin, shipping to a transfer and receiving to a receipt", short(action), short(step))
	if _, ok := e.c.peek("sensorElementList"); ok {
		why += "; it carries sensor readings, which no Jejak record holds"
	}
	e.c.skip(why)
	return nil
}

// disposition takes the event's disposition when it is the one the
// record's kind implies.
func (im *importer) disposition(e *ev, implied string) error {
	dc, ok := e.c.get("disposition")
	if !ok {
		return nil
	}
	s, err := dc.str()
	if err != nil {
		return err
	}
	if cbvCode(s, "disp", "Disp") != implied {
		dc.skip(fmt.Sprintf("Jejak keeps no disposition (this kind of record implies %s)", implied))
	}
	return nil
}

// item is one class and quantity an event names.
type item struct {
	class string
	qty   protocol.Quantity
	path  string
	hint  string
}

// items reads a quantity list and an EPC list. Instance identifiers
// (EPCs) count as pieces of their class: two SGTINs of one GTIN are 2
// H87 of that GTIN.
func (im *importer) items(e *ev, qKey, epcKey string) ([]item, error) {
	var out []item
	if ql, ok := e.c.get(qKey); ok {
		elems, err := ql.items()
		if err != nil {
			return nil, err
		}
		for _, q := range elems {
			it, ok, err := im.quantityElement(q)
			if err != nil {
				return nil, err
			}
			if ok {
				out = append(out, it)
			}
		}
	}
	if el, ok := e.c.get(epcKey); ok {
		epcs, err := el.items()
		if err != nil {
			return nil, err
		}
		at := map[string]int{}
		first := len(out)
		for _, c := range epcs {
			s, err := c.str()
			if err != nil {
				return nil, err
			}
			class := classOf(s)
			i, seen := at[class]
			if !seen {
				at[class] = len(out)
				out = append(out, item{class: class, qty: protocol.Quantity{Unit: protocol.H87}, path: c.path, hint: "instance " + s})
				i = len(out) - 1
			}
			out[i].qty.Milli += 1000
		}
		for i := first; i < len(out); i++ {
			if n := out[i].qty.Milli / 1000; n > 1 {
				out[i].hint = fmt.Sprintf("%d instances of %s", n, out[i].class)
			}
		}
	}
	return out, nil
}

func (im *importer) quantityElement(q cur) (item, bool, error) {
	if err := q.want(kObject); err != nil {
		return item{}, false, err
	}
	class, _, err := q.reqStr("epcClass")
	if err != nil {
		return item{}, false, err
	}
	unit := protocol.H87 // no unit: a count of instances
	if uc, ok := q.get("uom"); ok {
		u, err := uc.str()
		if err != nil {
			return item{}, false, err
		}
		unit = protocol.Unit(u)
	}
	if !unit.Valid() {
		q.skip(fmt.Sprintf("unit %s is not one Jejak records (%v)", short(string(unit)), protocol.Units()))
		return item{}, false, nil
	}
	it := item{class: class, qty: protocol.Quantity{Unit: unit}, path: q.path}
	qc, ok := q.get("quantity")
	if !ok {
		return it, true, nil // no quantity given: zero, which the draft check refuses
	}
	if qc.n.kind != kNumber {
		return item{}, false, malformed(qc.path, "want a number")
	}
	m, exact, ok := scaled(qc.n.text, 3)
	if !ok || m > protocol.MaxQuantity || m < -protocol.MaxQuantity {
		q.skip(fmt.Sprintf("%s %s is more than a Jejak record can hold", short(qc.n.text), unit))
		return item{}, false, nil
	}
	it.qty.Milli = m
	if !exact {
		// Past the thousandths of unit: try the finest unit of its
		// dimension, else round.
		if base, _, err := (protocol.Quantity{Milli: 1000, Unit: unit}).Base(); err == nil && base > 1000 {
			places := 3
			for s := base / 1000; s > 1; s /= 10 {
				places++
			}
			if b, ok2, ok := scaled(qc.n.text, places); ok && ok2 {
				it.qty = protocol.InUnit(b, unit)
				return it, true, nil
			}
		}
		im.problem(qc.path, fmt.Sprintf("%s %s has more decimal places than a Jejak quantity; rounded to %s", short(qc.n.text), unit, it.qty))
	}
	return it, true, nil
}
