package protocol

import (
	"fmt"
	"math/bits"
	"sort"
)

// The polygon rules of record version 2, which are the EUDR geolocation
// rules for plot boundaries: every ring has at least three distinct corners
// and no position repeated straight after itself, no ring crosses or
// touches itself, no two rings cross, and every hole lies inside the outer
// ring. Coordinates are integers (1e-7 degrees), so every test here is
// exact: orientations are computed in 128-bit integers.

// checkRing checks one closed ring for repeated consecutive positions and
// too few distinct corners.
func checkRing(field string, ring []Position) error {
	distinct := map[Position]bool{}
	for j := 1; j < len(ring); j++ {
		if ring[j] == ring[j-1] {
			return invalid(fmt.Sprintf("%s[%d]", field, j), "rule.position_repeats", "position", ring[j])
		}
		distinct[ring[j]] = true
	}
	if len(distinct) < 3 {
		return invalid(field, "rule.ring_few_corners", "n", len(distinct))
	}
	a, b := ring[0], ring[1]
	for _, p := range ring[2:] {
		if orient(a, b, p) != 0 {
			return nil
		}
	}
	return invalid(field, "rule.ring_on_line")
}

// segment is one edge of a ring: from a to b, the j-th edge of ring r.
type segment struct {
	a, b Position
	r, j int
	n    int // edges in the ring
}

// checkRings checks that no ring crosses itself or another, and that every
// hole lies inside the outer ring.
func checkRings(field string, rings [][]Position) error {
	var segs []segment
	for r, ring := range rings {
		n := len(ring) - 1
		for j := 0; j < n; j++ {
			segs = append(segs, segment{a: ring[j], b: ring[j+1], r: r, j: j, n: n})
		}
	}
	// Sweep along longitude: only edges whose spans overlap can meet.
	sort.Slice(segs, func(i, k int) bool { return minX(segs[i]) < minX(segs[k]) })
	var active []segment
	for _, s := range segs {
		keep := active[:0]
		for _, o := range active {
			if maxX(o) >= minX(s) {
				keep = append(keep, o)
			}
		}
		active = keep
		for _, o := range active {
			if adjacent(s, o) {
				if overlapsAlong(s, o) {
					return crossing(field, s, o)
				}
				continue
			}
			if intersect(s.a, s.b, o.a, o.b) {
				return crossing(field, s, o)
			}
		}
		active = append(active, s)
	}
	for h := 1; h < len(rings); h++ {
		if !inside(rings[h][0], rings[0]) {
			return invalid(fmt.Sprintf("%s[%d]", field, h), "rule.hole_outside")
		}
	}
	return nil
}

func crossing(field string, s, o segment) error {
	if s.r > o.r || (s.r == o.r && s.j > o.j) {
		s, o = o, s
	}
	if s.r == o.r {
		return invalid(fmt.Sprintf("%s[%d]", field, s.r), "rule.ring_self_cross", "edge", s.j, "from", s.a, "to", s.b, "other", o.j, "other_from", o.a, "other_to", o.b)
	}
	return invalid(fmt.Sprintf("%s[%d]", field, o.r), "rule.rings_cross", "ring", o.r, "other_ring", s.r, "edge", o.j, "from", o.a, "to", o.b, "other", s.j, "other_from", s.a, "other_to", s.b)
}

func minX(s segment) int64 { return min(s.a[0], s.b[0]) }
func maxX(s segment) int64 { return max(s.a[0], s.b[0]) }

// adjacent reports whether two edges of one ring follow each other (they
// share a corner by construction).
func adjacent(s, o segment) bool {
	if s.r != o.r {
		return false
	}
	d := s.j - o.j
	return d == 1 || d == -1 || d == s.n-1 || d == -(s.n-1)
}

// overlapsAlong reports whether two edges that share a corner run back
// along each other (a spike): they are collinear and point the same way
// from the shared corner.
func overlapsAlong(s, o segment) bool {
	var shared, p, q Position
	switch {
	case s.a == o.b:
		shared, p, q = s.a, s.b, o.a
	case s.b == o.a:
		shared, p, q = s.b, s.a, o.b
	default:
		return intersect(s.a, s.b, o.a, o.b)
	}
	if orient(shared, p, q) != 0 {
		return false
	}
	return dot(shared, p, q) > 0
}

// intersect reports whether segments ab and cd have a point in common.
func intersect(a, b, c, d Position) bool {
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1 != o2 && o3 != o4 && o1*o2 <= 0 && o3*o4 <= 0 {
		return true
	}
	return o1 == 0 && onSegment(a, b, c) || o2 == 0 && onSegment(a, b, d) ||
		o3 == 0 && onSegment(c, d, a) || o4 == 0 && onSegment(c, d, b)
}

// onSegment reports whether p, collinear with ab, lies between a and b.
func onSegment(a, b, p Position) bool {
	return min(a[0], b[0]) <= p[0] && p[0] <= max(a[0], b[0]) && min(a[1], b[1]) <= p[1] && p[1] <= max(a[1], b[1])
}

// orient returns the sign of the cross product (b-a)×(c-a): 1 for a
// left turn, -1 for a right turn, 0 when collinear.
func orient(a, b, c Position) int {
	return cmp128(mul64(b[0]-a[0], c[1]-a[1]), mul64(b[1]-a[1], c[0]-a[0]))
}

// dot returns the sign of (p-o)·(q-o).
func dot(o, p, q Position) int {
	x := mul64(p[0]-o[0], q[0]-o[0])
	y := mul64(p[1]-o[1], q[1]-o[1])
	return cmp128(add128(x, y), i128{})
}

// inside reports whether p lies inside ring (even-odd rule; a point on the
// boundary counts as outside).
func inside(p Position, ring []Position) bool {
	in := false
	for i := 0; i < len(ring)-1; i++ {
		a, b := ring[i], ring[i+1]
		if orient(a, b, p) == 0 && onSegment(a, b, p) {
			return false
		}
		if (a[1] > p[1]) != (b[1] > p[1]) {
			// Does the edge cross the horizontal ray to the right of p?
			o := orient(a, b, p)
			if (b[1] > a[1] && o > 0) || (b[1] < a[1] && o < 0) {
				in = !in
			}
		}
	}
	return in
}

// i128 is a signed 128-bit integer, enough for products of coordinate
// differences (each below 2^32 in size).
type i128 struct {
	hi int64
	lo uint64
}

func mul64(x, y int64) i128 {
	neg := (x < 0) != (y < 0)
	ux, uy := uint64(x), uint64(y)
	if x < 0 {
		ux = uint64(-x)
	}
	if y < 0 {
		uy = uint64(-y)
	}
	hi, lo := bits.Mul64(ux, uy)
	r := i128{hi: int64(hi), lo: lo}
	if neg {
		r = neg128(r)
	}
	return r
}

func neg128(a i128) i128 {
	lo, borrow := bits.Sub64(0, a.lo, 0)
	hi := -a.hi - int64(borrow)
	return i128{hi: hi, lo: lo}
}

func add128(a, b i128) i128 {
	lo, carry := bits.Add64(a.lo, b.lo, 0)
	return i128{hi: a.hi + b.hi + int64(carry), lo: lo}
}

func cmp128(a, b i128) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}
