package geomap

import (
	"flag"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// pngDir, when set, makes TestRenderScenes write each scene as a PNG:
//
//	go test ./gui/geomap -run TestRenderScenes -png /tmp/maps
var pngDir = flag.String("png", "", "write the rendered scenes as PNG files to this folder")

func square(lon, lat, side float64) protocol.Geometry {
	h := side / 2
	return protocol.PolygonGeometry([]protocol.Position{
		protocol.Pos(lon-h, lat-h), protocol.Pos(lon+h, lat-h), protocol.Pos(lon+h, lat+h),
		protocol.Pos(lon-h, lat+h), protocol.Pos(lon-h, lat-h)})
}

func point(lon, lat float64) protocol.Geometry { return protocol.PointGeometry(protocol.Pos(lon, lat)) }

// nearest returns the status whose colour is nearest c.
func nearest(c color.Color) Status {
	r, g, b, _ := c.RGBA()
	best, dist := Status(-1), math.Inf(1)
	for _, s := range Statuses() {
		// A marker is drawn in the colour itself, a polygon over the land
		// in the colour at fillAlpha.
		sc, a := s.Colour(), float64(fillAlpha)/255
		blend := [3]float64{float64(sc.R)*a + float64(colLand.R)*(1-a), float64(sc.G)*a + float64(colLand.G)*(1-a), float64(sc.B)*a + float64(colLand.B)*(1-a)}
		for _, want := range [][3]float64{{float64(sc.R), float64(sc.G), float64(sc.B)}, blend} {
			d := math.Pow(float64(r>>8)-want[0], 2) + math.Pow(float64(g>>8)-want[1], 2) + math.Pow(float64(b>>8)-want[2], 2)
			if d < dist {
				best, dist = s, d
			}
		}
	}
	return best
}

func writePNG(t *testing.T, name string, m *Map) {
	t.Helper()
	if *pngDir == "" {
		return
	}
	f, err := os.Create(filepath.Join(*pngDir, name+".png"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, m.Image); err != nil {
		t.Fatal(err)
	}
}

func TestRenderPutsPlotsWhereTheyAre(t *testing.T) {
	// Two plots in Johor, 3 km apart: one polygon assessed, one point failing.
	plots := []Plot{
		{Name: "Blok 12A", Geo: square(103.9540, 1.8050, 0.004), Status: StatusOK},
		{Name: "Kebun Lama", Geo: point(103.9810, 1.8050), Status: StatusFailing},
	}
	m, err := Render(Options{Width: 640, Height: 400, Plots: plots, Selected: -1})
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, "johor", m)
	for i, p := range plots {
		c := p.Geo.Centroid()
		x, y := m.Project(c.Lon(), c.Lat())
		if x < 0 || y < 0 || x >= 640 || y >= 400 {
			t.Fatalf("plot %q projected outside the map at %.0f, %.0f", p.Name, x, y)
		}
		if got := nearest(m.Image.At(int(x), int(y))); got != p.Status {
			t.Errorf("pixel at %q's centroid (%.0f, %.0f) is %v, nearest %s; want %s", p.Name, x, y, m.Image.At(int(x), int(y)), got.Key(), p.Status.Key())
		}
		if got := m.PlotAt(x, y); got != i {
			t.Errorf("PlotAt(%q's centroid) = %d, want %d", p.Name, got, i)
		}
	}
	// East is right: the point lies right of the polygon, on the same row.
	x1, y1 := m.Project(103.9540, 1.8050)
	x2, y2 := m.Project(103.9810, 1.8050)
	if x2 <= x1 || math.Abs(y2-y1) > 0.5 {
		t.Errorf("polygon at %.0f,%.0f and point at %.0f,%.0f: want the point to its east on the same row", x1, y1, x2, y2)
	}
	// 3 km apart at 1.8°N: the scale agrees.
	km := (x2 - x1) * m.KmPerPixel
	if math.Abs(km-0.027*kmPerDegree*math.Cos(1.805*math.Pi/180)) > 0.05 {
		t.Errorf("the plots are %.2f km apart on the map, want 3.00", km)
	}
	if !m.Coarse {
		t.Error("a 5 km view does not say the coastline is approximate")
	}
	if got := m.PlotAt(2, 2); got != -1 {
		t.Errorf("PlotAt(a corner) = %d, want -1", got)
	}
}

func TestRenderPointInTheSea(t *testing.T) {
	// A plot typed with latitude and longitude swapped lands in the
	// Indian Ocean; zoomed out, its pixel is its colour and the pixels
	// around it are sea.
	p := Plot{Name: "swapped", Geo: point(1.8050, -10), Status: StatusNotAssessed}
	m, err := Render(Options{Width: 400, Height: 300, Plots: []Plot{p}, Selected: -1, Zoom: 1.0 / 256})
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, "sea", m)
	x, y := m.Project(1.8050, -10)
	if got := nearest(m.Image.At(int(x), int(y))); got != StatusNotAssessed {
		t.Errorf("marker pixel is %s, want not_assessed", got.Key())
	}
	if c := m.Image.At(int(x), int(y)+markerRadius+8); c != colSea {
		t.Errorf("pixel below the marker is %v, want the sea %v", c, colSea)
	}
	if _, land, _ := CountryAt(1.8050, -10); land {
		t.Error("CountryAt says the Indian Ocean is land")
	}
}

