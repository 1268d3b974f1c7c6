package eudr_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// The rules of the EUDR GeoJSON file description, as checkFile applies
// them to a file, independently of how GeoJSON wrote it.
var decimals = regexp.MustCompile(`^-?[0-9]+\.[0-9]{6,7}$`)

// units reads a coordinate written with six or seven decimals as
// ten-millionths of a degree, exactly.
func units(t *testing.T, n json.Number) int64 {
	t.Helper()
	s := string(n)
	if !decimals.MatchString(s) {
		t.Fatalf("coordinate %s: want at least six decimals (and no more than the records hold)", s)
	}
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	frac += strings.Repeat("0", 7-len(frac))
	v, err := strconv.ParseInt(strings.TrimPrefix(whole, "-")+frac, 10, 64)
	if err != nil {
		t.Fatal(err)
	}
	if neg {
		v = -v
	}
	return v
}

// position reads a GeoJSON position: [longitude, latitude], in range.
func position(t *testing.T, v any) protocol.Position {
	t.Helper()
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		t.Fatalf("position %v: want [longitude, latitude]", v)
	}
	lon, lat := units(t, a[0].(json.Number)), units(t, a[1].(json.Number))
	if lon < -180*protocol.CoordScale || lon > 180*protocol.CoordScale || lat < -90*protocol.CoordScale || lat > 90*protocol.CoordScale {
		t.Fatalf("position %v out of range", v)
	}
	return protocol.Position{lon, lat}
}

// polygon reads a GeoJSON polygon that must have no holes (the
// Information System takes no doughnuts), checks its ring is closed, has
// at least four positions, runs counterclockwise (RFC 7946) and neither
// crosses nor touches itself (protocol.CheckDraft of a plot made of it),
// and returns the ring.
func polygon(t *testing.T, v any, country string) []protocol.Position {
	t.Helper()
	rings, ok := v.([]any)
	if !ok || len(rings) != 1 {
		t.Fatalf("polygon with %d rings: holes are not taken", len(rings))
	}
	var ring []protocol.Position
	for _, p := range rings[0].([]any) {
		ring = append(ring, position(t, p))
	}
	if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
		t.Fatalf("ring %v: want at least 4 positions, the last the first again", ring)
	}
	if area2(ring) <= 0 {
		t.Errorf("ring %v runs clockwise; RFC 7946 wants exterior rings counterclockwise", ring)
	}
	g := protocol.PolygonGeometry(ring)
	if err := protocol.CheckDraft(&protocol.Place{Name: "check", Kind: protocol.PlacePlot, Country: country, Geo: g, Area: int64(math.Round(g.Area()))}); err != nil {
		t.Fatalf("ring %v breaks the geometry rules: %v", ring, err)
	}
	return ring
}

// area2 is twice a ring's signed area, positive when counterclockwise.
func area2(r []protocol.Position) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += float64(r[i][0]-r[0][0])*float64(r[i+1][1]-r[0][1]) - float64(r[i+1][0]-r[0][0])*float64(r[i][1]-r[0][1])
	}
	return s
}

// inside reports whether p lies inside ring r (even-odd).
func inside(p protocol.Position, r []protocol.Position) bool {
	in := false
	for i := 0; i+1 < len(r); i++ {
		a, b := r[i], r[i+1]
		if (a[1] > p[1]) != (b[1] > p[1]) {
			x := float64(a[0]) + float64(p[1]-a[1])*float64(b[0]-a[0])/float64(b[1]-a[1])
			if float64(p[0]) < x {
				in = !in
			}
		}
	}
	return in
}

