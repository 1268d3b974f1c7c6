package provenance_test

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// twoHarvests adds two harvests from two new plots to s, sent to the mill
// with the given documents, and a mill run over both.
func twoHarvests(t *testing.T, s *scenario.Scenario, docs [2][]protocol.Document) (places, transfers [2]protocol.Signed, p protocol.Signed) {
	t.Helper()
	mill := scenario.Key(millOrg).Public()
	var in []protocol.Input
	for i, name := range []string{"Blok 14C", "Blok 15D"} {
		ring := []protocol.Position{protocol.Pos(103.93+float64(i)*0.01, 1.79), protocol.Pos(103.935+float64(i)*0.01, 1.79),
			protocol.Pos(103.935+float64(i)*0.01, 1.795), protocol.Pos(103.93+float64(i)*0.01, 1.79)}
		g := protocol.PolygonGeometry(ring)
		places[i] = appendTo(t, s, plantDevice, &protocol.Place{Name: name, Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(g.Area()),
			Evidence: []protocol.Evidence{
				{Kind: protocol.EvidenceDeforestationFree, Ref: "GFW-2024-" + name, Method: "satellite imagery", Date: scenario.Start.UnixMilli()},
				{Kind: protocol.EvidenceLegality, Ref: "Geran " + name, Method: "land title", Date: scenario.Start.UnixMilli()}}})
		o := appendTo(t, s, plantDevice, &protocol.Origin{Places: []protocol.CID{places[i].CID},
			From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli() + 86_400_000,
			Out: []protocol.Output{{Product: "FFB", Qty: tne(50_000)}}})
		transfers[i] = appendTo(t, s, plantDevice, &protocol.Transfer{Batch: bid(o, 0), Qty: tne(50_000), To: mill, Docs: docs[i]})
		appendTo(t, s, millDevice, &protocol.Receive{Transfer: transfers[i].CID, Qty: tne(50_000)})
		in = append(in, protocol.Input{Batch: bid(o, 0), Qty: tne(50_000)})
	}
	p = appendTo(t, s, millDevice, &protocol.Process{In: in, Out: []protocol.Output{{Product: "CPO", Qty: tne(21_000)}}})
	return places, transfers, p
}

