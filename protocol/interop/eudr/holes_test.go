package eudr

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// starRing returns a closed ring around (cx, cy) whose n corners lie at
// increasing angles and random radii between r/2 and r: a simple polygon,
// not convex.
func starRing(rng *rand.Rand, cx, cy, r int64, n int) []protocol.Position {
	var ring []protocol.Position
	for i := range n {
		a := (float64(i) + rng.Float64()*0.8) / float64(n) * 2 * math.Pi
		d := float64(r) * (0.5 + rng.Float64()/2)
		ring = append(ring, protocol.Position{cx + int64(d*math.Cos(a)), cy + int64(d*math.Sin(a))})
	}
	return append(ring, ring[0])
}

// checkPieces checks withoutHoles' answer for a polygon: valid hole-free
// counterclockwise rings that cover its area, none over a hole.
func checkPieces(t *testing.T, rings [][]protocol.Position, inHoles []protocol.Position) {
	t.Helper()
	pieces, err := withoutHoles(rings)
	if err != nil {
		t.Fatalf("withoutHoles(%v): %v", rings, err)
	}
	if len(rings) > 1 && len(pieces) < 2 {
		t.Fatalf("%d pieces of a polygon with %d holes", len(pieces), len(rings)-1)
	}
	var area float64
	for _, p := range pieces {
		g := protocol.PolygonGeometry(p)
		if err := g.Validate("piece"); err != nil {
			t.Fatalf("piece %v: %v", p, err)
		}
		if signedArea(p) <= 0 {
			t.Errorf("piece %v runs clockwise", p)
		}
		for _, h := range inHoles {
			if inRing(h, p) {
				t.Errorf("piece %v covers the hole at %v", p, h)
			}
		}
		area += g.Area()
	}
	// Each cut, one per hole at most, rounds where it crosses an edge by
	// half a unit at most: a sliver of a quarter unit times the edge's
	// east–west length (a unit is about 1.11 cm).
	var dx float64
	for _, r := range rings {
		for i := 0; i+1 < len(r); i++ {
			dx += math.Abs(float64(r[i+1][0] - r[i][0]))
		}
	}
	slack := float64(len(rings)-1) * dx / 4 * 1.24e-4
	if want := protocol.PolygonGeometry(rings...).Area(); math.Abs(area-want) > slack+1e-9*want+1e-3 {
		t.Errorf("pieces cover %.3f m², the polygon %.3f m² (slack %.3f m²)", area, want, slack)
	}
}

// TestWithoutHoles cuts polygons with holes of a few shapes.
func TestWithoutHoles(t *testing.T) {
	// In hundreds of units (about a metre).
	sq := func(x, y, d int64) []protocol.Position {
		x, y, d = x*100, y*100, d*100
		return []protocol.Position{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	tri := func(x, y, d int64) []protocol.Position { // clockwise on purpose
		x, y, d = x*100, y*100, d*100
		return []protocol.Position{{x, y}, {x + d/2, y + d}, {x + d, y}, {x, y}}
	}
	pt := func(x, y int64) protocol.Position { return protocol.Position{x * 100, y * 100} }
	tests := []struct {
		name    string
		rings   [][]protocol.Position
		inHoles []protocol.Position
	}{
		{"no hole", [][]protocol.Position{sq(0, 0, 1000)}, nil},
		{"one square hole", [][]protocol.Position{sq(0, 0, 1000), sq(400, 400, 200)}, []protocol.Position{pt(500, 500)}},
		{"holes one above the other: one cut crosses both", [][]protocol.Position{sq(0, 0, 1000), sq(400, 100, 200), sq(420, 600, 150)},
			[]protocol.Position{pt(500, 200), pt(495, 675)}},
		{"holes side by side", [][]protocol.Position{sq(0, 0, 1000), sq(100, 100, 200), sq(600, 500, 300), tri(350, 700, 120)},
			[]protocol.Position{pt(200, 200), pt(750, 650), pt(410, 720)}},
		{"a hole in a clockwise outer ring", [][]protocol.Position{{pt(0, 0), pt(0, 900), pt(900, 900), pt(900, 0), pt(0, 0)}, sq(300, 300, 300)},
			[]protocol.Position{pt(450, 450)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := protocol.PolygonGeometry(tc.rings...).Validate("geo"); err != nil {
				t.Fatalf("the test's polygon is invalid: %v", err)
			}
			checkPieces(t, tc.rings, tc.inHoles)
		})
	}
}

// FuzzWithoutHoles cuts random star-shaped plots with random square
// ponds: every valid polygon gives valid pieces covering its land.
func FuzzWithoutHoles(f *testing.F) {
	for _, seed := range []uint64{1, 2, 3, 42, 1 << 40} {
		f.Add(seed, uint8(12), uint8(3))
	}
	f.Fuzz(func(t *testing.T, seed uint64, corners, ponds uint8) {
		rng := rand.New(rand.NewPCG(seed, seed>>7))
		const cx, cy, r = 1_020_000_000, 5_000_000, 40_000
		rings := [][]protocol.Position{starRing(rng, cx, cy, r, 3+int(corners)%60)}
		var in []protocol.Position
		var boxes [][4]int64
	pond:
		for range int(ponds) % 6 {
			d := int64(500 + rng.IntN(4_000))
			x := cx - r/3 + int64(rng.IntN(int(2*r/3)))
			y := cy - r/3 + int64(rng.IntN(int(2*r/3)))
			for _, b := range boxes {
				if x <= b[2] && b[0] <= x+d && y <= b[3] && b[1] <= y+d {
					continue pond // a pond in a pond is not a valid polygon
				}
			}
			boxes = append(boxes, [4]int64{x, y, x + d, y + d})
			rings = append(rings, []protocol.Position{{x, y}, {x, y + d}, {x + d, y + d}, {x + d, y}, {x, y}})
			in = append(in, protocol.Position{x + d/2, y + d/2})
		}
		if protocol.PolygonGeometry(rings...).Validate("geo") != nil {
			return // ponds that overlap, or a plot too thin for them
		}
		checkPieces(t, rings, in)
	})
}
