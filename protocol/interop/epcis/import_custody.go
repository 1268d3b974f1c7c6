package epcis

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// party picks the organisation of a sourceList or destinationList: the
// owning party, else the possessing party. The other entries are left
// unmapped.
func (im *importer) party(e *ev, listKey, key, locWhy string) (uri, path string, err error) {
	lc, ok := e.c.get(listKey)
	if !ok {
		return "", "", nil
	}
	entries, err := lc.items()
	if err != nil {
		return "", "", err
	}
	types := make([]string, len(entries))
	uris := make([]string, len(entries))
	for i, en := range entries {
		if types[i], uris[i], err = sourceDest(en, key); err != nil {
			return "", "", err
		}
	}
	pick := -1
	for _, want := range []string{sdOwner, sdPossessor} {
		for i := range entries {
			if pick < 0 && types[i] == want {
				pick = i
			}
		}
	}
	for i, en := range entries {
		switch {
		case i == pick:
		case types[i] == sdLocation:
			en.skip(locWhy)
		default:
			en.skip("a second party: a Jejak transfer is between two organisations, its sender and its receiver")
		}
	}
	if pick < 0 {
		return "", "", nil
	}
	return uris[pick], entries[pick].path, nil
}

// partyKey resolves a party URI to an organisation key.
func (im *importer) partyKey(uri string) (protocol.PublicKey, bool) {
	if k, ok := parseOrgURI(uri); ok {
		return k, true
	}
	k, ok := im.parties[uri]
	return k, ok
}

// noPlace leaves an event's locations unmapped.
func noPlace(e *ev, why string) {
	for _, k := range []string{"readPoint", "bizLocation"} {
		if lc, ok := e.c.get(k); ok {
			lc.skip(why)
		}
	}
}

func (im *importer) transfer(e *ev) error {
	its, err := im.items(e, "quantityList", "epcList")
	if err != nil {
		return err
	}
	const locWhy = "a Jejak transfer is between organisations; it records no places"
	toURI, toPath, err := im.party(e, "destinationList", "destination", locWhy)
	if err != nil {
		return err
	}
	from, _, err := im.party(e, "sourceList", "source", locWhy)
	if err != nil {
		return err
	}
	var docs []protocol.Document
	if bl, ok := e.c.get("bizTransactionList"); ok {
		entries, err := bl.items()
		if err != nil {
			return err
		}
		for _, en := range entries {
			typ, uri, err := bizTransactionOf(en)
			if err != nil {
				return err
			}
			d := parseDocURI(uri)
			d.Kind = docKind(typ)
			docs = append(docs, d)
		}
	}
	noPlace(e, locWhy)
	if err := im.disposition(e, dispInTransit); err != nil {
		return err
	}
	if len(its) == 0 {
		its = []item{{path: e.c.path, hint: "the event names no goods"}}
	}
	if im.docBudget -= len(its) * len(docs); im.docBudget < 0 {
		return &LimitError{Path: e.c.path, Msg: fmt.Sprintf("the shipping events would make more than %d document references in all (goods × business transactions)", im.maxDocs)}
	}
	for _, it := range its {
		t := &protocol.Transfer{Qty: it.qty}
		if docs != nil {
			t.Docs = append([]protocol.Document(nil), docs...)
		}
		d := im.addDraft(Draft{Path: e.c.path, ID: e.id, Time: e.time, Body: t, Party: from})
		t.Batch = im.batchRef(d, "body.batch", it)
		if k, ok := im.partyKey(toURI); ok {
			t.To = k
		} else {
			r := Reference{Draft: d, Field: "body.to", Kind: RefOrg, URI: toURI, Path: toPath}
			if toURI == "" {
				r.Path, r.Hint = e.c.path, "the event names no receiving organisation (destinationList, owning_party)"
			}
			im.unresolved(r)
		}
		if len(its) == 1 {
			im.settle(d, e.signed, true)
		}
	}
	return nil
}

// bizTransactionOf reads a bizTransactionList entry.
func bizTransactionOf(c cur) (typ, uri string, err error) {
	if err := c.want(kObject); err != nil {
		return "", "", err
	}
	if typ, _, err = c.optStr("type"); err != nil {
		return "", "", err
	}
	uri, _, err = c.reqStr("bizTransaction")
	return typ, uri, err
}

func (im *importer) receive(e *ev) error {
	its, err := im.items(e, "quantityList", "epcList")
	if err != nil {
		return err
	}
	const locWhy = "a Jejak receipt confirms a transfer between organisations; it records no places"
	to, _, err := im.party(e, "destinationList", "destination", locWhy)
	if err != nil {
		return err
	}
	from, _, err := im.party(e, "sourceList", "source", locWhy)
	if err != nil {
		return err
	}
	var advice, advicePath string
	if bl, ok := e.c.get("bizTransactionList"); ok {
		entries, err := bl.items()
		if err != nil {
			return err
		}
		for _, en := range entries {
			typ, uri, err := bizTransactionOf(en)
			if err != nil {
				return err
			}
			if cbvCode(typ, "btt", "BTT") == "desadv" && advicePath == "" {
				advice, advicePath = uri, en.path
			} else {
				en.skip("a Jejak receipt keeps no documents of its own; the transfer it confirms does, and its despatch advice names that transfer")
			}
		}
	}
	noPlace(e, locWhy)
	if err := im.disposition(e, dispInProgress); err != nil {
		return err
	}
	if len(its) == 0 {
		its = []item{{path: e.c.path}}
	}
	for _, it := range its {
		r := &protocol.Receive{Qty: it.qty}
		d := im.addDraft(Draft{Path: e.c.path, ID: e.id, Time: e.time, Body: r, Party: to})
		if c, ok := parseCIDURI(advice, recordPrefix); ok {
			r.Transfer = c
		} else {
			ref := Reference{Draft: d, Field: "body.transfer", Kind: RefTransfer, URI: advice, Path: advicePath}
			if advicePath == "" {
				ref.Path = e.c.path
			}
			var hint []string
			if it.class != "" {
				hint = append(hint, "of "+it.class)
			}
			if from != "" {
				hint = append(hint, "sent by "+from)
			}
			ref.Hint = strings.Join(hint, ", ")
			im.unresolved(ref)
		}
		if len(its) == 1 {
			im.settle(d, e.signed, true)
		}
	}
	return nil
}
