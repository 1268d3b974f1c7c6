package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// snake is the one style of every JSON key Jejak writes: lower-case words
// joined by underscores ("peer_id", "by_type", "maker_name").
var snake = regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)

// TestJSONStyle runs every command that has --json output on a data folder
// with an organisation, a place, a harvest and a processing run, and fails
// on any key in another style. The local API carries the same types, so
// this also holds for what the app and the command line exchange.
func TestJSONStyle(t *testing.T) {
	data := cheapDataDir(t)
	env := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=json-test", "HOME=" + t.TempDir(), "JEJAK_PASSPHRASE=correct horse battery", testOrgEnv}
	dir := t.TempDir()
	run := func(args ...string) string {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", append([]string{"--json"}, args...)...)
		if code != 0 && code != exitVerifyFail {
			t.Fatalf("jejak-node --json %s = %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
		}
		var v any
		if err := json.Unmarshal([]byte(stdout), &v); err != nil {
			t.Fatalf("jejak-node --json %s: not JSON: %v\n%s", strings.Join(args, " "), err, stdout)
		}
		for _, bad := range badKeys(v, "") {
			t.Errorf("jejak-node --json %s: key %s is not snake_case", strings.Join(args, " "), bad)
		}
		return stdout
	}
	var id struct {
		Org string `json:"org"`
	}
	if err := json.Unmarshal([]byte(run("init", "--name", "Kilang Sawit Bukit Lebam", "--role", "mill", "--country", "MY")), &id); err != nil || id.Org == "" {
		t.Fatalf("init: %+v %v", id, err)
	}
	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	json.Unmarshal([]byte(run("record", "place", "--name", "Blok A", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")), &rec)
	place := rec.CID
	json.Unmarshal([]byte(run("record", "origin", "--place", place, "--product", "FFB", "--qty", "100 TNE", "--lot", "H-1", "--from", "2026-01-01", "--until", "2026-01-02")), &rec)
	ffb := rec.Batches[0].ID
	json.Unmarshal([]byte(run("record", "process", "--in", ffb+"=100 TNE", "--out", "CPO=21 TNE@CPO-7", "--out", "PK=5 TNE@PK-7")), &rec)
	cpo := rec.Batches[0].ID
	run("record", "endorse", "--org", id.Org, "--role", "mill")
	for _, args := range [][]string{
		{"version"},
		{"status"},
		{"peers"},
		{"batches"},
		{"batches", "--held"},
		{"incoming"},
		{"trust", "add", id.Org, "Ourselves"},
		{"trust", "list"},
		{"verify", cpo},
		{"verify", "--forward", ffb},
		{"trace", cpo},
		{"label", "-o", filepath.Join(dir, "label.png"), cpo},
		{"keys", "export", filepath.Join(dir, "keys.age")},
		{"check"},
		{"reindex"},
	} {
		run(args...)
	}
}

// badKeys returns the path of every object key in v that is not
// snake_case. Keys of maps that hold data rather than fields (record types
// and units, which are lower-case words too) pass the same test.
func badKeys(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			p := path + "." + k
			if !snake.MatchString(k) {
				out = append(out, p)
			}
			out = append(out, badKeys(x, p)...)
		}
	case []any:
		for i, x := range v {
			out = append(out, badKeys(x, fmt.Sprintf("%s[%d]", path, i))...)
		}
	}
	return out
}
