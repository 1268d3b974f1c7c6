package gui

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"math"
	"strconv"
	"strings"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/gui/geomap"
	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// plotOnMap is one origin plot as the map shows it: from its place record,
// never from the map.
type plotOnMap struct {
	Name    string
	Country string
	Geo     protocol.Geometry // Type "" when the record gives none usable
	AreaHa  float64
	Status  geomap.Status
	Record  protocol.CID // the place record
}

// plotsFromReport returns a report's origins as plots, each with its EUDR
// status: failing where a failure of the EUDR check names its place
// record, otherwise what its record's evidence shows.
func plotsFromReport(r *provenance.Report) []plotOnMap {
	failing := map[protocol.CID]bool{}
	if c := r.Check("eudr"); c != nil {
		for _, rs := range c.Reasons {
			if rs.Level == provenance.LevelFail {
				for _, id := range rs.Records {
					failing[id] = true
				}
			}
		}
	}
	var out []plotOnMap
	for _, o := range r.Origins {
		p := plotOnMap{Name: o.Name, Country: o.Country, AreaHa: o.AreaHa, Record: o.Place}
		geo, ok := geometryFromGeoJSON(o.Geometry)
		switch {
		case !ok:
			p.Status = geomap.StatusNoGeometry
		case failing[o.Place]:
			p.Status = geomap.StatusFailing
		case o.EUDR == nil:
			p.Status = geomap.StatusOther
		case o.EUDR.Status == provenance.PlotAssessed && o.EUDR.Legality != nil:
			p.Status = geomap.StatusOK
		default:
			p.Status = geomap.StatusNotAssessed
		}
		if ok {
			p.Geo = geo
		}
		out = append(out, p)
	}
	return out
}

// geometryFromGeoJSON reads a report's GeoJSON geometry (degrees as
// numbers, as protocol.Geometry.GeoJSON makes it, or as it comes back from
// JSON) into a protocol geometry, and reports whether it is one the
// protocol accepts.
func geometryFromGeoJSON(m map[string]any) (protocol.Geometry, bool) {
	if m == nil {
		return protocol.Geometry{}, false
	}
	data, err := json.Marshal(m)
	if err != nil {
		return protocol.Geometry{}, false
	}
	var g struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	}
	if json.Unmarshal(data, &g) != nil {
		return protocol.Geometry{}, false
	}
	pos := func(c []float64) (protocol.Position, bool) {
		if len(c) != 2 || math.IsNaN(c[0]) || math.IsNaN(c[1]) || math.Abs(c[0]) > 180 || math.Abs(c[1]) > 90 {
			return protocol.Position{}, false
		}
		return protocol.Pos(c[0], c[1]), true
	}
	var geo protocol.Geometry
	switch g.Type {
	case protocol.GeoPoint:
		var c []float64
		if json.Unmarshal(g.Coordinates, &c) != nil {
			return protocol.Geometry{}, false
		}
		p, ok := pos(c)
		if !ok {
			return protocol.Geometry{}, false
		}
		geo = protocol.PointGeometry(p)
	case protocol.GeoPolygon:
		var rings [][][]float64
		if json.Unmarshal(g.Coordinates, &rings) != nil {
			return protocol.Geometry{}, false
		}
		for _, r := range rings {
			var ring []protocol.Position
			for _, c := range r {
				p, ok := pos(c)
				if !ok {
					return protocol.Geometry{}, false
				}
				ring = append(ring, p)
			}
			geo.Rings = append(geo.Rings, ring)
		}
		geo.Type = protocol.GeoPolygon
	default:
		return protocol.Geometry{}, false
	}
	return geo, geo.Validate("geo") == nil
}

// originsMap is the map of a set of plots with its legend, its list and
// what is known of the chosen plot.
type originsMap struct {
	u      *UI
	plots  []plotOnMap
	area   *mapArea
	list   *widget.List
	info   *widget.Label
	record *widget.Button

	minSpanKm float64

	mu       sync.Mutex // guards what the raster's generator reads and writes
	zoom     float64
	selected int
	cache    *geomap.Map
	cacheKey [5]float64
}

