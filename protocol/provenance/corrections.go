package provenance

import (
	"sort"

	"github.com/jejak/jejak/protocol"
)

// corr is what corrections say about one record.
type corr struct {
	final     protocol.CID // the record to use in its place; itself when not corrected
	retracted bool         // withdrawn without a replacement
	by        *entry       // the correct record that superseded it, if any
	members   []protocol.CID
}

// corrIssue is a correction that was not applied, and why.
type corrIssue struct {
	correct *entry
	text    msg
}

// maxCorrections bounds a chain of corrections of corrections.
const maxCorrections = 16

// canon follows the valid corrections of record c to the record that
// replaces it. A correction is valid when it is signed by the corrected
// record's organisation and any replacement is a record of the same type
// by the same organisation; invalid ones are kept as issues and ignored.
func (v *verifier) canon(c protocol.CID) *corr {
	return v.canonDepth(c, 0)
}

func (v *verifier) canonDepth(c protocol.CID, depth int) *corr {
	if k, ok := v.corrs[c]; ok {
		return k
	}
	k := &corr{final: c, members: []protocol.CID{c}}
	v.corrs[c] = k
	refs := v.referrers(c, protocol.TypeCorrect)
	if len(refs) == 0 {
		return k
	}
	target := v.load(c, protocol.CID{}, m("reason.what.corrected"))
	var supersede []*entry
	for _, rc := range refs {
		e := v.loadContext(rc, c, m("reason.what.correction"))
		if e == nil || !e.ok() {
			continue
		}
		b, ok := e.rec.Body.(*protocol.Correct)
		if !ok {
			continue
		}
		if b.By != nil && *b.By == c && b.Record != c {
			k.members = append(k.members, b.Record) // c replaces an earlier record
			continue
		}
		if b.Record != c || target == nil || !target.ok() {
			continue
		}
		if v.orgKey(e.rec.Author) != v.orgKey(target.rec.Author) {
			v.corrIssues = append(v.corrIssues, corrIssue{e, v.signer(v.signer(m("reason.invalid_correction.author", "record", e.cid.Short(),
				"target", c.Short()), "signer", e.rec.Author), "author", target.rec.Author)})
			continue
		}
		supersede = append(supersede, e)
	}
	if len(supersede) == 0 || depth >= maxCorrections {
		return k
	}
	sort.Slice(supersede, func(i, j int) bool { return earlier(supersede[j], supersede[i]) }) // latest first
	by := supersede[0]
	k.by = by
	b := by.rec.Body.(*protocol.Correct)
	if b.By == nil {
		k.retracted = true
		return k
	}
	repl := v.load(*b.By, by.cid, m("reason.what.replacement"))
	if repl == nil {
		return k
	}
	if !repl.ok() {
		// The replacement is missing or broken: integrity names it; keep
		// using the original.
		k.by = nil
		return k
	}
	if repl.rec.Type() != target.rec.Type() || v.orgKey(repl.rec.Author) != v.orgKey(target.rec.Author) {
		v.corrIssues = append(v.corrIssues, corrIssue{by, v.signer(m("reason.invalid_correction.kind", "record", by.cid.Short(), "type_key", typeKey(target.rec.Type()),
			"target", c.Short(), "new_type_key", typeKey(repl.rec.Type()), "replacement", repl.cid.Short()), "signer", repl.rec.Author)})
		k.by = nil
		return k
	}
	next := v.canonDepth(*b.By, depth+1)
	k.final, k.retracted = next.final, next.retracted
	for _, m := range next.members {
		if m != c {
			k.members = append(k.members, m)
		}
	}
	return k
}

// corrected reports whether record c is superseded (replaced or withdrawn).
func (v *verifier) corrected(c protocol.CID) bool {
	k := v.canon(c)
	return k.final != c || k.retracted
}
