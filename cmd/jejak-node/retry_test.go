package main

import (
	"encoding/json"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestUncertainPublishSaysHowToRetry: when a node takes a record command
// and never answers (it was killed), the command says the record may have
// been recorded and how to repeat it; repeating it with that draft ID, as
// often as one likes, records it once.
func TestUncertainPublishSaysHowToRetry(t *testing.T) {
	data := cheapDataDir(t)
	env := []string{"JEJAK_DATA=" + data, "JEJAK_NETWORK=retry-test", "HOME=" + t.TempDir(), testOrgEnv}
	cli := func(want int, args ...string) (string, string) {
		t.Helper()
		code, stdout, stderr := runCLI(t, env, "", args...)
		if code != want {
			t.Fatalf("jejak-node %s = %d, want %d\n%s%s", strings.Join(args, " "), code, want, stdout, stderr)
		}
		return stdout, stderr
	}
	cli(0, "init", "--name", "Kilang Sawit Ulang", "--role", "mill", "--country", "MY")
	place := []string{"--json", "record", "place", "--name", "Kilang", "--kind", "mill", "--country", "MY", "--point", "1.70,103.90"}

	// A "node" on the socket that reads the request and goes away.
	l, err := net.Listen("unix", filepath.Join(data, "jejak.sock"))
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			c.Read(buf)
			c.Close()
		}
	}()
	_, stderr := cli(exitUnavailable, place...)
	m := draftIDIn.FindStringSubmatch(stderr)
	if m == nil || strings.Count(strings.TrimSpace(stderr), "\n") != 0 {
		t.Fatalf("an unanswered record command said %q; want one line with the draft ID to repeat it with", stderr)
	}
	l.Close()
	os.Remove(filepath.Join(data, "jejak.sock"))

	var first, again struct {
		CID string `json:"cid"`
	}
	out, _ := cli(0, append(place, "--draft-id", m[1])...)
	json.Unmarshal([]byte(out), &first)
	out, _ = cli(0, append(place, "--draft-id", m[1])...)
	json.Unmarshal([]byte(out), &again)
	if first.CID == "" || again.CID != first.CID {
		t.Fatalf("the draft repeated gave %q then %q; want one record", first.CID, again.CID)
	}
	var st struct {
		ByType map[string]int `json:"by_type"`
	}
	out, _ = cli(0, "--json", "status")
	json.Unmarshal([]byte(out), &st)
	if st.ByType["place"] != 1 {
		t.Fatalf("%d place records after repeating one draft, want 1", st.ByType["place"])
	}
}
