//go:build linux

package storage

import (
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
)

// TestPeakRSS stores 1,000,000 records (JEJAK_RSS_RECORDS to change) in a
// child process per profile and reports the child's peak resident set size
// (VmHWM) after writing and after reading. It is long, so it runs only with
// JEJAK_RSS=1:
//
//	JEJAK_RSS=1 go test -run TestPeakRSS -timeout 60m -v ./storage/
func TestPeakRSS(t *testing.T) {
	if os.Getenv("JEJAK_RSS") == "" {
		t.Skip("set JEJAK_RSS=1 to measure peak RSS with 1,000,000 records (several minutes per profile)")
	}
	n := "1000000"
	if v := os.Getenv("JEJAK_RSS_RECORDS"); v != "" {
		n = v
	}
	for _, p := range []Profile{Desktop, Relay} {
		t.Run(p.String(), func(t *testing.T) {
			cmd := exec.Command(os.Args[0])
			cmd.Env = append(os.Environ(), childEnv+"=rss", "JEJAK_RSS_DIR="+t.TempDir(),
				"JEJAK_RSS_RECORDS="+n, fmt.Sprintf("JEJAK_RSS_PROFILE=%d", int(p)))
			out, err := cmd.CombinedOutput()
			t.Logf("%s profile, %s records:\n%s", p, n, out)
			if err != nil {
				t.Fatal(err)
			}
		})
	}
}

// rssChild writes JEJAK_RSS_RECORDS records into a new store in batches of
// 1,000 (sealed by a second goroutine meanwhile), then reads, and prints
// its memory after each phase.
func rssChild() error {
	n, err := strconv.Atoi(os.Getenv("JEJAK_RSS_RECORDS"))
	if err != nil {
		return err
	}
	p, err := strconv.Atoi(os.Getenv("JEJAK_RSS_PROFILE"))
	if err != nil {
		return err
	}
	dir := os.Getenv("JEJAK_RSS_DIR")
	s, err := Open(dir, Options{Profile: Profile(p)})
	if err != nil {
		return err
	}
	report := func(phase string, start time.Time, ops int) {
		d := time.Since(start)
		fmt.Printf("%-6s %8d ops in %6.1fs (%7.0f/s)  %s  disk %s\n", phase, ops, d.Seconds(),
			float64(ops)/d.Seconds(), memStatus(), mib(dirBytes(dir)))
	}

	chunks := make(chan []protocol.Signed, 2)
	go func() {
		g := newRecordGen("rss", 1000)
		for i := 0; i < n; i += 1000 {
			chunks <- g.take(min(1000, n-i))
		}
		close(chunks)
	}()
	var sample []protocol.CID
	var peakAnon, peakFile int64
	start := time.Now()
	for recs := range chunks {
		if _, err := s.PutBatch(bg, recs); err != nil {
			return err
		}
		sample = append(sample, recs[0].CID, recs[len(recs)/2].CID)
		m := memFields()
		peakAnon, peakFile = max(peakAnon, m["RssAnon"]), max(peakFile, m["RssFile"])
	}
	report("write", start, n)
	fmt.Printf("       peaks sampled after each batch: RssAnon %s, RssFile %s\n", mib(peakAnon), mib(peakFile))
	if path := os.Getenv("JEJAK_RSS_HEAPPROFILE"); path != "" {
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		runtime.GC()
		pprof.WriteHeapProfile(f)
		f.Close()
	}

	r := rand.New(rand.NewPCG(1, 1))
	start = time.Now()
	const reads = 100_000
	for range reads {
		if _, err := s.Get(bg, sample[r.IntN(len(sample))]); err != nil {
			return err
		}
	}
	if _, err := s.Heads(bg); err != nil {
		return err
	}
	if _, err := s.Counts(bg); err != nil {
		return err
	}
	report("read", start, reads)
	if err := s.Close(); err != nil {
		return err
	}
	fmt.Printf("closed  %s\n", memStatus())
	return nil
}

// memFields returns VmHWM, VmRSS, RssAnon and RssFile (bytes) from
// /proc/self/status.
func memFields() map[string]int64 {
	m := map[string]int64{}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return m
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch k {
		case "VmHWM", "VmRSS", "RssAnon", "RssFile":
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			m[k] = kb << 10
		}
	}
	return m
}

// memStatus describes the process's memory: memFields and the Go heap.
func memStatus() string {
	m := memFields()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return fmt.Sprintf("VmHWM %s, VmRSS %s, RssAnon %s, RssFile %s, Go heap in use %s",
		mib(m["VmHWM"]), mib(m["VmRSS"]), mib(m["RssAnon"]), mib(m["RssFile"]), mib(int64(ms.HeapInuse)))
}

// dirBytes returns the disk space the files in dir use (Badger's logs are
// sparse files, much larger than what they hold).
func dirBytes(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				if st, ok := fi.Sys().(*syscall.Stat_t); ok {
					n += st.Blocks * 512
				}
			}
		}
		return nil
	})
	return n
}
