package geomap

import (
	"fmt"
	"image"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// kmPerDegree is the length of a degree of latitude, in kilometres, on
// the sphere of the Earth's mean radius.
const kmPerDegree = 111.195

// MinSpanKm is the smallest view Render fits plots into: one GPS point, or
// plots a few metres apart, are shown with 2 km around them, not zoomed
// until the basemap's kilometre-scale coastline looks like a survey.
const MinSpanKm = 2.0

// Size limits of a rendered map, in pixels.
const (
	MinSize = 32
	MaxSize = 8192
)

// Plot is one plot to draw: its name, its geometry as recorded, and its
// EUDR status.
type Plot struct {
	Name   string
	Geo    protocol.Geometry
	Status Status
}

// located reports whether p has a geometry to draw.
func (p Plot) located() bool {
	return p.Status != StatusNoGeometry && (p.Geo.Point != nil || len(p.Geo.Rings) > 0)
}

// Options say what to render.
type Options struct {
	Width, Height int // in pixels, MinSize to MaxSize
	Plots         []Plot
	// Selected is the index of a plot drawn highlighted; -1 (or any
	// index out of range) highlights none.
	Selected int
	// Zoom scales the view fitted to the plots: 0 or 1 fits them, 2
	// shows half the span, 0.5 twice the span.
	Zoom float64
	// Scale is how many pixels make one unit of the screen (a Fyne
	// canvas's scale); text, lines and markers grow with it. 0 is 1.
	Scale float64
	// MinSpanKm is the least the fitted view shows around the plots, in
	// kilometres; values under MinSpanKm (and 0) mean MinSpanKm.
	MinSpanKm float64
	// Text translates the few words drawn on the map (keys
	// "map.no_plots", "map.coastline" {km}, "map.north"); nil draws them in
	// English.
	Text func(key string, kv ...any) string
}

// Map is a rendered map: its image and how its pixels relate to the earth.
type Map struct {
	Image *image.RGBA
	// KmPerPixel is the map's scale at its centre.
	KmPerPixel float64
	// Coarse reports that the view is fine enough that the basemap's
	// coastlines (CoastlineKm) are visibly approximate, and the map says so.
	Coarse bool

	v     view
	plots []Plot
	k     float64 // Options.Scale
	// selected is Options.Selected, drawn on top.
	selected int
}

// view is an equirectangular projection scaled by cos(lat0).
type view struct {
	w, h       float64
	lon0, lat0 float64
	cos        float64
	pxPerKm    float64
}

func (v view) project(lon, lat float64) xy {
	return xy{
		v.w/2 + (lon-v.lon0)*v.cos*kmPerDegree*v.pxPerKm,
		v.h/2 - (lat-v.lat0)*kmPerDegree*v.pxPerKm,
	}
}

func (v view) unproject(p xy) (lon, lat float64) {
	return v.lon0 + (p.x-v.w/2)/(v.cos*kmPerDegree*v.pxPerKm), v.lat0 - (p.y-v.h/2)/(kmPerDegree*v.pxPerKm)
}

// bounds returns the degrees the view shows.
func (v view) bounds() box {
	lon1, lat1 := v.unproject(xy{0, 0})
	lon2, lat2 := v.unproject(xy{v.w, v.h})
	return box{lon1, lat2, lon2, lat1}
}

// Project returns the pixel position of lon, lat on the map.
func (m *Map) Project(lon, lat float64) (x, y float64) {
	p := m.v.project(lon, lat)
	return p.x, p.y
}

// defaultRegion is shown when no plot has a location: the palm oil belt of
// Malaysia and Indonesia.
var defaultRegion = box{95, -11, 141, 7}

// Render draws the plots that have a geometry over the basemap, fitted to
// their extent with a margin (at least MinSpanKm), with a scale bar, a
// north arrow and a few lines of latitude and longitude. An empty set, or
// one with no located plot, draws the region with the note "no located
// plots". It fails on a size out of range, or a plot whose geometry breaks
// the protocol's rules (such as a latitude beyond 90°), naming the plot.
func Render(o Options) (*Map, error) {
	if o.Width < MinSize || o.Width > MaxSize || o.Height < MinSize || o.Height > MaxSize {
		return nil, fmt.Errorf("geomap: map size %d×%d out of range (%d to %d pixels a side)", o.Width, o.Height, MinSize, MaxSize)
	}
	if math.IsNaN(o.Zoom) || math.IsInf(o.Zoom, 0) || o.Zoom < 0 {
		return nil, fmt.Errorf("geomap: zoom %v is not a positive number", o.Zoom)
	}
	if math.IsNaN(o.Scale) || o.Scale < 0 || o.Scale > 8 {
		return nil, fmt.Errorf("geomap: scale %v out of range (0 to 8)", o.Scale)
	}
	if math.IsNaN(o.MinSpanKm) || o.MinSpanKm > 40000 {
		return nil, fmt.Errorf("geomap: least span %v km is not a distance on the earth", o.MinSpanKm)
	}
	ext := emptyBox()
	located := 0
	for i, p := range o.Plots {
		if !p.located() {
			continue
		}
		if err := p.Geo.Validate("geo"); err != nil {
			return nil, fmt.Errorf("geomap: plot %d (%q): %w", i+1, p.Name, err)
		}
		located++
		for _, q := range positions(p.Geo) {
			ext.add(pt{q.Lon(), q.Lat()})
		}
	}
	if located == 0 {
		ext = defaultRegion
	}
	bm, err := loadBasemap()
	if err != nil {
		return nil, err
	}
	minSpan := 0.0
	if located > 0 {
		minSpan = math.Max(o.MinSpanKm, MinSpanKm)
	}
	v := fit(ext, float64(o.Width), float64(o.Height), minSpan)
	if o.Zoom > 0 {
		v.pxPerKm *= o.Zoom
	}
	// However far one zooms: at least 200 m across, at most the planet.
	v.pxPerKm = math.Min(v.pxPerKm, math.Min(v.w, v.h)/0.2)
	v.pxPerKm = math.Max(v.pxPerKm, v.w/40000)
	m := &Map{KmPerPixel: 1 / v.pxPerKm, v: v, plots: o.Plots, selected: o.Selected}
	k := o.Scale
	if k == 0 {
		k = 1
	}
	m.k = k
	c := newCanvas(o.Width, o.Height, k)
	c.fill(colSea)
	drawBasemap(c, bm, v)
	drawGraticule(c, v)
	drawPlots(c, v, o.Plots, o.Selected)
	say := o.Text
	if say == nil {
		say = english
	}
	drawScaleBar(c, v)
	drawNorth(c, v, say("map.north"))
	m.Coarse = v.w/v.pxPerKm < 100
	switch {
	case located == 0:
		note(c, v, say("map.no_plots"))
	case m.Coarse:
		note(c, v, say("map.coastline", "km", CoastlineKm))
	}
	m.Image = c.img
	return m, nil
}

// fit returns the view that shows ext with a margin and at least minSpan
// kilometres across (none when minSpan is 0: a region shown as it is).
func fit(ext box, w, h float64, minSpan float64) view {
	lat0 := (ext.minLat + ext.maxLat) / 2
	v := view{w: w, h: h, lon0: (ext.minLon + ext.maxLon) / 2, lat0: lat0, cos: math.Max(math.Cos(lat0*math.Pi/180), 0.05)}
	wKm := (ext.maxLon - ext.minLon) * v.cos * kmPerDegree
	hKm := (ext.maxLat - ext.minLat) * kmPerDegree
	if minSpan > 0 {
		wKm, hKm = math.Max(wKm*1.5, minSpan), math.Max(hKm*1.5, minSpan)
	}
	v.pxPerKm = math.Min(w/wKm, h/hKm)
	return v
}

// positions returns every position of g.
func positions(g protocol.Geometry) []protocol.Position {
	if g.Point != nil {
		return []protocol.Position{*g.Point}
	}
	var out []protocol.Position
	for _, r := range g.Rings {
		out = append(out, r...)
	}
	return out
}

// projectRing projects a ring, dropping points less than half a pixel
// from the last one kept.
func projectRing(v view, r []pt) []xy {
	out := make([]xy, 0, len(r))
	for i, p := range r {
		q := v.project(p.lon, p.lat)
		if n := len(out); n > 0 && i < len(r)-1 && math.Abs(q.x-out[n-1].x) < 0.5 && math.Abs(q.y-out[n-1].y) < 0.5 {
			continue
		}
		out = append(out, q)
	}
	return out
}

func drawBasemap(c *canvas, bm *basemap, v view) {
	vb := v.bounds()
	land := c.newPath()
	for _, ct := range bm.countries {
		if !ct.bounds.overlaps(vb) {
			continue
		}
		for _, pg := range ct.polys {
			if !pg.bounds.overlaps(vb) {
				continue
			}
			for _, r := range pg.rings {
				c.ring(land, projectRing(v, r))
			}
		}
	}
	c.paint(land, colLand)
	coast, border := c.newPath(), c.newPath()
	for _, a := range bm.arcs {
		if !a.bounds.overlaps(vb) {
			continue
		}
		if a.border {
			c.line(border, projectRing(v, a.pts), 1.2*c.k)
		} else {
			c.line(coast, projectRing(v, a.pts), c.k)
		}
	}
	c.paint(coast, colCoast)
	c.paint(border, colBorder)
}

// niceStep returns 1, 2 or 5 times a power of ten, near x.
func niceStep(x float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(x)))
	switch f := x / p; {
	case f < 1.5:
		return p
	case f < 3.5:
		return 2 * p
	case f < 7.5:
		return 5 * p
	}
	return 10 * p
}

