package geomap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"sync"
)

//go:generate go run ./internal/gen -topo /tmp/world-atlas/package/countries-10m.json -iso /usr/share/iso-codes/json/iso_3166-1.json -out basemap.bin.gz

// basemapData is Natural Earth's 1:10m admin-0 countries, converted by
// internal/gen (see README.md).
//
//go:embed basemap.bin.gz
var basemapData []byte

// CoastlineKm is how far, in kilometres, the basemap's coastlines and
// borders may lie from the truth: Natural Earth's 1:10m scale, quantised
// by world-atlas to 0.0036° of longitude.
const CoastlineKm = 1

// pt is a position in degrees: longitude, latitude.
type pt struct{ lon, lat float64 }

// box is a bounding box in degrees.
type box struct{ minLon, minLat, maxLon, maxLat float64 }

func emptyBox() box { return box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)} }

func (b *box) add(p pt) {
	b.minLon, b.maxLon = math.Min(b.minLon, p.lon), math.Max(b.maxLon, p.lon)
	b.minLat, b.maxLat = math.Min(b.minLat, p.lat), math.Max(b.maxLat, p.lat)
}

func (b box) overlaps(o box) bool {
	return b.minLon <= o.maxLon && o.minLon <= b.maxLon && b.minLat <= o.maxLat && o.minLat <= b.maxLat
}

func (b box) contains(p pt) bool {
	return p.lon >= b.minLon && p.lon <= b.maxLon && p.lat >= b.minLat && p.lat <= b.maxLat
}

func ringBox(r []pt) box {
	b := emptyBox()
	for _, p := range r {
		b.add(p)
	}
	return b
}

// arc is a stretch of coastline or border; border arcs are shared by two
// countries.
type arc struct {
	pts    []pt
	bounds box
	border bool
}

// polygon is one piece of a country: an outer ring and any holes.
type polygon struct {
	rings  [][]pt
	bounds box
}

type country struct {
	code   string // ISO 3166-1 alpha-2, or "" where Natural Earth has none
	polys  []polygon
	bounds box
}

type basemap struct {
	arcs      []arc
	countries []country
}

var (
	baseOnce sync.Once
	base     *basemap
	baseErr  error
)

// loadBasemap decodes the embedded basemap once.
func loadBasemap() (*basemap, error) {
	baseOnce.Do(func() { base, baseErr = decodeBasemap(basemapData) })
	return base, baseErr
}

// decodeBasemap reads the format internal/gen writes: a magic line, the
// TopoJSON transform, the delta-encoded arcs, then each country's code and
// polygons as arc indexes (~i for arc i reversed).
func decodeBasemap(data []byte) (*basemap, error) {
	zr, err := gzip.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("geomap: basemap: %w", err)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("geomap: basemap: %w", err)
	}
	r := bufio.NewReader(bytes.NewReader(raw))
	magic := make([]byte, len("JEJAKMAP1\n"))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != "JEJAKMAP1\n" {
		return nil, errors.New("geomap: basemap: not a Jejak basemap")
	}
	var tf [4]float64
	for i := range tf {
		var bits uint64
		if err := binary.Read(r, binary.LittleEndian, &bits); err != nil {
			return nil, fmt.Errorf("geomap: basemap transform: %w", err)
		}
		tf[i] = math.Float64frombits(bits)
	}
	var rerr error
	uv := func() int {
		v, err := binary.ReadUvarint(r)
		if err != nil && rerr == nil {
			rerr = err
		}
		if v > 1<<24 {
			rerr = errors.New("count out of range")
			return 0
		}
		return int(v)
	}
	sv := func() int64 {
		v, err := binary.ReadVarint(r)
		if err != nil && rerr == nil {
			rerr = err
		}
		return v
	}
	m := &basemap{arcs: make([]arc, uv())}
	refs := make([]int, len(m.arcs))
	for i := range m.arcs {
		n := uv()
		pts := make([]pt, n)
		var x, y int64
		for j := range pts {
			x += sv()
			y += sv()
			pts[j] = pt{float64(x)*tf[0] + tf[2], float64(y)*tf[1] + tf[3]}
		}
		m.arcs[i] = arc{pts: pts, bounds: ringBox(pts)}
	}
	m.countries = make([]country, uv())
	for i := range m.countries {
		code := make([]byte, 2)
		if _, err := io.ReadFull(r, code); err != nil {
			return nil, fmt.Errorf("geomap: basemap country %d: %w", i, err)
		}
		c := country{code: string(code), bounds: emptyBox()}
		if c.code == "--" {
			c.code = ""
		}
		c.polys = make([]polygon, uv())
		for p := range c.polys {
			rings := make([][]pt, uv())
			pb := emptyBox()
			for k := range rings {
				n := uv()
				for range n {
					a := sv()
					idx, rev := int(a), false
					if a < 0 {
						idx, rev = int(^a), true
					}
					if idx < 0 || idx >= len(m.arcs) {
						return nil, fmt.Errorf("geomap: basemap country %s: arc %d out of range", c.code, idx)
					}
					refs[idx]++
					pts := m.arcs[idx].pts
					start := len(rings[k])
					if start > 0 {
						start-- // the arc begins where the last ended
						rings[k] = rings[k][:start]
					}
					if rev {
						for j := len(pts) - 1; j >= 0; j-- {
							rings[k] = append(rings[k], pts[j])
						}
					} else {
						rings[k] = append(rings[k], pts...)
					}
				}
				rb := ringBox(rings[k])
				pb.add(pt{rb.minLon, rb.minLat})
				pb.add(pt{rb.maxLon, rb.maxLat})
			}
			c.polys[p] = polygon{rings: rings, bounds: pb}
			c.bounds.add(pt{pb.minLon, pb.minLat})
			c.bounds.add(pt{pb.maxLon, pb.maxLat})
		}
		m.countries[i] = c
	}
	if rerr != nil {
		return nil, fmt.Errorf("geomap: basemap: %w", rerr)
	}
	for i := range m.arcs {
		m.arcs[i].border = refs[i] > 1
	}
	return m, nil
}

// countryAt returns the code of the country whose land holds p ("" for one
// Natural Earth gives no code), and whether any land holds it.
func (m *basemap) countryAt(p pt) (string, bool) {
	for _, c := range m.countries {
		if !c.bounds.contains(p) {
			continue
		}
		for _, pg := range c.polys {
			if pg.bounds.contains(p) && insideRings(pg.rings, p) {
				return c.code, true
			}
		}
	}
	return "", false
}

// insideRings reports whether p lies inside rings by the even-odd rule, so
// holes are holes whichever way they wind.
func insideRings(rings [][]pt, p pt) bool {
	in := false
	for _, r := range rings {
		for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
			a, b := r[i], r[j]
			if (a.lat > p.lat) != (b.lat > p.lat) &&
				p.lon < (b.lon-a.lon)*(p.lat-a.lat)/(b.lat-a.lat)+a.lon {
				in = !in
			}
		}
	}
	return in
}

// CountryAt returns the ISO 3166-1 alpha-2 code of the country at
// position p on the basemap, "" if it lies in the sea (or in land with no
// code), and ok false if p lies in the sea. Near a coast or border the
// answer is only as good as the basemap (CoastlineKm).
func CountryAt(lon, lat float64) (code string, land bool, err error) {
	m, err := loadBasemap()
	if err != nil {
		return "", false, err
	}
	code, land = m.countryAt(pt{lon, lat})
	return code, land, nil
}