// newOriginsMap shows plots on a map drawn from their records over the
// embedded basemap, coloured by EUDR status, with zoom buttons, a legend,
// and a list beside it; tapping a plot on the map or in the list shows its
// name, coordinates, area, status and record.
func newOriginsMap(u *UI, plots []plotOnMap) fyne.CanvasObject {
	return newMapState(u, plots, 0).full()
}

// newMapState makes the map of plots and the widgets around it, fitted to
// the plots with at least minSpanKm around them (0: geomap.MinSpanKm).
func newMapState(u *UI, plots []plotOnMap, minSpanKm float64) *originsMap {
	m := &originsMap{u: u, plots: plots, zoom: 1, selected: -1, minSpanKm: minSpanKm}
	m.area = newMapArea(m)
	m.info = wrapLabel(u.t("map.tap_hint"))
	m.record = u.copyButton(u.t("map.copy_record"), func() string {
		if p, ok := m.chosen(); ok {
			return p.Record.String()
		}
		return ""
	})
	m.record.Hide()
	m.list = widget.NewList(func() int { return len(m.plots) },
		func() fyne.CanvasObject {
			dot := canvas.NewCircle(theme.Color(theme.ColorNameForeground))
			dot.Resize(fyne.NewSize(12, 12))
			return container.NewBorder(nil, nil, container.NewGridWrap(fyne.NewSize(14, 14), dot), nil, widget.NewLabel(""))
		},
		func(id widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*fyne.Container)
			p := m.plots[id]
			c.Objects[0].(*widget.Label).SetText(orDash(p.Name))
			dot := c.Objects[1].(*fyne.Container).Objects[0].(*canvas.Circle)
			dot.FillColor = p.Status.Colour()
			dot.Refresh()
		})
	m.list.OnSelected = func(id widget.ListItemID) { m.choose(id) }
	return m
}

// tools are the zoom and save buttons.
func (m *originsMap) tools() fyne.CanvasObject {
	u := m.u
	zoom := func(f float64) func() {
		return func() {
			m.mu.Lock()
			if f == 0 {
				m.zoom = 1
			} else {
				m.zoom = math.Min(math.Max(m.zoom*f, 1.0/1024), 1024)
			}
			m.mu.Unlock()
			m.area.Refresh()
		}
	}
	buttons := []fyne.CanvasObject{
		widget.NewButtonWithIcon(u.t("map.zoom_in"), theme.ZoomInIcon(), zoom(2)),
		widget.NewButtonWithIcon(u.t("map.zoom_out"), theme.ZoomOutIcon(), zoom(0.5)),
		widget.NewButtonWithIcon(u.t("map.fit"), theme.ZoomFitIcon(), zoom(0)),
		widget.NewButtonWithIcon(u.t("map.save"), theme.DocumentSaveIcon(), m.save),
	}
	// As many in a row as there is room for: a narrow window wraps them.
	var cell fyne.Size
	for _, b := range buttons {
		cell = cell.Max(b.MinSize())
	}
	return container.New(layout.NewGridWrapLayout(cell), buttons...)
}

// full is the map with its tools, the list of plots, what is known of the
// chosen one, and the legend.
func (m *originsMap) full() fyne.CanvasObject {
	u := m.u
	legend := container.NewHBox()
	seen := map[geomap.Status]bool{}
	for _, p := range m.plots {
		seen[p.Status] = true
	}
	for _, s := range geomap.Statuses() {
		if !seen[s] {
			continue
		}
		dot := canvas.NewCircle(s.Colour())
		legend.Add(container.NewGridWrap(fyne.NewSize(14, 14), dot))
		legend.Add(widget.NewLabel(u.t("map.status." + s.Key())))
	}
	side := container.NewVSplit(m.list, container.NewVScroll(container.NewVBox(container.NewHBox(m.record), m.info)))
	side.Offset = 0.4
	split := container.NewHSplit(m.area, side)
	split.Offset = 0.7
	return container.NewBorder(m.tools(), container.NewVBox(container.NewHScroll(legend), note(u.t("map.source", "km", geomap.CoastlineKm))), nil, nil, split)
}