func TestRenderOnePointZoomsToMinimum(t *testing.T) {
	m, err := Render(Options{Width: 500, Height: 500, Plots: []Plot{{Name: "tree", Geo: point(101.45, 0.51), Status: StatusOK}}, Selected: 0})
	if err != nil {
		t.Fatal(err)
	}
	if span := 500 * m.KmPerPixel; math.Abs(span-MinSpanKm) > 0.01 {
		t.Errorf("one point is shown %.3f km across, want %.1f", span, MinSpanKm)
	}
	if !m.Coarse {
		t.Error("a 2 km view does not say the coastline is approximate")
	}
	// Zooming in far stops at 200 m across.
	m, err = Render(Options{Width: 500, Height: 500, Plots: []Plot{{Name: "tree", Geo: point(101.45, 0.51)}}, Zoom: 1e6})
	if err != nil {
		t.Fatal(err)
	}
	if span := 500 * m.KmPerPixel; span < 0.199 {
		t.Errorf("zoomed in to %.3f km across, want at least 0.2", span)
	}
}

func TestRenderEmpty(t *testing.T) {
	for name, plots := range map[string][]Plot{
		"none":        nil,
		"no geometry": {{Name: "lost", Status: StatusNoGeometry}},
	} {
		t.Run(name, func(t *testing.T) {
			var said []string
			m, err := Render(Options{Width: 300, Height: 200, Plots: plots, Selected: -1, Text: func(key string, kv ...any) string {
				said = append(said, key)
				return key
			}})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(strings.Join(said, " "), "map.no_plots") {
				t.Errorf("an empty map said %v, want map.no_plots", said)
			}
			if m.PlotAt(150, 100) != -1 {
				t.Error("an empty map has a plot")
			}
		})
	}
}

func TestRenderRejectsBadInput(t *testing.T) {
	bad := map[string]Options{
		"latitude 91":   {Width: 100, Height: 100, Plots: []Plot{{Name: "north of north", Geo: protocol.PointGeometry(protocol.Position{0, 91 * protocol.CoordScale})}}},
		"longitude 181": {Width: 100, Height: 100, Plots: []Plot{{Name: "east", Geo: protocol.PointGeometry(protocol.Position{181 * protocol.CoordScale, 0})}}},
		"huge":          {Width: 100, Height: 100, Plots: []Plot{{Name: "huge", Geo: protocol.PointGeometry(protocol.Position{math.MaxInt64, math.MinInt64})}}},
		"open ring":     {Width: 100, Height: 100, Plots: []Plot{{Name: "open", Geo: protocol.PolygonGeometry([]protocol.Position{{0, 0}, {10, 0}, {10, 10}, {0, 10}})}}},
		"zero size":     {Width: 0, Height: 100},
		"too big":       {Width: MaxSize + 1, Height: 100},
		"NaN zoom":      {Width: 100, Height: 100, Zoom: math.NaN()},
	}
	for name, o := range bad {
		t.Run(name, func(t *testing.T) {
			if m, err := Render(o); err == nil {
				t.Errorf("Render accepted it and drew a %v map", m.Image.Bounds())
			}
		})
	}
}