// degrees formats a latitude or longitude for a grid line of step.
func degrees(d, step float64) string {
	dec := 0
	if step < 1 {
		dec = int(math.Ceil(-math.Log10(step) - 1e-9))
	}
	return strconv.FormatFloat(d, 'f', dec, 64) + "°"
}

// drawGraticule draws a few lines of latitude and longitude, labelled at
// the map's left and bottom edges.
func drawGraticule(c *canvas, v view) {
	vb := v.bounds()
	step := niceStep((vb.maxLon - vb.minLon) / 4)
	lines := c.newPath()
	var labels []func()
	for lon := math.Ceil(vb.minLon/step) * step; lon <= vb.maxLon; lon += step {
		x := v.project(lon, v.lat0).x
		c.line(lines, []xy{{x, 0}, {x, v.h}}, c.k)
		s := degrees(lon, step)
		if x+3*c.k+c.textWidth(s) < v.w-32*c.k { // clear of the north arrow
			labels = append(labels, func() { c.text(s, x+3*c.k, 14*c.k, colInk) })
		}
	}
	for lat := math.Ceil(vb.minLat/step) * step; lat <= vb.maxLat; lat += step {
		y := v.project(v.lon0, lat).y
		c.line(lines, []xy{{0, y}, {v.w, y}}, c.k)
		s := degrees(lat, step)
		if y > 24*c.k && y < v.h-48*c.k { // clear of the top labels and the scale bar
			labels = append(labels, func() { c.text(s, 3*c.k, y-3*c.k, colInk) })
		}
	}
	c.paint(lines, colGraticule)
	for _, l := range labels {
		l()
	}
}

