package main

import (
	"encoding/base64"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// TestOrgPassphrase runs the organisation passphrase through the command
// line on a data folder no node serves: init sets it, org-signed records
// and key commands ask for it, a wrong one is a one-line error that
// records nothing, and it is changed with the old one or reset from the
// key backup.
func TestOrgPassphrase(t *testing.T) {
	data := cheapDataDir(t)
	backup := filepath.Join(t.TempDir(), "keys.age")
	base := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=keys-test", "HOME=" + t.TempDir(), "JEJAK_PASSPHRASE=backup passphrase"}
	with := func(extra ...string) []string { return append(append([]string{}, base...), extra...) }
	cli := func(env []string, want int, args ...string) (string, string) {
		t.Helper()
		code, out, errs := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out, errs
	}
	initArgs := []string{"init", "--name", "Kilang Kunci", "--role", "mill", "--country", "MY", "--backup", backup}
	if _, errs := cli(base, 2, initArgs...); !strings.Contains(errs, "JEJAK_ORG_PASSPHRASE") {
		t.Fatalf("init without an organisation passphrase: %q", errs)
	}
	if _, errs := cli(with("JEJAK_ORG_PASSPHRASE=backup passphrase"), 2, initArgs...); !strings.Contains(errs, "must differ") {
		t.Fatalf("init with one passphrase for both: %q", errs)
	}
	out, errs := cli(with("JEJAK_ORG_PASSPHRASE=first passphrase"), 0, initArgs...)
	if !strings.Contains(out, "encrypted with the organisation passphrase") || !strings.Contains(errs, "reset-passphrase --backup") {
		t.Fatalf("init says nothing of the passphrases:\n%s\n%s", out, errs)
	}
	if out, _ := cli(base, 0, "status"); !strings.Contains(out, "org key    on this install, encrypted") || strings.Contains(out, "WARNING") {
		t.Fatalf("status of a protected install:\n%s", out)
	}
	other, _ := protocol.GenerateKey(nil)
	endorse := []string{"record", "endorse", "--org", other.Public().String(), "--role", "plantation"}
	records := func() string { out, _ := cli(base, 0, "status"); return out[strings.Index(out, "records"):][:20] }
	before := records()
	if _, errs := cli(base, 2, endorse...); !strings.Contains(errs, "JEJAK_ORG_PASSPHRASE") {
		t.Fatalf("endorse without the passphrase: %q", errs)
	}
	if _, errs := cli(with("JEJAK_ORG_PASSPHRASE=not it at all"), 2, endorse...); !strings.Contains(errs, "wrong organisation passphrase") || strings.Count(strings.TrimSpace(errs), "\n") > 0 {
		t.Fatalf("endorse with a wrong passphrase: %q (want one line)", errs)
	}
	if got := records(); got != before {
		t.Fatalf("refused endorsements recorded something: %q, then %q", before, got)
	}
	cli(with("JEJAK_ORG_PASSPHRASE=first passphrase"), 0, endorse...)
	// Daily records do not ask.
	cli(base, 0, "record", "place", "--name", "Kilang", "--kind", "mill", "--country", "MY", "--point", "1.70,103.90")

	// Change: the old one, then the new one.
	cli(with("JEJAK_ORG_PASSPHRASE=wrong old one", "JEJAK_NEW_ORG_PASSPHRASE=second passphrase"), 2, "keys", "passphrase")
	cli(with("JEJAK_ORG_PASSPHRASE=first passphrase", "JEJAK_NEW_ORG_PASSPHRASE=second passphrase"), 0, "keys", "passphrase")
	cli(with("JEJAK_ORG_PASSPHRASE=first passphrase"), 2, endorse...)
	cli(with("JEJAK_ORG_PASSPHRASE=second passphrase"), 0, endorse...)
	// Forgotten: reset from the backup, with the backup's passphrase.
	if _, errs := cli(with("JEJAK_PASSPHRASE=not the backup's", "JEJAK_NEW_ORG_PASSPHRASE=third passphrase"), 2, "keys", "reset-passphrase", "--backup", backup); !strings.Contains(errs, "passphrase") {
		t.Fatalf("reset with a wrong backup passphrase: %q", errs)
	}
	cli(with("JEJAK_NEW_ORG_PASSPHRASE=third passphrase"), 0, "keys", "reset-passphrase", "--backup", backup)
	cli(with("JEJAK_ORG_PASSPHRASE=third passphrase"), 0, endorse...)
	cli(with("JEJAK_ORG_PASSPHRASE=third passphrase"), 0, "keys", "export", filepath.Join(t.TempDir(), "again.age"))
	cli(base, 2, "keys", "rotate")
}

// TestKeysRevoke: keys revoke withdraws another device key of the
// organisation and refuses this computer's own key and keys that are not
// the organisation's.
func TestKeysRevoke(t *testing.T) {
	data := cheapDataDir(t)
	backup := filepath.Join(t.TempDir(), "keys.age")
	env := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=keys-test", "HOME=" + t.TempDir(), "JEJAK_PASSPHRASE=backup passphrase", testOrgEnv}
	cli := func(want int, args ...string) (string, string) {
		t.Helper()
		code, out, errs := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out, errs
	}
	var id struct{ Device string }
	out, _ := cli(0, "--json", "init", "--name", "Ladang Curi", "--role", "plantation", "--country", "MY", "--backup", backup)
	if err := json.Unmarshal([]byte(out), &id); err != nil {
		t.Fatal(err)
	}
	laptop := id.Device
	// The same install takes a new device key from the backup, so the old
	// one is another device of the organisation here.
	cli(0, "keys", "import", "--new-device", backup)
	stranger, _ := protocol.GenerateKey(nil)
	if _, errs := cli(2, "keys", "revoke", laptop); !strings.Contains(errs, "--reason") {
		t.Fatalf("revoke without a reason: %q", errs)
	}
	if _, errs := cli(2, "keys", "revoke", stranger.Public().String(), "--reason", "x"); !strings.Contains(errs, "is not a device key of Ladang Curi") {
		t.Fatalf("revoke of a stranger's key: %q", errs)
	}
	out, _ = cli(0, "status")
	own := ""
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "device key") && strings.HasSuffix(l, "(this computer)") {
			own = strings.Fields(l)[2]
		}
	}
	if _, errs := cli(2, "keys", "revoke", own, "--reason", "x"); !strings.Contains(errs, "rotate it instead") {
		t.Fatalf("revoke of this computer's own key (%s): %q", own, errs)
	}
	if out, _ := cli(0, "keys", "revoke", laptop, "--reason", "laptop stolen"); !strings.Contains(out, "revoked device key "+laptop) {
		t.Fatalf("revoke: %q", out)
	}
	if out, _ := cli(0, "status"); !strings.Contains(out, laptop+" "+hostname(t)+" (revoked)") {
		t.Fatalf("status after the revocation does not show it:\n%s", out)
	}
}

