package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// testOrgEnv gives the organisation passphrase of identities made in
// tests.
const testOrgEnv = "JEJAK_ORG_PASSPHRASE=" + testOrgPass

const testOrgPass = "organisation passphrase"

// runCLI runs the command line in-process with env (KEY=VALUE) and stdin.
func runCLI(t *testing.T, env []string, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errs bytes.Buffer
	code = run(args, strings.NewReader(stdin), &out, &errs, env)
	return code, out.String(), errs.String()
}

func TestRun(t *testing.T) {
	data := t.TempDir()
	env := []string{"JEJAK_DATA=" + data, "HOME=" + t.TempDir(), testOrgEnv}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // a substring of stdout; "" means stdout must be empty
		wantStderr string // a substring of stderr; "" means stderr must be empty
	}{
		{name: "version", args: []string{"version"}, wantStdout: "jejak-node " + version},
		{name: "version flag", args: []string{"--version"}, wantStdout: "jejak-node " + version},
		{name: "version json", args: []string{"--json", "version"}, wantStdout: `"version": "` + version},
		{name: "version with argument", args: []string{"version", "extra"}, wantCode: 2, wantStderr: `unexpected argument "extra"`},
		{name: "help", args: []string{"help"}, wantStdout: "Exit status"},
		{name: "help flag", args: []string{"--help"}, wantStdout: "Usage:"},
		{name: "short help flag", args: []string{"-h"}, wantStdout: "serve"},
		{name: "help for a command", args: []string{"help", "record"}, wantStdout: "--qty"},
		{name: "help for an unknown command", args: []string{"help", "frob"}, wantCode: 2, wantStderr: `unknown command "frob"`},
		{name: "command -h", args: []string{"verify", "-h"}, wantStdout: "Usage: jejak-node verify"},
		{name: "no command", args: nil, wantCode: 2, wantStderr: "Usage:"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantStderr: `unknown command "frobnicate"`},
		{name: "unknown global flag", args: []string{"--frob", "status"}, wantCode: 2, wantStderr: "flag provided but not defined: -frob"},

		{name: "serve argument", args: []string{"serve", "now"}, wantCode: 2, wantStderr: `jejak-node serve: unexpected argument "now"`},
		{name: "serve bad flag", args: []string{"serve", "--relay=maybe"}, wantCode: 2, wantStderr: "invalid boolean value"},
		{name: "init no name", args: []string{"init", "--role", "mill", "--country", "MY"}, wantCode: 2, wantStderr: "missing --name"},
		{name: "init no role", args: []string{"init", "--name", "X", "--country", "MY"}, wantCode: 2, wantStderr: "missing --role"},
		{name: "init no country", args: []string{"init", "--name", "X", "--role", "mill"}, wantCode: 2, wantStderr: "missing --country"},
		{name: "init bad role", args: []string{"init", "--name", "X", "--role", "miller", "--country", "MY"}, wantCode: 2, wantStderr: `unknown role "miller"`},
		{name: "init backup without passphrase", args: []string{"init", "--name", "X", "--role", "mill", "--country", "MY", "--backup", "k.age"}, wantCode: 2, wantStderr: "JEJAK_PASSPHRASE"},
		{name: "record no type", args: []string{"record"}, wantCode: 2, wantStderr: "missing TYPE"},
		{name: "record unknown type", args: []string{"record", "harvest"}, wantCode: 2, wantStderr: `unknown record type "harvest"`},
		{name: "record two types", args: []string{"record", "origin", "place"}, wantCode: 2, wantStderr: `unexpected argument "place"`},
		{name: "record origin no place", args: []string{"record", "origin", "--product", "FFB"}, wantCode: 2, wantStderr: "record origin: missing --place"},
		{name: "record origin bad qty", args: []string{"record", "origin", "--place", "bafyreigx", "--product", "FFB", "--qty", "lots", "--from", "2026-01-01", "--until", "2026-01-02"}, wantCode: 2, wantStderr: "--place"},
		{name: "record origin bad date", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "1 TNE", "--from", "yesterday", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `--from: "yesterday"`},
		{name: "record place no point", args: []string{"record", "place", "--name", "A", "--kind", "plot", "--country", "MY"}, wantCode: 2, wantStderr: "missing --point"},
		{name: "record place bad point", args: []string{"record", "place", "--name", "A", "--kind", "plot", "--country", "MY", "--point", "north"}, wantCode: 2, wantStderr: "want LAT,LON"},
		{name: "record process no in", args: []string{"record", "process", "--out", "CPO=1 TNE"}, wantCode: 2, wantStderr: "missing --in"},
		{name: "record process bad in", args: []string{"record", "process", "--in", "x", "--out", "CPO=1 TNE"}, wantCode: 2, wantStderr: "want BATCH=QTY"},
		{name: "record origin ambiguous qty", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "1.250 TNE", "--from", "2026-01-01", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `--qty: protocol: quantity "1.250 TNE": "1.250" could be 1250 or 1.25: write 1250 (or 1 250) for one thousand two hundred and fifty, or 1.25 for one and a quarter` + "\n"},
		{name: "record origin comma qty accepted", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "12,5 TNE", "--from", "yesterday", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `--from: "yesterday"`},
		{name: "record origin too many decimals", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "12,3456 TNE", "--from", "2026-01-01", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `"12,3456" has more than three decimal places`},
		{name: "record origin bad grouping", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "1.25,5 TNE", "--from", "2026-01-01", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `"1.25,5" is grouped wrongly at "25"`},
		{name: "record origin two decimal commas", args: []string{"record", "origin", "--place", validCID, "--product", "FFB", "--qty", "12,,5 TNE", "--from", "2026-01-01", "--until", "2026-01-02"}, wantCode: 2, wantStderr: `"12,,5" has two separators in a row`},
		{name: "record process ambiguous in", args: []string{"record", "process", "--in", validCID + "/0=1,250 TNE", "--out", "CPO=1 TNE"}, wantCode: 2, wantStderr: `--in: protocol: quantity "1,250 TNE": "1,250" could be 1250 or 1.25`},
		{name: "record process ambiguous out", args: []string{"record", "process", "--in", validCID + "/0=12,5 TNE", "--out", "CPO=21,500 TNE@CPO-7"}, wantCode: 2, wantStderr: `--out: protocol: quantity "21,500 TNE": "21,500" could be 21500 or 21.5: write 21500 (or 21 500) for twenty-one thousand five hundred, or 21,5 for twenty-one and a half`},
		{name: "record process letters in qty", args: []string{"record", "process", "--in", validCID + "/0=12,5 TNE", "--out", "CPO=2l,5 TNE"}, wantCode: 2, wantStderr: `"2l,5" is not a decimal number: "l" is not a digit`},
		{name: "record transfer ambiguous qty", args: []string{"record", "transfer", "--batch", validCID + "/0", "--qty", "1.000 TNE", "--to", zeroishKey}, wantCode: 2, wantStderr: `could be 1000 or 1: write 1000 (or 1 000) for one thousand, or 1 for one`},
		{name: "record transfer no to", args: []string{"record", "transfer", "--batch", validCID + "/0", "--qty", "1 TNE"}, wantCode: 2, wantStderr: "missing --to"},
		{name: "record transfer bad key", args: []string{"record", "transfer", "--batch", validCID + "/0", "--qty", "1 TNE", "--to", "bob"}, wantCode: 2, wantStderr: "--to"},
		{name: "record receive no transfer", args: []string{"record", "receive"}, wantCode: 2, wantStderr: "missing --transfer"},
		{name: "record endorse no org", args: []string{"record", "endorse", "--role", "mill"}, wantCode: 2, wantStderr: "missing --org"},
		{name: "record org without file", args: []string{"record", "org"}, wantCode: 2, wantStderr: "give the body with --file"},
		{name: "record file and flags", args: []string{"record", "origin", "--file", "x.json", "--lot", "L"}, wantCode: 2, wantStderr: "--file and --lot"},
		{name: "record missing file", args: []string{"record", "origin", "--file", "/nonexistent/draft.json"}, wantCode: 2, wantStderr: "draft: open /nonexistent/draft.json"},
		{name: "verify no batch", args: []string{"verify"}, wantCode: 2, wantStderr: "missing BATCH"},
		{name: "verify bad batch", args: []string{"verify", "nonsense"}, wantCode: 2, wantStderr: "BATCH:"},
		{name: "verify two batches", args: []string{"verify", validCID + "/0", validCID + "/1"}, wantCode: 2, wantStderr: "unexpected argument"},
		{name: "trace no batch", args: []string{"trace", "--forward"}, wantCode: 2, wantStderr: "missing BATCH"},
		{name: "label no output", args: []string{"label", validCID + "/0"}, wantCode: 2, wantStderr: "missing -o FILE"},
		{name: "label no batch", args: []string{"label", "-o", "x.png"}, wantCode: 2, wantStderr: "missing BATCH"},
		{name: "keys no command", args: []string{"keys"}, wantCode: 2, wantStderr: "jejak-node keys: missing"},
		{name: "keys unknown", args: []string{"keys", "shred"}, wantCode: 2, wantStderr: `unknown keys command "shred"`},
		{name: "keys export no file", args: []string{"keys", "export"}, wantCode: 2, wantStderr: "missing FILE"},
		{name: "keys import no passphrase", args: []string{"keys", "import", "k.age"}, wantCode: 2, wantStderr: "JEJAK_PASSPHRASE"},
		{name: "keys rotate extra", args: []string{"keys", "rotate", "now"}, wantCode: 2, wantStderr: `unexpected argument "now"`},
		{name: "trust no command", args: []string{"trust"}, wantCode: 2, wantStderr: "missing"},
		{name: "trust add no key", args: []string{"trust", "add"}, wantCode: 2, wantStderr: "missing KEY"},
		{name: "trust add bad key", args: []string{"trust", "add", "bob"}, wantCode: 2, wantStderr: "KEY:"},
		{name: "trust remove extra", args: []string{"trust", "remove", zeroishKey, "x"}, wantCode: 2, wantStderr: "unexpected argument"},
		{name: "trust unknown", args: []string{"trust", "forget"}, wantCode: 2, wantStderr: `unknown trust command "forget"`},
		{name: "peers argument", args: []string{"peers", "all"}, wantCode: 2, wantStderr: `unexpected argument "all"`},
		{name: "status argument", args: []string{"status", "x"}, wantCode: 2, wantStderr: `unexpected argument "x"`},
		{name: "batches argument", args: []string{"batches", "x"}, wantCode: 2, wantStderr: `unexpected argument "x"`},
		{name: "batches bad limit", args: []string{"batches", "--limit", "-3"}, wantCode: 2, wantStderr: "want a positive number"},
		{name: "incoming argument", args: []string{"incoming", "x"}, wantCode: 2, wantStderr: `unexpected argument "x"`},
		{name: "reindex argument", args: []string{"reindex", "x"}, wantCode: 2, wantStderr: `unexpected argument "x"`},
		{name: "check argument", args: []string{"check", "x"}, wantCode: 2, wantStderr: `unexpected argument "x"`},
		{name: "missing config file", args: []string{"--config", "/nonexistent.json", "status"}, wantCode: 2, wantStderr: "config file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, env, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("run(%q) = %d, want %d\nstderr: %s", tt.args, code, tt.wantCode, stderr)
			}
			checkOutput(t, "stdout", stdout, tt.wantStdout)
			checkOutput(t, "stderr", stderr, tt.wantStderr)
			// An input error is one line that says what was wrong and
			// where to look, not the whole usage.
			if tt.wantCode == 2 && tt.name != "no command" {
				if n := strings.Count(strings.TrimSpace(stderr), "\n"); n != 0 {
					t.Errorf("stderr is %d lines, want one:\n%s", n+1, stderr)
				}
				if strings.Contains(stderr, "Usage:") {
					t.Errorf("stderr shows the whole usage:\n%s", stderr)
				}
			}
		})
	}
}

