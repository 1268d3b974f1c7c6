package geomap

import (
	"testing"

	"github.com/jejak/jejak/protocol"
)

// FuzzRender: no positions, zoom or size make Render panic; it draws or
// says why not.
func FuzzRender(f *testing.F) {
	f.Add(int64(1039540000), int64(18050000), int64(1039600000), int64(18100000), 1.0, 200, 150)
	f.Add(int64(-1800000000), int64(-900000000), int64(1800000000), int64(900000000), 0.001, 64, 64)
	f.Add(int64(0), int64(0), int64(0), int64(0), 1e9, 32, 32)
	f.Fuzz(func(t *testing.T, lon1, lat1, lon2, lat2 int64, zoom float64, w, h int) {
		if w > 400 || h > 400 {
			t.Skip() // large images only cost time
		}
		p := protocol.Position{lon1, lat1}
		ring := []protocol.Position{{lon1, lat1}, {lon2, lat1}, {lon2, lat2}, {lon1, lat2}, {lon1, lat1}}
		m, err := Render(Options{Width: w, Height: h, Zoom: zoom, Selected: 1, Plots: []Plot{
			{Name: "point", Geo: protocol.PointGeometry(p)},
			{Name: "box", Geo: protocol.PolygonGeometry(ring), Status: StatusFailing},
		}})
		if err == nil {
			m.PlotAt(float64(w)/2, float64(h)/2)
		}
	})
}
