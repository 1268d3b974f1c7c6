package places_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

// TestParseGeoJSONExports reads files as QGIS, KoboToolbox and the EUDR
// geolocation file write them, and checks each place as the plantation's
// clerk would: its name, kind, country, area and shape.
func TestParseGeoJSONExports(t *testing.T) {
	tests := []struct {
		name string
		file string
		opt  places.Options
		want []placeWant
	}{
		{
			// GDAL's GeoJSON: a crs member, MultiPolygon for every
			// feature, Indonesian field names, an area with nine
			// decimals, altitude on one layer, a hole, two parts, and a
			// feature with no area.
			name: "QGIS polygon layer",
			file: "qgis_blocks.geojson",
			want: []placeWant{
				{"Blok A1", "plot", "ID", 155138, "Polygon", 1, protocol.Pos(101.451203, 0.512114)},
				{"Blok A2", "plot", "ID", 117800, "Polygon", 2, protocol.Pos(101.455102, 0.512402)},
				{"Blok B (part 1 of 2)", "plot", "ID", 46291, "Polygon", 1, protocol.Pos(101.460011, 0.512050)},
				{"Blok B (part 2 of 2)", "plot", "ID", 26963, "Polygon", 1, protocol.Pos(101.462512, 0.512033)},
				{"Blok C1", "plot", "ID", 22218, "Polygon", 1, protocol.Pos(101.470105, 0.520012)},
			},
		},
		{
			// KoboToolbox: group prefixes ("plot/plot_name"), the area
			// as text with a decimal comma, altitude, a GPS point
			// repeated, and no country: the import's default.
			name: "KoboToolbox survey",
			file: "kobo_survey.geojson",
			opt:  places.Options{Country: "ID"},
			want: []placeWant{
				{"Kebun Siti 1", "plot", "ID", 22000, "Polygon", 1, protocol.Pos(101.470105, 0.520012)},
				{"Kebun Budi", "plot", "ID", 15000, "Point", 0, protocol.Pos(101.472512, 0.522301)},
			},
		},
		{
			// The EU Information System's file: ProductionPlace,
			// ProducerCountry (one in lower case), Area in hectares,
			// Points up to 4 ha, a Polygon and a MultiPolygon above.
			name: "EUDR geolocation file",
			file: "eudr.geojson",
			want: []placeWant{
				{"Lote 1", "plot", "CO", 18000, "Point", 0, protocol.Pos(-75.521234, 4.521234)},
				{"Lote 2", "plot", "CO", 39500, "Point", 0, protocol.Pos(-75.519876, 4.523456)},
				{"Lote 3", "plot", "CO", 227000, "Polygon", 1, protocol.Pos(-75.512345, 4.512345)},
				{"Parcela 7 (part 1 of 2)", "plot", "CO", 67340, "Polygon", 1, protocol.Pos(-75.500112, 4.510021)},
				{"Parcela 7 (part 2 of 2)", "plot", "CO", 43705, "Polygon", 1, protocol.Pos(-75.496512, 4.510102)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := places.ParseGeoJSON(open(t, tt.file), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkPlaces(t, got, tt.want)
		})
	}
}

// TestParseGeoJSONKoboRepeatDropped checks that the GPS point KoboToolbox
// repeated is dropped, and nothing else.
func TestParseGeoJSONKoboRepeatDropped(t *testing.T) {
	got, err := places.ParseGeoJSON(open(t, "kobo_survey.geojson"), places.Options{Country: "ID"})
	if err != nil {
		t.Fatal(err)
	}
	// Six positions in the file, one a repeat.
	if n := len(got[0].Geo.Rings[0]); n != 5 {
		t.Errorf("ring has %d positions, want 5", n)
	}
}

// TestParseGeoJSONBadFeatures reads a file in which every feature but the
// first breaks a rule, and checks that each is reported with its number,
// line, name and property, in words that say what to do, and that nothing
// is imported.
func TestParseGeoJSONBadFeatures(t *testing.T) {
	got, err := places.ParseGeoJSON(open(t, "bad_features.geojson"), places.Options{})
	if got != nil {
		t.Errorf("got %d places from a file with bad features, want none", len(got))
	}
	sameLines(t, problems(t, err), []string{
		`feature 2 ("Tertukar"), line 4, geometry.coordinates: latitude 101.451234 is out of range -90..90: are longitude and latitude swapped?`,
		`feature 3 ("Terbuka"), line 5, geometry.coordinates[0]: the ring is not closed: its last position, [101.450987, 0.515003], must repeat its first, [101.451203, 0.512114]`,
		`feature 4 ("Dasi kupu-kupu"), line 6, geometry.coordinates[0]: the ring crosses itself: edge 0 (0.5100000, 101.4500000 to 0.5200000, 101.4600000) meets edge 2 (0.5100000, 101.4600000 to 0.5200000, 101.4500000)`,
		`feature 5 ("Tanpa luas"), line 7: a plot marked by a Point needs its area: give it a property "Area" in hectares, as the EUDR file has (or area_m2 in square metres)`,
		`feature 6 ("Terlalu besar"), line 8, geometry.coordinates: a plot of 6 ha needs a polygon, not a point (EUDR: plots over 4 ha)`,
		`feature 7 ("Meter persegi"), line 9, Area: declared 155137.6 ha but the polygon encloses 15.513 ha; is it in square metres? Then name the property area_m2`,
		`feature 8, line 10: has no name: give it a property "name" (or ProductionPlace, plot_name, nama)`,
		`feature 8, line 10: has no country: give it a property "ProducerCountry" (or "country") with an ISO 3166-1 code such as ID or MY, or choose a country for the whole import`,
		`feature 9 ("Jalan"), line 11, geometry: a LineString is a line, not an area: draw the plot's boundary as a Polygon (a closed ring)`,
		`feature 10 ("Kosong"), line 12, geometry: has no geometry: a place needs a point or a polygon`,
		`feature 11 ("Negara"), line 13, ProducerCountry: "Indonesia" is not an ISO 3166-1 alpha-2 code such as "MY" or "ID"`,
		`feature 12 ("UTM"), line 14, geometry.coordinates: 350123.4, 9943210.1 is not in degrees: are the coordinates in metres, in a projected system such as UTM? Export them in WGS 84 (EPSG:4326)`,
		`feature 13 ("Jenis"), line 15, kind: unknown kind of place "kebun" (want one of plot, estate, mill, refinery, smelter, mine, factory, warehouse)`,
		`feature 14 ("Teks"), line 16, geometry.coordinates[0][0]: longitude is the text "101.45", not a number`,
		`feature 15 ("Lubang di luar"), line 17, geometry.coordinates[1]: a hole must lie inside the outer ring (the first ring)`,
		`feature 16 ("Titik ganda"), line 18, geometry.coordinates[0]: a ring needs at least 4 positions (3 corners and the first again), has 3`,
		`feature 17, line 19: is a bare Polygon: each item of "features" is a Feature, {"type": "Feature", "geometry": ..., "properties": ...}`,
		`feature 18 ("Blok B"), line 20, Area: declared 20 ha but its 2 polygons enclose 7.325 ha in all`,
	})
	// The fields a program reads, for one problem.
	var e *places.Error
	errors.As(err, &e)
	want := places.Problem{Feature: 7, Line: 9, Field: "Area", Name: "Meter persegi"}
	p := e.Problems[5]
	p.Msg = ""
	if p != want {
		t.Errorf("problem 6 = %+v, want %+v", p, want)
	}
}

// TestParseGeoJSONFile checks what is wrong with a file as a whole, and
// small things done for the person importing.
func TestParseGeoJSONFile(t *testing.T) {
	point := `{"type":"Feature","properties":{"name":"P","Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}`
	tests := []struct {
		name, in string
		want     string // the first problem, or "" for success
	}{
		{"empty", "", "the file is empty"},
		{"spaces only", " \n\t", "the file is empty"},
		{"not an object", "[1,2]", "this is not GeoJSON: a GeoJSON file is an object"},
		{"broken JSON", "{\"type\": \"FeatureCollection\",\n\"features\": [\n" + point + ",\n{\"type\": }]}", "line 4, column 10: the JSON is broken here: invalid character '}' looking for beginning of value"},
		{"cut short", `{"type":"FeatureCollection","features":[` + point, "line 1, column 165: the file ends in the middle of the JSON: was it cut short?"},
		{"bare polygon", `{"type":"Polygon","coordinates":[[[1,1],[2,1],[2,2],[1,1]]]}`, "the file is a bare Polygon, with no name or other properties"},
		{"no type", `{"features_list":[]}`, `this is not GeoJSON: the object has no "type"`},
		{"other type", `{"type":"Topology"}`, `type the text "Topology" is not a GeoJSON FeatureCollection`},
		{"no features member", `{"type":"FeatureCollection"}`, `the FeatureCollection has no "features" member`},
		{"no features", `{"type":"FeatureCollection","features":[]}`, "the file has no features"},
		{"features null", `{"type":"FeatureCollection","features":null}`, "the file has no features"},
		{"features not a list", `{"type":"FeatureCollection","features":{}}`, "features: is an object"},
		{"two features", `{"type":"FeatureCollection","features":[],"features":[]}`, `the file has two "features" members`},
		{"after the end", `{"type":"FeatureCollection","features":[` + point + `]} {}`, "line 1, column 168: there is more after the end of the GeoJSON object"},
		{"UTM crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::32748"}},"features":[` + point + `]}`,
			"the file's coordinates are in urn:ogc:def:crs:EPSG::32748, not WGS 84 longitude and latitude: export it again in EPSG:4326 (WGS 84)"},
		{"crs after the features", `{"type":"FeatureCollection","features":[` + point + `],"crs":{"type":"EPSG","properties":{"code":3857}}}`,
			"the file's coordinates are in EPSG:3857"},
		{"WGS 84 crs", `{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:4326"}},"features":[` + point + `]}`, ""},
		{"one Feature", point, ""},
		{"byte order mark", "\xef\xbb\xbf" + `{"type":"FeatureCollection","features":[` + point + `]}`, ""},
		{"no type but features", `{"features":[` + point + `]}`, ""},
		{"feature not an object", `{"type":"FeatureCollection","features":[7]}`, "feature 1, line 1: is not a GeoJSON Feature: found number where an object was expected"},
		{"properties not an object", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":[1],"geometry":null}]}`, "feature 1, line 1, properties: is not an object of properties"},
		{"name not text", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":true,"Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`,
			"feature 1, line 1, name: is true, not text"},
		{"area not a number", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P","area_ha":"banyak","country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`,
			`feature 1 ("P"), line 1, area_ha: amount "banyak" is not a decimal number: "b" is not a digit`},
		{"huge exponent", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P","Area":1e999999999,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`,
			`feature 1 ("P"), line 1, Area: 1e999999999 ha is too large for a place`},
		{"null island", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P","Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`,
			`feature 1 ("P"), line 1, geometry.coordinates: position 0, 0 is in the sea off West Africa: the GPS had no fix when it was taken`},
		{"position too short", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P","Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45]}}]}`,
			`feature 1 ("P"), line 1, geometry.coordinates: a position needs longitude and latitude, has 1 number(s)`},
		{"GeometryCollection", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P","Area":1,"country":"ID"},"geometry":{"type":"GeometryCollection","geometries":[]}}]}`,
			`feature 1 ("P"), line 1, geometry: a GeometryCollection is not one place: give each plot its own feature`},
		{"name from the feature id", `{"type":"FeatureCollection","features":[{"type":"Feature","id":"PLOT-0042","properties":{"Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`, ""},
		{"name mapped", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"Kode_Persil":"K-7","Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := places.ParseGeoJSON(strings.NewReader(tt.in), places.Options{Columns: map[string]string{"kode persil": "name"}})
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				signable(t, got)
				if len(got) != 1 {
					t.Fatalf("got %d places, want 1", len(got))
				}
				return
			}
			if got != nil {
				t.Errorf("got %d places, want none", len(got))
			}
			if ps := problems(t, err); !strings.HasPrefix(ps[0], tt.want) {
				t.Errorf("problem %q\nwant one that starts %q", ps[0], tt.want)
			}
		})
	}
}

