//go:build ignore

// This program draws the Jejak application icon, icon.png: a pale leaf on a
// rounded green tile, with the leaf's midrib drawn as a trail of footsteps
// (jejak is Malay for trace or footprint). Run it with "go generate" in this
// folder.
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"
)

const (
	size    = 256 // width and height in pixels
	samples = 4   // supersamples per pixel along each axis, for anti-aliasing
)

var (
	tileTop    = color.NRGBA{0x3a, 0x9d, 0x4a, 0xff}
	tileBottom = color.NRGBA{0x1b, 0x5e, 0x20, 0xff}
	leafColor  = color.NRGBA{0xf1, 0xf8, 0xe9, 0xff}
	trailColor = color.NRGBA{0x2e, 0x7d, 0x32, 0xff}
)

// vec is a point in icon coordinates, where the tile spans 0..size.
type vec struct{ x, y float64 }

func (a vec) sub(b vec) vec             { return vec{a.x - b.x, a.y - b.y} }
func (a vec) add(b vec) vec             { return vec{a.x + b.x, a.y + b.y} }
func (a vec) scale(k float64) vec       { return vec{a.x * k, a.y * k} }
func (a vec) dot(b vec) float64         { return a.x*b.x + a.y*b.y }
func (a vec) length() float64           { return math.Hypot(a.x, a.y) }
func lerp(a, b vec, t float64) vec      { return a.add(b.sub(a).scale(t)) }
func dist(a, b vec) float64             { return a.sub(b).length() }
func mix(a, b uint8, t float64) float64 { return float64(a) + (float64(b)-float64(a))*t }

// The leaf runs from its stem end (bottom left) to its tip (top right).
var (
	stemEnd  = vec{70, 186}
	leafTip  = vec{196, 60}
	leafAxis = leafTip.sub(stemEnd)
	leafLen  = leafAxis.length()
	leafDir  = leafAxis.scale(1 / leafLen)
	leafNorm = vec{-leafDir.y, leafDir.x}
)

// inTile reports whether p lies in the rounded square tile.
func inTile(p vec) bool {
	const r = 56.0
	cx := math.Max(r, math.Min(size-r, p.x))
	cy := math.Max(r, math.Min(size-r, p.y))
	return dist(p, vec{cx, cy}) <= r
}

// inLeaf reports whether p lies in the leaf: a lens whose half-width along the
// axis follows a sine curve, fuller towards the stem, plus a short stem.
func inLeaf(p vec) bool {
	d := p.sub(stemEnd)
	along := d.dot(leafDir) / leafLen
	across := d.dot(leafNorm)
	if along >= 0 && along <= 1 {
		half := 46 * math.Pow(math.Sin(math.Pi*along), 0.9) * (1 - 0.25*along)
		if math.Abs(across) <= half {
			return true
		}
	}
	// The stem: a short rounded bar behind the leaf's base.
	stemStart := stemEnd.sub(leafDir.scale(26))
	return segmentDist(p, stemStart, stemEnd.add(leafDir.scale(10))) <= 5
}

// inTrail reports whether p lies on one of the footsteps along the midrib:
// small ovals, pointing to the tip, that alternate from side to side.
func inTrail(p vec) bool {
	const steps = 6
	for i := 0; i < steps; i++ {
		t := 0.16 + 0.68*float64(i)/float64(steps-1)
		side := 7.0
		if i%2 == 1 {
			side = -7
		}
		k := 1 - 0.35*t // steps get smaller towards the tip
		d := p.sub(lerp(stemEnd, leafTip, t).add(leafNorm.scale(side * k)))
		u := d.dot(leafDir) / (9 * k)
		v := d.dot(leafNorm) / (5.5 * k)
		if u*u+v*v <= 1 {
			return true
		}
	}
	return false
}

// segmentDist returns the distance from p to the segment ab.
func segmentDist(p, a, b vec) float64 {
	ab := b.sub(a)
	t := math.Max(0, math.Min(1, p.sub(a).dot(ab)/ab.dot(ab)))
	return dist(p, a.add(ab.scale(t)))
}

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			var r, g, b, a float64
			for sy := 0; sy < samples; sy++ {
				for sx := 0; sx < samples; sx++ {
					p := vec{
						float64(x) + (float64(sx)+0.5)/samples,
						float64(y) + (float64(sy)+0.5)/samples,
					}
					if !inTile(p) {
						continue
					}
					t := p.y / size
					c := [3]float64{
						mix(tileTop.R, tileBottom.R, t),
						mix(tileTop.G, tileBottom.G, t),
						mix(tileTop.B, tileBottom.B, t),
					}
					switch {
					case inTrail(p):
						c = [3]float64{float64(trailColor.R), float64(trailColor.G), float64(trailColor.B)}
					case inLeaf(p):
						c = [3]float64{float64(leafColor.R), float64(leafColor.G), float64(leafColor.B)}
					}
					r, g, b, a = r+c[0], g+c[1], b+c[2], a+1
				}
			}
			if a == 0 {
				continue
			}
			img.SetNRGBA(x, y, color.NRGBA{
				R: uint8(math.Round(r / a)),
				G: uint8(math.Round(g / a)),
				B: uint8(math.Round(b / a)),
				A: uint8(math.Round(255 * a / (samples * samples))),
			})
		}
	}
	f, err := os.Create("icon.png")
	if err != nil {
		log.Fatal(err)
	}
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
