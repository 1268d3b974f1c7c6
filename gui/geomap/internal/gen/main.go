// Command gen converts Natural Earth's countries, as the world-atlas npm
// package ships them in TopoJSON, into the compact basemap that package
// geomap embeds (basemap.bin.gz). It is run by hand, through go generate,
// when the source data changes; the build and CI use the committed file.
//
//	npm pack world-atlas@2.0.2 && tar xzf world-atlas-2.0.2.tgz
//	go run ./internal/gen -topo package/countries-10m.json \
//	    -iso /usr/share/iso-codes/json/iso_3166-1.json -out basemap.bin.gz
//
// The output keeps TopoJSON's shape: shared arcs (so a border between two
// countries is stored once and can be told from a coastline), quantised
// and delta-encoded as in the source, then each country as its ISO 3166-1
// alpha-2 code and polygons made of arc indexes. See format.go in geomap.
package main

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"sort"
)

type topology struct {
	Transform struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]int64 `json:"arcs"`
	Objects map[string]struct {
		Geometries []struct {
			Type       string            `json:"type"`
			ID         string            `json:"id"`
			Properties map[string]string `json:"properties"`
			Arcs       json.RawMessage   `json:"arcs"`
		} `json:"geometries"`
	} `json:"objects"`
}

func main() {
	topo := flag.String("topo", "package/countries-10m.json", "world-atlas countries TopoJSON")
	iso := flag.String("iso", "/usr/share/iso-codes/json/iso_3166-1.json", "iso-codes' ISO 3166-1 table (numeric to alpha-2)")
	out := flag.String("out", "basemap.bin.gz", "output file")
	flag.Parse()
	if err := run(*topo, *iso, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(topoPath, isoPath, out string) error {
	var t topology
	if err := readJSON(topoPath, &t); err != nil {
		return err
	}
	var isoTable struct {
		Entries []struct {
			Alpha2  string `json:"alpha_2"`
			Numeric string `json:"numeric"`
		} `json:"3166-1"`
	}
	if err := readJSON(isoPath, &isoTable); err != nil {
		return err
	}
	alpha2 := map[string]string{}
	for _, e := range isoTable.Entries {
		alpha2[e.Numeric] = e.Alpha2
	}
	countries, ok := t.Objects["countries"]
	if !ok {
		return fmt.Errorf("%s has no countries object", topoPath)
	}
	var b bytes.Buffer
	b.WriteString("JEJAKMAP1\n")
	for _, f := range []float64{t.Transform.Scale[0], t.Transform.Scale[1], t.Transform.Translate[0], t.Transform.Translate[1]} {
		binary.Write(&b, binary.LittleEndian, math.Float64bits(f))
	}
	uv := func(v uint64) { b.Write(binary.AppendUvarint(nil, v)) }
	sv := func(v int64) { b.Write(binary.AppendVarint(nil, v)) }
	uv(uint64(len(t.Arcs)))
	for _, a := range t.Arcs {
		uv(uint64(len(a)))
		for _, p := range a { // already delta-encoded after the first
			sv(p[0])
			sv(p[1])
		}
	}
	type country struct {
		code  string
		polys [][][]int64
	}
	var cs []country
	for _, g := range countries.Geometries {
		code := alpha2[g.ID]
		if code == "" {
			code = "--" // no ISO code (e.g. Kosovo, Somaliland): land, no country
		}
		var polys [][][]int64
		switch g.Type {
		case "Polygon":
			var p [][]int64
			if err := json.Unmarshal(g.Arcs, &p); err != nil {
				return fmt.Errorf("%s: %w", g.Properties["name"], err)
			}
			polys = [][][]int64{p}
		case "MultiPolygon":
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return fmt.Errorf("%s: %w", g.Properties["name"], err)
			}
		default:
			continue
		}
		cs = append(cs, country{code, polys})
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].code < cs[j].code })
	uv(uint64(len(cs)))
	for _, c := range cs {
		b.WriteString(c.code)
		uv(uint64(len(c.polys)))
		for _, p := range c.polys {
			uv(uint64(len(p)))
			for _, ring := range p {
				uv(uint64(len(ring)))
				for _, a := range ring {
					sv(a)
				}
			}
		}
	}
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
	w.Write(b.Bytes())
	if err := w.Close(); err != nil {
		return err
	}
	if err := os.WriteFile(out, z.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d arcs, %d countries, %d bytes (%d before gzip)\n", out, len(t.Arcs), len(cs), z.Len(), b.Len())
	return nil
}

func readJSON(path string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