func hostname(t *testing.T) string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "desk"
	}
	return h
}

// TestUnprotectedOrgKey: a data folder from before keys were encrypted
// (identity format 1, the organisation seed in plain text) works; status
// says plainly that the key is unprotected and how to fix it; keys
// passphrase protects it and no plain seed stays in the file.
func TestUnprotectedOrgKey(t *testing.T) {
	data := cheapDataDir(t)
	org, _ := protocol.GenerateKey(nil)
	dev, _ := protocol.GenerateKey(nil)
	v1, _ := json.Marshal(map[string]any{"format": "jejak-identity-v1", "org": org.Public(), "org_seed": org.Seed(), "device_seed": dev.Seed(), "device_name": "desk"})
	path := filepath.Join(data, "identity.json")
	if err := os.WriteFile(path, v1, 0o600); err != nil {
		t.Fatal(err)
	}
	env := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=keys-test", "HOME=" + t.TempDir()}
	run := func(want int, extra []string, args ...string) string {
		t.Helper()
		code, out, errs := runCLI(t, append(append([]string{}, env...), extra...), "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s\n%s", strings.Join(args, " "), code, want, out, errs)
		}
		return out
	}
	run(0, nil, "record", "org", "--file", writeDraft(t, `{"name": "Kilang Lama", "roles": ["mill"], "country": "MY"}`))
	run(0, nil, "record", "device", "--file", writeDraft(t, `{"key": "`+dev.Public().String()+`", "name": "desk"}`))
	out := run(0, nil, "status")
	if !strings.Contains(out, "UNPROTECTED") || !strings.Contains(out, "anyone who copies the data folder") || !strings.Contains(out, "jejak-node keys passphrase") {
		t.Fatalf("status of an unprotected install does not say so with the fix:\n%s", out)
	}
	run(0, []string{"JEJAK_NEW_ORG_PASSPHRASE=a new passphrase"}, "keys", "passphrase")
	if out := run(0, nil, "status"); strings.Contains(out, "UNPROTECTED") || !strings.Contains(out, "encrypted with the organisation passphrase") {
		t.Fatalf("status once protected:\n%s", out)
	}
	file, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(file), base64.StdEncoding.EncodeToString(org.Seed())) || strings.Contains(string(file), "org_seed") {
		t.Fatalf("identity.json still holds the plain organisation seed:\n%s", file)
	}
}

// writeDraft writes a draft body to a file and returns its path.
func writeDraft(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "draft.json")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}
