package places_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

// TestEvidenceColumns: a places file carries each plot's EUDR evidence in
// its own columns; a piece half filled in is a problem naming the column.
func TestEvidenceColumns(t *testing.T) {
	csv := "name,country,area_ha,lat,lon,assessment,assessment_method,assessment_date,legality,legality_date\n" +
		"Blok A1,ID,1.8,0.512345,101.456789,GFW-2026-0042,satellite imagery (Global Forest Watch),2026-01-15,HGU 12/2019,2019-04-02\n" +
		"Blok A2,ID,1.2,0.513345,101.456789,,,,,\n"
	ps, err := places.ParsePlacesCSV(strings.NewReader(csv), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ps[0].Evidence) != 2 || ps[0].Evidence[0].Kind != protocol.EvidenceDeforestationFree || ps[0].Evidence[0].Ref != "GFW-2026-0042" ||
		ps[0].Evidence[1].Kind != protocol.EvidenceLegality || ps[0].Evidence[1].Method != "land title" {
		t.Errorf("Blok A1's evidence: %+v", ps[0].Evidence)
	}
	if len(ps[1].Evidence) != 0 {
		t.Errorf("Blok A2 has evidence %+v, want none", ps[1].Evidence)
	}

	geo := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"Blok C","Area":1.5,"country":"MY",
		"assessment":"GFW-1","assessment_method":"field survey","assessment_date":"2025-02-01"},
		"geometry":{"type":"Point","coordinates":[103.9,1.7]}}]}`
	gs, err := places.ParseGeoJSON(strings.NewReader(geo), places.Options{})
	if err != nil || len(gs) != 1 || len(gs[0].Evidence) != 1 || gs[0].Evidence[0].Method != "field survey" {
		t.Fatalf("GeoJSON with evidence: %v %+v", err, gs)
	}

	bad := "name,country,area_ha,lat,lon,assessment,assessment_method,assessment_date\n" +
		"Blok A1,ID,1.8,0.512345,101.456789,GFW-2026-0042,,2026-01-15\n" +
		"Blok A2,ID,1.8,0.513345,101.456789,GFW-2026-0043,field survey,15/01/2026\n"
	_, err = places.ParsePlacesCSV(strings.NewReader(bad), places.Options{})
	var pe *places.Error
	if !errors.As(err, &pe) || len(pe.Problems) != 2 {
		t.Fatalf("half-filled evidence: %v", err)
	}
	if p := pe.Problems[0]; p.Line != 2 || p.Field != "assessment_method" || !strings.Contains(p.Msg, "how the assessment was made") {
		t.Errorf("first problem %+v", p)
	}
	if p := pe.Problems[1]; p.Line != 3 || p.Field != "assessment_date" || !strings.Contains(p.Msg, "YYYY-MM-DD") {
		t.Errorf("second problem %+v", p)
	}
}