func TestRenderScenes(t *testing.T) {
	// The palm oil belt, zoomed out: plots in Riau, Johor and Sabah.
	plots := []Plot{
		{Name: "Riau estate", Geo: square(101.45, 0.51, 0.05), Status: StatusOK},
		{Name: "Johor smallholder", Geo: point(103.95, 1.80), Status: StatusNotAssessed},
		{Name: "Sabah plot", Geo: point(117.9, 5.4), Status: StatusFailing},
		{Name: "unknown", Status: StatusNoGeometry},
	}
	m, err := Render(Options{Width: 900, Height: 500, Plots: plots, Selected: 1})
	if err != nil {
		t.Fatal(err)
	}
	if m.Coarse {
		t.Error("a 2,000 km view warns of the coastline")
	}
	writePNG(t, "region", m)
	// Land is land: Borneo's interior is drawn in the land colour.
	x, y := m.Project(114.5, 1.0)
	if c := m.Image.At(int(x), int(y)); c != colLand {
		t.Errorf("Kalimantan at %.0f,%.0f is %v, want land %v", x, y, c, colLand)
	}
}

func BenchmarkRenderRegion(b *testing.B) {
	plots := []Plot{{Name: "Riau", Geo: square(101.45, 0.51, 0.05)}, {Name: "Sabah", Geo: point(117.9, 5.4)}}
	for b.Loop() {
		if _, err := Render(Options{Width: 800, Height: 500, Plots: plots}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestRenderScale: on a screen of two pixels a unit, markers (and what a
// tap may hit) are twice the size, and the scale bar still tells the truth.
func TestRenderScale(t *testing.T) {
	plots := []Plot{{Name: "tree", Geo: point(101.45, 0.51), Status: StatusOK}}
	for _, k := range []float64{1, 2} {
		m, err := Render(Options{Width: 600, Height: 600, Plots: plots, Scale: k})
		if err != nil {
			t.Fatal(err)
		}
		x, y := m.Project(101.45, 0.51)
		off := float64(markerRadius) * 1.5
		got := m.Image.At(int(x+off), int(y))
		if (got == StatusOK.Colour()) != (k == 2) {
			t.Errorf("scale %v: the pixel %.0f px right of the point is %v", k, off, got)
		}
		if span := 600 * m.KmPerPixel; math.Abs(span-MinSpanKm) > 0.01 {
			t.Errorf("scale %v: %.3f km across, want %.1f", k, span, MinSpanKm)
		}
	}
	if _, err := Render(Options{Width: 100, Height: 100, Scale: -1}); err == nil {
		t.Error("a negative scale was accepted")
	}
}

// TestRenderClusterLabels: twenty smallholdings a few metres apart draw
// and label without their names piling up into a smudge.
func TestRenderClusterLabels(t *testing.T) {
	var plots []Plot
	for i := range 20 {
		plots = append(plots, Plot{Name: "Kebun " + string(rune('A'+i)), Geo: point(103.95+float64(i)*0.0001, 1.80), Status: StatusNotAssessed})
	}
	m, err := Render(Options{Width: 500, Height: 400, Plots: plots, Selected: 7})
	if err != nil {
		t.Fatal(err)
	}
	writePNG(t, "cluster", m)
	// The chosen plot is drawn on top, and a tap on it finds it.
	if got := m.PlotAt(m.Project(103.95+7*0.0001, 1.80)); got != 7 {
		t.Errorf("PlotAt(the chosen plot) = %d, want 7", got)
	}
}
