package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// cheapDataDir returns a new data folder whose config file makes key
// backups cheap to write and open (milliseconds, not a second).
func cheapDataDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	cfg := fmt.Sprintf(`{"key_work_factor": %d}`, protocol.MinScryptWorkFactor)
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return dir
}

// TestLocalStore runs commands against a data folder with no node serving
// it, so each command opens the store itself.
func TestLocalStore(t *testing.T) {
	data := cheapDataDir(t)
	env := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=cli-test", "HOME=" + t.TempDir(), "JEJAK_PASSPHRASE=correct horse battery", testOrgEnv}
	cli := func(wantCode int, args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != wantCode {
			t.Fatalf("jejak-node %s = %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), code, wantCode, stdout, stderr)
		}
		return stdout + stderr
	}
	backup := filepath.Join(t.TempDir(), "keys.age")
	out := cli(0, "init", "--name", "Ladang Sungai Tiram", "--role", "plantation", "--country", "MY", "--backup", backup)
	if !strings.Contains(out, "Ladang Sungai Tiram") {
		t.Fatalf("init said %q", out)
	}
	if _, err := os.Stat(backup); err != nil {
		t.Fatal(err)
	}
	if out := cli(2, "init", "--name", "Again", "--role", "mill", "--country", "MY"); !strings.Contains(out, "conflict") {
		t.Fatalf("second init said %q", out)
	}

	var rec struct {
		CID     string `json:"cid"`
		Batches []struct{ ID string }
	}
	out = cli(0, "--json", "record", "place", "--name", "Blok A", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.CID == "" {
		t.Fatalf("record place: %q, %v", out, err)
	}
	out = cli(0, "--json", "record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "100 TNE", "--lot", "H-1", "--from", "2026-01-01", "--until", "2026-01-02")
	if err := json.Unmarshal([]byte(out), &rec); err != nil || len(rec.Batches) != 1 {
		t.Fatalf("record origin: %q, %v", out, err)
	}
	batch := rec.Batches[0].ID

	// A malformed draft names the line and writes nothing.
	draft := filepath.Join(t.TempDir(), "draft.json")
	os.WriteFile(draft, []byte("{\n  \"places\": [],\n  \"out\": [{\"product\": \"FFB\", \"qty\": \"ten\"}]\n}\n"), 0o600)
	if out := cli(2, "record", "origin", "--file", draft); !strings.Contains(out, "line 3") || strings.Count(strings.TrimSpace(out), "\n") != 0 {
		t.Fatalf("malformed draft said %q, want one line naming line 3", out)
	}
	os.WriteFile(draft, []byte(`{"name": "Blok B", "kind": "plot", "country": "MY", "geo": {"type": "Point", "point": [1039000000, 17000000]}, "area_m2": 5000}`), 0o600)
	cli(0, "record", "place", "--file", draft)

	if out := cli(0, "batches", "--search", "h-1"); !strings.Contains(out, batch) {
		t.Fatalf("batches said %q, want %s", out, batch)
	}
	if out := cli(0, "--json", "status"); !strings.Contains(out, `"records": 5`) {
		t.Fatalf("status said %q, want 5 records", out)
	}
	// Nobody vouches for the plantation: unendorsed, exit 1.
	if out := cli(1, "verify", batch); !strings.Contains(out, "UNENDORSED") || !strings.Contains(out, "is unendorsed") {
		t.Fatalf("verify said %q", out)
	}
	// An ID that parses but that nobody has is not found (exit 4),
	// never failed; both possibilities are named.
	if out := cli(exitIncomplete, "verify", validCID+"/0"); strings.Contains(out, "TRUSTED") || strings.Contains(out, "FAILED") ||
		!strings.Contains(out, "was not found") || !strings.Contains(out, "offline") || !strings.Contains(out, "mistyped") {
		t.Fatalf("verify of an unknown batch said %q", out)
	}
	if out := cli(0, "trace", batch); !strings.Contains(out, "FFB") {
		t.Fatalf("trace said %q", out)
	}
	png := filepath.Join(t.TempDir(), "label.png")
	cli(0, "label", "-o", png, batch)
	if b, err := os.ReadFile(png); err != nil || !strings.HasPrefix(string(b), "\x89PNG") {
		t.Fatalf("label: %v", err)
	}
	missingPNG := filepath.Join(t.TempDir(), "none.png")
	cli(2, "label", "-o", missingPNG, validCID+"/0")
	if _, err := os.Stat(missingPNG); !os.IsNotExist(err) {
		t.Fatalf("label of an unknown batch wrote a file: %v", err)
	}
	key := "ed25519:aebagbafaydqqcikbmga2dqpcaireeyuculbogazdinryhi6d4qa"
	cli(0, "trust", "add", key, "Sawit Assurance")
	if out := cli(0, "trust", "list"); !strings.Contains(out, "Sawit Assurance") {
		t.Fatalf("trust list said %q", out)
	}
	cli(0, "trust", "remove", key)
	cli(2, "trust", "remove", key)
	cli(0, "check")
	cli(0, "reindex")

	// Keys: a wrong passphrase is a one-line error and changes nothing.
	other := []string{"JEJAK_DATA=" + t.TempDir(), "JEJAK_NETWORK=cli-test", "JEJAK_PASSPHRASE=wrong passphrase"}
	if code, _, stderr := runCLI(t, other, "", "keys", "import", backup); code != 2 || !strings.Contains(stderr, "passphrase") {
		t.Fatalf("keys import with a wrong passphrase = %d, %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, other, "", "keys", "import", "/nonexistent.age"); code != 2 {
		t.Fatalf("keys import of a missing file = %d, %q", code, stderr)
	}
	cli(0, "keys", "rotate")
}
