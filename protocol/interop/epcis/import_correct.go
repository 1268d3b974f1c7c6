package epcis

import (
	"strings"

	"github.com/jejak/jejak/protocol"
)

// correction maps an event with an errorDeclaration: a correction of the
// event it repeats. The rest of the event is a copy of that event, read
// only for its eventID (and any record it carries).
func (im *importer) correction(e *ev, decl cur) error {
	if err := decl.want(kObject); err != nil {
		return err
	}
	dt, ok := decl.get("declarationTime")
	if !ok {
		return malformed(decl.child(".declarationTime"), "missing")
	}
	t, err := timeOf(dt)
	if err != nil {
		return err
	}
	reason, _, err := decl.optStr("reason")
	if err != nil {
		return err
	}
	var words string
	wc, hasWords := im.x(decl, xReason)
	if hasWords {
		if words, err = wc.str(); err != nil {
			return err
		}
	}
	signed, err := im.carried(decl)
	if err != nil {
		return err
	}
	if _, err := im.carried(e.c); err != nil {
		return err
	}
	c := &protocol.Correct{Reason: words}
	if !hasWords {
		c.Reason = strings.ReplaceAll(cbvCode(reason, "er", "ER"), "_", " ")
	}
	d := im.addDraft(Draft{Path: e.c.path, ID: e.id, Time: t, Body: c})
	if rc, ok := parseCIDURI(e.id, recordPrefix); ok {
		c.Record = rc
	} else {
		ref := Reference{Draft: d, Field: "body.record", Kind: RefRecord, URI: e.id, Path: e.c.child(".eventID"),
			Hint: "the event declared in error"}
		if e.id == "" {
			ref.Path, ref.Hint = e.c.path, "the event declared in error has no eventID"
		}
		im.unresolved(ref)
	}
	if ids, ok := decl.get("correctiveEventIDs"); ok {
		list, err := ids.items()
		if err != nil {
			return err
		}
		for i, ic := range list {
			s, err := ic.str()
			if err != nil {
				return err
			}
			if i > 0 {
				ic.skip("a Jejak correction names one replacement")
				continue
			}
			by, ok := parseCIDURI(s, recordPrefix)
			if !ok {
				im.unresolved(Reference{Draft: d, Field: "body.by", Kind: RefRecord, URI: s, Path: ic.path, Hint: "the corrective event"})
			}
			c.By = &by
		}
	}
	for i := range e.c.n.kids {
		if e.c.n.kids[i].key != "errorDeclaration" {
			e.c.n.kids[i].useAll()
		}
	}
	im.settle(d, signed, true)
	return nil
}
