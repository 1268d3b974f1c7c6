package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestMemoryRunsItsChildren runs the memory scenario at a tiny size: every
// phase of every child is reported with the memory the child really held,
// and a cgroup that cannot be made is a note, not a failure.
func TestMemoryRunsItsChildren(t *testing.T) {
	if testing.Short() {
		t.Skip("starts three child processes")
	}
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("needs /proc")
	}
	// A cgroup v2 mount whose cgroup for this process does not exist.
	fake := t.TempDir()
	if err := os.WriteFile(filepath.Join(fake, "cgroup.controllers"), []byte("cpu memory\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	self := filepath.Join(fake, "self")
	if err := os.WriteFile(self, []byte("0::/gone\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{Only: []string{"memory"}, Dir: t.TempDir(),
		Progress: testLog{t}, memoryRecords: 2_000, cgroups: &cgroups{root: fake, self: self}})
	if err != nil {
		t.Fatal(err)
	}
	s := rep.Scenarios[0]
	if len(s.Tables) != 2 {
		t.Fatalf("%d tables, want the phases and the cgroup check", len(s.Tables))
	}
	want := [][2]string{
		{"relay", "syncing from empty"}, {"relay", "idle"},
		{"desktop", "syncing from empty"},
		{"desktop", "opening the store"}, {"desktop", "idle"}, {"desktop", "creating an identity with a key backup"},
	}
	rows := s.Tables[0].Rows
	if len(rows) != len(want) {
		t.Fatalf("phases:\n%v\nwant %v", rows, want)
	}
	for i, row := range rows {
		if row[0] != want[i][0] || row[1] != want[i][1] {
			t.Errorf("phase %d is %s, %s; want %s, %s", i, row[0], row[1], want[i][0], want[i][1])
		}
		if !strings.HasPrefix(row[2], "2,00") {
			t.Errorf("%s, %s: %s records held, want the 2,000 synced", row[0], row[1], row[2])
		}
		// RssAnon of a process that ran a node: at least a MiB.
		if anon := row[4]; anon == "" || strings.HasPrefix(anon, "0 MiB") {
			t.Errorf("%s, %s: RssAnon peak %q", row[0], row[1], anon)
		}
	}
	for _, row := range s.Tables[1].Rows {
		if !strings.HasPrefix(row[len(row)-1], "not run: ") {
			t.Errorf("cgroup check %v: want not run, with why", row)
		}
	}
	if !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.HasPrefix(n, "No memory cgroup: ") && strings.Contains(n, "gone") }) {
		t.Errorf("no note says the cgroup could not be made: %q", s.Notes)
	}
}

// testLog writes progress lines to the test's log.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
