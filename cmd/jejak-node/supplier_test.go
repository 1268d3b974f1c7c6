package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestRecordOnBehalf: a mill clerk records fruit bought from a smallholder
// who runs no Jejak; verify says who recorded it for whom, the record
// holds neither the name nor the ID, and the capsule for the importer
// shows them on a machine with nothing set up.
func TestRecordOnBehalf(t *testing.T) {
	env := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=supplier-test", "HOME=" + t.TempDir(), testOrgEnv}
	run := func(env []string, want int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return strings.Join(strings.Fields(stdout+stderr), " ") // unwrapped
	}
	run(env, 0, "init", "--name", "Kilang Sawit Tepi", "--role", "mill", "--country", "MY")
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	if err := json.Unmarshal([]byte(run(env, 0, "--json", "record", "place", "--name", "Kebun Parit 7", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "18000")), &rec); err != nil {
		t.Fatal(err)
	}
	plot := rec.CID
	origin := []string{"record", "origin", "--place", plot, "--product", "FFB", "--qty", "2.4 TNE", "--from", "2026-11-01", "--until", "2026-11-01"}

	// Mistakes are named by their flag, and nothing is recorded.
	for _, tc := range []struct {
		args []string
		says string
	}{
		{[]string{"--supplier-name", "Hassan bin Omar", "--supplier-scheme", "MPOB"}, "missing --supplier-id"},
		{[]string{"--supplier-name", "Hassan bin Omar", "--supplier-id", "MPOB-554433-C", "--supplier-scheme", "mpob"}, "--supplier-scheme"},
		{[]string{"--supplier-name", "Hassan bin Omar", "--supplier-id", "MPOB-554433-C", "--supplier-scheme", "MPOB", "--supplier-kind", "farmer"}, "--supplier-kind"},
	} {
		if out := run(env, 2, append(origin, tc.args...)...); !strings.Contains(out, tc.says) {
			t.Errorf("%v: %s, want it to say %q", tc.args, out, tc.says)
		}
	}
	if out := run(env, 2, "record", "place", "--name", "X", "--kind", "plot", "--country", "MY", "--point", "1.7,103.9", "--area", "100", "--supplier-name", "A"); !strings.Contains(out, "not of a place") {
		t.Errorf("a supplier on a place: %s", out)
	}

	out := run(env, 0, append(origin, "--supplier-name", "Hassan bin Omar", "--supplier-id", "MPOB-554433-C", "--supplier-scheme", "MPOB")...)
	mustContain(t, "record origin", out, "recorded origin", "on behalf of a smallholder who runs no Jejak")
	if err := json.Unmarshal([]byte(run(env, 0, append([]string{"--json"}, append(origin[:len(origin):len(origin)], "--lot", "S-2", "--supplier-kind", "dealer", "--supplier-name", "Ah Seng Trading", "--supplier-id", "MSPO-0042", "--supplier-scheme", "MSPO")...)...)), &rec); err != nil {
		t.Fatal(err)
	}
	batch := rec.Batches[0].ID

	// The same from a draft file, with the supplier beside it.
	draft := filepath.Join(t.TempDir(), "origin.json")
	if err := os.WriteFile(draft, []byte(`{"places": ["`+plot+`"], "from": 1793491200000, "until": 1793491200000, "out": [{"product": "FFB", "qty": {"milli": 900, "unit": "TNE"}}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	out = run(env, 0, "record", "origin", "--file", draft, "--supplier-name", "Siti Aminah", "--supplier-id", "ISPO-77", "--supplier-scheme", "ISPO")
	mustContain(t, "record origin --file", out, "on behalf of a smallholder who runs no Jejak")

	out = run(env, 1, "verify", batch) // unendorsed: no anchors
	mustContain(t, "verify", out, "recorded by Kilang Sawit Tepi on behalf of a dealer who runs no Jejak: Ah Seng Trading, MSPO ID MSPO-0042")
	// The records as every replica holds them (a CAR of the trace).
	car := filepath.Join(t.TempDir(), "s2.car")
	run(env, 0, "export", "car", "-o", car, batch)
	raw, err := os.ReadFile(car)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), "Ah Seng") || strings.Contains(string(raw), "MSPO-0042") || strings.Contains(string(raw), "Hassan") {
		t.Error("the records carry a supplier's name or ID in the clear")
	}

	file := filepath.Join(t.TempDir(), "s2.capsule.car")
	run(env, 0, "export", "capsule", "-o", file, batch)
	none := filepath.Join(t.TempDir(), "none")
	importer := []string{"JEJAK_DATA=" + none, "JEJAK_NETWORK=supplier-test", "HOME=" + t.TempDir()}
	out = run(importer, 1, "verify", "--capsule", file)
	mustContain(t, "verify --capsule", out, "on behalf of a dealer who runs no Jejak: Ah Seng Trading, MSPO ID MSPO-0042 (disclosed; matches the record)")
	if _, err := os.Stat(none); err == nil {
		t.Error("verify --capsule made a data folder")
	}
}