// TestParseGeoJSONNames checks the names a feature's name may go by, and
// which wins when a feature has several.
func TestParseGeoJSONNames(t *testing.T) {
	tests := []struct {
		props string
		want  string
	}{
		{`"Name":"A"`, "A"},
		{`"NAME":"A"`, "A"},
		{`"ProductionPlace":"Lote 1","ProducerName":"Finca"`, "Lote 1"},
		{`"plot_name":"Blok 1","farm_name":"Kebun"`, "Blok 1"},
		{`"group_plot/plot_name":"Blok 2"`, "Blok 2"},
		{`"nama_blok":"  Blok 3  "`, "Blok 3"},
		{`"farmer_name":"Pak Budi"`, "Pak Budi"},
		{`"plot_id":17`, "17"},
		{`"name":"","Name":"B"`, "B"},
	}
	for _, tt := range tests {
		in := `{"type":"Feature","properties":{` + tt.props + `,"Area":1,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}`
		got, err := places.ParseGeoJSON(strings.NewReader(in), places.Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.props, err)
			continue
		}
		if got[0].Name != tt.want {
			t.Errorf("%s: name %q, want %q", tt.props, got[0].Name, tt.want)
		}
	}
}

// TestParseGeoJSONAreas checks the area properties and their units.
func TestParseGeoJSONAreas(t *testing.T) {
	tests := []struct {
		prop string
		want int64 // square metres
	}{
		{`"Area":1.5`, 15_000},
		{`"area_ha":"1,5"`, 15_000},
		{`"hectares":2.12345678`, 21_235},
		{`"luas":"0.75"`, 7_500},
		{`"area_m2":12500`, 12_500},
		{`"Area (m²)":"12 500"`, 12_500},
		{`"acres":1`, 4_047},
		{`"ekar":"2,5"`, 10_117},
		{`"area_ha":null,"area_m2":900`, 900},
	}
	for _, tt := range tests {
		in := `{"type":"Feature","properties":{"name":"P",` + tt.prop + `,"country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}`
		got, err := places.ParseGeoJSON(strings.NewReader(in), places.Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.prop, err)
			continue
		}
		if got[0].Area != tt.want {
			t.Errorf("%s: area %d m², want %d", tt.prop, got[0].Area, tt.want)
		}
	}
}

