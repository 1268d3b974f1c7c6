package geomap

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// xy is a position in pixels.
type xy struct{ x, y float64 }

// canvas draws filled paths and lines on an image, clipped to it.
type canvas struct {
	k    float64 // pixels per unit of the screen
	img  *image.RGBA
	clip box // in pixels: minLon = min x, minLat = min y, …
	face font.Face
}

func newCanvas(w, h int, k float64) *canvas {
	return &canvas{
		k:    k,
		img:  image.NewRGBA(image.Rect(0, 0, w, h)),
		clip: box{-4, -4, float64(w) + 4, float64(h) + 4},
		face: newFace(12 * k),
	}
}

func (c *canvas) fill(col color.Color) {
	draw.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{}, draw.Src)
}

// path collects closed rings and segments for one colour.
type path struct {
	r     *vector.Rasterizer
	empty bool
}

func (c *canvas) newPath() *path {
	b := c.img.Bounds()
	r := vector.NewRasterizer(b.Dx(), b.Dy())
	r.DrawOp = draw.Over
	return &path{r: r, empty: true}
}

func (c *canvas) paint(p *path, col color.Color) {
	if !p.empty {
		p.r.Draw(c.img, c.img.Bounds(), image.NewUniform(col), image.Point{})
	}
}

// ring adds a closed ring, clipped to the canvas (Sutherland–Hodgman), so
// a coastline thousands of pixels long off-screen costs nothing.
func (c *canvas) ring(p *path, pts []xy) {
	pts = clipRing(pts, c.clip)
	if len(pts) < 3 {
		return
	}
	p.empty = false
	p.r.MoveTo(float32(pts[0].x), float32(pts[0].y))
	for _, q := range pts[1:] {
		p.r.LineTo(float32(q.x), float32(q.y))
	}
	p.r.ClosePath()
}

// line adds a polyline of width w pixels as one quad per segment.
func (c *canvas) line(p *path, pts []xy, w float64) {
	for i := 1; i < len(pts); i++ {
		a, b, ok := clipSegment(pts[i-1], pts[i], c.clip)
		if !ok {
			continue
		}
		dx, dy := b.x-a.x, b.y-a.y
		l := math.Hypot(dx, dy)
		if l < 1e-9 {
			continue
		}
		ux, uy := dx/l*w/2, dy/l*w/2 // along, half the width
		nx, ny := -uy, ux
		a = xy{a.x - ux, a.y - uy}
		b = xy{b.x + ux, b.y + uy}
		c.ring(p, []xy{{a.x + nx, a.y + ny}, {b.x + nx, b.y + ny}, {b.x - nx, b.y - ny}, {a.x - nx, a.y - ny}})
	}
}

// circle adds a disc of radius r.
func (c *canvas) circle(p *path, at xy, r float64) {
	const n = 24
	pts := make([]xy, n)
	for i := range pts {
		a := 2 * math.Pi * float64(i) / n
		pts[i] = xy{at.x + r*math.Cos(a), at.y + r*math.Sin(a)}
	}
	c.ring(p, pts)
}

// rect fills a rectangle.
func (c *canvas) rect(x0, y0, x1, y1 float64, col color.Color) {
	p := c.newPath()
	c.ring(p, []xy{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}})
	c.paint(p, col)
}

// textWidth returns the width of s in pixels.
func (c *canvas) textWidth(s string) float64 {
	if c.face == nil {
		return 0
	}
	return float64(font.MeasureString(c.face, s)) / 64
}

// text draws s with its baseline's left end at (x, y), with a pale halo
// so it reads over land, sea and plots alike.
func (c *canvas) text(s string, x, y float64, col color.Color) {
	if c.face == nil {
		return
	}
	d := &font.Drawer{Dst: c.img, Face: c.face}
	halo := image.NewUniform(color.RGBA{0xc0, 0xc0, 0xc0, 0xc0}) // white at 75 %, premultiplied
	for _, o := range [][2]float64{{-1, 0}, {1, 0}, {0, -1}, {0, 1}} {
		d.Src = halo
		d.Dot = fixed.P(int(math.Round(x+o[0])), int(math.Round(y+o[1])))
		d.DrawString(s)
	}
	d.Src = image.NewUniform(col)
	d.Dot = fixed.P(int(math.Round(x)), int(math.Round(y)))
	d.DrawString(s)
}

var (
	fontOnce sync.Once
	fontData *opentype.Font
)

// newFace returns a Go Regular face of size pixels; each canvas has its
// own, as a face is not safe for concurrent use.
func newFace(size float64) font.Face {
	fontOnce.Do(func() { fontData, _ = opentype.Parse(goregular.TTF) })
	if fontData == nil {
		return nil
	}
	f, err := opentype.NewFace(fontData, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
	if err != nil {
		return nil
	}
	return f
}

// clipRing clips a closed ring to a rectangle (Sutherland–Hodgman).
func clipRing(pts []xy, b box) []xy {
	inside := []func(xy) bool{
		func(p xy) bool { return p.x >= b.minLon },
		func(p xy) bool { return p.x <= b.maxLon },
		func(p xy) bool { return p.y >= b.minLat },
		func(p xy) bool { return p.y <= b.maxLat },
	}
	cross := []func(a, c xy) xy{
		func(a, c xy) xy { return xy{b.minLon, a.y + (c.y-a.y)*(b.minLon-a.x)/(c.x-a.x)} },
		func(a, c xy) xy { return xy{b.maxLon, a.y + (c.y-a.y)*(b.maxLon-a.x)/(c.x-a.x)} },
		func(a, c xy) xy { return xy{a.x + (c.x-a.x)*(b.minLat-a.y)/(c.y-a.y), b.minLat} },
		func(a, c xy) xy { return xy{a.x + (c.x-a.x)*(b.maxLat-a.y)/(c.y-a.y), b.maxLat} },
	}
	out := pts
	for e := range inside {
		if len(out) == 0 {
			return nil
		}
		in := out
		out = make([]xy, 0, len(in)+4)
		prev := in[len(in)-1]
		for _, p := range in {
			pin, qin := inside[e](p), inside[e](prev)
			switch {
			case pin && qin:
				out = append(out, p)
			case pin:
				out = append(out, cross[e](prev, p), p)
			case qin:
				out = append(out, cross[e](prev, p))
			}
			prev = p
		}
	}
	return out
}

// clipSegment clips segment a–b to a rectangle (Liang–Barsky).
func clipSegment(a, b xy, r box) (xy, xy, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.x-a.x, b.y-a.y
	for _, e := range [][2]float64{{-dx, a.x - r.minLon}, {dx, r.maxLon - a.x}, {-dy, a.y - r.minLat}, {dy, r.maxLat - a.y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		t := q / p
		if p < 0 {
			if t > t1 {
				return a, b, false
			}
			t0 = math.Max(t0, t)
		} else {
			if t < t0 {
				return a, b, false
			}
			t1 = math.Min(t1, t)
		}
	}
	return xy{a.x + t0*dx, a.y + t0*dy}, xy{a.x + t1*dx, a.y + t1*dy}, true
}

// premultiply returns c as the alpha-premultiplied colour image/color
// expects.
func premultiply(c color.RGBA) color.RGBA {
	a := uint32(c.A)
	return color.RGBA{uint8(uint32(c.R) * a / 255), uint8(uint32(c.G) * a / 255), uint8(uint32(c.B) * a / 255), c.A}
}
