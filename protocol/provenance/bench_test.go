package provenance_test

import (
	"context"
	"fmt"
	"os"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// The benchmarks verify bulk ancestries (scenario.Ancestry) held in
// MemSources padded with unrelated feeds (scenario.Filler): a store of
// 10,000 records always, and one of 1,000,000 records when
// JEJAK_BENCH_LARGE=1 (building it signs a million records, a minute or
// so on two cores). Each set is built once per run.
//
//	go test -run '^$' -bench Verify -benchtime 5x ./protocol/provenance/
//	JEJAK_BENCH_LARGE=1 go test -run '^$' -bench Verify -benchtime 3x -timeout 30m ./protocol/provenance/

var ancestries sync.Map // int → *scenario.Scenario

func ancestry(n int) *scenario.Scenario {
	if s, ok := ancestries.Load(n); ok {
		return s.(*scenario.Scenario)
	}
	s := scenario.Ancestry(n)
	ancestries.Store(n, s)
	return s
}

var (
	largeOnce   sync.Once
	largeSource *provenance.MemSource
)

// storeOf returns a source of about size records holding the ancestries.
func storeOf(size int, ns []int) *provenance.MemSource {
	var recs []protocol.Signed
	for _, n := range ns {
		recs = append(recs, ancestry(n).Records...)
	}
	if pad := size - len(recs); pad > 0 {
		recs = append(recs, scenario.Filler(fmt.Sprint(size), pad)...)
	}
	return provenance.NewMemSource(recs...)
}

// cpuTime returns the CPU time this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkVerify(b *testing.B) {
	type store struct {
		name string
		ns   []int
		src  func() *provenance.MemSource
	}
	stores := []store{}
	for _, n := range []int{100, 1_000, 10_000} {
		stores = append(stores, store{"store=10k", []int{n}, func() *provenance.MemSource { return storeOf(10_000, []int{n}) }})
	}
	if os.Getenv("JEJAK_BENCH_LARGE") == "1" {
		ns := []int{100, 1_000, 10_000, 100_000}
		src := func() *provenance.MemSource {
			largeOnce.Do(func() { largeSource = storeOf(1_000_000, ns) })
			return largeSource
		}
		stores = append(stores, store{"store=1M", ns, src})
	}
	for _, st := range stores {
		for _, n := range st.ns {
			for _, sigs := range []string{"all", "skip"} {
				b.Run(fmt.Sprintf("%s/ancestry=%d/sigs=%s", st.name, n, sigs), func(b *testing.B) {
					s := ancestry(n)
					src := st.src()
					opts := provenance.Options{Anchors: s.Anchors, MaxRecords: 1_000_000, SkipSignatures: sigs == "skip"}
					var r *provenance.Report
					var err error
					b.ReportAllocs()
					b.ResetTimer()
					cpu := cpuTime()
					for b.Loop() {
						r, err = provenance.Verify(context.Background(), src, s.Batch, opts)
						if err != nil {
							b.Fatal(err)
						}
					}
					used := cpuTime() - cpu
					b.StopTimer()
					for _, c := range r.Checks {
						if r.Verdict != provenance.Trusted || c.Status == provenance.Fail || c.Status == provenance.Warn {
							b.Fatalf("verdict %s, check %s %s:\n%s", r.Verdict, c.Name, c.Status, r.Text())
						}
					}
					b.ReportMetric(float64(r.Stats.Records), "records")
					b.ReportMetric(float64(src.Len()), "store")
					b.ReportMetric(float64(used.Microseconds())/1000/float64(b.N), "cpu-ms/op")
				})
			}
		}
	}
}