// TestParseGeoJSONKinds checks Options.Kind and a kind property.
func TestParseGeoJSONKinds(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"name":"PKS Rokan","country":"ID"},"geometry":{"type":"Point","coordinates":[100.98,0.98]}},
{"type":"Feature","properties":{"name":"Kebun Inti","kind":"Estate","country":"ID","area_m2":900},"geometry":{"type":"Point","coordinates":[100.97,0.97]}}]}`
	got, err := places.ParseGeoJSON(strings.NewReader(in), places.Options{Kind: protocol.PlaceMill})
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Kind != protocol.PlaceMill || got[1].Kind != protocol.PlaceEstate {
		t.Errorf("kinds %q, %q, want mill, estate", got[0].Kind, got[1].Kind)
	}
}

// TestBadDefaults checks that defaults no place could use are refused once
// for the file, not once a feature.
func TestBadDefaults(t *testing.T) {
	in := `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"P"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}]}`
	_, err := places.ParseGeoJSON(strings.NewReader(in), places.Options{Country: "Indonesia", Kind: "kebun"})
	sameLines(t, problems(t, err), []string{
		`the country chosen for the import: "Indonesia" is not an ISO 3166-1 alpha-2 code such as "MY" or "ID"`,
		`the kind of place chosen for the import: unknown kind of place "kebun" (want one of plot, estate, mill, refinery, smelter, mine, factory, warehouse)`,
	})
}

// TestTooManyProblems checks that a file with many bad features stops at
// MaxProblems and says so.
func TestTooManyProblems(t *testing.T) {
	var b strings.Builder
	b.WriteString(`{"type":"FeatureCollection","features":[`)
	for i := range 150 {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `{"type":"Feature","properties":{"name":"P%d","country":"ID"},"geometry":{"type":"Point","coordinates":[101.45,0.51]}}`, i)
	}
	b.WriteString("]}")
	_, err := places.ParseGeoJSON(strings.NewReader(b.String()), places.Options{})
	var e *places.Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v", err)
	}
	if len(e.Problems) != places.MaxProblems || !e.Truncated {
		t.Errorf("%d problems, truncated %v; want %d and true", len(e.Problems), e.Truncated, places.MaxProblems)
	}
	if first := strings.SplitN(err.Error(), "\n", 2)[0]; first != "places: more than 100 problems (reading stopped at the 100th); nothing imported" {
		t.Errorf("first line %q", first)
	}
}

// TestTooLargeRefusedUnread checks that a file known to be too large is
// refused before a byte of it is read.
func TestTooLargeRefusedUnread(t *testing.T) {
	r := failReader{}
	for name, parse := range map[string]func(io.Reader, places.Options) error{
		"GeoJSON":  func(r io.Reader, o places.Options) error { _, err := places.ParseGeoJSON(r, o); return err },
		"places":   func(r io.Reader, o places.Options) error { _, err := places.ParsePlacesCSV(r, o); return err },
		"harvests": func(r io.Reader, o places.Options) error { _, err := places.ParseHarvestsCSV(r, o); return err },
	} {
		err := parse(r, places.Options{Size: places.MaxFileSize + 1})
		ps := problems(t, err)
		if !strings.HasPrefix(ps[0], "the file is 64 MiB; an import reads at most 64 MiB") {
			t.Errorf("%s: %q", name, ps[0])
		}
	}
}

// TestTooLargeStream checks that a stream past MaxFileSize is refused
// once it passes the limit.
func TestTooLargeStream(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 64 MiB")
	}
	for name, parse := range map[string]func(io.Reader) error{
		"GeoJSON": func(r io.Reader) error { _, err := places.ParseGeoJSON(r, places.Options{}); return err },
		"CSV":     func(r io.Reader) error { _, err := places.ParsePlacesCSV(r, places.Options{}); return err },
	} {
		head := "name,lat,lon\n"
		if name == "GeoJSON" {
			head = `{"type":"FeatureCollection","features":[`
		}
		r := io.MultiReader(strings.NewReader(head), &spaces{n: places.MaxFileSize})
		ps := problems(t, parse(r))
		if !strings.HasPrefix(ps[0], "the file is larger than the 64 MiB an import reads") {
			t.Errorf("%s: %q", name, ps[0])
		}
	}
}

// failReader fails the test's expectations by failing every read.
type failReader struct{}

func (failReader) Read([]byte) (int, error) { return 0, errors.New("read, though the size was known") }

// spaces reads n blank lines' worth of spaces.
type spaces struct{ n int }

func (s *spaces) Read(p []byte) (int, error) {
	if s.n <= 0 {
		return 0, io.EOF
	}
	k := min(len(p), s.n)
	for i := range p[:k] {
		p[i] = ' '
	}
	s.n -= k
	return k, nil
}
