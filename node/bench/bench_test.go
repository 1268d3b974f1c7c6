package bench

import (
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestUnknownScenarioIsRefusedBeforeAnythingRuns(t *testing.T) {
	dir := t.TempDir()
	rep, err := Run(context.Background(), Config{Only: []string{"trace", "gosip"}, Dir: dir})
	if rep != nil || err == nil || !strings.Contains(err.Error(), `"gosip"`) || !strings.Contains(err.Error(), "trace, ingest, gossip, sync, memory, scale") {
		t.Fatalf("Run = %v, %v; want a refusal naming the scenario and listing the others", rep, err)
	}
}

// TestFloorWalksTheAncestry: the bare Badger walk reaches exactly the
// records of an ancestry (the batch's trace and its place), not the
// unrelated chains beside it, so the baselines measure the same graph
// verification reads.
func TestFloorWalksTheAncestry(t *testing.T) {
	a := scenario.Ancestry(100)
	fl, err := openFloor(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer fl.close()
	if err := fl.add(edgesOf(append(a.Records, scenario.Filler("floor-test", 500)...))); err != nil {
		t.Fatal(err)
	}
	n, err := fl.walk(a.Batch.Record)
	if err != nil {
		t.Fatal(err)
	}
	traced := 0
	for _, r := range a.Records {
		switch r.Type() {
		case "origin", "transfer", "receive", "process", "place":
			traced++
		}
	}
	if n != traced {
		t.Fatalf("the walk reached %d records; the ancestry has %d origins, transfers, receipts, processes and places", n, traced)
	}
}

func TestADirThatCannotBeMadeIsRefusedBeforeAnythingRuns(t *testing.T) {
	file := t.TempDir() + "/a-file"
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), Config{Only: []string{"trace"}, Dir: file + "/stores"})
	if rep != nil || err == nil || !strings.Contains(err.Error(), "cannot build stores in "+file+"/stores") {
		t.Fatalf("Run = %v, %v; want a refusal naming the folder", rep, err)
	}
}

func TestFormats(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -5000: "-5,000"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
	if got := median([]time.Duration{5, 1, 3, 2}); got != 2 {
		t.Errorf("median = %v, want the lower middle 2", got)
	}
	if got := perEach(3*time.Millisecond, 1000); got != "3.00 µs" {
		t.Errorf("perEach = %q", got)
	}
}

func TestTextShowsAFailedScenario(t *testing.T) {
	rep := &Report{Scenarios: []*Scenario{{Name: "trace", Title: "T", Failed: "the PostgreSQL baseline could not run: initdb not installed",
		Tables: []*Table{{Title: "x", Columns: []string{"a", "b"}, Rows: [][]string{{"1", "2"}}}}}}}
	var b strings.Builder
	rep.Text(&b)
	for _, want := range []string{"## trace: T", "FAILED: the PostgreSQL baseline could not run", "| a | b |", "| --- | ---: |", "| 1 | 2 |"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, b.String())
		}
	}
}

// TestGossipSetUpsDeliverEverything: below saturation each of the three
// set-ups delivers every record to every other node, so the latency the
// scenario reports covers every record.
func TestGossipSetUpsDeliverEverything(t *testing.T) {
	ctx := context.Background()
	r := &run{dir: t.TempDir()}
	const size = 4
	edges := topology(size, 1, 7)
	for _, kind := range gossipKinds {
		net, err := startGossipNet(ctx, r, kind, size, edges)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		res, err := net.measure(ctx, size, 100, 20, 50, 10*time.Second)
		net.close()
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		if res.delivered != 1 || res.burstShare != 1 || res.p99 <= 0 || res.throughput <= 0 {
			t.Errorf("%s: %+v; want every record delivered at the fixed rate and in the burst", kind, res)
		}
	}
}