// fillAlpha is how opaque a polygon plot's fill is: the basemap shows
// through, the colour still reads.
const fillAlpha = 0xa0

// drawOrder returns the indexes of n plots in the order they are drawn:
// as given, the selected one last, on top.
func drawOrder(n, selected int) []int {
	order := make([]int, 0, n)
	for i := range n {
		if i != selected {
			order = append(order, i)
		}
	}
	if selected >= 0 && selected < n {
		order = append(order, selected)
	}
	return order
}

// markerRadius is the radius of a point plot's marker, in pixels.
const markerRadius = 6

func drawPlots(c *canvas, v view, plots []Plot, selected int) {
	type label struct {
		s    string
		at   xy
		bold bool
	}
	var labels []label
	for _, i := range drawOrder(len(plots), selected) {
		p := plots[i]
		if !p.located() {
			continue
		}
		col := p.Status.Colour()
		sel := i == selected
		var centre xy
		small := true
		right := math.Inf(-1) // a polygon's right edge, where its label goes
		if p.Geo.Point != nil {
			centre = v.project(p.Geo.Point.Lon(), p.Geo.Point.Lat())
		} else {
			fill, edge := c.newPath(), c.newPath()
			pb := emptyBox()
			for _, r := range p.Geo.Rings {
				pts := make([]xy, len(r))
				for j, q := range r {
					pts[j] = v.project(q.Lon(), q.Lat())
					pb.add(pt{pts[j].x, pts[j].y})
				}
				c.ring(fill, pts)
				w := 2 * c.k
				if sel {
					w = 3.5 * c.k
				}
				c.line(edge, pts, w)
			}
			translucent := col
			translucent.A = fillAlpha
			c.paint(fill, premultiply(translucent))
			if sel {
				c.paint(edge, colInk)
			} else {
				c.paint(edge, col)
			}
			ce := p.Geo.Centroid()
			centre = v.project(ce.Lon(), ce.Lat())
			small = pb.maxLon-pb.minLon < 2*markerRadius*c.k && pb.maxLat-pb.minLat < 2*markerRadius*c.k
			if !small {
				right = pb.maxLon
			}
		}
		if small { // a point, or a polygon too small to see at this scale
			ring, dot := c.newPath(), c.newPath()
			r := markerRadius * c.k
			if sel {
				r += 2 * c.k
			}
			c.circle(ring, centre, r+2*c.k)
			c.circle(dot, centre, r)
			if sel {
				c.paint(ring, colInk)
			} else {
				c.paint(ring, colPaper)
			}
			c.paint(dot, col)
		}
		if p.Name != "" {
			lx := math.Max(centre.x+(markerRadius+4)*c.k, right+4*c.k)
			labels = append(labels, label{p.Name, xy{lx, centre.y + 4*c.k}, sel})
		}
	}
	// The chosen plot's label first; then each label that does not cover
	// one already drawn, so a cluster of smallholdings stays legible (the
	// list beside the map names them all).
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].bold && !labels[j].bold })
	var drawn []box
	for _, l := range labels {
		r := box{l.at.x, l.at.y - 12*c.k, l.at.x + c.textWidth(l.s), l.at.y + 3*c.k}
		if slices.ContainsFunc(drawn, r.overlaps) {
			continue
		}
		drawn = append(drawn, r)
		c.text(l.s, l.at.x, l.at.y, colInk)
	}
}

