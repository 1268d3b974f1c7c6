package places_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol/interop/places"
)

// plots writes n square plots of 1.24 ha, in a grid near Pekanbaru,
// as a GeoJSON FeatureCollection and as a places CSV with WKT.
func plots(n int) (geojson, csv []byte) {
	var g, c bytes.Buffer
	g.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	c.WriteString("name,country,area_ha,geometry\n")
	for i := range n {
		lon := 101.0 + float64(i%100)*0.002
		lat := 0.3 + float64(i/100)*0.002
		d := 0.001
		ring := [][2]float64{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}
		if i > 0 {
			g.WriteString(",\n")
		}
		fmt.Fprintf(&g, `{"type":"Feature","properties":{"name":"Blok %05d","ProducerCountry":"ID","Area":1.24},"geometry":{"type":"Polygon","coordinates":[[`, i)
		var wkt []string
		for j, p := range ring {
			if j > 0 {
				g.WriteString(",")
			}
			fmt.Fprintf(&g, "[%.6f,%.6f]", p[0], p[1])
			wkt = append(wkt, fmt.Sprintf("%.6f %.6f", p[0], p[1]))
		}
		g.WriteString("]]}}")
		fmt.Fprintf(&c, "Blok %05d,ID,\"1,24\",\"POLYGON ((%s))\"\n", i, strings.Join(wkt, ", "))
	}
	g.WriteString("\n]}\n")
	return g.Bytes(), c.Bytes()
}

// progressLog records the calls of Options.Progress.
type progressLog struct{ read, total []int64 }

func (p *progressLog) record(read, total int64) {
	p.read = append(p.read, read)
	p.total = append(p.total, total)
}

// check fails the test unless progress went forward, was reported more
// than a few times but not too often, and ended at size.
func (p *progressLog) check(t *testing.T, size int64, totalKnown bool) {
	t.Helper()
	n := len(p.read)
	if n < 10 || n > 250 {
		t.Errorf("progress reported %d times, want between 10 and 250", n)
	}
	if n == 0 {
		return
	}
	for i := 1; i < n; i++ {
		if p.read[i] < p.read[i-1] {
			t.Errorf("progress went back from %d to %d", p.read[i-1], p.read[i])
		}
	}
	for i, total := range p.total[:n-1] {
		if totalKnown && total != size || !totalKnown && total != -1 {
			t.Errorf("call %d: total %d, want %d", i, total, map[bool]int64{true: size, false: -1}[totalKnown])
			break
		}
	}
	if p.read[n-1] != size || p.total[n-1] != size {
		t.Errorf("last call (%d, %d), want (%d, %d)", p.read[n-1], p.total[n-1], size, size)
	}
}

// onlyReader hides the Size method of a reader, as a network stream has
// none.
type onlyReader struct{ io.Reader }

// TestLargeImport parses 10 000 plots, as GeoJSON and as CSV, and checks
// the places and the progress a progress bar would show.
func TestLargeImport(t *testing.T) {
	const n = 10_000
	g, c := plots(n)
	t.Run("GeoJSON", func(t *testing.T) {
		var log progressLog
		ps, err := places.ParseGeoJSON(bytes.NewReader(g), places.Options{Progress: log.record})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != n || ps[n-1].Name != "Blok 09999" || ps[n-1].Area != 12_400 {
			t.Fatalf("got %d places, the last %+v", len(ps), ps[len(ps)-1])
		}
		log.check(t, int64(len(g)), true)
	})
	t.Run("GeoJSON on one line", func(t *testing.T) {
		// As many tools write it: lines and columns are counted once
		// through the file, not once a feature.
		one := bytes.ReplaceAll(g, []byte("\n"), nil)
		one = bytes.Replace(one, []byte(`"Blok 09998","ProducerCountry":"ID"`), []byte(`"Blok 09998","ProducerCountry":"XX"`), 1)
		at := bytes.LastIndex(one, []byte(`]]}}`))
		one = append(one[:at:at], append([]byte("@"), one[at:]...)...)
		_, err := places.ParseGeoJSON(bytes.NewReader(one), places.Options{})
		sameLines(t, problems(t, err), []string{
			`feature 9999 ("Blok 09998"), line 1, ProducerCountry: "XX" is not a country in ISO 3166-1 (codes such as "MY", "ID", "GB")`,
			fmt.Sprintf(`line 1, column %d: the JSON is broken here: invalid character '@' after array element`, at+1),
		})
	})
	t.Run("CSV of known size", func(t *testing.T) {
		var log progressLog
		ps, err := places.ParsePlacesCSV(bytes.NewReader(c), places.Options{Progress: log.record})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != n {
			t.Fatalf("got %d places", len(ps))
		}
		signable(t, ps[:10])
		log.check(t, int64(len(c)), true)
	})
	t.Run("CSV stream", func(t *testing.T) {
		var log progressLog
		ps, err := places.ParsePlacesCSV(onlyReader{bytes.NewReader(c)}, places.Options{Progress: log.record})
		if err != nil {
			t.Fatal(err)
		}
		if len(ps) != n {
			t.Fatalf("got %d places", len(ps))
		}
		log.check(t, int64(len(c)), false)
	})
	t.Run("one bad plot among them", func(t *testing.T) {
		bad := bytes.Replace(c, []byte("Blok 05000,ID"), []byte("Blok 05000,XX"), 1)
		var log progressLog
		ps, err := places.ParsePlacesCSV(bytes.NewReader(bad), places.Options{Progress: log.record})
		if ps != nil {
			t.Errorf("got %d places, want none", len(ps))
		}
		sameLines(t, problems(t, err), []string{
			`line 5002 ("Blok 05000"), column 2, country: "XX" is not a country in ISO 3166-1 (codes such as "MY", "ID", "GB")`,
		})
		log.check(t, int64(len(bad)), true)
	})
}

func BenchmarkParseGeoJSON10k(b *testing.B) {
	g, _ := plots(10_000)
	b.SetBytes(int64(len(g)))
	for b.Loop() {
		if _, err := places.ParseGeoJSON(bytes.NewReader(g), places.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParsePlacesCSV10k(b *testing.B) {
	_, c := plots(10_000)
	b.SetBytes(int64(len(c)))
	for b.Loop() {
		if _, err := places.ParsePlacesCSV(bytes.NewReader(c), places.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
