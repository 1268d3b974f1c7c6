package geomap

import "testing"

func TestCountryAt(t *testing.T) {
	for _, c := range []struct {
		name     string
		lon, lat float64
		code     string
		land     bool
	}{
		{"Kuala Lumpur", 101.6869, 3.1390, "MY", true},
		{"Pekanbaru, Riau", 101.4478, 0.5071, "ID", true},
		{"Singapore", 103.8198, 1.3521, "SG", true},
		{"Kota Kinabalu hinterland, Sabah", 116.2, 5.8, "MY", true},
		{"Kalimantan", 114.0, 0.0, "ID", true},
		{"Strait of Malacca", 100.5, 3.0, "", false},
		{"South China Sea", 110.0, 8.0, "", false},
		{"Gulf of Guinea (0, 0)", 0, 0, "", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, land, err := CountryAt(c.lon, c.lat)
			if err != nil {
				t.Fatal(err)
			}
			if code != c.code || land != c.land {
				t.Errorf("CountryAt(%v, %v) = %q, %v; want %q, %v", c.lon, c.lat, code, land, c.code, c.land)
			}
		})
	}
}

func BenchmarkDecodeBasemap(b *testing.B) {
	for b.Loop() {
		if _, err := decodeBasemap(basemapData); err != nil {
			b.Fatal(err)
		}
	}
}