// chosen returns the chosen plot.
func (m *originsMap) chosen() (plotOnMap, bool) {
	m.mu.Lock()
	i := m.selected
	m.mu.Unlock()
	if i < 0 || i >= len(m.plots) {
		return plotOnMap{}, false
	}
	return m.plots[i], true
}

// choose shows plot i (-1: none) highlighted, and what is known of it.
func (m *originsMap) choose(i int) {
	m.mu.Lock()
	changed := m.selected != i
	m.selected = i
	m.mu.Unlock()
	if i < 0 || i >= len(m.plots) {
		m.info.SetText(m.u.t("map.tap_hint"))
		m.record.Hide()
		m.list.UnselectAll()
	} else {
		m.info.SetText(plotText(m.u, m.plots[i]))
		m.record.Show()
		m.list.Select(i)
	}
	if changed {
		m.area.Refresh()
	}
}

// plotText says what the map knows of a plot: all from its record.
func plotText(u *UI, p plotOnMap) string {
	lines := []string{orDash(p.Name) + " (" + orDash(p.Country) + ")"}
	switch {
	case p.Geo.Point != nil:
		lines = append(lines, u.t("map.plot.point", "lat", fmt.Sprintf("%.6f", p.Geo.Point.Lat()), "lon", fmt.Sprintf("%.6f", p.Geo.Point.Lon())))
	case len(p.Geo.Rings) > 0:
		c := p.Geo.Centroid()
		lines = append(lines, u.t("map.plot.polygon", "n", len(p.Geo.Rings[0])-1, "lat", fmt.Sprintf("%.6f", c.Lat()), "lon", fmt.Sprintf("%.6f", c.Lon())))
	default:
		lines = append(lines, u.t("map.plot.none"))
	}
	if p.AreaHa > 0 {
		lines = append(lines, u.t("map.plot.area", "ha", strconv.FormatFloat(p.AreaHa, 'f', 2, 64)))
	}
	lines = append(lines, u.t("map.status."+p.Status.Key()), u.t("map.plot.record", "id", shortCID(p.Record)))
	return strings.Join(lines, "\n")
}

// geoPlots returns the plots as the renderer takes them.
func geoPlots(plots []plotOnMap) []geomap.Plot {
	out := make([]geomap.Plot, len(plots))
	for i, p := range plots {
		out[i] = geomap.Plot{Name: p.Name, Geo: p.Geo, Status: p.Status}
	}
	return out
}

// render returns the map at w×h pixels, scale pixels a unit of the
// screen, drawn again only when the size, the zoom or the chosen plot
// changed.
func (m *originsMap) render(w, h int, scale float32) (*geomap.Map, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	key := [5]float64{float64(w), float64(h), float64(scale), m.zoom, float64(m.selected)}
	if m.cache != nil && key == m.cacheKey {
		return m.cache, nil
	}
	gm, err := geomap.Render(geomap.Options{Width: w, Height: h, Plots: geoPlots(m.plots), Selected: m.selected, Zoom: m.zoom, MinSpanKm: m.minSpanKm, Scale: float64(scale), Text: m.u.t})
	if err != nil {
		return nil, err
	}
	m.cache, m.cacheKey = gm, key
	return gm, nil
}

// save writes the map, as it is shown, to a PNG file the person chooses.
func (m *originsMap) save() {
	m.u.files.save(m.u.t("map.save_title"), "jejak-origins-map.png", func(path string) {
		if err := m.savePNG(path); err != nil {
			m.u.info(m.u.t("map.error_title"), m.u.t("map.error", "err", err))
			return
		}
		m.u.info(m.u.t("map.saved_title"), m.u.t("map.saved", "path", path))
	})
}

// savePNG writes the map at 1600×1000 pixels to path.
func (m *originsMap) savePNG(path string) error {
	m.mu.Lock()
	o := geomap.Options{Width: 1600, Height: 1000, Plots: geoPlots(m.plots), Selected: m.selected, Zoom: m.zoom, MinSpanKm: m.minSpanKm, Scale: 1.5, Text: m.u.t}
	m.mu.Unlock()
	gm, err := geomap.Render(o)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	if err := png.Encode(&b, gm.Image); err != nil {
		return err
	}
	return atomicfile.Write(path, b.Bytes(), 0o644)
}

