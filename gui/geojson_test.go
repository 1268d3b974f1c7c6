package gui

import (
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

func TestParseGeoJSON(t *testing.T) {
	tests := []struct {
		name  string
		doc   string
		want  []string // type and name of each shape
		error string
	}{
		{"point", `{"type":"Point","coordinates":[103.954,1.805]}`, []string{"Point "}, ""},
		{"feature with altitude", `{"type":"Feature","properties":{"name":"Blok 12A"},"geometry":{"type":"Point","coordinates":[103.954,1.805,12]}}`, []string{"Point Blok 12A"}, ""},
		{"collection", `{"type":"FeatureCollection","features":[
			{"type":"Feature","properties":{"plot_id":"P-1"},"geometry":{"type":"Polygon","coordinates":[[[103.95,1.80],[103.956,1.80],[103.956,1.806],[103.95,1.806],[103.95,1.80]]]}},
			{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[103.96,1.81]}}]}`, []string{"Polygon P-1", "Point "}, ""},
		{"multipolygon", `{"type":"MultiPolygon","coordinates":[]}`, nil, "register each polygon"},
		{"line", `{"type":"LineString","coordinates":[[0,0],[1,1]]}`, nil, "LineString"},
		{"not json", `plot 12A`, nil, "not a GeoJSON file"},
		{"empty collection", `{"type":"FeatureCollection","features":[]}`, nil, "no Point or Polygon"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseGeoJSON([]byte(tt.doc))
			if tt.error != "" {
				if err == nil || !strings.Contains(err.Error(), tt.error) {
					t.Fatalf("error = %v, want one saying %q", err, tt.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var names []string
			for _, g := range got {
				names = append(names, g.Geo.Type+" "+g.Name)
				if err := g.Geo.Validate("geo"); err != nil {
					t.Errorf("shape %q is not a valid geometry: %v", g.Name, err)
				}
			}
			if strings.Join(names, "|") != strings.Join(tt.want, "|") {
				t.Errorf("shapes %q, want %q", names, tt.want)
			}
		})
	}
	g, _ := parseGeoJSON([]byte(`{"type":"Point","coordinates":[103.9540123,1.8050456]}`))
	if *g[0].Geo.Point != protocol.Pos(103.9540123, 1.8050456) {
		t.Errorf("point %v: longitude and latitude swapped or rounded", g[0].Geo.Point)
	}
}

func TestPlaceFromGeoJSONFile(t *testing.T) {
	u, m := newMillUI(t)
	f := u.record.place
	mine := feed(t, m, millDevice.Public())
	u.files.(*stubPicker).openPath = tempFile(t, "blok.geojson", []byte(`{"type":"Feature","properties":{"name":"Blok 14C"},
		"geometry":{"type":"Polygon","coordinates":[[[103.95,1.80],[103.956,1.80],[103.956,1.806],[103.95,1.806],[103.95,1.80]]]}}`))
	f.kind.SetSelected(f.u.kindName(protocol.PlacePlot))
	f.how.SetSelected(f.u.t(locPolygon))
	f.openFile()
	if f.name.Text != "Blok 14C" || f.area.Text == "" {
		t.Fatalf("name %q, area %q: want both filled from the file", f.name.Text, f.area.Text)
	}
	if f.fm.publish.Disabled() {
		t.Fatalf("cannot publish: %s", f.fm.summary.Text)
	}
	f.submit()
	settle(t, u)
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+1 {
		t.Fatalf("the node stored %d records of the mill's desk, want the place", len(now)-len(mine))
	}
	p, ok := now[len(now)-1].Body.(*protocol.Place)
	if !ok || p.Name != "Blok 14C" {
		t.Fatalf("stored %+v, want the place Blok 14C", now[len(now)-1].Body)
	}
	if p.Geo.Type != protocol.GeoPolygon || p.Area < 400_000 || p.Area > 500_000 {
		t.Errorf("published %s of %d m², want the file's polygon of about 44 ha", p.Geo.Type, p.Area)
	}
	// The mill's places now include it, and harvests can name it.
	if !contains(f.mine.Text, "Blok 14C (plot, ") {
		t.Errorf("the Places tab lists %q, without the new plot", f.mine.Text)
	}
	if !offers(u.record.origin.places.Options, "Blok 14C (plot, ") {
		t.Errorf("the harvest form offers the places %q, without the new plot", u.record.origin.places.Options)
	}
}