// TestStatementsUpstream: a due diligence statement on a transfer covers
// every origin upstream of the batch it sends; the report lists each
// statement with those origins, and the EUDR check says, as information,
// which origins a statement covers and which none does.
func TestStatementsUpstream(t *testing.T) {
	dds := []protocol.Document{{Kind: protocol.DocDDS, Ref: "24MYLSLB000014"}}
	tests := []struct {
		name     string
		build    func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options)
		refs     []string                                  // statements' references, in order
		covered  func(s *scenario.Scenario) []protocol.CID // places the first statement covers
		transfer func(s *scenario.Scenario) protocol.CID   // the transfer that carries it
		infos    map[string][]string                       // reason code → texts it mentions
		bare     func(s *scenario.Scenario) []protocol.CID // records of the reason on origins no statement covers
		from, to string
	}{
		{name: "none upstream",
			build: func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options) {
				return scenario.HonestPalm(), protocol.BatchID{}, provenance.Options{}
			},
			infos: map[string][]string{provenance.CodeNoStatement: {"no transfer upstream carries a due diligence statement", "3 origins"}},
			bare:  func(s *scenario.Scenario) []protocol.CID { return []protocol.CID{s.Marks["plantation.origin"].CID} }},
		{name: "on the mill's CPO transfer, two hops up",
			build: func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options) {
				return scenario.StatementUpstream(), protocol.BatchID{}, provenance.Options{}
			},
			refs: []string{scenario.DDSRef},
			covered: func(s *scenario.Scenario) []protocol.CID {
				return []protocol.CID{s.Marks["plot.12a"].CID, s.Marks["plot.12b"].CID}
			},
			transfer: func(s *scenario.Scenario) protocol.CID { return s.Marks["mill.transfer"].CID },
			infos: map[string][]string{provenance.CodeStatement: {`"Blok 12A", "Blok 12B" and "Kebun Pak Hamid (smallholder)" are covered`,
				scenario.DDSRef, "verification number " + scenario.DDSVerification, "21 t of CPO", "from Kilang Sawit Bukit Lebam Sdn Bhd to Pasir Gudang Edible Oils Sdn Bhd"}},
			from: "Kilang Sawit Bukit Lebam Sdn Bhd", to: "Pasir Gudang Edible Oils Sdn Bhd"},
		{name: "a forward trace's transfers are not upstream",
			build: func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options) {
				s := scenario.StatementUpstream()
				return s, bid(s.Marks["mill.process"], 0), provenance.Options{Forward: true}
			},
			infos: map[string][]string{provenance.CodeNoStatement: {"3 origins"}},
			bare:  func(s *scenario.Scenario) []protocol.CID { return []protocol.CID{s.Marks["plantation.origin"].CID} }},
		{name: "one harvest of two declared",
			build: func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options) {
				s := scenario.HonestPalm()
				places, transfers, p := twoHarvests(t, s, [2][]protocol.Document{dds, nil})
				s.Marks["plot.14c"], s.Marks["transfer.14c"] = places[0], transfers[0]
				return s, bid(p, 0), provenance.Options{}
			},
			refs:     []string{"24MYLSLB000014"},
			covered:  func(s *scenario.Scenario) []protocol.CID { return []protocol.CID{s.Marks["plot.14c"].CID} },
			transfer: func(s *scenario.Scenario) protocol.CID { return s.Marks["transfer.14c"].CID },
			infos: map[string][]string{provenance.CodeStatement: {`origin "Blok 14C" is covered`, "24MYLSLB000014", "50 t of FFB"},
				provenance.CodeNoStatement: {`origin "Blok 15D" is covered by no due diligence statement upstream`}},
			from: "Ladang Sungai Lebam Sdn Bhd", to: "Kilang Sawit Bukit Lebam Sdn Bhd"},
		{name: "incomplete trace: nothing said of what is not seen",
			build: func(t *testing.T) (*scenario.Scenario, protocol.BatchID, provenance.Options) {
				return scenario.MissingAncestor(), protocol.BatchID{}, provenance.Options{}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, id, opts := tc.build(t)
			r := verify(t, s, id, opts)
			var refs []string
			for _, st := range r.Statements {
				refs = append(refs, st.Ref)
			}
			if !slices.Equal(refs, tc.refs) {
				t.Fatalf("statements %v, want %v", refs, tc.refs)
			}
			if len(tc.refs) > 0 {
				st := r.Statements[0]
				if want := tc.covered(s); len(st.Origins) < len(want) || !slices.Equal(st.Origins[:len(want)], want) {
					t.Errorf("statement covers %v, want %v first", st.Origins, want)
				}
				if tr := tc.transfer(s); st.Transfer != tr {
					t.Errorf("statement on %s, want %s", st.Transfer, tr)
				}
				if st.From != tc.from || st.To != tc.to {
					t.Errorf("statement from %q to %q, want %q to %q", st.From, st.To, tc.from, tc.to)
				}
				for _, pc := range st.Origins {
					if !slices.ContainsFunc(r.Origins, func(o provenance.Origin) bool { return o.Place == pc }) {
						t.Errorf("statement covers %s, which is not among the report's origins", pc)
					}
				}
			}
			c := r.Check("eudr")
			for _, code := range []string{provenance.CodeStatement, provenance.CodeNoStatement} {
				var texts []string
				for _, x := range c.Reasons {
					if x.Code == code {
						if x.Level != provenance.LevelInfo {
							t.Errorf("reason %s is %s, want info", code, x.Level)
						}
						texts = append(texts, x.Text)
					}
				}
				want := tc.infos[code]
				if len(want) == 0 {
					if len(texts) > 0 {
						t.Errorf("unexpected %s: %v", code, texts)
					}
					continue
				}
				x := reason(t, r, "eudr", code)
				var cids []protocol.CID
				if code == provenance.CodeNoStatement && tc.bare != nil {
					cids = tc.bare(s)
				}
				if code == provenance.CodeStatement {
					cids = []protocol.CID{r.Statements[0].Transfer}
				}
				mentions(t, x, want, cids...)
			}
			if c.Status == provenance.Fail || (c.Status == provenance.Warn && s.Warns == "") {
				t.Errorf("statements changed the EUDR check's status to %s", c.Status)
			}
		})
	}
}

// TestStatementJSON pins the statement's JSON field names (REPORT.md).
func TestStatementJSON(t *testing.T) {
	r := verify(t, scenario.StatementUpstream(), protocol.BatchID{}, provenance.Options{})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var top struct {
		Statements []map[string]any `json:"statements"`
	}
	if err := json.Unmarshal(data, &top); err != nil || len(top.Statements) != 1 {
		t.Fatalf("statements %v, %v", top.Statements, err)
	}
	want := []string{"batch", "from", "from_key", "origin_records", "origins", "product", "qty", "ref", "time", "to", "to_key", "transfer", "verification"}
	if got := keysOf(t, top.Statements[0]); !reflect.DeepEqual(got, want) {
		t.Errorf("statement fields:\n got %v\nwant %v", got, want)
	}
	empty := verify(t, scenario.HonestPalm(), protocol.BatchID{}, provenance.Options{})
	if b, _ := json.Marshal(empty); !strings.Contains(string(b), `"statements":[]`) {
		t.Errorf("a report without statements does not say \"statements\":[]")
	}
}