// mapArea draws the map at the size it is given and picks plots by tap.
type mapArea struct {
	widget.BaseWidget
	m      *originsMap
	raster *canvas.Raster
}

func newMapArea(m *originsMap) *mapArea {
	a := &mapArea{m: m}
	a.raster = canvas.NewRaster(func(w, h int) image.Image {
		gm, err := m.render(max(w, geomap.MinSize), max(h, geomap.MinSize), a.scale())
		if err != nil {
			return image.NewUniform(theme.Color(theme.ColorNameBackground))
		}
		return gm.Image
	})
	a.raster.SetMinSize(fyne.NewSize(360, 380))
	a.ExtendBaseWidget(a)
	return a
}

func (a *mapArea) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(a.raster) }

// Tapped chooses the plot under the tap, or none.
func (a *mapArea) Tapped(e *fyne.PointEvent) {
	w, h, scale := a.pixels()
	gm, err := a.m.render(w, h, scale)
	if err != nil {
		return
	}
	a.m.choose(gm.PlotAt(float64(e.Position.X*scale), float64(e.Position.Y*scale)))
}

// scale returns the pixels a unit of size of the canvas the map is on.
func (a *mapArea) scale() float32 {
	if c := fyne.CurrentApp().Driver().CanvasForObject(a); c != nil && c.Scale() > 0 {
		return min(c.Scale(), 8)
	}
	return 1
}

// pixels returns the map's size in pixels and pixels per unit of size.
func (a *mapArea) pixels() (w, h int, scale float32) {
	scale = a.scale()
	s := a.Size()
	return max(int(s.Width*scale), geomap.MinSize), max(int(s.Height*scale), geomap.MinSize), scale
}

// newBatchOrigins is the batch detail's card with a button that verifies
// the batch (id) on this computer and shows its origin plots on a map;
// grown is called when the card has grown, to lay out what holds it.
// reset empties the card for another batch.
func newBatchOrigins(u *UI, id func() protocol.BatchID, grown func()) (card fyne.CanvasObject, reset func()) {
	body := container.NewStack()
	var show *widget.Button
	show = widget.NewButtonWithIcon(u.t("map.show_origins"), theme.SearchIcon(), func() {
		want := id()
		background(u, u.t("map.op_verify"), func(ctx context.Context) (*provenance.Report, error) {
			return u.svc.Verify(ctx, api.VerifyRequest{Batch: want})
		}, func(r *provenance.Report) {
			if id() != want {
				return // another batch was chosen meanwhile
			}
			m := newOriginsMap(u, plotsFromReport(r))
			body.Objects = []fyne.CanvasObject{m}
			body.Refresh()
			grown()
		}, nil)
	})
	reset = func() {
		body.Objects = []fyne.CanvasObject{container.NewVBox(note(u.t("map.origins_hint")), container.NewHBox(show))}
		body.Refresh()
	}
	reset()
	return widget.NewCard(u.t("map.origins_title"), "", body), reset
}

// placePreview shows, on the Place form, the geometry being typed or
// imported on the map, its positions, and warnings when it looks wrong.
// It only shows: the location is corrected in the form's fields.
type placePreview struct {
	u      *UI
	obj    *fyne.Container
	mapBox *fyne.Container
	empty  *widget.Label
	warn   *widget.Label
	points *widget.Label
	last   string // what was last shown, to draw again only on a change
}

