package export_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/interop/export"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestFormats exports the honest palm and electronics chains in every
// format: each gives its files, named after the batch, or a clear error
// when the format does not apply (a palm batch has no smelters, an
// electronics batch no plots).
func TestFormats(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		s     *scenario.Scenario
		files map[string][]string // format: file name suffixes; nil: refused
		why   map[string]string   // format: what the refusal says
	}{
		{scenario.HonestPalm(), map[string][]string{
			"car": {".car"}, "capsule": {".capsule.car"}, "epcis": {".epcis.jsonld"}, "eudr": {".eudr.geojson", ".eudr-summary.json", ".eudr-summary.html"},
		}, map[string]string{"smelters": "tin, tantalum, tungsten or gold"}},
		{scenario.HonestElectronics(), map[string][]string{
			"car": {".car"}, "capsule": {".capsule.car"}, "epcis": {".epcis.jsonld"}, "smelters": {".smelters.xlsx", ".smelters.csv"},
		}, map[string]string{"eudr": "plot"}},
	} {
		rep, recs, err := provenance.VerifyWithEvidence(ctx, provenance.NewMemSource(tc.s.Records...), tc.s.Batch,
			provenance.Options{Anchors: tc.s.Anchors, Now: func() time.Time { return scenario.Start.AddDate(0, 2, 0) }})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range export.Formats() {
			files, err := f.Write(export.Input{Report: rep, Records: recs, Network: "jejak", Maker: "test"})
			if why, refused := tc.why[f.Name]; refused {
				if err == nil || !strings.Contains(err.Error(), why) {
					t.Errorf("%s as %s: %v, want a refusal saying %q", tc.s.Name, f.Name, err, why)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s as %s: %v", tc.s.Name, f.Name, err)
				continue
			}
			want := tc.files[f.Name]
			if len(files) != len(want) {
				t.Errorf("%s as %s: %d files, want %v", tc.s.Name, f.Name, len(files), want)
				continue
			}
			for i, file := range files {
				if !strings.HasPrefix(file.Name, export.BaseName(rep)) || !strings.HasSuffix(file.Name, want[i]) || len(file.Data) == 0 {
					t.Errorf("%s as %s: file %q (%d bytes), want %s…%s", tc.s.Name, f.Name, file.Name, len(file.Data), export.BaseName(rep), want[i])
				}
			}
		}
	}
	if _, err := export.Lookup("pdf"); err == nil || !strings.Contains(err.Error(), "car, capsule, epcis, eudr, smelters") {
		t.Errorf("an unknown format: %v", err)
	}
}
