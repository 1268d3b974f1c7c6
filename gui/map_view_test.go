package gui

import (
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/gui/geomap"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// findMap returns the first map drawn inside o.
func findMap(t *testing.T, o fyne.CanvasObject) *mapArea {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if a, ok := obj.(*mapArea); ok {
			return a
		}
	}
	t.Fatalf("no map shown; the screen shows %q", texts(o))
	return nil
}

// tapPlot taps plot i of the map where the map draws it.
func tapPlot(t *testing.T, a *mapArea, i int) {
	t.Helper()
	gm, err := a.m.render(a.pixels())
	if err != nil {
		t.Fatal(err)
	}
	c := a.m.plots[i].Geo.Centroid()
	x, y := gm.Project(c.Lon(), c.Lat())
	test.TapAt(a, fyne.NewPos(float32(x), float32(y)))
}

// TestVerifyShowsOriginsOnAMap: the Origins tab of a verification draws
// the plots of the honest chain from their records, green (assessed, held
// legally), with a legend; tapping one says what its record says.
func TestVerifyShowsOriginsOnAMap(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{})
	u.show(screenVerify)
	scan(t, u, m.Honest.String())
	r := u.verify.report
	if r == nil || len(r.Origins) == 0 {
		t.Fatal("no origins")
	}
	w := test.NewTempWindow(t, originsView(u, r))
	w.Resize(fyne.NewSize(1100, 900))
	a := findMap(t, w.Content())
	plots := a.m.plots
	if len(plots) != len(r.Origins) {
		t.Fatalf("the map has %d plots, the report %d origins", len(plots), len(r.Origins))
	}
	var plot = -1
	for i, p := range plots {
		if r.Origins[i].Kind == protocol.PlacePlot {
			plot = i
			if p.Status != geomap.StatusOK || p.Geo.Type == "" {
				t.Errorf("plot %q: status %s, geometry %q; want ok with its geometry", p.Name, p.Status.Key(), p.Geo.Type)
			}
		}
	}
	if plot < 0 {
		t.Fatal("no plot among the origins")
	}
	if !shows(w.Content(), u.t("map.status.ok")) {
		t.Errorf("the legend does not show %q: %q", u.t("map.status.ok"), texts(w.Content()))
	}
	tapPlot(t, a, plot)
	info := a.m.info.Text
	if !strings.Contains(info, plots[plot].Name) || !strings.Contains(info, shortCID(plots[plot].Record)) || !strings.Contains(info, u.t("map.status.ok")) {
		t.Errorf("after tapping %q the map says %q; want its name, status and record", plots[plot].Name, info)
	}
	// Tapping the sea in a corner chooses nothing.
	test.TapAt(a, fyne.NewPos(3, 3))
	if a.m.info.Text != u.t("map.tap_hint") {
		t.Errorf("after tapping nothing the map says %q", a.m.info.Text)
	}
	// Zoom buttons change the scale; Fit brings it back.
	fit := renderScale(t, a)
	test.Tap(mapButton(t, w.Content(), u.t("map.zoom_in")))
	if got := renderScale(t, a); got >= fit {
		t.Errorf("zoomed in: %.4f km a pixel, fitted %.4f", got, fit)
	}
	test.Tap(mapButton(t, w.Content(), u.t("map.fit")))
	if got := renderScale(t, a); got != fit {
		t.Errorf("fitted again: %.4f km a pixel, first %.4f", got, fit)
	}
	// Save as PNG writes the map as an image file.
	path := filepath.Join(t.TempDir(), "map.png")
	u.files.(*stubPicker).savePath = path
	test.Tap(mapButton(t, w.Content(), u.t("map.save")))
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("the saved map is not a PNG: %v", err)
	}
	if b := img.Bounds(); b.Dx() != 1600 || b.Dy() != 1000 {
		t.Errorf("the saved map is %v, want 1600×1000", b)
	}
}

func renderScale(t *testing.T, a *mapArea) float64 {
	t.Helper()
	gm, err := a.m.render(a.pixels())
	if err != nil {
		t.Fatal(err)
	}
	return gm.KmPerPixel
}

func mapButton(t *testing.T, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Text == text {
			return b
		}
	}
	t.Fatalf("no button %q", text)
	return nil
}

