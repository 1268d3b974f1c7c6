package epcis_test

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// feed writes one key's records in order, for small hand-made worlds.
type feed struct {
	t    testing.TB
	key  protocol.PrivateKey
	seq  uint64
	last protocol.CID
	out  *[]protocol.Signed
	now  *int64
}

func (f *feed) add(b protocol.Body) protocol.Signed {
	f.t.Helper()
	s, err := protocol.Seal(&protocol.Record{Seq: f.seq + 1, Prev: f.last, Time: *f.now, Body: b}, f.key)
	if err != nil {
		f.t.Fatal(err)
	}
	f.seq, f.last = s.Seq, s.CID
	*f.now += time.Hour.Milliseconds()
	*f.out = append(*f.out, s)
	return s
}

// glnWorld is a mill and a refinery whose profiles name GLNs: the mill
// records a plot, a harvest bought from a dealer, a milling run with a
// hashed weighbridge ticket, and sends the oil, which the refinery
// receives.
func glnWorld(t testing.TB) []protocol.Signed {
	var recs []protocol.Signed
	now := scenario.Start.UnixMilli()
	mk := func(name string) *feed {
		return &feed{t: t, key: scenario.Key("epcis-test/" + name), out: &recs, now: &now}
	}
	mill, millDev, ref, refDev := mk("mill"), mk("mill/desk"), mk("refinery"), mk("refinery/desk")
	mill.add(&protocol.Org{Name: "Kilang Uji", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY", GLN: "9551234500004"})
	mill.add(&protocol.Device{Key: millDev.key.Public(), Name: "desk"})
	ref.add(&protocol.Org{Name: "Kilang Penapis Uji", Roles: []protocol.Role{protocol.RoleRefinery}, Country: "MY", RSPO: "1-0001-01-000-00", GLN: "9551234500011"})
	ref.add(&protocol.Device{Key: refDev.key.Public(), Name: "desk"})
	ring := []protocol.Position{protocol.Pos(103.95, 1.8), protocol.Pos(103.956, 1.8), protocol.Pos(103.956, 1.806), protocol.Pos(103.95, 1.806), protocol.Pos(103.95, 1.8)}
	g := protocol.PolygonGeometry(ring)
	plot := millDev.add(&protocol.Place{Name: "Dealer plot \"7\" / Kebun", Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(g.Area())})
	site := millDev.add(&protocol.Place{Name: "Kilang Uji", Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(103.9, -1.25))})
	harvest := millDev.add(&protocol.Origin{Places: []protocol.CID{plot.CID}, From: now - 86_400_000, Until: now,
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Quantity{Milli: 30_123_456, Unit: protocol.KGM}}}})
	run := millDev.add(&protocol.Process{In: []protocol.Input{{Batch: protocol.BatchID{Record: harvest.CID}, Qty: protocol.Quantity{Milli: 30_123_456, Unit: protocol.KGM}}},
		Place: &site.CID, Out: []protocol.Output{
			{Product: "CPO", Qty: protocol.Quantity{Milli: 6_300_500, Unit: protocol.KGM}, Lot: "KU-1", Claim: &protocol.Claim{Scheme: "RSPO", Model: protocol.ModelMB}},
			{Product: "PK", Qty: protocol.Q(1_500, protocol.KGM), Lot: "KU-2"},
		}})
	sent := millDev.add(&protocol.Transfer{Batch: protocol.BatchID{Record: run.CID}, Qty: protocol.Quantity{Milli: 6_300_500, Unit: protocol.KGM},
		To: ref.key.Public(), Docs: []protocol.Document{
			{Kind: "weighbridge ticket #", Ref: "WB 12/3 & 4", Hash: bytes.Repeat([]byte{0xab}, 32)},
			{Kind: "invoice", Ref: "INV-1"},
			{Kind: "inv", Hash: bytes.Repeat([]byte{0x01}, 32)},
		}})
	refDev.add(&protocol.Receive{Transfer: sent.CID, Qty: protocol.Q(6_300, protocol.KGM)})
	millDev.add(&protocol.Correct{Record: harvest.CID, Reason: "entered twice"})
	return recs
}

// TestExportNamesPartiesByGLN checks that an organisation whose profile
// has a GLN is named by it (a GS1 Digital Link), and that the import
// resolves it back to the organisation's key through the master data.
func TestExportNamesPartiesByGLN(t *testing.T) {
	recs := glnWorld(t)
	var buf bytes.Buffer
	if err := epcis.Export(&buf, nil, recs, epcis.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	validate(t, buf.Bytes())
	doc := buf.String()
	for _, want := range []string{`"destination": "https://id.gs1.org/417/9551234500011"`, `"source": "https://id.gs1.org/417/9551234500004"`,
		`"readPoint": {`, `"id": "geo:-1.25,103.9"`, `"reason": "did_not_occur"`, `"type": "inv"`} {
		if !strings.Contains(doc, want) {
			t.Errorf("the export has no %s", want)
		}
	}
	res := checkRoundTrip(t, buf.Bytes(), recs)
	for _, d := range res.Drafts {
		if _, ok := d.Body.(*protocol.Transfer); ok && d.Party != "https://id.gs1.org/417/9551234500004" {
			t.Errorf("transfer's party %q, want the mill's GLN", d.Party)
		}
	}

	// Without the parties' master data the GLN is a reference to resolve.
	var m map[string]any
	if err := json.Unmarshal(buf.Bytes(), &m); err != nil {
		t.Fatal(err)
	}
	md := m["epcisHeader"].(map[string]any)["epcisMasterData"].(map[string]any)
	vocabs := md["vocabularyList"].([]any)
	md["vocabularyList"] = vocabs[:1] // the locations only
	stripped, _ := json.Marshal(m)
	res = importDoc(t, stripped)
	var refs []epcis.Reference
	for _, r := range res.Unresolved {
		if r.Kind == epcis.RefOrg {
			refs = append(refs, r)
		}
	}
	if len(refs) != 1 || refs[0].URI != "https://id.gs1.org/417/9551234500011" || refs[0].Field != "body.to" {
		t.Errorf("unresolved organisations %+v, want the refinery's GLN as body.to", refs)
	}
}

// TestExportIsDeterministic checks that the same records, in any order,
// give the same document: the order of time, and no clock.
func TestExportIsDeterministic(t *testing.T) {
	s := scenario.HonestPalmCorrected()
	first := exportAll(t, s)
	shuffled := slices.Clone(s.Records)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
	shuffled = append(shuffled, shuffled[:5]...) // and some twice
	var again bytes.Buffer
	if err := epcis.Export(&again, nil, shuffled, epcis.ExportOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, again.Bytes()) {
		t.Error("the same records in another order give another document")
	}
	var at bytes.Buffer
	when := time.Date(2024, 6, 1, 12, 0, 0, 0, time.FixedZone("WIB", 7*3600))
	if err := epcis.Export(&at, nil, s.Records, epcis.ExportOptions{Created: when}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(at.String(), `"creationDate": "2024-06-01T05:00:00.000Z"`) {
		t.Error("ExportOptions.Created is not the creationDate, in UTC")
	}
}

// TestExportWithoutBytes refuses a record that cannot be carried whole.
func TestExportWithoutBytes(t *testing.T) {
	s := scenario.HonestElectronics()
	recs := slices.Clone(s.Records)
	recs[3].Bytes = nil
	if err := epcis.Export(&bytes.Buffer{}, nil, recs, epcis.ExportOptions{}); err == nil || !strings.Contains(err.Error(), "bytes are missing") {
		t.Errorf("error %v, want one about the missing bytes", err)
	}
}