// drawScaleBar draws a bar of a round number of kilometres (or metres),
// about a quarter of the map's width, at the bottom left.
func drawScaleBar(c *canvas, v view) {
	km := niceStep(v.w / 4 / v.pxPerKm)
	px := km * v.pxPerKm
	s := strconv.FormatFloat(km, 'f', -1, 64) + " km"
	if km < 1 {
		s = strconv.FormatFloat(km*1000, 'f', 0, 64) + " m"
	}
	k := c.k
	x0, y0 := 12*k, v.h-24*k
	c.rect(x0-4*k, y0-16*k, x0+math.Max(px, c.textWidth(s))+6*k, y0+8*k, colPaper)
	c.rect(x0, y0, x0+px, y0+4*k, colInk)
	c.rect(x0, y0-4*k, x0+1.5*k, y0+4*k, colInk)
	c.rect(x0+px-1.5*k, y0-4*k, x0+px, y0+4*k, colInk)
	c.text(s, x0, y0-4*k, colInk)
}

// drawNorth draws an arrow pointing north at the top right.
func drawNorth(c *canvas, v view, n string) {
	k := c.k
	x, y := v.w-18*k, 10*k
	p := c.newPath()
	c.ring(p, []xy{{x, y}, {x + 7*k, y + 18*k}, {x, y + 13*k}, {x - 7*k, y + 18*k}})
	c.paint(p, colInk)
	c.text(n, x-c.textWidth(n)/2, y+32*k, colInk)
}

// note writes a line of text in a pale box at the bottom right.
func note(c *canvas, v view, s string) {
	w := c.textWidth(s)
	k := c.k
	x := math.Max(v.w-w-12*k, 4*k)
	c.rect(x-4*k, v.h-26*k, x+w+4*k, v.h-8*k, colPaper)
	c.text(s, x, v.h-13*k, colInk)
}

// english is the map's text when Options.Text is nil.
func english(key string, kv ...any) string {
	s := map[string]string{
		"map.no_plots":  "No located plots",
		"map.coastline": "Coastline ±{km} km: the basemap is context, the plots are as recorded",
		"map.north":     "N",
	}[key]
	for i := 0; i+1 < len(kv); i += 2 {
		s = strings.ReplaceAll(s, "{"+fmt.Sprint(kv[i])+"}", fmt.Sprint(kv[i+1]))
	}
	return s
}

// PlotAt returns the index of the plot drawn at pixel x, y (the one on top
// where plots overlap), or -1: a point's marker, or inside a polygon.
func (m *Map) PlotAt(x, y float64) int {
	at := xy{x, y}
	order := drawOrder(len(m.plots), m.selected)
	for k := len(order) - 1; k >= 0; k-- {
		i := order[k]
		p := m.plots[i]
		if !p.located() {
			continue
		}
		ce := p.Geo.Centroid()
		c := m.v.project(ce.Lon(), ce.Lat())
		if math.Hypot(c.x-at.x, c.y-at.y) <= (markerRadius+4)*m.k {
			return i
		}
		if p.Geo.Point != nil {
			continue
		}
		rings := make([][]pt, len(p.Geo.Rings))
		for j, r := range p.Geo.Rings {
			for _, q := range r {
				s := m.v.project(q.Lon(), q.Lat())
				rings[j] = append(rings[j], pt{s.x, s.y})
			}
		}
		if insideRings(rings, pt{at.x, at.y}) {
			return i
		}
	}
	return -1
}
