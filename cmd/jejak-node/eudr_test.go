package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRecordEUDREvidence: a plantation clerk records a plot with its
// assessment and land title, another without, harvests from both, and
// ships with the due diligence statement; verify tells the plots apart,
// and --as-of shows the batch as it stood.
func TestRecordEUDREvidence(t *testing.T) {
	env := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=eudr-test", "HOME=" + t.TempDir(), testOrgEnv}
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	record := func(args ...string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", append([]string{"--json", "record"}, args...)...)
		if code != 0 {
			t.Fatalf("jejak-node record %s = %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
		rec.Batches = nil
		if err := json.Unmarshal([]byte(stdout), &rec); err != nil {
			t.Fatalf("jejak-node record %s: %v\n%s", strings.Join(args, " "), err, stdout)
		}
	}
	if code, _, stderr := runCLI(t, env, "", "init", "--name", "Ladang Sungai Lebam", "--role", "plantation", "--country", "MY"); code != 0 {
		t.Fatalf("init = %d: %s", code, stderr)
	}
	record("place", "--name", "Blok A", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000",
		"--assessment", "GFW-2026-0042", "--assessment-method", "satellite imagery (Global Forest Watch)", "--assessment-date", "2026-01-15",
		"--legality", "Geran 12345 Lot 678", "--legality-date", "2015-06-01")
	assessed := rec.CID
	record("place", "--name", "Blok B", "--kind", "plot", "--country", "MY", "--point", "1.71,103.90", "--area", "20000")
	bare := rec.CID
	record("origin", "--place", assessed, "--product", "FFB", "--qty", "10 TNE", "--lot", "A-1", "--from", "2026-11-01", "--until", "2026-11-02")
	good := rec.Batches[0].ID
	record("origin", "--place", bare, "--product", "FFB", "--qty", "10 TNE", "--lot", "B-1", "--from", "2026-11-01", "--until", "2026-11-02")
	unassessed := rec.Batches[0].ID

	_, out, _ := runCLI(t, env, "", "verify", good)
	if strings.Contains(out, "not assessed") || !strings.Contains(out, "[PASS] EUDR") {
		t.Errorf("verify of the assessed plot's harvest:\n%s", out)
	}
	_, out, _ = runCLI(t, env, "", "verify", unassessed)
	if !strings.Contains(out, `plot "Blok B"`) || !strings.Contains(out, "is not assessed") || !strings.Contains(out, "used legally") {
		t.Errorf("verify of the bare plot's harvest does not warn of it:\n%s", out)
	}

	// The statement on the transfer: a mistyped one is refused, naming it.
	buyer := "ed25519:mjxuo26es464tlpmieruqzzr7blfj3lcxp3oz54nwnw3onhithna"
	code, stdout, stderr := runCLI(t, env, "", "record", "transfer", "--batch", good, "--qty", "10 TNE", "--to", buyer, "--dds", "24ITYGBJFOS25/K7R8LA90")
	if code != 2 || stdout != "" || !strings.Contains(stderr, "not a due diligence statement reference number") {
		t.Fatalf("a mistyped statement: %d\n%s%s", code, stdout, stderr)
	}
	record("transfer", "--batch", good, "--qty", "10 TNE", "--to", buyer, "--dds", "24itygbjfos258 k7r8la90")

	// As of a day before the harvest was recorded, it did not exist.
	code, _, stderr = runCLI(t, env, "", "verify", "--as-of", "2026-01-01", good)
	if code != exitIncomplete || !strings.Contains(stderr, "did not exist yet") {
		t.Errorf("verify --as-of before the batch: %d %s", code, stderr)
	}
	code, _, stderr = runCLI(t, env, "", "verify", "--as-of", "last week", good)
	if code != 2 || !strings.Contains(stderr, "--as-of") {
		t.Errorf("verify --as-of with a bad date: %d %s", code, stderr)
	}
	_, out, _ = runCLI(t, env, "", "verify", "--as-of", "2099-01-01", good)
	if !strings.Contains(out, "as it stood at 2099-01-01 23:59:59 UTC") {
		t.Errorf("verify --as-of does not say so:\n%s", out)
	}
}
