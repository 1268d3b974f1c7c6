package places_test

import (
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/places"
)

// TestParsePlacesCSVExports reads places files as spreadsheets, QGIS and
// KoboToolbox write them.
func TestParsePlacesCSVExports(t *testing.T) {
	tests := []struct {
		name string
		file string
		opt  places.Options
		want []placeWant
	}{
		{
			// Excel in an Indonesian locale: a byte order mark,
			// semicolons, CRLF, decimal commas, Indonesian column
			// names, a name with a semicolon in quotes, a blank row,
			// places that need no area, a country in lower case.
			name: "Excel, Indonesian",
			file: "places_excel_id.csv",
			want: []placeWant{
				{"Blok A1", "plot", "ID", 18000, "Point", 0, protocol.Pos(101.456789, -0.512345)},
				{"Blok A2; sisi timur", "plot", "ID", 22500, "Point", 0, protocol.Pos(101.457891, -0.513456)},
				{"Gudang Pupuk", "warehouse", "ID", 0, "Point", 0, protocol.Pos(101.458912, -0.514567)},
				{"PKS Sungai Rokan", "mill", "ID", 0, "Point", 0, protocol.Pos(100.987654, 0.987654)},
			},
		},
		{
			// QGIS "Save Features As" CSV with GEOMETRY=AS_WKT:
			// MULTIPOLYGON, one with Z and a hole, and a POINT.
			name: "QGIS WKT",
			file: "qgis_wkt.csv",
			want: []placeWant{
				{"Blok A1", "plot", "ID", 155138, "Polygon", 1, protocol.Pos(101.451203, 0.512114)},
				{"Blok A2", "plot", "ID", 117800, "Polygon", 2, protocol.Pos(101.455102, 0.512402)},
				{"Kebun Budi", "plot", "ID", 15000, "Point", 0, protocol.Pos(101.472512, 0.522301)},
			},
		},
		{
			// KoboToolbox: semicolons, group prefixes, a geoshape (lat
			// lon alt acc; ...) with a repeated point and not closed,
			// the form's own column name mapped to geometry, and a
			// geopoint's _gps_latitude and _gps_longitude columns.
			name: "KoboToolbox",
			file: "kobo_export.csv",
			opt:  places.Options{Country: "ID", Columns: map[string]string{"batas_kebun": "geometry"}},
			want: []placeWant{
				{"Kebun Siti 1", "plot", "ID", 22000, "Polygon", 1, protocol.Pos(101.470105, 0.520012)},
				{"Kebun Budi", "plot", "ID", 15000, "Point", 0, protocol.Pos(101.472512, 0.522301)},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := places.ParsePlacesCSV(open(t, tt.file), tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			checkPlaces(t, got, tt.want)
		})
	}
}

// TestParsePlacesCSVBadLines reads a file in which every line but the
// first breaks something, and checks that each problem is reported with
// its line, column and column name, and that nothing is imported.
func TestParsePlacesCSVBadLines(t *testing.T) {
	got, err := places.ParsePlacesCSV(open(t, "bad_places.csv"), places.Options{})
	if got != nil {
		t.Errorf("got %d places from a file with bad lines, want none", len(got))
	}
	sameLines(t, problems(t, err), []string{
		`line 3, column 1, name: the name is empty`,
		`line 4 ("Tertukar"), column 5, lat: latitude 101.45 is out of range -90..90: are longitude and latitude swapped?`,
		`line 5 ("Ambigu"), column 4, area_ha: amount "2,500" could be 2500 or 2.5: write 2500 (or 2 500) for two thousand five hundred, or 2,5 for two and a half`,
		`line 6 ("Angka"), column 5, lat: latitude "0.51.2" is not a number of degrees (such as -0.512345)`,
		`line 7 ("Tanpa posisi"), column 7, geometry: the place has no position: fill in lat and lon, or geometry`,
		`line 8 ("Separuh"), column 6, lon: the longitude is empty`,
		`line 9 ("WKT terbuka"), column 7, geometry: ring 1: the ring is not closed: its last position, 101.46 0.52, must repeat its first, 101.45 0.51`,
		`line 10 ("Garis"), column 7, geometry: a LINESTRING is a line, not an area: write the plot's boundary as a POLYGON`,
		`line 11 ("Kobo"), column 7, geometry: a boundary needs at least 3 corners, has 2 points`,
		`line 12 ("Negara"), column 3, country: "XX" is not a country in ISO 3166-1 (codes such as "MY", "ID", "GB")`,
		`line 13 ("Besar"), column 4, area_ha: a plot of 6 ha needs a polygon, not a point (EUDR: plots over 4 ha)`,
		`line 14: the line has 8 cells but the header names 7 columns: is there a value with a comma in it that is not in quotes?`,
		`line 15 ("Dua masalah"), column 2, kind: unknown kind of place "kebun" (want one of plot, estate, mill, refinery, smelter, mine, factory, warehouse)`,
		`line 15 ("Dua masalah"), column 3, country: "Indonesia" is not an ISO 3166-1 alpha-2 code such as "MY" or "ID"`,
		`line 15 ("Dua masalah"), column 4, area_ha: amount "-1" is negative: quantities are never negative`,
		`line 16: character 8: a quoted value is not closed, or has text after its closing quote; the file was not read past this line`,
	})
}

// TestParsePlacesCSVFile checks what is wrong with a CSV file as a whole,
// and what a spreadsheet may do that is not wrong.
func TestParsePlacesCSVFile(t *testing.T) {
	const row = "Blok 1,ID,1,0.51,101.45\n"
	tests := []struct {
		name, in string
		want     string // the first problem, or "" for one place
	}{
		{"empty", "", "the file is empty"},
		{"UTF-16", "\xff\xfen\x00a\x00", `the file is UTF-16 text (Excel's "Unicode Text"): save it as "CSV UTF-8"`},
		{"workbook", "PK\x03\x04\x14\x00", `this is a spreadsheet workbook (.xlsx or .ods), not CSV: save it as "CSV UTF-8"`},
		{"binary", "name\x00\x01", `this is not a text file`},
		{"header only", "name,country,area_ha,lat,lon\n", "the file has a header but no places"},
		{"no name column", "nombre,country,area_ha,lat,lon\n" + row, `line 1: no column names the places: add a column "name" (the file's columns are nombre, country, area_ha, lat, lon)`},
		{"no position columns", "name,country,area_ha\nBlok 1,ID,1\n", `line 1: no column locates the places: add columns "lat" and "lon", or "geometry"`},
		{"two name columns", "name,country,area_ha,lat,lon,Name\n" + row, "line 1, column 6, Name: columns 1 (name), 6 (Name) are all read as name: rename or remove all but one"},
		{"not UTF-8", "name,country,area_ha,lat,lon\nKebun Jos\xe9,ID,1,0.51,101.45\n", `line 2, column 1, name: the file is not UTF-8 text: save it as "CSV UTF-8"`},
		{"bare quote", "name,country,area_ha,lat,lon\nBlok \"1\",ID,1,0.51,101.45\n", `line 2: character 6: a quote (") inside a value that is not in quotes`},
		{"degrees minutes seconds", "name,country,area_ha,lat,lon\nBlok 1,ID,1,0°30'N,101.45\n", `line 2 ("Blok 1"), column 4, lat: latitude "0°30'N" is not decimal degrees`},
		{"comma", "name,country,area_ha,lat,lon\n" + row, ""},
		{"semicolon", "name;country;area_ha;lat;lon\nBlok 1;ID;1;0,51;101,45\n", ""},
		{"tab", "name\tcountry\tarea_ha\tlat\tlon\nBlok 1\tID\t1\t0.51\t101.45\n", ""},
		{"CRLF and blank lines", "\r\nname,country,area_ha,lat,lon\r\n\r\n,,,,\r\n" + strings.ReplaceAll(row, "\n", "\r\n") + "\r\n", ""},
		{"short line", "name,country,area_ha,lat,lon,kind\n" + row, ""},
		{"trailing empty cells", "name,country,area_ha,lat,lon\nBlok 1,ID,1,0.51,101.45,,,\n", ""},
		{"spaces around values", "name , country , area_ha,lat,lon\n  Blok 1 , ID ,1, 0.51 ,101.45\n", ""},
		{"columns in any order", "lon,lat,area_ha,country,name\n101.45,0.51,1,ID,Blok 1\n", ""},
		{"unknown columns ignored", "no,name,country,area_ha,lat,lon,catatan\n1,Blok 1,ID,1,0.51,101.45,dekat sungai\n", ""},
		{"X and Y", "name,country,area_ha,X,Y\nBlok 1,ID,1,101.45,0.51\n", ""},
		{"GeoJSON in a cell", `name,country,geometry` + "\n" + `Blok 1,ID,"{""type"":""Polygon"",""coordinates"":[[[101.45,0.51],[101.452,0.51],[101.452,0.512],[101.45,0.51]]]}"` + "\n", ""},
		{"EWKT", "name,country,geometry\nBlok 1,ID,\"SRID=4326;POLYGON((101.45 0.51,101.452 0.51,101.452 0.512,101.45 0.51))\"\n", ""},
		{"EWKT in UTM", "name,country,geometry\nBlok 1,ID,\"SRID=32748;POINT(350123 9943210)\"\n", `line 2 ("Blok 1"), column 3, geometry: the coordinates are in SRID 32748, not WGS 84`},
		{"GeoJSON cell broken", "name,country,geometry\nBlok 1,ID,\"{\"\"type\"\":\"\"Polygon\"\",\"\"coordinates\"\":[[[101.45,0.51],[101.452,0.51],[101.452,95],[101.45,0.51]]]}\"\n", `line 2 ("Blok 1"), column 3, geometry: coordinates[0][2]: latitude 95 is out of range -90..90`},
		{"WKT broken", "name,country,geometry\nBlok 1,ID,\"POLYGON ((101.45 0.51, 101.46 0.51, 101.46 0.52, 101.45 0.51)\"\n", `line 2 ("Blok 1"), column 3, geometry: expected ")" at character 62, found the end`},
		{"WKT self-crossing", "name,country,geometry\nBlok 1,ID,\"POLYGON ((101.45 0.51, 101.46 0.52, 101.46 0.51, 101.45 0.52, 101.45 0.51))\"\n", `line 2 ("Blok 1"), column 3, geometry: ring 1: the ring crosses itself`},
		{"WKT multipolygon parts", "name,country,geometry\nBlok 1,ID,\"MULTIPOLYGON (((101.45 0.51,101.452 0.51,101.452 0.512,101.45 0.51)),((101.46 0.51,101.462 0.51,101.462 0.512,101.46 0.51)))\"\n", "several"},
		{"Kobo geopoint", "name,country,area_ha,geoshape\nBlok 1,ID,1,0.51 101.45 30 5\n", ""},
		{"Kobo geoshape swapped", "name,country,geoshape\nBlok 1,ID,101.45 0.51 0 0;101.46 0.51 0 0;101.46 0.52 0 0\n", `line 2 ("Blok 1"), column 3, geoshape: point 1: latitude 101.45 is out of range -90..90: are longitude and latitude swapped?`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if !strings.Contains(in, "\n") && tt.want == "" {
				t.Fatal("bad test")
			}
			got, err := places.ParsePlacesCSV(strings.NewReader(in), places.Options{})
			switch tt.want {
			case "":
				if err != nil {
					t.Fatal(err)
				}
				signable(t, got)
				if len(got) != 1 || got[0].Name != "Blok 1" {
					t.Fatalf("got %v, want one place Blok 1", got)
				}
				return
			case "several":
				if err != nil {
					t.Fatal(err)
				}
				signable(t, got)
				if len(got) != 2 || got[1].Name != "Blok 1 (part 2 of 2)" {
					t.Fatalf("got %v, want Blok 1 in two parts", got)
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

// TestParsePlacesCSVColumnNames checks names columns go by.
func TestParsePlacesCSVColumnNames(t *testing.T) {
	tests := []struct {
		header string
		area   int64
	}{
		{"name,country,area_ha,lat,lon", 10_000},
		{"Name,Country,Area (ha),Latitude,Longitude", 10_000},
		{"NAMA,NEGARA,LUAS,LINTANG,BUJUR", 10_000},
		{"plot_name,producer_country,hectares,lat,lng", 10_000},
		{"name,country,Area (m²),lat,lon", 1},
		{"name,country,acres,lat,lon", 4_047},
		{"group/plot_name,group/country,group/area_ha,group/_gps_latitude,group/_gps_longitude", 10_000},
	}
	for _, tt := range tests {
		in := tt.header + "\nBlok 1,ID,1,0.51,101.45\n"
		got, err := places.ParsePlacesCSV(strings.NewReader(in), places.Options{})
		if err != nil {
			t.Errorf("%s: %v", tt.header, err)
			continue
		}
		if got[0].Name != "Blok 1" || got[0].Country != "ID" || got[0].Area != tt.area || *got[0].Geo.Point != protocol.Pos(101.45, 0.51) {
			t.Errorf("%s: got %+v", tt.header, got[0])
		}
	}
}

// TestTemplates parses the templates that docs/IMPORT.md offers, and the
// harvests template's places against the places template's.
func TestTemplates(t *testing.T) {
	ps, err := places.ParsePlacesCSV(open(t, "../../../docs/templates/places.csv"), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	checkPlaces(t, ps, []placeWant{
		{"Blok A1", "plot", "ID", 18000, "Point", 0, protocol.Pos(101.456789, 0.512345)},
		{"Blok B2", "plot", "ID", 155138, "Polygon", 1, protocol.Pos(101.451203, 0.512114)},
	})
	hs, err := places.ParseHarvestsCSV(open(t, "../../../docs/templates/harvests.csv"), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]protocol.CID{}
	for i, p := range ps {
		byName[p.Name] = protocol.ComputeCID([]byte{byte(i)})
	}
	origins, err := places.Resolve(hs, func(r places.PlaceRef) []protocol.CID {
		if c, ok := byName[r.Name]; ok {
			return []protocol.CID{c}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(origins) != 2 || len(origins[1].Places) != 2 || origins[0].Out[0].Claim == nil || origins[1].Out[0].Qty != protocol.Q(8750, protocol.KGM) {
		t.Errorf("origins %+v", origins)
	}
}
