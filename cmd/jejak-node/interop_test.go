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
	plantation := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=interop-test", "HOME=" + t.TempDir()}
	run := func(env []string, want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	run(plantation, 0, "init", "--name", "Ladang Sungai Lebam", "--role", "plantation", "--country", "MY")
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	out := run(plantation, 0, "--json", "record", "place", "--name", "Blok A", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	out = run(plantation, 0, "--json", "record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "10 TNE", "--lot", "A-1", "--from", "2026-11-01", "--until", "2026-11-02")
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatal(err)
	}
	batch := rec.Batches[0].ID
	want := run(plantation, 1, "verify", batch) // unendorsed: nobody vouches for the plantation here

	out = run(plantation, 0, "export", "car", "-o", dir+"/", batch)
	cars, _ := filepath.Glob(filepath.Join(dir, "A-1-*.car"))
	if len(cars) != 1 || !strings.Contains(out, "wrote "+cars[0]) {
		t.Fatalf("export car wrote %v:\n%s", cars, out)
	}
	epcisFile := filepath.Join(dir, "harvest.jsonld")
	run(plantation, 0, "export", "epcis", "-o", epcisFile, batch)

	for _, tc := range []struct{ format, file string }{{"car", cars[0]}, {"epcis", epcisFile}} {
		buyer := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=interop-test", "HOME=" + t.TempDir()}
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
	buyer := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=interop-test", "HOME=" + t.TempDir()}
	out = run(buyer, 2, "import", "car", bad)
	if !strings.Contains(out, "block") || !strings.Contains(out, "nothing was imported") {
		t.Errorf("a tampered CAR: %s", out)
	}
	if out := run(buyer, 0, "--json", "status"); !strings.Contains(out, `"records": 0`) {
		t.Errorf("after a refused import the store holds records:\n%s", out)
	}
	run(buyer, 2, "export", "pdf", batch)
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
