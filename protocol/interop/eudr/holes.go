package eudr

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"slices"

	"github.com/jejak/jejak/protocol"
)

// The EU Information System does not take a polygon with holes (a
// "doughnut": a plot around a pond, a house or a patch of forest kept
// standing); the Commission's list of GeoJSON errors says to split it into
// pieces without holes ("half-moons") instead. withoutHoles does that by
// cutting the polygon along a north–south line through each hole: the
// pieces cover exactly the plot's land, none its holes, and each is a
// valid ring by the protocol's geometry rules.

// withoutHoles returns a valid polygon's land as hole-free rings, each
// closed and counterclockwise: the outer ring alone when it has no
// holes.
func withoutHoles(rings [][]protocol.Position) ([][]protocol.Position, error) {
	work := [][][]protocol.Position{oriented(rings)}
	var done [][]protocol.Position
	var slack float64 // the most the rounding of crossings can change the area, in squared units
	for len(work) > 0 {
		p := work[len(work)-1]
		work = work[:len(work)-1]
		if len(p) == 1 {
			done = append(done, p[0])
			continue
		}
		pieces, s, err := cutThrough(p, p[1])
		if err != nil {
			return nil, err
		}
		work = append(work, pieces...)
		slack += s
	}
	slices.Reverse(done)
	want := protocol.PolygonGeometry(rings...).Area()
	var got float64
	for _, r := range done {
		got += protocol.PolygonGeometry(r).Area()
	}
	if math.Abs(got-want) > slack*unitArea+1e-9*want+1e-3 {
		return nil, fmt.Errorf("the pieces of its polygon without holes cover %.1f m², not the plot's %.1f m²", got, want)
	}
	return done, nil
}

// unitArea bounds the area of one squared coordinate unit (a
// ten-millionth of a degree each way) in square metres: about 1.11 cm by
// 1.11 cm at the equator, less elsewhere.
const unitArea = 1.24e-4

// oriented returns the rings with the outer one counterclockwise and the
// holes clockwise, as RFC 7946 asks, so that the land is always on the
// left of the way round.
func oriented(rings [][]protocol.Position) [][]protocol.Position {
	out := make([][]protocol.Position, len(rings))
	for i, r := range rings {
		r = slices.Clone(r)
		if ccw := signedArea(r) > 0; ccw != (i == 0) {
			slices.Reverse(r)
		}
		out[i] = r
	}
	return out
}

// signedArea returns twice the area of a closed ring in squared
// coordinate units, positive when counterclockwise.
func signedArea(r []protocol.Position) float64 {
	var s float64
	o := r[0]
	for i := 1; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		s += float64(a[0]-o[0])*float64(b[1]-o[1]) - float64(b[0]-o[0])*float64(a[1]-o[1])
	}
	return s
}

// cutThrough cuts polygon p (oriented) along a north–south line through
// hole h, trying a few lines until one gives valid pieces, and returns
// them with the slack of cut.
func cutThrough(p [][]protocol.Position, h []protocol.Position) ([][][]protocol.Position, float64, error) {
	lo, hi := h[0][0], h[0][0]
	for _, q := range h {
		lo, hi = min(lo, q[0]), max(hi, q[0])
	}
	xs := map[int64]bool{}
	for _, r := range p {
		for _, q := range r {
			xs[q[0]] = true
		}
	}
	var last error
	for _, k := range []int64{4, 3, 5, 2, 6, 1, 7} {
		c := lo + (hi-lo)*k/8
		for xs[c] && c < hi {
			c++ // never through a corner
		}
		if c <= lo || c >= hi || xs[c] {
			continue
		}
		pieces, slack, err := cut(p, c)
		if err == nil {
			return pieces, slack, nil
		}
		last = err
	}
	if last == nil {
		last = errors.New("the hole is too narrow to cut through")
	}
	return nil, 0, fmt.Errorf("its polygon has a hole that cannot be cut into pieces without holes: %w", last)
}

// crossing is where an edge of a ring crosses the cut line.
type crossing struct {
	ring, edge int   // edge i runs from ring[i] to ring[i+1]
	y          int64 // rounded to the coordinate grid
	east       bool  // the edge runs from west of the line to east of it
}

