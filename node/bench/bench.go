// Package bench measures Jejak against baselines run in the same run, on
// the same machine, so that each figure comes with a ratio that load from
// elsewhere changes less than the figure itself. It is what "jejak-node
// bench" runs; docs/BENCHMARKS.md holds a full run and says how to read
// it.
//
// Each scenario builds what it measures (stores of signed records, nodes
// on 127.0.0.1), runs Jejak and its baselines, and returns tables. Quick
// runs use small sizes and finish in about two minutes: CI runs them to
// prove that every scenario still runs, and asserts nothing about speed.
package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
)

// Config says what to run.
type Config struct {
	// Quick runs every scenario at small sizes.
	Quick bool
	// Only names the scenarios to run; empty runs all of them.
	Only []string
	// Dir is where stores and clusters are built, made if missing; empty
	// means a new temporary folder, removed afterwards.
	Dir string
	// Progress receives a line now and then while a scenario runs; nil
	// discards them.
	Progress io.Writer
	// Postgres is the folder holding initdb and pg_ctl; empty looks for
	// them on PATH and in /usr/lib/postgresql/*/bin.
	Postgres string

	// memoryRecords, when set, is the memory scenario's size (tests).
	memoryRecords int
	// cgroups, when set, replaces the system's cgroups (tests).
	cgroups *cgroups
}

// Report is the result of a run.
type Report struct {
	Machine   Machine     `json:"machine"`
	Quick     bool        `json:"quick"`
	Started   time.Time   `json:"started"`
	Seconds   float64     `json:"seconds"`
	Scenarios []*Scenario `json:"scenarios"`
}

// Machine says where a run ran.
type Machine struct {
	CPU    string `json:"cpu"`
	CPUs   int    `json:"cpus"`
	Memory string `json:"memory"`
	Go     string `json:"go"`
	OS     string `json:"os"`
	Load   string `json:"load"` // load averages before the run
}

// Scenario is one scenario's result.
type Scenario struct {
	Name    string   `json:"name"`
	Title   string   `json:"title"`
	Tables  []*Table `json:"tables"`
	Notes   []string `json:"notes,omitempty"`
	Failed  string   `json:"failed,omitempty"` // why it did not run in full
	Seconds float64  `json:"seconds"`
}

// Table is a table of figures, its cells already formatted.
type Table struct {
	Title   string     `json:"title"`
	Columns []string   `json:"columns"`
	Rows    [][]string `json:"rows"`
}

func (t *Table) add(cells ...string) { t.Rows = append(t.Rows, cells) }

// plan is a scenario to run.
type plan struct {
	name, title string
	run         func(ctx context.Context, r *run, s *Scenario) error
}

// plans are every scenario, in the order they run.
var plans = []plan{
	{"trace", "Verify a batch over the real store, beside PostgreSQL and a bare walk of Badger keys", runTrace},
	{"ingest", "Records in through sync (decode, CID, signature, store), beside bare Ed25519 on every core", runIngest},
	{"gossip", "Records gossiped among N nodes on 127.0.0.1, beside bare GossipSub and pubsub's default settings", runGossip},
	{"sync", "A node missing d records catches up from one peer: round trips, bytes, time", runSync},
	{"memory", "Memory of a relay and a desktop node, each in a process of its own, syncing and holding records", runMemory},
	{"scale", "Gossip at 100, 300 and 1,000 nodes beside flooding, and a year of a national palm-oil network on a node that keeps everything", runScale},
}

// Names lists the scenarios, in the order they run.
func Names() []string {
	out := make([]string, len(plans))
	for i, s := range plans {
		out[i] = s.name
	}
	return out
}

// run is the state of one run.
type run struct {
	cfg Config
	dir string
	mu  sync.Mutex
	at  time.Time // of the last progress line
}

