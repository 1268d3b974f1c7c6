package p2p

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// TestRecordMetrics: what the relay's metrics say about records from
// peers matches what the node did with them.
func TestRecordMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	cfg := testConfig(t, "metrics")
	cfg.Metrics = reg
	n := startNode(t, cfg)
	ctx := context.Background()

	good := prototest.NewFeed(prototest.Key("metrics-author")).MustAdd(orgBody(1))
	if _, v, err := n.examine(ctx, good.Bytes, good.CID); v != accept {
		t.Fatalf("a good record: %v, %v", v, err)
	}
	forged := append([]byte(nil), good.Bytes...)
	forged[len(forged)-1] ^= 1 // a byte of the author key: the signature no longer verifies
	if _, v, _ := n.examine(ctx, forged, protocol.CID{}); v != reject {
		t.Fatalf("a forged record was not rejected")
	}
	if _, v, _ := n.examine(ctx, []byte{0xff}, protocol.CID{}); v != reject {
		t.Fatalf("garbage was not rejected")
	}
	for label, want := range map[string]float64{"accepted": 1, "rejected": 2} {
		if got := counterValue(t, n.metrics.checked.WithLabelValues(label)); got != want {
			t.Errorf("jejak_records_checked_total{outcome=%q} = %v, want %v", label, got, want)
		}
	}
	for reason, want := range map[string]float64{"malformed": 1, "bad_signature": 1} {
		if got := counterValue(t, n.metrics.rejected.WithLabelValues(reason)); got != want {
			t.Errorf("jejak_records_rejected_total{reason=%q} = %v, want %v", reason, got, want)
		}
	}
	fams, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	ours := map[string]bool{}
	for _, f := range fams {
		ours[f.GetName()] = true
	}
	if !ours["jejak_records_checked_total"] || !ours["jejak_records_rejected_total"] {
		t.Errorf("the registry does not serve the record counters: %v", ours)
	}
}

// counterValue reads a counter's value.
func counterValue(t *testing.T, c prometheus.Counter) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