// TestPlotsFromReport: each origin's status comes from the report: a
// failure of the EUDR check naming its place, its evidence, or its
// missing geometry; the geometry survives the report's trip through JSON
// (as the command line and the local API carry it).
func TestPlotsFromReport(t *testing.T) {
	place := func(n byte) protocol.CID { return protocol.ComputeCID([]byte{n}) }
	sq := protocol.PolygonGeometry([]protocol.Position{protocol.Pos(103.93, 1.79), protocol.Pos(103.936, 1.79),
		protocol.Pos(103.936, 1.795), protocol.Pos(103.93, 1.795), protocol.Pos(103.93, 1.79)})
	pt := protocol.PointGeometry(protocol.Pos(101.45, 0.51))
	legal := &protocol.Evidence{Kind: protocol.EvidenceLegality, Ref: "Geran 1", Method: "land title"}
	r := &provenance.Report{
		Origins: []provenance.Origin{
			{Name: "assessed", Place: place(1), Geometry: sq.GeoJSON(), EUDR: &provenance.PlotEvidence{Status: provenance.PlotAssessed, Legality: legal}},
			{Name: "bare", Place: place(2), Geometry: pt.GeoJSON(), EUDR: &provenance.PlotEvidence{Status: provenance.PlotNotAssessed}},
			{Name: "too big for a point", Place: place(3), Geometry: pt.GeoJSON(), EUDR: &provenance.PlotEvidence{Status: provenance.PlotAssessed, Legality: legal}},
			{Name: "lost", Place: place(4)},
			{Name: "smelter", Place: place(5), Geometry: pt.GeoJSON()},
			{Name: "north of north", Place: place(6), Geometry: map[string]any{"type": "Point", "coordinates": []float64{10, 91}}},
		},
		Checks: []provenance.Check{{Name: "eudr", Reasons: []provenance.Reason{
			{Level: provenance.LevelFail, Code: provenance.CodeNoPolygon, Records: []protocol.CID{place(9), place(3)}},
			{Level: provenance.LevelWarn, Code: provenance.CodeNotAssessed, Records: []protocol.CID{place(9), place(2)}},
		}}},
	}
	want := []geomap.Status{geomap.StatusOK, geomap.StatusNotAssessed, geomap.StatusFailing, geomap.StatusNoGeometry, geomap.StatusOther, geomap.StatusNoGeometry}
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back provenance.Report
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	for name, rep := range map[string]*provenance.Report{"in memory": r, "through JSON": &back} {
		t.Run(name, func(t *testing.T) {
			plots := plotsFromReport(rep)
			for i, p := range plots {
				if p.Status != want[i] {
					t.Errorf("%q: status %s, want %s", p.Name, p.Status.Key(), want[i].Key())
				}
			}
			if g := plots[0].Geo; g.Type != protocol.GeoPolygon || g.Area() != sq.Area() {
				t.Errorf("the polygon came back as %+v", g)
			}
			if g := plots[1].Geo; g.Point == nil || *g.Point != *pt.Point {
				t.Errorf("the point came back as %+v", g)
			}
			// The map draws them without error, the lost ones listed only.
			if _, err := geomap.Render(geomap.Options{Width: 400, Height: 300, Plots: geoPlots(plots), Selected: -1}); err != nil {
				t.Errorf("the map of these plots: %v", err)
			}
		})
	}
}

// TestBatchDetailShowsOriginsOnAMap: a batch's detail verifies the batch
// on request and draws its origin plots; choosing another batch empties
// the map.
func TestBatchDetailShowsOriginsOnAMap(t *testing.T) {
	u, m := newMillUI(t)
	d := u.batches.detail
	d.set(batch(t, m, m.Honest))
	w := test.NewTempWindow(t, d.content())
	w.Resize(fyne.NewSize(1100, 1400))
	test.Tap(mapButton(t, w.Content(), u.t("map.show_origins")))
	settle(t, u)
	a := findMap(t, w.Content())
	if len(a.m.plots) == 0 {
		t.Fatal("the batch's map has no plots")
	}
	for _, p := range a.m.plots {
		if p.Status == geomap.StatusNoGeometry {
			t.Errorf("origin %q has no geometry on the map", p.Name)
		}
	}
	d.set(batch(t, m, m.FFB))
	for _, obj := range test.LaidOutObjects(w.Content()) {
		if _, ok := obj.(*mapArea); ok {
			t.Fatal("another batch still shows the first batch's map")
		}
	}
}

