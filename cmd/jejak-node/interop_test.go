package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportImport: a plantation exports a harvest's provenance as a CAR
// and as EPCIS; a buyer's fresh install imports either and verifies the
// batch as the plantation does; a tampered CAR is refused, naming the
// record, and changes nothing.
func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	plantation, run, batch := harvestCLI(t, "interop-test", "Ladang Sungai Lebam", "Blok A", "A-1")
	want := run(plantation, 1, "verify", batch) // unendorsed: nobody vouches for the plantation here

	out := run(plantation, 0, "export", "car", "-o", dir+"/", batch)
	cars, _ := filepath.Glob(filepath.Join(dir, "A-1-*.car"))
	if len(cars) != 1 || !strings.Contains(out, "wrote "+cars[0]) {
		t.Fatalf("export car wrote %v:\n%s", cars, out)
	}
	epcisFile := filepath.Join(dir, "harvest.jsonld")
	run(plantation, 0, "export", "epcis", "-o", epcisFile, batch)

	for _, tc := range []struct{ format, file string }{{"car", cars[0]}, {"epcis", epcisFile}} {
		buyer := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=interop-test", "HOME=" + t.TempDir(), testOrgEnv}
		out := run(buyer, 0, "import", tc.format, tc.file)
		if !strings.Contains(out, "imported 4 new records, 0 already here") {
			t.Errorf("import %s says:\n%s", tc.format, out)
		}
		if got := run(buyer, 1, "verify", batch); verdictPart(got) != verdictPart(want) {
			t.Errorf("after import %s the buyer's verify says:\n%s\nthe plantation's:\n%s", tc.format, got, want)
		}
		// Importing again changes nothing.
		if out := run(buyer, 0, "import", tc.format, tc.file); !strings.Contains(out, "imported 0 new records, 4 already here") {
			t.Errorf("a second import %s says:\n%s", tc.format, out)
		}
	}

	// One byte changed in a record: refused, naming it; nothing stored.
	data, err := os.ReadFile(cars[0])
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(data), "Blok A")
	data[i] = 'X'
	bad := filepath.Join(dir, "bad.car")
	if err := os.WriteFile(bad, data, 0o644); err != nil {
		t.Fatal(err)
	}
	buyer := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=interop-test", "HOME=" + t.TempDir(), testOrgEnv}
	out = run(buyer, 2, "import", "car", bad)
	if !strings.Contains(out, "block") || !strings.Contains(out, "nothing was imported") {
		t.Errorf("a tampered CAR: %s", out)
	}
	if out := run(buyer, 0, "--json", "status"); !strings.Contains(out, `"records": 0`) {
		t.Errorf("after a refused import the store holds records:\n%s", out)
	}
	run(buyer, 2, "export", "pdf", batch)

	// The EUDR files for the harvest, and for what one transfer sends.
	eudrDir := filepath.Join(dir, "eudr") + "/"
	out = run(plantation, 0, "export", "eudr", "-o", eudrDir, batch)
	for _, suffix := range []string{".eudr.geojson", ".eudr-summary.json", ".eudr-summary.html"} {
		if m, _ := filepath.Glob(filepath.Join(eudrDir, "A-1-*"+suffix)); len(m) != 1 {
			t.Errorf("export eudr wrote no *%s:\n%s", suffix, out)
		}
	}
	geo, _ := filepath.Glob(filepath.Join(eudrDir, "*.geojson"))
	if data, err := os.ReadFile(geo[0]); err != nil || !strings.Contains(string(data), `"ProductionPlace":"Blok A"`) && !strings.Contains(string(data), `"ProductionPlace": "Blok A"`) {
		t.Errorf("the geolocation file does not name the plot: %s", data)
	}
	out = run(plantation, 0, "--json", "record", "transfer", "--batch", batch, "--qty", "4 TNE", "--to", "ed25519:mjxuo26es464tlpmieruqzzr7blfj3lcxp3oz54nwnw3onhithna", "--dds", "24MYQK2D9XW3P1")
	var rec struct {
		CID string `json:"cid"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	out = run(plantation, 0, "export", "eudr", "-o", eudrDir, rec.CID)
	if !strings.Contains(out, "transfer-") {
		t.Errorf("export eudr TRANSFER:\n%s", out)
	}
	if sums, _ := filepath.Glob(filepath.Join(eudrDir, "transfer-*.eudr-summary.json")); len(sums) != 1 {
		t.Errorf("export eudr TRANSFER wrote no summary:\n%s", out)
	} else if data, _ := os.ReadFile(sums[0]); !strings.Contains(string(data), "4 TNE") && !strings.Contains(string(data), `"milli": 4000`) {
		t.Errorf("the transfer's summary does not declare the 4 TNE sent:\n%.2000s", data)
	}
	out = run(plantation, 2, "export", "smelters", "-o", dir+"/", batch)
	if !strings.Contains(out, "tin, tantalum, tungsten or gold") {
		t.Errorf("export smelters of palm fruit: %s", out)
	}
	run(buyer, 2, "import", "xml", bad)
}

// verdictPart is a verify output without its "Checked:" line, which says
// when.
func verdictPart(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(l, "Checked:") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

// TestImportPlacesAndHarvests: a plantation imports its plots and a
// season's harvests from the template files; importing them again records
// nothing twice; a harvests file with a bad line records nothing and names
// the line.
func TestImportPlacesAndHarvests(t *testing.T) {
	env := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=places-test", "HOME=" + t.TempDir(), testOrgEnv}
	run := func(want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	run(0, "init", "--name", "Kebun Sawit Riau", "--role", "plantation", "--country", "ID")
	status := func() string { return run(0, "--json", "status") }
	before := status()
	templates := filepath.Join("..", "..", "docs", "templates")
	if out := run(0, "import", "places", filepath.Join(templates, "places.csv")); !strings.Contains(out, "recorded 2 places") {
		t.Fatalf("import places:\n%s", out)
	}
	out := run(0, "import", "harvests", filepath.Join(templates, "harvests.csv"))
	if !strings.Contains(out, "recorded 2 harvests") || strings.Count(out, "batch ") != 2 {
		t.Fatalf("import harvests:\n%s", out)
	}
	after := status()
	run(0, "import", "places", filepath.Join(templates, "places.csv"))
	run(0, "import", "harvests", filepath.Join(templates, "harvests.csv"))
	if again := status(); recordsIn(t, again) != recordsIn(t, after) || recordsIn(t, after) != recordsIn(t, before)+4 {
		t.Fatalf("records: %d before, %d after the import, %d after importing again; want 4 more, then none", recordsIn(t, before), recordsIn(t, after), recordsIn(t, again))
	}

	bad := filepath.Join(t.TempDir(), "harvests.csv")
	csv := "date,places,product,quantity,unit\n2025-03-03,Blok A1,FFB,12.5,TNE\n2025-03-04,Blok Z9,FFB,3,TNE\n2025-03-05,Blok A1,FFB,1.250,TNE\n"
	if err := os.WriteFile(bad, []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run(2, "import", "harvests", bad)
	for _, want := range []string{"\n  line 4", "1.250", "nothing imported"} {
		if !strings.Contains(out, want) {
			t.Errorf("a harvests file with bad lines: %q does not say %q", out, want)
		}
	}
	// Blok Z9 is named nowhere: said once the numbers are right.
	fixed := strings.Replace(csv, "1.250", `"1,25"`, 1)
	if err := os.WriteFile(bad, []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out = run(2, "import", "harvests", bad)
	if !strings.Contains(out, "line 3") || !strings.Contains(out, `no place is named "Blok Z9"`) {
		t.Errorf("a harvest from an unknown place: %s", out)
	}
	if n := recordsIn(t, status()); n != recordsIn(t, after) {
		t.Errorf("a refused import recorded %d records", n-recordsIn(t, after))
	}
}

func recordsIn(t *testing.T, status string) int {
	t.Helper()
	var st struct {
		Records int `json:"records"`
	}
	if err := json.Unmarshal([]byte(status), &st); err != nil {
		t.Fatalf("status: %v\n%s", err, status)
	}
	return st.Records
}