// Run runs the scenarios cfg names and reports on each. A scenario that
// fails (a baseline that cannot run, a verdict that is wrong) is reported
// with its reason and the others still run; the error says which failed.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	for _, n := range cfg.Only {
		if !slices.Contains(Names(), n) {
			return nil, fmt.Errorf("there is no scenario %q: the scenarios are %s", n, strings.Join(Names(), ", "))
		}
	}
	r := &run{cfg: cfg, dir: cfg.Dir}
	if r.dir != "" {
		if err := os.MkdirAll(r.dir, 0o755); err != nil {
			return nil, fmt.Errorf("cannot build stores in %s: %w", r.dir, err)
		}
	}
	if r.dir == "" {
		d, err := os.MkdirTemp("", "jejak-bench-")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		r.dir = d
	}
	rep := &Report{Machine: machine(), Quick: cfg.Quick, Started: time.Now().UTC()}
	var failed []string
	for _, sc := range plans {
		if len(cfg.Only) > 0 && !slices.Contains(cfg.Only, sc.name) {
			continue
		}
		s := &Scenario{Name: sc.name, Title: sc.title}
		rep.Scenarios = append(rep.Scenarios, s)
		start := time.Now()
		r.say(sc.name, "starting")
		err := sc.run(ctx, r, s)
		s.Seconds = time.Since(start).Seconds()
		if err != nil {
			s.Failed = err.Error()
			failed = append(failed, sc.name)
			r.say(sc.name, "FAILED: %v", err)
			if ctx.Err() != nil {
				break
			}
			continue
		}
		r.say(sc.name, "done in %s", time.Since(start).Round(time.Second))
	}
	rep.Seconds = time.Since(rep.Started).Seconds()
	if len(failed) > 0 {
		return rep, fmt.Errorf("%d of %d scenarios failed: %s", len(failed), len(rep.Scenarios), strings.Join(failed, ", "))
	}
	return rep, nil
}

// say writes a progress line.
func (r *run) say(name, format string, args ...any) {
	if r.cfg.Progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.at = time.Now()
	fmt.Fprintf(r.cfg.Progress, "%s %-7s %s\n", time.Now().Format("15:04:05"), name, fmt.Sprintf(format, args...))
}

// step reports progress of long work at most every two seconds, and at its
// end.
func (r *run) step(name, what string, done, total int) {
	r.mu.Lock()
	quiet := time.Since(r.at) < 2*time.Second && done < total
	r.mu.Unlock()
	if !quiet {
		r.say(name, "%s %s/%s", what, count(done), count(total))
	}
}

// subdir returns a new empty folder for one part of a run.
func (r *run) subdir(name string) (string, error) {
	return os.MkdirTemp(r.dir, name+"-")
}

// JSON writes the report as indented JSON.
func (rep *Report) JSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(rep)
}

// Text writes the report as Markdown tables, for a terminal and for
// docs/BENCHMARKS.md.
func (rep *Report) Text(w io.Writer) {
	m := rep.Machine
	fmt.Fprintf(w, "Machine: %s, %d CPUs, %s RAM, %s, %s; load average before the run %s.\n", m.CPU, m.CPUs, m.Memory, m.OS, m.Go, m.Load)
	mode := "full"
	if rep.Quick {
		mode = "quick (small sizes: proves the scenarios run, not how fast)"
	}
	fmt.Fprintf(w, "Run: %s, started %s, %s.\n", mode, rep.Started.Format("2006-01-02 15:04 UTC"), (time.Duration(rep.Seconds) * time.Second).String())
	for _, s := range rep.Scenarios {
		fmt.Fprintf(w, "\n## %s: %s\n", s.Name, s.Title)
		if s.Failed != "" {
			fmt.Fprintf(w, "\nFAILED: %s\n", s.Failed)
		}
		for _, t := range s.Tables {
			fmt.Fprintf(w, "\n%s\n\n", t.Title)
			fmt.Fprintf(w, "| %s |\n", strings.Join(t.Columns, " | "))
			seps := make([]string, len(t.Columns))
			for i := range seps {
				seps[i] = "---"
				if i > 0 {
					seps[i] = "---:"
				}
			}
			fmt.Fprintf(w, "| %s |\n", strings.Join(seps, " | "))
			for _, row := range t.Rows {
				fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
			}
		}
		for _, n := range s.Notes {
			fmt.Fprintf(w, "\n- %s", n)
		}
		if len(s.Notes) > 0 {
			fmt.Fprintln(w)
		}
	}
}

// machine reads what this machine is.
func machine() Machine {
	m := Machine{CPU: runtime.GOARCH, CPUs: runtime.NumCPU(), Go: runtime.Version(), OS: runtime.GOOS}
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for line := range strings.SplitSeq(string(data), "\n") {
			var kb int64
			if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
				m.Memory = fmt.Sprintf("%.0f GiB", float64(kb)/(1<<20))
			}
		}
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		if f := strings.Fields(string(data)); len(f) >= 3 {
			m.Load = strings.Join(f[:3], " ")
		}
	}
	return m
}

// median returns the median of ds (the lower middle for an even count).
func median(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[(len(s)-1)/2]
}

// count formats n with thin groups: 1,000,000.
func count(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + count(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// perEach formats d divided among n as µs each.
func perEach(d time.Duration, n int) string {
	if n == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f µs", float64(d.Nanoseconds())/float64(n)/1000)
}

// ratio formats a/b.
func ratio(a, b float64) string {
	if b == 0 {
		return "–"
	}
	return fmt.Sprintf("%.2f×", a/b)
}

// ms formats d in milliseconds.
func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
