package cmrt

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// ErrNoSmelters is the error Smelters wraps when no smelter, and no
// refinery making gold, is behind a batch: a palm oil batch, a board whose
// metal records are not on the network.
var ErrNoSmelters = errors.New("no smelter or gold refiner in the trace")

// Smelters returns the smelters behind the batch of rep, one row per
// smelter and metal, sorted as the template sorts its list: by metal
// (Gold, Tantalum, Tin, Tungsten, then rows with no metal), then by smelter
// name.
//
// rep and recs are what provenance.VerifyWithEvidence returns for the
// batch. A smelter is a place of kind smelter (or of kind refinery making
// gold) where a batch of the trace was made: the place of a process
// record, or one of the places of an origin record. Only the batch's
// ancestry counts, not what a forward trace adds, nor batches a correction
// replaced. The metal comes from the product of that batch (MetalOf); a
// smelter's product that is no metal of the template still gives a row,
// with no metal and a comment saying so, so no smelter behind the batch is
// left out unseen. The mines of a row are the places of kind mine among
// the origin's places and upstream of the smelter's batch, up to the next
// smelter. The RMAP status reads the certificates the report shows for the
// organisation that recorded the metal, judged at the record's time as the
// certification check judges them.
//
// Three things might happen. Rows and a nil error: the list. No rows and
// an error wrapping ErrNoSmelters: nothing behind the batch is a smelter
// (the message says whether records of the trace were missing). Any other
// error: rep and recs do not belong together (a record of the report's
// graph is not among recs, though the report finds nothing wrong with it).
// Smelters whose records are missing from an incomplete trace, or whose
// records failed verification (forged, unreadable), are not in the list:
// show the report's verdict with it.
func Smelters(rep *provenance.Report, recs []protocol.Signed) ([]Row, error) {
	if rep == nil {
		return nil, errors.New("cmrt: smelter list: no report")
	}
	t := &tracer{rep: rep, recs: map[protocol.CID]*protocol.Record{}, nodes: map[string]*provenance.Node{},
		up: map[string][]string{}, rows: map[rowKey]*Row{}}
	for _, s := range recs {
		if s.Record != nil {
			t.recs[s.CID] = s.Record
		}
	}
	for i := range rep.Graph.Nodes {
		n := &rep.Graph.Nodes[i]
		t.nodes[n.ID] = n
	}
	for _, e := range rep.Graph.Edges {
		t.up[e.To] = append(t.up[e.To], e.From)
	}
	for i := range rep.Graph.Nodes {
		if err := t.batch(&rep.Graph.Nodes[i]); err != nil {
			return nil, err
		}
	}
	rows := make([]Row, 0, len(t.order))
	for _, k := range t.order {
		rows = append(rows, *t.rows[k])
	}
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		if ra, rb := metalRank(a.Metal), metalRank(b.Metal); ra != rb {
			return ra < rb
		}
		if la, lb := strings.ToLower(a.Name), strings.ToLower(b.Name); la != lb {
			return la < lb
		}
		if a.Name != b.Name {
			return a.Name < b.Name
		}
		if a.Metal != b.Metal {
			return a.Metal < b.Metal
		}
		return a.Place.String() < b.Place.String()
	})
	if len(rows) == 0 {
		why := "its records name no place of kind smelter, nor a refinery making gold; the list is for products made with tin, tantalum, tungsten or gold"
		switch {
		case t.unread > 0:
			why = fmt.Sprintf("%d batches of its trace come from records that failed verification, which name no smelter here; see the report", t.unread)
		case len(rep.Missing) > 0:
			why = fmt.Sprintf("%d records of its trace are missing and may name them; verify again once they arrive", len(rep.Missing))
		}
		return rows, fmt.Errorf("cmrt: smelter list of batch %s: %w (%s)", rep.Batch, ErrNoSmelters, why)
	}
	return rows, nil
}

type rowKey struct {
	place protocol.CID
	metal string
}

// tracer holds one Smelters call's indexes and the rows it has found.
type tracer struct {
	rep   *provenance.Report
	recs  map[protocol.CID]*protocol.Record
	nodes map[string]*provenance.Node
	up    map[string][]string // node ID → the IDs of the nodes with an edge to it
	rows  map[rowKey]*Row
	order []rowKey
	// unread counts batches of the graph whose records failed
	// verification and are not among the records.
	unread int
}

// ancestry reports whether n is a batch of the batch's own story: made,
// known and not replaced by a correction.
func ancestry(n *provenance.Node) bool {
	return n.Kind == provenance.NodeBatch && !n.Missing && !n.Corrected && n.Role != "descendant"
}

