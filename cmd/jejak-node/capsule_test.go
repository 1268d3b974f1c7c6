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
	plantation, run, batch := harvestCLI(t, "capsule-test", "Ladang Sungai Lebam", "Blok A", "A-1")
	file := filepath.Join(dir, "a1.capsule.car")
	out := run(plantation, 0, "export", "capsule", "-o", file, batch)
	mustContain(t, "export capsule", out, "wrote "+file, "Verification capsule")

	// A buyer with nothing set up: a data folder that does not exist.
	none := filepath.Join(t.TempDir(), "none")
	buyer := []string{"JEJAK_DATA=" + none, "JEJAK_NETWORK=capsule-test", "HOME=" + t.TempDir()}
	out = run(buyer, 1, "verify", "--capsule", file) // unendorsed: nobody vouches for the plantation
	mustContain(t, "verify --capsule", out, "As far as this capsule shows", "by Ladang Sungai Lebam", "UNENDORSED", "4 records")
	if _, err := os.Stat(none); err == nil {
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

// TestLabelURLs: with a resolver in the config file, a label's QR code
// carries the URL a phone camera opens, and verify reads that URL back, in
// upper or lower case; a resolver or GTIN that cannot be used is refused
// naming the setting.
func TestLabelURLs(t *testing.T) {
	env, runIn, batch := harvestCLI(t, "label-test", "Ladang Label", "Blok L", "L-1")
	run := func(want int, args ...string) string { t.Helper(); return runIn(env, want, args...) }
	data := strings.TrimPrefix(env[0], "JEJAK_DATA=")
	cfg := filepath.Join(data, "config.json")
	png := filepath.Join(t.TempDir(), "l.png")

	var out struct{ Text string }
	json.Unmarshal([]byte(run(0, "--json", "label", "-o", png, batch)), &out)
	if !strings.EqualFold(out.Text, batch) {
		t.Errorf("with no resolver the label reads %q, want the bare ID", out.Text)
	}
	os.WriteFile(cfg, []byte(`{"label_resolver": "verify.example.org"}`), 0o644)
	json.Unmarshal([]byte(run(0, "--json", "label", "-o", png, batch)), &out)
	if want := strings.ToUpper("https://verify.example.org/b/" + batch); out.Text != want {
		t.Errorf("label reads %q, want %q", out.Text, want)
	}
	os.WriteFile(cfg, []byte(`{"label_resolver": "verify.example.org", "gtins": {"FFB": "9506000134352"}}`), 0o644)
	json.Unmarshal([]byte(run(0, "--json", "label", "-o", png, batch)), &out)
	if want := "https://verify.example.org/01/09506000134352/10/L-1?jb=" + batch; out.Text != want {
		t.Errorf("GS1 label reads %q, want %q", out.Text, want)
	}
	for _, arg := range []string{out.Text, strings.ToUpper("https://verify.example.org/b/" + batch), "https://verify.example.org/b/" + batch} {
		run(1, "verify", arg) // unendorsed: found and judged
	}
	mustContain(t, "a GS1 link with no batch", run(2, "verify", "https://x.org/01/09506000134352/10/L-1"), "no Jejak batch")
	for body, says := range map[string]string{
		`{"label_resolver": "https://x.org"}`: "label_resolver",
		`{"gtins": {"FFB": "9506000134353"}}`: `gtins: "FFB"`,
	} {
		os.WriteFile(cfg, []byte(body), 0o644)
		mustContain(t, body, run(2, "status"), says)
	}
}

// harvestCLI sets up a plantation with the CLI on a data folder of its own
// in network, records plot NAME and a 10 t harvest of FFB with lot LOT on
// it, and returns its environment, a runner and the batch.
func harvestCLI(t *testing.T, network, org, plot, lot string) (env []string, run func(env []string, want int, args ...string) string, batch string) {
	t.Helper()
	env = []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=" + network, "HOME=" + t.TempDir(), testOrgEnv}
	run = func(env []string, want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout + stderr
	}
	run(env, 0, "init", "--name", org, "--role", "plantation", "--country", "MY")
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	if err := json.Unmarshal([]byte(run(env, 0, "--json", "record", "place", "--name", plot, "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")), &rec); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(run(env, 0, "--json", "record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "10 TNE", "--lot", lot, "--from", "2026-11-01", "--until", "2026-11-02")), &rec); err != nil {
		t.Fatal(err)
	}
	return env, run, rec.Batches[0].ID
}
