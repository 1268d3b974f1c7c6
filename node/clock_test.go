package node

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestClockBehindOwnRecords: a computer whose clock was set back (a flat
// BIOS battery) says so in Status before it dates more records, and its
// feed never goes back in time.
func TestClockBehindOwnRecords(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "flat-battery")
	n := startNode(t, cfg)
	first := publish(t, n, 1)
	if st, _ := n.Status(ctx); st.ClockWarning != "" {
		t.Fatalf("a right clock warns: %q", st.ClockWarning)
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	cfg.Now = func() time.Time { return time.Now().AddDate(0, 0, -3) }
	n = startNode(t, cfg)
	st, err := n.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(st.ClockWarning, "earlier than the newest record it signed") {
		t.Fatalf("clock warning %q", st.ClockWarning)
	}
	if next := publish(t, n, 2); next.Time < first.Time {
		t.Fatalf("the feed went back in time: %d after %d", next.Time, first.Time)
	}
}