// checkFile checks one geolocation file against the file description and
// against the place records it comes from, and returns the places of its
// features in order.
func checkFile(t *testing.T, f eudr.File, places map[protocol.CID]*protocol.Place, holes map[protocol.CID][]protocol.Position) []protocol.CID {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.UseNumber()
	var top map[string]any
	if err := dec.Decode(&top); err != nil {
		t.Fatalf("%s is not JSON: %v", f.Name, err)
	}
	if top["type"] != "FeatureCollection" || len(top) != 2 {
		t.Fatalf("%s: want a FeatureCollection with only features, have %v", f.Name, keys(top))
	}
	var got []protocol.CID
	for i, x := range top["features"].([]any) {
		ft := x.(map[string]any)
		id, err := protocol.ParseCID(fmt.Sprint(ft["id"]))
		if err != nil || ft["type"] != "Feature" {
			t.Fatalf("%s feature %d: type %v, id %v", f.Name, i, ft["type"], ft["id"])
		}
		pl := places[id]
		if pl == nil {
			t.Fatalf("%s feature %d: place %s is not an origin", f.Name, i, id)
		}
		got = append(got, id)
		props := ft["properties"].(map[string]any)
		geo := ft["geometry"].(map[string]any)
		want := []string{"ProducerCountry", "ProducerName", "ProductionPlace"}
		if geo["type"] == "Point" {
			want = []string{"Area", "ProducerCountry", "ProducerName", "ProductionPlace"}
		}
		if !slices.Equal(keys(props), want) {
			t.Errorf("%s: properties %v, want %v", pl.Name, keys(props), want)
		}
		if props["ProductionPlace"] != pl.Name || props["ProducerName"] == "" ||
			props["ProducerCountry"] != pl.Country || !protocol.IsCountry(fmt.Sprint(props["ProducerCountry"])) {
			t.Errorf("%s: properties %v", pl.Name, props)
		}
		switch geo["type"] {
		case "Point":
			if pl.Geo.Type != protocol.GeoPoint || position(t, geo["coordinates"]) != *pl.Geo.Point {
				t.Errorf("%s: point %v, recorded %v", pl.Name, geo["coordinates"], pl.Geo)
			}
			ha, err := strconv.ParseFloat(string(props["Area"].(json.Number)), 64)
			if err != nil || ha > 4 || ha <= 0 || math.Abs(ha*10_000-float64(pl.Area)) > 1e-6 {
				t.Errorf("%s: Area %v ha, recorded %d m²: a point stands for at most 4 ha", pl.Name, props["Area"], pl.Area)
			}
		case "Polygon":
			ring := polygon(t, geo["coordinates"], pl.Country)
			rec := pl.Geo.Rings[0]
			back := slices.Clone(rec)
			slices.Reverse(back)
			if len(pl.Geo.Rings) != 1 || !(slices.Equal(ring, rec) || slices.Equal(ring, back)) {
				t.Errorf("%s: polygon %v, recorded %v", pl.Name, ring, pl.Geo.Rings)
			}
		case "MultiPolygon":
			if len(pl.Geo.Rings) < 2 {
				t.Errorf("%s: a MultiPolygon for a polygon without holes", pl.Name)
			}
			var area float64
			var pieces [][]protocol.Position
			for _, p := range geo["coordinates"].([]any) {
				r := polygon(t, p, pl.Country)
				pieces = append(pieces, r)
				area += protocol.PolygonGeometry(r).Area()
			}
			if want := pl.Geo.Area(); len(pieces) < 2 || math.Abs(area-want) > 1e-6*want+1 {
				t.Errorf("%s: %d pieces cover %.1f m², the plot %.1f m²", pl.Name, len(pieces), area, want)
			}
			for _, h := range holes[id] {
				for _, r := range pieces {
					if inside(h, r) {
						t.Errorf("%s: a hole at %v lies inside piece %v", pl.Name, h, r)
					}
				}
			}
			if len(holes[id]) == 0 {
				t.Errorf("%s: pieces, but the test knows of no hole", pl.Name)
			}
		default:
			t.Errorf("%s: geometry %v", pl.Name, geo["type"])
		}
	}
	if !slices.Equal(got, f.Places) {
		t.Errorf("%s: File.Places does not list its features", f.Name)
	}
	return got
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// TestGeoJSONThousandPlots writes the geolocation of a batch whose oil
// comes from 1,000 plots three processes back, and checks the file by the
// file description's rules and against every place record: one feature
// per plot, every plot there.
func TestGeoJSONThousandPlots(t *testing.T) {
	w, rep, _, files := bigExport(t, eudr.Options{})
	if len(files) != 1 || files[0].Parts != 1 || files[0].Part != 1 {
		t.Fatalf("%d files, want 1", len(files))
	}
	f := files[0]
	if want := fmt.Sprintf("eudr-%s-0.geojson", tail(w.Batch.Record)); f.Name != want {
		t.Errorf("file name %q, want %q", f.Name, want)
	}
	if len(f.Data) > eudr.MaxFileBytes {
		t.Errorf("%d bytes, over the 25 MB a statement takes", len(f.Data))
	}
	got := checkFile(t, f, w.Places, w.Holes)
	if len(got) != plots || len(rep.Origins) != plots {
		t.Fatalf("%d features of %d origins, want %d", len(got), len(rep.Origins), plots)
	}
	seen := map[protocol.CID]bool{}
	for _, c := range got {
		seen[c] = true
	}
	for c := range w.Places {
		if !seen[c] {
			t.Errorf("plot %s is not in the file", w.Places[c].Name)
		}
	}
	var multi, poly, point int
	for _, l := range strings.Split(string(f.Data), "\n") {
		switch {
		case strings.Contains(l, `"type":"MultiPolygon"`):
			multi++
		case strings.Contains(l, `"type":"Polygon"`):
			poly++
		case strings.Contains(l, `"type":"Point"`):
			point++
		}
	}
	if multi != len(w.Holes) || poly+multi != plots/4 || point != plots*3/4 {
		t.Errorf("%d points, %d polygons, %d multipolygons", point, poly, multi)
	}
	if !bytes.Contains(f.Data, []byte(`"ProductionPlace":"Petak \"7\" <Sungai> & Rawa"`)) {
		t.Error(`the name Petak "7" <Sungai> & Rawa is not written as plain JSON`)
	}
}

// TestGeoJSONSplit lowers the size limit so that the same plots need
// several files: each under the limit, by whole features, named as parts,
// and together every plot once.
func TestGeoJSONSplit(t *testing.T) {
	const limit = 60_000
	w, rep, recs, files := bigExport(t, eudr.Options{MaxFileBytes: limit, Name: "consignment-7"})
	if len(files) < 3 {
		t.Fatalf("%d files under %d bytes, want several", len(files), limit)
	}
	seen := map[protocol.CID]int{}
	for i, f := range files {
		if want := fmt.Sprintf("consignment-7-part-%d-of-%d.geojson", i+1, len(files)); f.Name != want || f.Part != i+1 || f.Parts != len(files) {
			t.Errorf("file %d is %q (part %d of %d), want %q", i, f.Name, f.Part, f.Parts, want)
		}
		if len(f.Data) > limit {
			t.Errorf("%s has %d bytes, over the limit of %d", f.Name, len(f.Data), limit)
		}
		for _, c := range checkFile(t, f, w.Places, w.Holes) {
			seen[c]++
		}
	}
	if len(seen) != plots {
		t.Errorf("the parts hold %d plots, want %d", len(seen), plots)
	}
	for c, n := range seen {
		if n != 1 {
			t.Errorf("plot %s is in %d files", w.Places[c].Name, n)
		}
	}
	if _, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, eudr.Options{MaxFileBytes: 300}); err == nil || !strings.Contains(err.Error(), "alone takes") {
		t.Errorf("a limit below one feature: %v", err)
	}
}

