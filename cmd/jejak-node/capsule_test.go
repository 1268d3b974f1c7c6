package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCapsuleCLI: export capsule on a plantation's install, then verify it
// on a machine with no install at all: no store, no network, no setup.
func TestCapsuleCLI(t *testing.T) {
	dir := t.TempDir()
	plantation := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=capsule-test", "HOME=" + t.TempDir(), testOrgEnv}
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
	file := filepath.Join(dir, "a1.capsule.car")
	out = run(plantation, 0, "export", "capsule", "-o", file, batch)
	mustContain(t, "export capsule", out, "wrote "+file, "Verification capsule")

	// A buyer with nothing set up: a data folder that does not exist.
	buyer := []string{"JEJAK_DATA=" + filepath.Join(t.TempDir(), "none"), "JEJAK_NETWORK=capsule-test", "HOME=" + t.TempDir()}
	out = run(buyer, 1, "verify", "--capsule", file) // unendorsed: nobody vouches for the plantation
	mustContain(t, "verify --capsule", out, "As far as this capsule shows", "by Ladang Sungai Lebam", "UNENDORSED", "4 records")
	if _, err := os.Stat(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("verify --capsule made a data folder")
	}
	run(buyer, 1, "verify", "--capsule", file, strings.ToUpper(batch))

	// Another batch than the capsule's, another network, a changed byte,
	// a cut file: each refused with what is wrong.
	for _, tc := range []struct {
		name string
		env  []string
		data func([]byte) []byte
		args []string
		says string
	}{
		{"another network", []string{"JEJAK_NETWORK=other"}, nil, nil, `network "capsule-test", not "other"`},
		{"a changed byte", nil, func(b []byte) []byte { i := strings.Index(string(b), "Blok A"); b[i] = 'X'; return b }, nil, "do not match its ID"},
		{"cut short", nil, func(b []byte) []byte { return b[:len(b)-30] }, nil, "truncated"},
		{"not a capsule", nil, func([]byte) []byte { return []byte("hello") }, nil, "not a capsule"},
		{"another batch", nil, nil, []string{strings.TrimSuffix(batch, "/0") + "/1"}, "not " + strings.TrimSuffix(batch, "/0") + "/1"},
	} {
		f := file
		if tc.data != nil {
			data, _ := os.ReadFile(file)
			f = filepath.Join(dir, "bad.car")
			os.WriteFile(f, tc.data(data), 0o644)
		}
		env := append(append([]string{}, buyer...), tc.env...)
		out := run(env, 2, append([]string{"verify", "--capsule", f}, tc.args...)...)
		mustContain(t, tc.name, out, tc.says)
	}
}

// TestCapsuleFromARunningNode: export capsule goes through the local API
// of a running node, and serve --http hands the same capsule to a browser.
func TestCapsuleFromARunningNode(t *testing.T) {
	e := newE2E(t)
	mill := e.org("mill")
	mill.initialises("Kilang Uji", "plantation")
	plot := mill.registersPlot("Blok C")
	batch := mill.harvests(plot, "12 TNE", "C-1")
	mill.serves()
	file := filepath.Join(t.TempDir(), "c1.capsule.car")
	out := mill.run(0, "export", "capsule", "-o", file, batch)
	mustContain(t, "export capsule through the socket", out, "wrote "+file)
	buyer := []string{"JEJAK_DATA=" + filepath.Join(t.TempDir(), "none"), "HOME=" + t.TempDir()}
	// The buyer's install is on the main network; the mill's on "e2e".
	code, _, stderr := runCLI(t, buyer, "", "verify", "--capsule", file, batch)
	if code != 2 || !strings.Contains(stderr, `network "e2e", not "main"`) {
		t.Fatalf("verify --capsule of another network = %d\n%s", code, stderr)
	}
	buyer = append(buyer, "JEJAK_NETWORK=e2e")
	code, stdout, stderr := runCLI(t, buyer, "", "verify", "--capsule", file, batch)
	if code != 1 {
		t.Fatalf("verify --capsule = %d\n%s%s", code, stdout, stderr)
	}
	mustContain(t, "verify --capsule", stdout, "by Kilang Uji", "UNENDORSED")
}