// TestPlacePreviewWarns: on the Place form the typed location is drawn on
// a map with its position listed, and a point in the sea, in another
// country than declared, or with latitude and longitude swapped is warned
// about before publishing; the map changes nothing in the form.
func TestPlacePreviewWarns(t *testing.T) {
	u, _ := newMillUI(t)
	f := u.record.place
	p := f.preview
	if !p.empty.Visible() || p.mapBox.Visible() {
		t.Fatal("an empty form previews a location")
	}
	f.country.SetText("")
	test.Type(f.country, "MY")
	for _, c := range []struct {
		name, country, lat, lon string
		warn                    string
	}{
		{"in Johor", "MY", "1.80412", "103.95821", ""},
		{"in the Strait of Malacca", "MY", "3.0", "100.5", u.t("map.warn.sea", "km", geomap.CoastlineKm)},
		{"in Riau, declared MY", "MY", "0.51", "101.45", u.t("map.warn.outside", "found", "ID", "country", "MY")},
		// Côte d'Ivoire is at 7.5°N 5.5°W; typed the other way round the
		// point is in the sea off Gabon.
		{"swapped in Côte d'Ivoire", "CI", "-5.5", "7.5", u.t("map.warn.swapped", "country", "CI")},
	} {
		t.Run(c.name, func(t *testing.T) {
			f.country.SetText(c.country)
			f.lat.SetText("")
			f.lon.SetText("")
			test.Type(f.lat, c.lat)
			test.Type(f.lon, c.lon)
			if !p.mapBox.Visible() || p.empty.Visible() {
				t.Fatal("the location is not drawn on a map")
			}
			if c.warn == "" && p.warn.Visible() {
				t.Errorf("warns %q", p.warn.Text)
			}
			if c.warn != "" && (!p.warn.Visible() || !strings.Contains(p.warn.Text, c.warn)) {
				t.Errorf("warning = %q (shown %v), want %q", p.warn.Text, p.warn.Visible(), c.warn)
			}
			if !strings.Contains(p.points.Text, "1. ") {
				t.Errorf("the position is not listed: %q", p.points.Text)
			}
		})
	}
	if f.lat.Text != "-5.5" || f.lon.Text != "7.5" {
		t.Errorf("the preview changed the coordinates to %q, %q", f.lat.Text, f.lon.Text)
	}
	// A latitude beyond 90° is the form's error, not a map.
	f.lat.SetText("103.9")
	if p.mapBox.Visible() {
		t.Error("an invalid latitude is drawn on the map")
	}
	// A boundary from a file is drawn and its corners listed.
	f.country.SetText("MY")
	f.how.SetSelected(f.u.t(locPolygon))
	if p.mapBox.Visible() {
		t.Error("a boundary is previewed before a file is opened")
	}
	ring := []protocol.Position{protocol.Pos(103.93, 1.79), protocol.Pos(103.936, 1.79),
		protocol.Pos(103.936, 1.795), protocol.Pos(103.93, 1.795), protocol.Pos(103.93, 1.79)}
	f.geos = []namedGeometry{{Name: "Blok 3", Geo: protocol.PolygonGeometry(ring)}}
	f.feature.Options = []string{f.geoLabel(0, f.geos[0])}
	f.feature.SetSelected(f.feature.Options[0])
	if !p.mapBox.Visible() || p.warn.Visible() {
		t.Fatalf("the boundary: map shown %v, warning %q", p.mapBox.Visible(), p.warn.Text)
	}
	if !strings.Contains(p.points.Text, "4. 1.7950000, 103.9300000") || strings.Contains(p.points.Text, "5. ") {
		t.Errorf("the boundary's corners are listed as %q", p.points.Text)
	}
}

// TestPositionsText lists a boundary's corners, latitude first, without
// the closing repeat, and cuts a long one short.
func TestPositionsText(t *testing.T) {
	u, _ := newMillUI(t)
	var ring []protocol.Position
	for i := range 20 {
		ring = append(ring, protocol.Pos(103.9+float64(i)*0.001, 1.8+float64(i%2)*0.001))
	}
	ring = append(ring, ring[0])
	s := positionsText(u, protocol.PolygonGeometry(ring))
	lines := strings.Split(s, "\n")
	if len(lines) != maxListed+1 || !strings.HasPrefix(lines[0], "1. 1.8000000, 103.9000000") {
		t.Errorf("positions listed as %q", s)
	}
	if want := u.t("map.preview.more", "n", 20-maxListed); lines[maxListed] != want {
		t.Errorf("last line %q, want %q", lines[maxListed], want)
	}
}
