package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// TestVerifyLanguage: verify prints its report, and says why it failed, in
// the language of $JEJAK_LANG (or $LANG), or of --lang, which wins; --json
// stays English and carries each reason's message key and parameters.
func TestVerifyLanguage(t *testing.T) {
	env, run, batch := harvestCLI(t, "lang-test", "Ladang Sungai Lebam", "Blok A", "A-1")
	with := func(extra ...string) []string { return append(append([]string{}, env...), extra...) }

	out := run(with("JEJAK_LANG=ms"), 1, "verify", batch)
	mustContain(t, "JEJAK_LANG=ms", out, "TIDAK DIENDORS: rekod tulen", "[GAGAL] Kepercayaan", "tiada sauh kepercayaan ditetapkan", "[AMARAN] EUDR: 2 amaran",
		"Penandatangan", "kelompok "+batch+" tidak diendors")
	if strings.Contains(out, "UNENDORSED") || strings.Contains(out, "warnings") {
		t.Errorf("the Malay report still has English:\n%s", out)
	}
	out = run(with("LANG=id_ID.UTF-8"), 1, "verify", batch)
	mustContain(t, "LANG=id_ID.UTF-8", out, "TANPA DUKUNGAN", "[GAGAL] Kepercayaan", "tidak ada jangkar kepercayaan yang diatur", "[PERINGATAN] EUDR: 2 peringatan")
	out = run(with("JEJAK_LANG=ms"), 1, "verify", "--lang", "id", batch)
	mustContain(t, "--lang id over JEJAK_LANG=ms", out, "TANPA DUKUNGAN", "batch "+batch+" tanpa dukungan")
	out = run(with("LANG=C.UTF-8"), 1, "verify", batch)
	mustContain(t, "LANG=C", out, "UNENDORSED: authentic records", "[FAIL] Trust", "no trust anchors are configured", "[WARN] EUDR: 2 warnings")
	out = run(env, 2, "verify", "--lang", "fr", batch)
	mustContain(t, "--lang fr", out, `--lang: language "fr"`, "ms (Bahasa Melayu)")

	var rep struct {
		Verdict string `json:"verdict"`
		Summary string `json:"summary"`
		Checks  []struct {
			Name    string `json:"name"`
			Title   string `json:"title"`
			Reasons []struct {
				Code   string            `json:"code"`
				Key    string            `json:"key"`
				Params map[string]string `json:"params"`
				Text   string            `json:"text"`
			} `json:"reasons"`
		} `json:"checks"`
	}
	_, stdout, _ := runCLI(t, with("JEJAK_LANG=ms"), "", "--json", "verify", batch)
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("verify --json: %v\n%s", err, stdout)
	}
	found := false
	for _, c := range rep.Checks {
		for _, x := range c.Reasons {
			if c.Name == "eudr" && x.Code == "not_assessed" {
				found = true
				if x.Key != "reason.not_assessed" || x.Params["place"] != "Blok A" || !strings.Contains(x.Text, "is not assessed") || c.Title != "EUDR" {
					t.Errorf("--json reason %+v of check %q: want an English text, a key and the plot as a parameter", x, c.Title)
				}
			}
		}
	}
	if !found || rep.Verdict != "unendorsed" || !strings.HasPrefix(rep.Summary, "The records are authentic") {
		t.Errorf("--json report: verdict %q, summary %q, not_assessed reason found %v", rep.Verdict, rep.Summary, found)
	}

	// A capsule verified on a machine with nothing set up, in Malay.
	file := filepath.Join(t.TempDir(), "a1.capsule.car")
	run(env, 0, "export", "capsule", "-o", file, batch)
	buyer := []string{"JEJAK_DATA=" + filepath.Join(t.TempDir(), "none"), "JEJAK_NETWORK=lang-test", "HOME=" + t.TempDir(), "LANGUAGE=ms_MY:en"}
	out = run(buyer, 1, "verify", "--capsule", file)
	mustContain(t, "verify --capsule in Malay", out, "Setakat yang ditunjukkan kapsul ini", "4 rekod", "TIDAK DIENDORS", "nota: ")
}
