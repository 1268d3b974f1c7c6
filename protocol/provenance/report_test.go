package provenance_test

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func keysOf(t *testing.T, v any) []string {
	t.Helper()
	m, ok := v.(map[string]any)
	if !ok {
		t.Fatalf("%v is not an object", v)
	}
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

// TestReportJSON pins the JSON field names REPORT.md documents: tools rely
// on them.
func TestReportJSON(t *testing.T) {
	r := verify(t, scenario.DoubleClaim(), protocol.BatchID{}, provenance.Options{})
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var top map[string]any
	if err := json.Unmarshal(data, &top); err != nil {
		t.Fatal(err)
	}
	first := func(k string) any { return top[k].([]any)[0] }
	want := map[string][]string{
		"report":   {"anchors", "batch", "checked_at", "checks", "forward", "graph", "missing", "origins", "signers", "statements", "stats", "summary", "summary_key", "summary_params", "verdict"},
		"stats":    {"context", "fetched", "missing", "records", "truncated"},
		"check":    {"name", "reasons", "status", "summary", "summary_key", "summary_params", "title"},
		"reason":   {"code", "key", "level", "numbers", "params", "records", "text"},
		"origin":   {"area_ha", "country", "eudr", "from", "geometry", "kind", "lat", "lon", "name", "org", "org_key", "place", "polygon", "products", "records", "until"},
		"signer":   {"country", "devices", "endorsements", "key", "name", "records", "roles", "trusted", "why", "why_key", "why_params"},
		"device":   {"delegation", "key", "name", "records"},
		"endorse":  {"by", "by_name", "certificate", "record", "role", "trusted"},
		"cert":     {"model", "number", "scheme", "valid_from", "valid_until"},
		"node":     {"claim", "id", "kind", "lot", "org", "org_key", "place", "product", "qty", "record", "role", "time", "type"},
		"transfer": {"failing", "id", "kind", "org", "org_key", "product", "qty", "received", "record", "role", "time", "to_org", "to_org_key", "type"},
		"edge":     {"from", "kind", "qty", "record", "to"},
	}
	var failing map[string]any
	for _, c := range top["checks"].([]any) {
		if c.(map[string]any)["name"] == "double_claim" {
			failing = c.(map[string]any)
		}
	}
	signer := first("signers").(map[string]any)
	endorse := signer["endorsements"].([]any)[0].(map[string]any)
	graph := top["graph"].(map[string]any)
	var batchNode, transferNode map[string]any
	for _, n := range graph["nodes"].([]any) {
		n := n.(map[string]any)
		if n["kind"] == "transfer" && n["failing"] == true {
			transferNode = n
		}
		if n["role"] == "start" {
			batchNode = n
		}
	}
	got := map[string]any{
		"report": top, "stats": top["stats"], "check": failing, "reason": failing["reasons"].([]any)[0],
		"origin": first("origins"), "signer": signer, "device": signer["devices"].([]any)[0], "endorse": endorse,
		"cert": endorse["certificate"], "node": batchNode, "transfer": transferNode, "edge": graph["edges"].([]any)[0],
	}
	for name, keys := range want {
		if g := keysOf(t, got[name]); !reflect.DeepEqual(g, keys) {
			t.Errorf("%s fields:\n got %v\nwant %v", name, g, keys)
		}
	}
	if top["verdict"] != "failed" || failing["status"] != "fail" {
		t.Errorf("verdict %v, status %v", top["verdict"], failing["status"])
	}
}

// TestGraph checks the palm chain's graph: batches linked through the
// transfers by which each consumer held its input.
func TestGraph(t *testing.T) {
	s := scenario.HonestPalm()
	r := verify(t, s, protocol.BatchID{}, provenance.Options{})
	m := s.Marks
	edges := map[[3]string]bool{}
	for _, e := range r.Graph.Edges {
		edges[[3]string{e.From, e.To, e.Kind}] = true
	}
	tr := m["mill.transfer"].CID.String()
	for _, e := range [][3]string{
		{bid(m["mill.process"], 0).String(), tr, provenance.EdgeSent},
		{tr, bid(m["refinery.process"], 0).String(), provenance.EdgeConsumed},
		{bid(m["plantation.origin"], 0).String(), "", ""},
	} {
		if e[1] == "" {
			continue
		}
		if !edges[e] {
			t.Errorf("no edge %v in %v", e, r.Graph.Edges)
		}
	}
	kinds := map[string]int{}
	for _, n := range r.Graph.Nodes {
		kinds[n.Kind]++
		if n.Failing {
			t.Errorf("node %s failing in an honest chain", n.ID)
		}
	}
	// FFB, CPO, olein, cooking oil; three transfers.
	if kinds[provenance.NodeBatch] != 4 || kinds[provenance.NodeTransfer] != 3 {
		t.Errorf("nodes %v", kinds)
	}
	fwd := verify(t, s, bid(m["plantation.origin"], 0), provenance.Options{Forward: true})
	roles := map[string]int{}
	for _, n := range fwd.Graph.Nodes {
		roles[n.Role]++
	}
	// Forward from the harvest: CPO and PK, olein, stearin and PFAD,
	// cooking oil; and the three transfers along the way.
	if roles["start"] != 1 || roles["descendant"] != 9 || fwd.Verdict != provenance.Trusted {
		t.Errorf("forward roles %v, verdict %s\n%s", roles, fwd.Verdict, fwd.Text())
	}
}

func TestText(t *testing.T) {
	r := verify(t, scenario.DoubleClaim(), protocol.BatchID{}, provenance.Options{})
	text := r.Text()
	for _, s := range []string{"FAILED: do not rely on this batch", "[FAIL] Double claims", "[PASS] Integrity", "x batch",
		"Origins", "Blok 12A (plot, MY)", "Signers", "Kilang Sawit Bukit Lebam Sdn Bhd (mill, MY)", "RSPO-SCC-2023-0877", "COOKING OIL, 14.85 t"} {
		if !strings.Contains(text, s) {
			t.Errorf("text lacks %q:\n%s", s, text)
		}
	}
	if i, j := strings.Index(text, "Checks"), strings.Index(text, "Origins"); i < 0 || j < i || strings.Index(text, "Signers") < j {
		t.Error("sections out of order")
	}
	r = verify(t, scenario.UnendorsedMill(), protocol.BatchID{}, provenance.Options{})
	if text := r.Text(); !strings.Contains(text, "UNENDORSED") || !strings.Contains(text, "NOT trusted") {
		t.Errorf("unendorsed text:\n%s", text)
	}
}
