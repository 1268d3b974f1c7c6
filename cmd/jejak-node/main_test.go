package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestRun(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantStdout string // a substring of stdout; "" means stdout must be empty
		wantStderr string // a substring of stderr; "" means stderr must be empty
	}{
		{name: "version", args: []string{"version"}, wantCode: 0, wantStdout: "jejak-node " + version},
		{name: "version flag", args: []string{"--version"}, wantCode: 0, wantStdout: "jejak-node " + version},
		{name: "version with argument", args: []string{"version", "extra"}, wantCode: 2, wantStderr: `unexpected argument "extra"`},
		{name: "help", args: []string{"help"}, wantCode: 0, wantStdout: "more commands"},
		{name: "help flag", args: []string{"--help"}, wantCode: 0, wantStdout: "Usage:"},
		{name: "short help flag", args: []string{"-h"}, wantCode: 0, wantStdout: "version"},
		{name: "no command", args: nil, wantCode: 2, wantStderr: "Usage:"},
		{name: "unknown command", args: []string{"frobnicate"}, wantCode: 2, wantStderr: `unknown command "frobnicate"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.wantCode {
				t.Errorf("run(%q) = %d, want %d", tt.args, code, tt.wantCode)
			}
			checkOutput(t, "stdout", stdout.String(), tt.wantStdout)
			checkOutput(t, "stderr", stderr.String(), tt.wantStderr)
		})
	}
}

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
