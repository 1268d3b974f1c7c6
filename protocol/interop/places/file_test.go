package places_test

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol/interop/places"
)

// TestReadFile: a file of places is read as GeoJSON or CSV by its name or
// its content, a file of harvests as CSV, and each comes with the SHA-256
// of its content; what each gives is what the parser of its format gives.
func TestReadFile(t *testing.T) {
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	geo, csvPlaces, harvests := read("qgis_blocks.geojson"), read("places_excel_id.csv"), read("harvests_id.csv")
	wantGeo, err := places.ParseGeoJSON(bytes.NewReader(geo), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantCSV, err := places.ParsePlacesCSV(bytes.NewReader(csvPlaces), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	wantHarvests, err := places.ParseHarvestsCSV(bytes.NewReader(harvests), places.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, what, file string
		data             []byte
		want             places.File // but Source
	}{
		{"GeoJSON by its name", places.WhatPlaces, "blocks.geojson", geo, places.File{Places: wantGeo}},
		{"GeoJSON by its name, in capitals", places.WhatPlaces, "BLOCKS.GeoJSON", geo, places.File{Places: wantGeo}},
		{"GeoJSON named .json", places.WhatPlaces, "blocks.json", geo, places.File{Places: wantGeo}},
		{"GeoJSON by its content", places.WhatPlaces, "blocks.txt", geo, places.File{Places: wantGeo}},
		{"GeoJSON after a byte order mark and space", places.WhatPlaces, "blocks", append([]byte("\xef\xbb\xbf \r\n\t"), geo...), places.File{Places: wantGeo}},
		{"places in CSV", places.WhatPlaces, "blok.csv", csvPlaces, places.File{Places: wantCSV}},
		{"harvests in CSV", places.WhatHarvests, "panen.csv", harvests, places.File{Harvests: wantHarvests}},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := places.ReadFile(c.what, c.file, c.data, places.Options{})
			if err != nil {
				t.Fatalf("ReadFile: %v", err)
			}
			if want := fmt.Sprintf("%x", sha256.Sum256(c.data)); got.Source != want {
				t.Errorf("source %s, want the SHA-256 of the content, %s", got.Source, want)
			}
			got.Source = ""
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("ReadFile gives %d places and %d harvests, not what the parser of its format gives (%d places, %d harvests)",
					len(got.Places), len(got.Harvests), len(c.want.Places), len(c.want.Harvests))
			}
		})
	}

	t.Run("harvests in GeoJSON", func(t *testing.T) {
		for _, name := range []string{"panen.geojson", "panen.csv"} {
			_, err := places.ReadFile(places.WhatHarvests, name, geo, places.Options{})
			sameLines(t, problems(t, err), []string{"harvests come as a CSV file (see docs/IMPORT.md); a GeoJSON file holds places: import it as places"})
		}
	})
	t.Run("a file of problems", func(t *testing.T) {
		_, err := places.ReadFile(places.WhatPlaces, "bad.csv", read("bad_places.csv"), places.Options{})
		if len(problems(t, err)) < 2 {
			t.Errorf("the problems of bad_places.csv: %v", err)
		}
	})
	t.Run("the options", func(t *testing.T) {
		got, err := places.ReadFile(places.WhatPlaces, "blocks.geojson", geo, places.Options{Kind: "estate"})
		if err != nil || len(got.Places) == 0 || got.Places[0].Kind != "estate" {
			t.Errorf("ReadFile with Kind estate: %v", err)
		}
	})
	t.Run("too large", func(t *testing.T) {
		big := append([]byte("name,lat,lon\n"), bytes.Repeat([]byte(" "), places.MaxFileSize)...)
		_, err := places.ReadFile(places.WhatPlaces, "big.csv", big, places.Options{})
		if p := problems(t, err); len(p) != 1 || !strings.Contains(p[0], "split it into smaller files") {
			t.Errorf("a file over MaxFileSize: %v", p)
		}
	})
	t.Run("neither places nor harvests", func(t *testing.T) {
		_, err := places.ReadFile("plots", "blocks.geojson", geo, places.Options{})
		if err == nil || !strings.Contains(err.Error(), `unknown kind of import file "plots"`) {
			t.Errorf("ReadFile of plots: %v", err)
		}
	})
}
