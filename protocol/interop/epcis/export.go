package epcis

import (
	"cmp"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// ExportOptions says how to write a document. The zero value is ready to
// use.
type ExportOptions struct {
	// Created is the document's creationDate. Zero means the report's
	// CheckedAt when there is a report, else the newest record's time, so
	// that the same records always give the same document.
	Created time.Time
}

// Export writes records as one EPCIS 2.0 JSON-LD document: an event for
// each origin, process, transfer, receipt and correction, master data for
// places and organisations, and every other record (device keys,
// endorsements, revocations) carried whole in the header. Each event and
// master-data element carries its record's CID, signature and bytes, so a
// reader can verify it (see the package documentation for the mapping).
//
// The records are typically those provenance.VerifyWithEvidence returns,
// with its report: the report names the batch the document is about. The
// report may be nil. Records appear once each, in order of time.
//
// Export fails only for a record without its bytes, or when w fails.
func Export(w io.Writer, report *provenance.Report, recs []protocol.Signed, opts ExportOptions) error {
	x, err := newExporter(recs)
	if err != nil {
		return err
	}
	doc := &document{
		Context:       []any{ContextURL, jejakContext()},
		Type:          "EPCISDocument",
		SchemaVersion: "2.0",
		CreationDate:  stamp(x.created(report, opts)),
		Body:          eventsBody{Events: []*event{}},
	}
	if report != nil && !report.Batch.IsZero() {
		doc.Batch = BatchURI(report.Batch)
	}
	var places, parties []element
	var carried []evidence
	for _, s := range x.recs {
		switch b := s.Body.(type) {
		case *protocol.Place:
			places = append(places, x.placeElement(s, b))
		case *protocol.Org:
			parties = append(parties, x.partyElement(s, b))
		default:
			if ev, ok := x.event(s); ok {
				doc.Body.Events = append(doc.Body.Events, ev)
			} else {
				carried = append(carried, evidence{Type: string(s.Type()), signedRecord: carry(s)})
			}
		}
	}
	var md *masterData
	if len(places) > 0 || len(parties) > 0 {
		md = &masterData{}
		if len(places) > 0 {
			md.Vocabularies = append(md.Vocabularies, vocabulary{Type: vtypeLocation, Elements: places})
		}
		if len(parties) > 0 {
			md.Vocabularies = append(md.Vocabularies, vocabulary{Type: vtypeParty, Elements: parties})
		}
	}
	if md != nil || len(carried) > 0 {
		doc.Header = &header{MasterData: md, Evidence: carried}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("epcis: export: %w", err)
	}
	return nil
}

// jejakContext declares Jejak's prefix and the types of its binary fields.
func jejakContext() map[string]any {
	b64 := map[string]string{"@type": "xsd:base64Binary"}
	return map[string]any{"jejak": Namespace, xRecord: b64, xSignature: b64}
}

// exporter holds what writing one document needs to look up.
type exporter struct {
	recs   []protocol.Signed // once each, by time then CID
	byCID  map[protocol.CID]protocol.Signed
	orgOf  map[protocol.PublicKey]protocol.PublicKey // device key → org key
	orgRec map[protocol.PublicKey]*protocol.Org      // org key → its latest profile
}

func newExporter(in []protocol.Signed) (*exporter, error) {
	x := &exporter{byCID: map[protocol.CID]protocol.Signed{}, orgOf: map[protocol.PublicKey]protocol.PublicKey{},
		orgRec: map[protocol.PublicKey]*protocol.Org{}}
	orgSeq := map[protocol.PublicKey]uint64{}
	for _, s := range in {
		if s.Record == nil || s.Body == nil || len(s.Bytes) == 0 {
			return nil, fmt.Errorf("epcis: export: record %s: its bytes are missing", s.CID)
		}
		if _, dup := x.byCID[s.CID]; dup {
			continue
		}
		x.byCID[s.CID] = s
		x.recs = append(x.recs, s)
		switch b := s.Body.(type) {
		case *protocol.Device:
			x.orgOf[b.Key] = s.Author
		case *protocol.Org:
			if s.Seq >= orgSeq[s.Author] {
				orgSeq[s.Author], x.orgRec[s.Author] = s.Seq, b
			}
		}
	}
	slices.SortStableFunc(x.recs, func(a, b protocol.Signed) int {
		return cmp.Or(cmp.Compare(a.Time, b.Time), cmp.Compare(a.CID.String(), b.CID.String()))
	})
	return x, nil
}

func (x *exporter) created(report *provenance.Report, opts ExportOptions) time.Time {
	switch {
	case !opts.Created.IsZero():
		return opts.Created
	case report != nil && !report.CheckedAt.IsZero():
		return report.CheckedAt
	case len(x.recs) > 0:
		return time.UnixMilli(x.recs[len(x.recs)-1].Time)
	}
	return time.UnixMilli(protocol.MinTime)
}

// party names an organisation: by its GLN where its profile has one, else
// by its key.
func (x *exporter) party(org protocol.PublicKey) string {
	if o := x.orgRec[org]; o != nil && o.GLN != "" {
		return glnURI(o.GLN)
	}
	return OrgURI(org)
}

// authorOrg returns the organisation a record's author writes for: the
// org key that delegated its device key, or the author itself when it is
// an org key.
func (x *exporter) authorOrg(s protocol.Signed) (protocol.PublicKey, bool) {
	if o, ok := x.orgOf[s.Author]; ok {
		return o, true
	}
	if _, ok := x.orgRec[s.Author]; ok {
		return s.Author, true
	}
	return protocol.PublicKey{}, false
}

// carry returns the fields that carry s whole.
func carry(s protocol.Signed) signedRecord {
	return signedRecord{CID: s.CID.String(), Signature: base64.StdEncoding.EncodeToString(s.Sig),
		Record: base64.StdEncoding.EncodeToString(s.Bytes)}
}

// stamp formats a time as EPCIS writes it: UTC, to the millisecond.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z07:00") }

// stampMs formats Unix milliseconds as stamp does.
func stampMs(ms int64) string { return stamp(time.UnixMilli(ms)) }
