package provenance_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestFutureTime: verification judges records dated ahead of its clock by
// the rule nodes take records by (protocol.CheckTime): within
// protocol.ClockAhead nothing is said, beyond it a warning says when peers
// take the record, and beyond a year the check fails.
func TestFutureTime(t *testing.T) {
	s := scenario.HonestElectronics()
	var latest int64
	for _, r := range s.Records {
		latest = max(latest, r.Time)
	}
	at := time.UnixMilli(latest)
	for _, c := range []struct {
		name    string
		now     time.Time
		status  provenance.Status
		verdict provenance.Verdict
		says    string
	}{
		{"the clock at the newest record", at, provenance.Pass, provenance.Trusted, ""},
		{"ten minutes behind it", at.Add(-protocol.ClockAhead), provenance.Pass, provenance.Trusted, ""},
		{"an hour behind it", at.Add(-time.Hour), provenance.Warn, provenance.Trusted, "more than 10 minutes ahead of this computer's clock: peers take it only from"},
		{"two years behind it", at.Add(-2 * 365 * 24 * time.Hour), provenance.Fail, provenance.Failed, "more than a year ahead of this computer's clock"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := provenance.Verify(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, provenance.Options{
				Anchors: s.Anchors, Now: func() time.Time { return c.now },
			})
			if err != nil {
				t.Fatal(err)
			}
			var integrity provenance.Check
			for _, ch := range r.Checks {
				if ch.Name == "integrity" {
					integrity = ch
				}
			}
			if integrity.Status != c.status || (c.verdict != "" && r.Verdict != c.verdict && c.status != provenance.Fail) {
				t.Errorf("integrity %s, verdict %s; want %s, %s\n%s", integrity.Status, r.Verdict, c.status, c.verdict, r.Text())
			}
			if c.status == provenance.Fail && r.Verdict == provenance.Trusted {
				t.Errorf("verdict %s with a record two years ahead", r.Verdict)
			}
			var said []string
			for _, why := range integrity.Reasons {
				if why.Code == provenance.CodeFutureTime {
					said = append(said, why.Text)
				}
			}
			if (c.says == "") != (len(said) == 0) || !strings.Contains(strings.Join(said, "\n"), c.says) {
				t.Errorf("future_time findings %q, want one saying %q", said, c.says)
			}
		})
	}
}
