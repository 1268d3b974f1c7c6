package provenance

import (
	"github.com/jejak/jejak/protocol"
)

// Reason codes of origins recorded on a supplier's behalf (check eudr).
const (
	// CodeOnBehalf: an origin was recorded by a mill on behalf of a
	// smallholder or dealer who runs no Jejak (information). Numbers:
	// recorder, kind, scheme, record, and name and id when a disclosure
	// opens the record's commitments.
	CodeOnBehalf = "on_behalf"
	// CodeBadDisclosure: a disclosure given for an origin does not open
	// its commitments (failure).
	CodeBadDisclosure = "disclosure_mismatch"
)

// Disclosures finds the disclosure of an origin record's supplier, if the
// verifier was given one.
type Disclosures func(origin protocol.CID) (protocol.Disclosure, bool)

// DisclosureList returns Disclosures that look in ds.
func DisclosureList(ds []protocol.Disclosure) Disclosures {
	m := make(map[protocol.CID]protocol.Disclosure, len(ds))
	for _, d := range ds {
		m[d.Record] = d
	}
	return func(c protocol.CID) (protocol.Disclosure, bool) {
		d, ok := m[c]
		return d, ok
	}
}

// SupplierOrigin is an origin of the trace recorded on behalf of a
// supplier who runs no Jejak.
type SupplierOrigin struct {
	Record   protocol.CID `json:"record"`
	Recorder string       `json:"recorder"` // the organisation that signed it
	Kind     string       `json:"kind"`     // protocol.SupplierSmallholder or SupplierDealer
	Scheme   string       `json:"scheme"`   // the ID's scheme
	// Disclosure is the disclosure that opens the record's commitments
	// (nil: none was given, or the one given does not open them).
	Disclosure *protocol.Disclosure `json:"disclosure,omitempty"`
}

// checkOnBehalf says, on the EUDR check, which origins a mill recorded on
// a supplier's behalf, with the supplier's name and ID when a disclosure
// opens the record's commitments; a disclosure that does not is a failure
// naming the record. It fills v.suppliers for the report.
func (v *verifier) checkOnBehalf(b *checkBuilder) {
	for _, e := range v.tracedRecords() {
		o, ok := e.rec.Body.(*protocol.Origin)
		if !ok || o.Supplier == nil || v.corrected(e.cid) {
			continue
		}
		s := o.Supplier
		recorder := e.rec.Author.Short() // a key no organisation delegated
		if d := v.deviceOf(e.rec.Author); !d.org.IsZero() {
			recorder = v.orgName(d.org)
		}
		so := SupplierOrigin{Record: e.cid, Recorder: recorder, Kind: s.Kind, Scheme: s.Scheme}
		numbers := map[string]string{"recorder": so.Recorder, "kind": s.Kind, "scheme": s.Scheme, "record": e.cid.Short()}
		var d protocol.Disclosure
		disclosed := false
		if v.opts.Disclosures != nil {
			d, disclosed = v.opts.Disclosures(e.cid)
		}
		var bad error
		if disclosed {
			bad = d.Opens(s)
		}
		switch {
		case !disclosed:
			b.add(LevelInfo, CodeOnBehalf, m("reason.on_behalf", "record", e.cid.Short(), "recorder", so.Recorder,
				"kind_key", "supplier.kind."+s.Kind, "scheme", s.Scheme), []protocol.CID{e.cid}, numbers)
		case bad != nil:
			b.fail(CodeBadDisclosure, m("reason.disclosure_mismatch", "record", e.cid.Short()), e.cid)
		default:
			so.Disclosure = &d
			numbers["name"], numbers["id"] = d.Name, d.ID
			b.add(LevelInfo, CodeOnBehalf, m("reason.on_behalf_disclosed", "record", e.cid.Short(), "recorder", so.Recorder,
				"kind_key", "supplier.kind."+s.Kind, "scheme", s.Scheme, "name", d.Name, "id", d.ID), []protocol.CID{e.cid}, numbers)
		}
		v.suppliers = append(v.suppliers, so)
	}
}
