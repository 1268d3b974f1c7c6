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

// Key names of the palm scenario's actors (see scenario/palm.go).
const (
	millDevice     = "bukit-lebam-mill/device-1"
	millOrg        = "bukit-lebam-mill"
	plantDevice    = "sungai-lebam/device-1"
	refineryDevice = "pasir-gudang/device-1"
	otherDevice    = "lahad-datu/device-1"
	otherOrg       = "lahad-datu"
	cbOrg          = "borneo-assurance"
)

// appendTo seals body as the next record of the feed of the key named
// name, dated after every record in s, and adds it to s.
func appendTo(t *testing.T, s *scenario.Scenario, name string, body protocol.Body) protocol.Signed {
	t.Helper()
	key := scenario.Key(name)
	r := &protocol.Record{Seq: 1, Time: scenario.Start.UnixMilli(), Body: body}
	for _, x := range s.Records {
		if x.Author == key.Public() && x.Seq >= r.Seq {
			r.Seq, r.Prev = x.Seq+1, x.CID
		}
		if x.Time >= r.Time {
			r.Time = x.Time + 60_000
		}
	}
	sealed, err := protocol.Seal(r, key)
	if err != nil {
		t.Fatalf("seal %s: %v", body.Type(), err)
	}
	s.Records = append(s.Records, sealed)
	return sealed
}

// verify verifies s's batch (or another batch) with s's anchors, at a
// fixed time.
func verify(t *testing.T, s *scenario.Scenario, batch protocol.BatchID, opts provenance.Options) *provenance.Report {
	t.Helper()
	if batch.IsZero() {
		batch = s.Batch
	}
	if opts.Anchors == nil {
		opts.Anchors = s.Anchors
	}
	if opts.Now == nil {
		opts.Now = func() time.Time { return checkedAt }
	}
	r, err := provenance.Verify(context.Background(), provenance.NewMemSource(s.Records...), batch, opts)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	translated(t, r)
	return r
}

// reason returns the first reason of a check with the given code, failing
// the test when there is none.
func reason(t *testing.T, r *provenance.Report, check, code string) provenance.Reason {
	t.Helper()
	c := r.Check(check)
	if c == nil {
		t.Fatalf("no check %q", check)
	}
	for _, x := range c.Reasons {
		if x.Code == code {
			return x
		}
	}
	t.Fatalf("check %s (%s) has no reason %q:\n%s", check, c.Status, code, r.Text())
	return provenance.Reason{}
}

// status asserts a check's status.
func status(t *testing.T, r *provenance.Report, check string, want provenance.Status) {
	t.Helper()
	if c := r.Check(check); c == nil || c.Status != want {
		got := provenance.Status("absent")
		if c != nil {
			got = c.Status
		}
		t.Errorf("check %s is %s, want %s\n%s", check, got, want, r.Text())
	}
}

// mentions asserts that a reason's text contains every string and that
// its records include every CID.
func mentions(t *testing.T, x provenance.Reason, texts []string, cids ...protocol.CID) {
	t.Helper()
	for _, s := range texts {
		if !strings.Contains(x.Text, s) {
			t.Errorf("reason %q does not mention %q", x.Text, s)
		}
	}
	for _, c := range cids {
		found := false
		for _, rc := range x.Records {
			found = found || rc == c
		}
		if !found {
			t.Errorf("reason %q does not list record %s", x.Text, c)
		}
	}
}

func tne(n int64) protocol.Quantity { return protocol.Quantity{Milli: n, Unit: protocol.TNE} }

func bid(s protocol.Signed, i uint32) protocol.BatchID {
	return protocol.BatchID{Record: s.CID, Index: i}
}