// cut splits oriented polygon p along the line x = c, which passes
// through no corner, into polygons west and east of it, each with the
// holes that lie in it. Each crossing is rounded to the grid, half a unit
// at most, which moves the pieces' shared corner off the edge it was on:
// the land changes by a sliver of at most a quarter of a unit times the
// edge's east–west length, and cut returns the sum of those bounds (slack).
func cut(p [][]protocol.Position, c int64) (_ [][][]protocol.Position, slack float64, _ error) {
	var xs []crossing
	at := map[[2]int]int{}
	var whole []int // rings the line does not cross
	for ri, r := range p {
		n := 0
		for i := 0; i+1 < len(r); i++ {
			a, b := r[i], r[i+1]
			if (a[0] < c) != (b[0] < c) {
				at[[2]int{ri, i}] = len(xs)
				xs = append(xs, crossing{ring: ri, edge: i, y: crossAt(a, b, c), east: a[0] < c})
				slack += math.Abs(float64(b[0]-a[0])) / 4
				n++
			}
		}
		if n == 0 {
			if ri == 0 {
				return nil, 0, errors.New("the cut misses the outer ring")
			}
			whole = append(whole, ri)
		}
	}
	order := make([]int, len(xs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(i, j int) int { return cmpInt(xs[i].y, xs[j].y) })
	rank := make([]int, len(xs))
	for k, i := range order {
		rank[i] = k
		if k > 0 && xs[order[k-1]].y == xs[i].y {
			return nil, 0, errors.New("two edges cross the cut at one point")
		}
	}
	// With the land on the left of the way round, the crossings along the
	// line, south to north, pair up as (eastward, westward): the land lies
	// between the two of each pair.
	for k := 0; k < len(order); k += 2 {
		if k+1 >= len(order) || !xs[order[k]].east || xs[order[k+1]].east {
			return nil, 0, errors.New("the rings' crossings of the cut do not pair up")
		}
	}
	var out [][][]protocol.Position
	for _, west := range []bool{true, false} {
		side := func(q protocol.Position) bool { return (q[0] < c) == west }
		// A chain runs from a crossing into this side to the next crossing
		// out of it, along one ring.
		type chain struct {
			pts []protocol.Position
			end int // the crossing it leaves by
		}
		chains := map[int]chain{}
		for i, x := range xs {
			if x.east == west { // this crossing leaves the side
				continue
			}
			r := p[x.ring]
			n := len(r) - 1
			pts := []protocol.Position{{c, x.y}}
			j := (x.edge + 1) % n
			for side(r[j]) {
				pts = append(pts, r[j])
				j = (j + 1) % n
			}
			end := at[[2]int{x.ring, (j + n - 1) % n}] // the edge into r[j]
			chains[i] = chain{pts: append(pts, protocol.Position{c, xs[end].y}), end: end}
		}
		used := map[int]bool{}
		var pieces [][][]protocol.Position
		for _, start := range order {
			if _, ok := chains[start]; !ok || used[start] {
				continue
			}
			var ring []protocol.Position
			for cur := start; !used[cur]; {
				used[cur] = true
				ch := chains[cur]
				ring = append(ring, ch.pts...)
				// Along the line to the other end of the land's stretch:
				// north on the west side, south on the east.
				k := rank[ch.end]
				if west {
					k++
				} else {
					k--
				}
				cur = order[k]
			}
			if ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			pieces = append(pieces, [][]protocol.Position{ring})
		}
		for _, ri := range whole {
			h := p[ri]
			if !side(h[0]) {
				continue
			}
			k := slices.IndexFunc(pieces, func(pc [][]protocol.Position) bool { return inRing(h[0], pc[0]) })
			if k < 0 {
				return nil, 0, errors.New("a hole lies inside another hole: record the land inside as a plot of its own")
			}
			pieces[k] = append(pieces[k], h)
		}
		out = append(out, pieces...)
	}
	for _, pc := range out {
		if err := protocol.PolygonGeometry(pc...).Validate("piece"); err != nil {
			return nil, 0, err
		}
	}
	return out, slack, nil
}

// crossAt returns the latitude, rounded to the grid, at which edge ab
// crosses the line x = c.
func crossAt(a, b protocol.Position, c int64) int64 {
	num := new(big.Int).Mul(big.NewInt(b[1]-a[1]), big.NewInt(c-a[0]))
	den := big.NewInt(b[0] - a[0])
	q := new(big.Rat).SetFrac(num, den)
	q.Add(q, new(big.Rat).SetInt64(a[1]))
	f, _ := q.Float64()
	y := int64(math.Round(f))
	return y
}

// inRing reports whether p lies inside closed ring r (even-odd rule).
func inRing(p protocol.Position, r []protocol.Position) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a[1] > p[1]) != (b[1] > p[1]) {
			// x of the edge at p's latitude, compared exactly.
			lhs := new(big.Int).Mul(big.NewInt(p[0]-a[0]), big.NewInt(b[1]-a[1]))
			rhs := new(big.Int).Mul(big.NewInt(b[0]-a[0]), big.NewInt(p[1]-a[1]))
			if b[1] < a[1] {
				lhs.Neg(lhs)
				rhs.Neg(rhs)
			}
			if lhs.Cmp(rhs) < 0 {
				in = !in
			}
		}
	}
	return in
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
