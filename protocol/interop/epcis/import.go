package epcis

import (
	"fmt"
	"io"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// ImportOptions bounds what Import reads. The zero value uses the default
// limits.
type ImportOptions struct {
	Limits Limits
}

// Result is what a document proposes: drafts of records for the user to
// review and sign, the references in them the importer could not resolve,
// every field it could not map, and the signed records the document
// carried whole.
type Result struct {
	// Batch is the batch the document says it is about (jejak:batch), or
	// zero.
	Batch protocol.BatchID
	// Drafts are the proposed records, in document order: places from the
	// master data first, then one or more per event.
	Drafts []Draft
	// Unresolved lists each reference in a draft that names something the
	// document does not identify as Jejak's (an SGTIN, a GLN without a
	// key, a location by SGLN): the node resolves it, or asks the user.
	// Until then the draft holds a zero value there.
	Unresolved []Reference
	// Unmapped lists every part of the document no draft took up, with
	// the reason.
	Unmapped []Unmapped
	// Records are the signed records the document carried whole
	// (jejak:record) that open and verify, each once, in document order.
	// A node may store them as it stores records from a peer.
	Records []protocol.Signed
	// Problems are findings about carried records: one that does not
	// open, or an event whose fields disagree with the record it carries.
	Problems []Problem
}

// RecordBytes returns the bytes of the signed records the document
// carried (Records), in their order, as a node takes them to import.
func (r *Result) RecordBytes() [][]byte {
	out := make([][]byte, len(r.Records))
	for i, s := range r.Records {
		out[i] = s.Bytes
	}
	return out
}

// Unsigned returns the indexes in Drafts of the drafts still to review and
// sign, in order: those that no carried record among Records stands for
// (Draft.Signed is zero, or names no record of Records). The others are
// signed already: import their records instead.
func (r *Result) Unsigned() []int {
	carried := make(map[protocol.CID]bool, len(r.Records))
	for _, s := range r.Records {
		carried[s.CID] = true
	}
	var out []int
	for i, d := range r.Drafts {
		if d.Signed.IsZero() || !carried[d.Signed] {
			out = append(out, i)
		}
	}
	return out
}

// Draft is a record body proposed by one event or master-data element.
// Drafts are not checked against the record rules: resolve their
// references, then check them with protocol.CheckDraft before signing.
type Draft struct {
	// Path is the JSON path of the event or master-data element.
	Path string
	// ID is the document's identifier of it: the eventID, or a location's
	// id; "" when it has none.
	ID string
	// Time is when the event says it happened (eventTime, or for a
	// correction its declarationTime), Unix milliseconds; zero for a place.
	Time int64
	// Body is the proposed record body.
	Body protocol.Body
	// Party is the organisation the event says acted, as the document
	// names it: the sender of a shipment, the receiver of a receipt. The
	// node checks that it is the user's own organisation. "" when the
	// event names none.
	Party string
	// Signed is the CID of the signed record the event carried, when that
	// record verifies and says exactly what the draft says (body and time):
	// the draft is then already signed, and the record is in
	// Result.Records. Zero otherwise.
	Signed protocol.CID
}

// RefKind says what a reference names.
type RefKind string

// The kinds of reference.
const (
	RefBatch    RefKind = "batch"    // a batch: an input, or the batch a transfer sends
	RefPlace    RefKind = "place"    // a place record: an origin's place, a process's place
	RefOrg      RefKind = "org"      // an organisation key: a transfer's receiver
	RefTransfer RefKind = "transfer" // the transfer a receipt confirms
	RefRecord   RefKind = "record"   // the record a correction supersedes, or its replacement
)

// Reference is a reference in a draft that the importer could not
// resolve.
type Reference struct {
	// Draft is the index in Result.Drafts of the draft that holds it.
	Draft int
	// Field is the body field to fill in, as protocol names fields:
	// "body.in[1].batch", "body.to".
	Field string
	Kind  RefKind
	// URI is the identifier the document gives, or "" when it gives none.
	URI string
	// Path is the JSON path where the document gives it, or the event's
	// path when it gives none.
	Path string
	// Hint is what else the document says that may help: "2 instances of
	// …", "sent by …".
	Hint string
}

// Unmapped is a part of the document with no place in any draft.
type Unmapped struct {
	Path   string // JSON path: "epcisBody.eventList[1].example:myField"
	Value  string // the value as compact JSON, shortened
	Reason string
}

// Problem is a finding about a record the document carried.
type Problem struct {
	Path string
	Text string
}

// maxValueText bounds Unmapped.Value.
const maxValueText = 120

// Import reads an EPCIS 2.0 document (JSON or JSON-LD) and proposes Jejak
// records.
//
// Three things might happen. The document is refused for its size (an
// error that is ErrTooLarge) as soon as it passes a limit, having read no
// more than Limits.MaxBytes and one byte. It is refused as malformed
// (ErrMalformed, a *PathError with the JSON path): not JSON, or a field
// the mapping reads is not shaped as EPCIS 2.0 says. Or Import returns a
// Result: events Jejak has no record for (aggregation, association,
// sensor readings …) are listed in Result.Unmapped with the reason, not
// refused. Any other error is the reader's.
func Import(r io.Reader, opts ImportOptions) (*Result, error) {
	root, err := parse(r, opts.Limits)
	if err != nil {
		return nil, err
	}
	lim := opts.Limits.withDefaults()
	im := &importer{res: &Result{}, parties: map[string]protocol.PublicKey{}, seen: map[protocol.CID]bool{},
		maxDocs: lim.MaxValues, docBudget: lim.MaxValues}
	top := cur{n: root, why: map[*node]string{}}
	if err := im.document(top); err != nil {
		return nil, err
	}
	im.leftovers(top)
	return im.res, nil
}

// importer holds one import's state.
type importer struct {
	res     *Result
	ours    bool                          // the @context declares jejak as Namespace
	parties map[string]protocol.PublicKey // party URI → key, from master data
	seen    map[protocol.CID]bool         // carried records already in res.Records
	// A shipping event of n classes with m business transactions makes n
	// transfers of m documents each: docBudget bounds the documents made
	// in all by maxDocs, Limits.MaxValues, as the tree is bounded.
	maxDocs, docBudget int
}

func (im *importer) document(root cur) error {
	if err := root.want(kObject); err != nil {
		return err
	}
	root.n.used = true
	typ, typCur, err := root.reqStr("type")
	if err != nil {
		return err
	}
	if typ != "EPCISDocument" && typ != "EPCISQueryDocument" {
		return malformed(typCur.path, "%q: want EPCISDocument or EPCISQueryDocument", short(typ))
	}
	ctx, ok := root.get("@context")
	if !ok {
		return malformed("@context", "missing: an EPCIS 2.0 document names its JSON-LD context")
	}
	ctx.n.useAll()
	im.ours = declaresJejak(ctx.n)
	v, vCur, err := root.reqStr("schemaVersion")
	if err != nil {
		return err
	}
	if v != "2" && !strings.HasPrefix(v, "2.") {
		return malformed(vCur.path, "%q: want 2.0 (EPCIS 2.0)", short(v))
	}
	created, ok := root.get("creationDate")
	if !ok {
		return malformed("creationDate", "missing")
	}
	if _, err := timeOf(created); err != nil {
		return err
	}
	if b, ok := im.x(root, xBatch); ok {
		s, err := b.str()
		if err != nil {
			return err
		}
		id, ok := parseBatchURI(s)
		if !ok {
			return malformed(b.path, "%q is not a batch (urn:jejak:batch:<cid>:<n>)", short(s))
		}
		im.res.Batch = id
	}
	if h, ok := root.get("epcisHeader"); ok {
		if err := im.header(h); err != nil {
			return err
		}
	}
	body, ok := root.get("epcisBody")
	if !ok {
		return malformed("epcisBody", "missing")
	}
	if err := body.want(kObject); err != nil {
		return err
	}
	list, err := eventList(body, typ == "EPCISQueryDocument")
	if err != nil {
		return err
	}
	events, err := list.items()
	if err != nil {
		return err
	}
	for _, e := range events {
		if err := im.event(e); err != nil {
			return err
		}
	}
	return nil
}

// eventList finds the events: epcisBody.eventList, or in a query
// document epcisBody.queryResults.resultsBody.eventList.
func eventList(body cur, query bool) (cur, error) {
	if query {
		qr, ok := body.get("queryResults")
		if !ok {
			return cur{}, malformed(body.child(".queryResults"), "missing")
		}
		if err := qr.want(kObject); err != nil {
			return cur{}, err
		}
		rb, ok := qr.get("resultsBody")
		if !ok {
			return cur{}, malformed(qr.child(".resultsBody"), "missing")
		}
		if err := rb.want(kObject); err != nil {
			return cur{}, err
		}
		body = rb
	}
	list, ok := body.get("eventList")
	if !ok {
		return cur{}, malformed(body.child(".eventList"), "missing")
	}
	return list, nil
}

// declaresJejak reports whether a @context defines the prefix jejak as
// Namespace.
func declaresJejak(n *node) bool {
	switch n.kind {
	case kArray:
		// A later context overrides an earlier one.
		found := false
		for i := range n.kids {
			if m := n.kids[i].member("jejak"); m != nil {
				found = m.kind == kString && m.text == Namespace
			}
		}
		return found
	case kObject:
		m := n.member("jejak")
		return m != nil && m.kind == kString && m.text == Namespace
	}
	return false
}

func (im *importer) header(h cur) error {
	if err := h.want(kObject); err != nil {
		return err
	}
	if md, ok := h.get("epcisMasterData"); ok {
		if err := im.masterData(md); err != nil {
			return err
		}
	}
	if ev, ok := im.x(h, xEvidence); ok {
		entries, err := ev.items()
		if err != nil {
			return err
		}
		for _, e := range entries {
			if err := e.want(kObject); err != nil {
				return err
			}
			typ, _, err := e.reqStr(xType)
			if err != nil {
				return err
			}
			s, err := im.carried(e)
			if err != nil {
				return err
			}
			if s == nil {
				im.problem(e.path, "carries no record")
			} else if string(s.Type()) != typ {
				im.problem(e.path, fmt.Sprintf("says it is a %s record, but carries a %s record", short(typ), s.Type()))
			}
		}
	}
	return nil
}