// batch adds the rows of the smelters where batch node n was made.
func (t *tracer) batch(n *provenance.Node) error {
	if !ancestry(n) {
		return nil
	}
	rec, ok := t.recs[n.Record]
	if !ok && n.Failing {
		// Forged or unreadable: VerifyWithEvidence leaves such records
		// out, and the report says why.
		t.unread++
		return nil
	}
	if !ok {
		return fmt.Errorf("cmrt: smelter list of batch %s: record %s of the report's graph is not among the records given (pass the records VerifyWithEvidence returned with the report)", t.rep.Batch, n.Record)
	}
	metal := MetalOf(n.Product)
	var conf *Conformance // n's, read at its first smelter
	for _, pc := range placesOf(rec.Body) {
		pl := t.place(pc)
		if pl == nil || !(pl.Kind == protocol.PlaceSmelter || pl.Kind == protocol.PlaceRefinery && metal == Gold) {
			continue
		}
		k := rowKey{pc, metal}
		r := t.rows[k]
		if r == nil {
			r = &Row{Metal: metal, Name: pl.Name, CountryCode: pl.Country, Country: CountryName(pl.Country), Place: pc}
			for _, id := range pl.IDs {
				if id.Scheme == protocol.IDRMI {
					r.ID, r.IDSource = id.ID, SourceRMI
					break
				}
			}
			t.rows[k] = r
			t.order = append(t.order, k)
		}
		if conf == nil {
			c := t.conformance(n)
			conf = &c
		}
		if len(r.Records) == 0 || rank(conf.Status) < rank(r.RMAP.Status) {
			// A row is only as conformant as the least conformant of
			// its records.
			r.RMAP = *conf
		}
		r.Products = appendNew(r.Products, n.Product)
		r.Records = appendCID(r.Records, n.Record)
		for _, m := range t.mines(n, pc) {
			r.Mines = addMine(r.Mines, m)
		}
	}
	return nil
}

// place returns the place record c, or nil when the records lack it (the
// report names it missing).
func (t *tracer) place(c protocol.CID) *protocol.Place {
	if rec := t.recs[c]; rec != nil {
		if pl, ok := rec.Body.(*protocol.Place); ok {
			return pl
		}
	}
	return nil
}

// placesOf returns the places a record says its batches were made at.
func placesOf(b protocol.Body) []protocol.CID {
	switch b := b.(type) {
	case *protocol.Origin:
		return b.Places
	case *protocol.Process:
		if b.Place != nil {
			return []protocol.CID{*b.Place}
		}
	}
	return nil
}

// mines returns the mines that supplied smelter place sp with batch node n:
// mines among the places of n's own record (an origin may name the mines
// with the smelter), and mines where batches upstream of n were made,
// walking back through the graph (batches and the transfers they came by)
// but not past another smelter or refinery.
func (t *tracer) mines(n *provenance.Node, sp protocol.CID) []Mine {
	var out []Mine
	seen := map[string]bool{}
	var walk func(n *provenance.Node)
	walk = func(n *provenance.Node) {
		if seen[n.ID] {
			return
		}
		seen[n.ID] = true
		if n.Kind == provenance.NodeBatch {
			rec := t.recs[n.Record]
			if !ancestry(n) || rec == nil || t.otherSmelter(rec, sp) {
				return
			}
			for _, pc := range placesOf(rec.Body) {
				if pl := t.place(pc); pl != nil && pl.Kind == protocol.PlaceMine {
					out = append(out, Mine{Name: pl.Name, CountryCode: pl.Country, Country: CountryName(pl.Country), Place: pc,
						Records: []protocol.CID{n.Record}})
				}
			}
		}
		for _, id := range t.up[n.ID] {
			if u := t.nodes[id]; u != nil {
				walk(u)
			}
		}
	}
	walk(n)
	return out
}

// otherSmelter reports whether record rec made its batches at a smelter or
// refinery other than sp.
func (t *tracer) otherSmelter(rec *protocol.Record, sp protocol.CID) bool {
	for _, pc := range placesOf(rec.Body) {
		if pl := t.place(pc); pl != nil && pc != sp && (pl.Kind == protocol.PlaceSmelter || pl.Kind == protocol.PlaceRefinery) {
			return true
		}
	}
	return false
}

// conformance returns the RMAP status of the organisation that made batch
// node n, at the node's time, from the certificates the report shows for
// it, as provenance.Report.CertificateAt judges them: valid on that day,
// not withdrawn by then (a withdrawal since does not undo it), and issued
// by a certifier the report trusts.
func (t *tracer) conformance(n *provenance.Node) Conformance {
	if n.OrgKey == nil || n.Time == nil {
		return Conformance{Status: RMAPNone}
	}
	en, valid, trusted := t.rep.CertificateAt(*n.OrgKey, SchemeRMAP, *n.Time)
	if en == nil {
		return Conformance{Status: RMAPNone}
	}
	c := en.Certificate
	x := Conformance{Status: RMAPNotValid, Certificate: c.Number, Certifier: en.ByName, ValidFrom: c.ValidFrom,
		ValidUntil: c.ValidUntil, RevokedAt: en.RevokedAt, Record: en.Record}
	switch {
	case trusted:
		x.Status = RMAPConformant
	case valid:
		x.Status = RMAPUnendorsed
	}
	return x
}

// rank orders the statuses, strongest highest.
func rank(s RMAPStatus) int {
	switch s {
	case RMAPConformant:
		return 3
	case RMAPUnendorsed:
		return 2
	case RMAPNotValid:
		return 1
	}
	return 0
}

// addMine adds m to ms, merging it with an entry of the same place.
func addMine(ms []Mine, m Mine) []Mine {
	for i := range ms {
		if ms[i].Place == m.Place {
			for _, rc := range m.Records {
				ms[i].Records = appendCID(ms[i].Records, rc)
			}
			return ms
		}
	}
	return append(ms, m)
}

func appendCID(cs []protocol.CID, c protocol.CID) []protocol.CID {
	for _, x := range cs {
		if x == c {
			return cs
		}
	}
	return append(cs, c)
}

// CountryName returns the template's name of a country given by its ISO
// 3166-1 alpha-2 code ("TH" → "THAILAND"), or the code itself, in capitals,
// when it is none of ISO's (records of format 1 could name any).
func CountryName(code string) string {
	if n, ok := countries[strings.ToUpper(code)]; ok {
		return n
	}
	return strings.ToUpper(code)
}