func newPlacePreview(u *UI) *placePreview {
	p := &placePreview{u: u, mapBox: container.NewStack(), empty: note(u.t("map.preview.empty")), warn: wrapLabel(""), points: wrapLabel("")}
	p.warn.Importance = widget.DangerImportance
	p.points.TextStyle.Monospace = true
	p.obj = container.NewVBox(
		widget.NewLabelWithStyle(u.t("map.preview.title"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		p.empty, p.warn, p.mapBox, p.points, note(u.t("map.preview.correct")))
	p.warn.Hide()
	p.points.Hide()
	p.mapBox.Hide()
	return p
}

func (p *placePreview) clear() {
	if p.last == "" && p.empty.Visible() {
		return
	}
	p.last = ""
	p.empty.Show()
	p.warn.Hide()
	p.points.Hide()
	p.mapBox.Objects = nil
	p.mapBox.Hide()
	p.grown()
}

// grown lays out again the Record screen's tab that holds the preview,
// which changed its size: a scroll does not see its content grow.
func (p *placePreview) grown() {
	p.obj.Refresh()
	if r := p.u.record; r != nil && r.tabs != nil {
		if it := r.tabs.Selected(); it != nil && it.Content != nil {
			it.Content.Refresh()
		}
	}
}

// update shows what the form f holds: the point typed or the boundary
// chosen from a file.
func (p *placePreview) update(f *placeForm) {
	var geo protocol.Geometry
	if f.how.Selected == f.u.t(locPolygon) {
		g, ok := f.chosen()
		if !ok {
			p.clear()
			return
		}
		geo = g.Geo
	} else {
		lat, err1 := strconv.ParseFloat(strings.TrimSpace(f.lat.Text), 64)
		lon, err2 := strconv.ParseFloat(strings.TrimSpace(f.lon.Text), 64)
		if err1 != nil || err2 != nil {
			p.clear()
			return
		}
		geo = protocol.PointGeometry(protocol.Pos(lon, lat))
	}
	p.set(clean(f.name.Text), clean(f.country.Text), geo)
}

// set shows geo, named name, declared in country.
func (p *placePreview) set(name, country string, geo protocol.Geometry) {
	if geo.Validate("geo") != nil {
		p.clear() // the form says what is wrong with it
		return
	}
	key := fmt.Sprint(name, country, geo)
	if key == p.last {
		return
	}
	p.last = key
	var warns []string
	findings, _ := geomap.Check(geo, country)
	for _, fd := range findings {
		switch fd.Code {
		case geomap.FindSwapped:
			warns = append(warns, p.u.t("map.warn.swapped", "country", country))
		case geomap.FindSea:
			warns = append(warns, p.u.t("map.warn.sea", "km", geomap.CoastlineKm))
		case geomap.FindOutside:
			warns = append(warns, p.u.t("map.warn.outside", "found", orDash(fd.Country), "country", country))
		}
	}
	p.warn.SetText(strings.Join(warns, "\n"))
	p.warn.Hidden = len(warns) == 0
	p.points.SetText(positionsText(p.u, geo))
	p.points.Show()
	status := geomap.StatusOK // drawn green, or red when it looks wrong
	if len(warns) > 0 {
		status = geomap.StatusFailing
	}
	m := newMapState(p.u, []plotOnMap{{Name: name, Country: country, Geo: geo, AreaHa: geo.Area() / 10000, Status: status}}, previewSpanKm)
	p.mapBox.Objects = []fyne.CanvasObject{container.NewBorder(m.tools(), nil, nil, nil, m.area)}
	p.mapBox.Show()
	p.empty.Hide()
	p.grown()
}

// previewSpanKm is the least the Place form's map shows around a place:
// enough to see the coast or the border a mistyped point falls beyond.
const previewSpanKm = 60

// maxListed is how many positions of a boundary the preview lists.
const maxListed = 12

// positionsText lists a geometry's positions, latitude first, as people
// read them.
func positionsText(u *UI, g protocol.Geometry) string {
	if g.Point != nil {
		return "1. " + g.Point.String()
	}
	var lines []string
	for ri, r := range g.Rings {
		if ri > 0 {
			lines = append(lines, u.t("map.preview.hole", "n", ri))
		}
		for i, q := range r[:len(r)-1] { // the last repeats the first
			if i == maxListed {
				lines = append(lines, u.t("map.preview.more", "n", len(r)-1-maxListed))
				break
			}
			lines = append(lines, fmt.Sprintf("%d. %s", i+1, q.String()))
		}
	}
	return strings.Join(lines, "\n")
}