// validCID is a well-formed record CID that no store holds.
const validCID = "bafyreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy"

const zeroishKey = "ed25519:aebagbafaydqqcikbmga2dqpcaireeyuculbogazdinryhi6d4qa"

// checkOutput fails t unless got contains want, or, when want is empty, got
// is empty too.
func checkOutput(t *testing.T, stream, got, want string) {
	t.Helper()
	switch {
	case want == "" && got != "":
		t.Errorf("%s = %q, want nothing", stream, got)
	case !strings.Contains(got, want):
		t.Errorf("%s = %q, want it to contain %q", stream, got, want)
	}
}

// TestRecordCommaDecimal records quantities typed with a decimal comma, as
// clerks in Indonesia type them, and checks that an ambiguous one is asked
// about in one line and not recorded.
func TestRecordCommaDecimal(t *testing.T) {
	env := []string{"JEJAK_DATA=" + cheapDataDir(t), "JEJAK_NETWORK=comma-test", "HOME=" + t.TempDir(), "JEJAK_PASSPHRASE=correct horse battery", testOrgEnv}
	type batch struct {
		ID  string            `json:"id"`
		Qty protocol.Quantity `json:"qty"`
	}
	var rec struct {
		CID     string  `json:"cid"`
		Batches []batch `json:"batches"`
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
	if code, _, stderr := runCLI(t, env, "", "init", "--name", "Kilang Sawit Sungai Lilin", "--role", "mill", "--country", "ID"); code != 0 {
		t.Fatalf("init = %d: %s", code, stderr)
	}
	record("place", "--name", "Blok A", "--kind", "plot", "--country", "ID", "--point", "-2.60,104.00", "--area", "20000")
	place := rec.CID
	record("origin", "--place", place, "--product", "FFB", "--qty", "12,5 TNE", "--lot", "H-1", "--from", "2026-01-01", "--until", "2026-01-02")
	if len(rec.Batches) != 1 || rec.Batches[0].Qty != (protocol.Quantity{Milli: 12_500, Unit: protocol.TNE}) {
		t.Fatalf("origin of 12,5 TNE made %+v, want one batch of 12.5 TNE", rec.Batches)
	}
	ffb := rec.Batches[0].ID
	// 2,625 alone would be ambiguous; a fourth, zero place says which.
	record("process", "--in", ffb+"=12,5 TNE", "--out", "CPO=2,6250 TNE@CPO-1", "--out", "PK=0,75 TNE@PK-1")
	want := []protocol.Quantity{{Milli: 2_625, Unit: protocol.TNE}, {Milli: 750, Unit: protocol.TNE}}
	if len(rec.Batches) != 2 || rec.Batches[0].Qty != want[0] || rec.Batches[1].Qty != want[1] {
		t.Fatalf("process made %+v, want %v", rec.Batches, want)
	}

	code, stdout, stderr := runCLI(t, env, "", "record", "origin", "--place", place, "--product", "FFB", "--qty", "1.250 TNE", "--lot", "H-2", "--from", "2026-01-01", "--until", "2026-01-02")
	if code != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, "could be 1250 or 1.25") {
		t.Fatalf("an ambiguous --qty: %d, stdout %q, stderr %q; want 2 and one line asking which", code, stdout, stderr)
	}
	if _, stdout, _ := runCLI(t, env, "", "--json", "status"); !strings.Contains(stdout, `"records": 5`) {
		t.Fatalf("status after the ambiguous --qty: %s, want 5 records", stdout)
	}
}
