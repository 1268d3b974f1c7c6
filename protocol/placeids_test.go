package protocol_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestPlaceIdentifiersAndEvidence: the rules of a place's identifiers and
// evidence, and of a due diligence statement on a transfer, each broken
// once, naming the field.
func TestPlaceIdentifiersAndEvidence(t *testing.T) {
	day := time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC).UnixMilli()
	smelter := func(ids ...protocol.PlaceID) *protocol.Place {
		return &protocol.Place{Name: "PT Timah Tbk Mentok", Kind: protocol.PlaceSmelter, Country: "ID",
			Geo: protocol.PointGeometry(protocol.Pos(105.16, -2.06)), IDs: ids}
	}
	plot := func(ev ...protocol.Evidence) *protocol.Place {
		ring := []protocol.Position{protocol.Pos(103.90, 1.70), protocol.Pos(103.901, 1.70), protocol.Pos(103.901, 1.701), protocol.Pos(103.90, 1.701), protocol.Pos(103.90, 1.70)}
		g := protocol.PolygonGeometry(ring)
		return &protocol.Place{Name: "Blok A", Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(g.Area()), Evidence: ev}
	}
	ship := func(d protocol.Document) *protocol.Transfer {
		return &protocol.Transfer{Batch: protocol.BatchID{Record: protocol.ComputeCID([]byte("b"))}, Qty: protocol.Q(1, protocol.TNE),
			To: protocol.PublicKey{1}, Docs: []protocol.Document{d}}
	}
	deforest := protocol.Evidence{Kind: protocol.EvidenceDeforestationFree, Ref: "GFW-1", Method: "satellite imagery", Date: day}
	for _, tc := range []struct {
		name  string
		body  protocol.Body
		field string // "" when valid
		msg   string
	}{
		{"an RMI smelter ID", smelter(protocol.PlaceID{Scheme: protocol.IDRMI, ID: "CID001070"}), "", ""},
		{"a GLN and a registry of its own", smelter(protocol.PlaceID{Scheme: protocol.IDGLN, ID: "9521234000017"}, protocol.PlaceID{Scheme: "kemenperin", ID: "IUP-123"}), "", ""},
		{"an RMI ID of the wrong shape", smelter(protocol.PlaceID{Scheme: protocol.IDRMI, ID: "CID1070"}), "body.ids[0].id", "not an RMI smelter identification number"},
		{"a UML ID of the wrong shape", smelter(protocol.PlaceID{Scheme: protocol.IDUML, ID: "PO123"}), "body.ids[0].id", "Universal Mill List"},
		{"a registry in capitals", smelter(protocol.PlaceID{Scheme: "RMI", ID: "CID001070"}), "body.ids[0].scheme", "not a registry name"},
		{"two IDs of one registry", smelter(protocol.PlaceID{Scheme: protocol.IDRMI, ID: "CID001070"}, protocol.PlaceID{Scheme: protocol.IDRMI, ID: "CID001071"}), "body.ids[1].scheme", `a second "rmi" identifier`},
		{"an empty ID", smelter(protocol.PlaceID{Scheme: "kemenperin"}), "body.ids[0].id", "missing"},
		{"evidence of land", plot(deforest, protocol.Evidence{Kind: protocol.EvidenceLegality, Ref: "HGU 12/2019", Method: "land title", Date: day}), "", ""},
		{"evidence of an unknown kind", plot(protocol.Evidence{Kind: "deforestation_free", Ref: "GFW-1", Method: "satellite", Date: day}), "body.evidence[0].kind", "unknown kind of evidence"},
		{"evidence without a method", plot(protocol.Evidence{Kind: protocol.EvidenceLegality, Ref: "HGU 12/2019", Date: day}), "body.evidence[0].method", "missing"},
		{"evidence without a date", plot(protocol.Evidence{Kind: protocol.EvidenceLegality, Ref: "HGU 12/2019", Method: "land title"}), "body.evidence[0].date", "before 2000"},
		{"a due diligence statement", ship(protocol.Document{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS258", Verification: "K7R8LA90"}), "", ""},
		{"a statement without its verification number", ship(protocol.Document{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS258"}), "", ""},
		{"a statement number too long", ship(protocol.Document{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS2581"}), "body.docs[0].ref", "not a due diligence statement reference number"},
		{"a statement number in lower case", ship(protocol.Document{Kind: protocol.DocDDS, Ref: "24itygbjfos258"}), "body.docs[0].ref", "not a due diligence statement reference number"},
		{"a verification number too short", ship(protocol.Document{Kind: protocol.DocDDS, Ref: "24ITYGBJFOS258", Verification: "K7R8"}), "body.docs[0].verification", "not a verification number"},
		{"a verification number on an invoice", ship(protocol.Document{Kind: "invoice", Ref: "INV-1", Verification: "K7R8LA90"}), "body.docs[0].verification", "only a due diligence statement"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := protocol.CheckDraft(tc.body)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Rule, tc.msg) {
				t.Fatalf("error %v, want field %s saying %q", err, tc.field, tc.msg)
			}
		})
	}
}

// TestNewPlaceFieldsNeedFormat2: a format 1 record cannot carry what
// format 1 did not have, so a first-release node never meets a field it
// cannot read in a record that says it is format 1.
func TestNewPlaceFieldsNeedFormat2(t *testing.T) {
	key := prototest.Key("format-1 author")
	p := &protocol.Place{Name: "Smelter", Kind: protocol.PlaceSmelter, Country: "ID", Geo: protocol.PointGeometry(protocol.Pos(105.16, -2.06)),
		IDs: []protocol.PlaceID{{Scheme: protocol.IDRMI, ID: "CID001070"}}}
	_, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), Body: p}, key, protocol.Version1)
	if err == nil || !strings.Contains(err.Error(), "need record format 2") {
		t.Fatalf("a format 1 place with identifiers: %v, want refused", err)
	}
}

func TestParseDDS(t *testing.T) {
	for in, want := range map[string][2]string{
		"24ITYGBJFOS258":             {"24ITYGBJFOS258", ""},
		"24ITYGBJFOS258/K7R8LA90":    {"24ITYGBJFOS258", "K7R8LA90"},
		" 24itygbjfos258 : k7r8la90": {"24ITYGBJFOS258", "K7R8LA90"},
		"24ITY-GBJ-FOS258 K7R8LA90":  {"24ITYGBJFOS258", "K7R8LA90"},
	} {
		d := protocol.ParseDDS(in)
		if d.Kind != protocol.DocDDS || d.Ref != want[0] || d.Verification != want[1] {
			t.Errorf("ParseDDS(%q) = %+v, want %v", in, d, want)
		}
	}
}