// TestGeoJSONRefuses: an export that the Information System would refuse,
// or that would leave origins out, is an error that says why.
func TestGeoJSONRefuses(t *testing.T) {
	tests := []struct {
		name  string
		s     *scenario.Scenario
		is    error
		texts []string
	}{
		{"incomplete trace", scenario.MissingAncestor(), eudr.ErrIncomplete, []string{"not every origin is known"}},
		{"no land: tin from smelters", scenario.HonestElectronics(), eudr.ErrNoPlots, []string{"no land to declare"}},
		{"FFB from a collection centre", scenario.PlotWithoutGeometry(), eudr.ErrGeolocation, []string{"Ramp Sungai Lebam", "warehouse", "not a plot or an estate"}},
		{"a plot that crosses itself", scenario.OldFormatBowTie(), eudr.ErrGeolocation, []string{`plot "Blok 12B"`, "crosses itself"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rep, recs := verifiedScenario(t, tc.s)
			_, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, eudr.Options{})
			if !errors.Is(err, tc.is) {
				t.Fatalf("error %v, want %v", err, tc.is)
			}
			for _, s := range tc.texts {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
	t.Run("an origin that names no place", func(t *testing.T) {
		s := scenario.HonestPalm()
		notPlace := s.Marks["mill.transfer"].CID
		o := appendTo(t, s, "sungai-lebam/device-1", &protocol.Origin{Places: []protocol.CID{s.Marks["plot.12a"].CID, notPlace},
			From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(), Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE)}}})
		rep, recs := verified(t, s.Records, s.Anchors, protocol.BatchID{Record: o.CID})
		_, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, eudr.Options{})
		if !errors.Is(err, eudr.ErrGeolocation) || !strings.Contains(err.Error(), notPlace.Short()) || !strings.Contains(err.Error(), "not a place") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("records without the places", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.HonestPalm())
		var some []protocol.Signed
		for _, r := range recs {
			if r.Type() != protocol.TypePlace {
				some = append(some, r)
			}
		}
		if _, err := eudr.GeoJSON(rep, some, eudr.Subject{}, eudr.Options{}); err == nil || !strings.Contains(err.Error(), "VerifyWithEvidence") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("a transfer of another batch", func(t *testing.T) {
		s := scenario.HonestPalm()
		rep, recs := verifiedScenario(t, s)
		_, err := eudr.GeoJSON(rep, recs, eudr.TransferSubject(s.Marks["mill.transfer"]), eudr.Options{})
		if err == nil || !strings.Contains(err.Error(), "verify the batch the transfer sends") {
			t.Errorf("error %v", err)
		}
	})
}

// TestCoordinates: coordinates are written exactly from the records'
// ten-millionths of a degree, with six or seven decimals.
func TestCoordinates(t *testing.T) {
	tests := []struct {
		lon, lat int64
		want     string
	}{
		{1_039_510_000, 18_020_000, "[103.951000,1.802000]"},
		{1_039_510_001, -18_020_009, "[103.9510001,-1.8020009]"},
		{-5, 5, "[-0.0000005,0.0000005]"},
		{0, 0, "[0.000000,0.000000]"},
		{1_800_000_000, -900_000_000, "[180.000000,-90.000000]"},
		{-1_799_999_999, 899_999_990, "[-179.9999999,89.999999]"},
	}
	for _, tc := range tests {
		t.Run(tc.want, func(t *testing.T) {
			s := scenario.HonestPalm()
			pl := &protocol.Place{Name: "Titik", Kind: protocol.PlacePlot, Country: "MY", Area: 10_000,
				Geo: protocol.PointGeometry(protocol.Position{tc.lon, tc.lat})}
			p := appendTo(t, s, "sungai-lebam/device-1", pl)
			o := appendTo(t, s, "sungai-lebam/device-1", &protocol.Origin{Places: []protocol.CID{p.CID}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
				Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE)}}})
			rep, recs := verified(t, s.Records, s.Anchors, protocol.BatchID{Record: o.CID})
			files, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, eudr.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if want := `"coordinates":` + tc.want; !bytes.Contains(files[0].Data, []byte(want)) {
				t.Errorf("file %s lacks %s", files[0].Data, want)
			}
			checkFile(t, files[0], map[protocol.CID]*protocol.Place{p.CID: pl}, nil)
		})
	}
}

func tail(c protocol.CID) string { s := c.String(); return s[len(s)-8:] }

// BenchmarkGeoJSON writes the geolocation of the 1,000-plot batch.
func BenchmarkGeoJSON(b *testing.B) {
	w := bigWorld()
	rep, recs := verified(b, w.Records, w.Anchors, w.Batch)
	for b.Loop() {
		if _, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, eudr.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSummary builds and renders the 1,000-plot batch's summary.
func BenchmarkSummary(b *testing.B) {
	w := bigWorld()
	rep, recs := verified(b, w.Records, w.Anchors, w.Batch)
	for b.Loop() {
		sum, err := eudr.Summarize(rep, recs, eudr.Subject{}, eudr.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := eudr.WriteHTML(io.Discard, sum); err != nil {
			b.Fatal(err)
		}
	}
}
