package bench

import (
	"bufio"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
)

// The memory scenario measures a node in a process of its own, so that the
// figures are the node's and not the bench's: it starts the running binary
// again with childEnv set, and that process runs memoryChild instead of its
// program. Set JEJAK_BENCH_HEAPDIR to a folder to have each child write Go
// heap profiles there (at its peak and at the end of each phase).
const (
	childEnv     = "JEJAK_BENCH_CHILD"
	childArgsEnv = "JEJAK_BENCH_CHILD_ARGS"
	heapDirEnv   = "JEJAK_BENCH_HEAPDIR"
)

// Child runs this process as a child process of a bench run, when the
// environment says it is one: it returns true and the child's error. It
// returns false, doing nothing, in any other process. A program that runs
// Run must call it first thing (main; a test binary's TestMain), since
// the memory scenario starts that same program as its child.
func Child() (handled bool, err error) {
	switch role := os.Getenv(childEnv); role {
	case "":
		return false, nil
	case "memory":
		return true, memoryChild()
	default:
		return true, fmt.Errorf("bench: unknown child role %q", role)
	}
}

// Memory targets (issue 13) and the cgroup limit each runs under: twice
// the target.
const (
	relayTarget   = 256 << 20
	desktopTarget = 200 << 20
)

// childArgs say what a memory child does. It runs the node as shipped
// (node.New, the profile's store and engine), listening on 127.0.0.1 with
// mDNS and the DHT off, in steps: open the node and, with a peer, sync
// from it until the store holds Records; stay idle for Hold; write a key
// backup (scrypt at the shipped cost). Each step is a phase of the table.
type childArgs struct {
	Relay   bool          `json:"relay"`
	Dir     string        `json:"dir"`
	Peer    string        `json:"peer,omitempty"`
	Records int           `json:"records"`
	Hold    time.Duration `json:"hold"`
	Backup  bool          `json:"backup,omitempty"`
	// KeyWorkFactor is the backup's scrypt cost; zero is the shipped one.
	KeyWorkFactor int    `json:"key_work_factor,omitempty"`
	HeapDir       string `json:"heap_dir,omitempty"`
}

// childReady is the child's first line: it runs as a child, with this
// GOGC.
type childReady struct {
	GOGC string `json:"gogc"`
}

// stepEnd is a child's line at the end of a step.
type stepEnd struct {
	Step     string  `json:"step"`
	Seconds  float64 `json:"seconds"`
	Records  int     `json:"records"`
	HeapPeak int64   `json:"heap_peak"` // Go heap objects, sampled every 50 ms
	// MemoryLimit is the Go memory limit (GOMEMLIMIT, or what the node
	// set) at the step's end.
	MemoryLimit int64 `json:"memory_limit"`
}

// runMemory: a relay ingests n records from a peer and holds them; a
// desktop syncs the same n records; then a new desktop process opens that
// store, sits idle and writes a key backup. Each runs in a child process
// (in a cgroup at twice its target when it can), sampled from here.
func runMemory(ctx context.Context, r *run, s *Scenario) error {
	n, hold := 1_000_000, 30*time.Second
	if r.cfg.Quick {
		n, hold = 20_000, 2*time.Second
	}
	keyCost := 0
	if r.cfg.memoryRecords > 0 {
		// Tests: tiny, and a cheap backup (256 MiB of scrypt is slow
		// under the race detector).
		n, hold, keyCost = r.cfg.memoryRecords, 500*time.Millisecond, protocol.MinScryptWorkFactor
	}
	src, err := startPeer(ctx, r, "memory-source")
	if err != nil {
		return err
	}
	defer src.close()
	r.say("memory", "building the peer's store of %s records", count(n))
	size := 0
	if err := filler(ctx, r, "memory", "memory", n, func(recs []protocol.Signed) error {
		for _, rec := range recs {
			size += len(rec.Bytes)
		}
		return putAll(ctx, src.st, recs)
	}); err != nil {
		return err
	}
	addrs := src.e.Addrs()
	if len(addrs) == 0 {
		return errors.New("the peer has no address")
	}
	heapDir := os.Getenv(heapDirEnv)
	relayDir, err := r.subdir("memory-relay")
	if err != nil {
		return err
	}
	deskDir, err := r.subdir("memory-desktop")
	if err != nil {
		return err
	}
	children := []struct {
		who, label string
		args       childArgs
		target     int64
	}{
		{"relay", "syncing from empty", childArgs{Relay: true, Dir: relayDir, Peer: addrs[0], Records: n, Hold: hold}, relayTarget},
		{"desktop", "syncing from empty", childArgs{Dir: deskDir, Peer: addrs[0], Records: n}, desktopTarget},
		{"desktop", "store reopened", childArgs{Dir: deskDir, Hold: hold, Backup: true, KeyWorkFactor: keyCost}, desktopTarget},
	}
	t := &Table{
		Title: fmt.Sprintf("A relay and a desktop node, each in a process of its own with the settings shipped, syncing %s records (mean %d bytes) from one peer on 127.0.0.1; sampled every 100 ms from /proc/PID/status.", count(n), size/max(n, 1)),
		Columns: []string{"node", "phase", "records held", "time", "RssAnon peak (target)", "RssAnon at the end",
			"Go heap peak", "VmHWM", "RssFile peak", "store on disk"},
	}
	ct := &Table{
		Title:   "The settings each child ran with, and the out-of-memory check: each child in a cgroup whose memory limit is twice its RssAnon target (a kill misses the target).",
		Columns: []string{"node", "run", "Go memory limit", "GOGC", "cgroup memory limit", "peak charged to the cgroup", "OOM kills"},
	}
	s.Tables = append(s.Tables, t, ct)
	for i, c := range children {
		c.args.HeapDir = heapDir
		name := c.who + ", " + c.label
		r.say("memory", "child %d of %d: %s", i+1, len(children), name)
		res, err := r.memoryChild(ctx, c.args, 2*c.target, fmt.Sprintf("%s-%d", c.who, i))
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		for _, p := range res.phases {
			verdict := "met"
			switch {
			case p.killed:
				verdict = "missed: killed"
			case p.anonPeak > c.target:
				verdict = "missed"
			}
			hwm := mib(p.hwm)
			if !p.hwmReset {
				hwm += " (since start)"
			}
			held := count(p.records)
			if p.records < 0 {
				held = "–"
			}
			heap := mib(p.heapPeak)
			if p.killed {
				heap = "–"
			}
			t.add(c.who, p.name, held, fmt.Sprintf("%.1f s", p.seconds),
				fmt.Sprintf("%s (≤ %s: %s)", mib(p.anonPeak), mib(c.target), verdict), mib(p.anonEnd),
				heap, hwm, mib(p.filePeak), mib(p.disk))
		}
		limit := "off"
		if res.memLimit > 0 && res.memLimit < 1<<62 {
			limit = mib(res.memLimit)
		}
		gogc := cmp.Or(res.gogc, "100")
		if res.cgroup == "" {
			ct.add(c.who, c.label, limit, gogc, "–", "–", "not run: "+res.cgroupNote)
			if !slices.ContainsFunc(s.Notes, func(n string) bool { return strings.HasPrefix(n, "No memory cgroup") }) {
				s.Notes = append(s.Notes, "No memory cgroup: "+res.cgroupNote+". The out-of-memory check did not run.")
			}
			continue
		}
		kills := "0"
		if res.ooms > 0 {
			kills = fmt.Sprintf("%d (missed)", res.ooms)
		}
		ct.add(c.who, c.label, limit, gogc, fmt.Sprintf("%s (%s)", mib(2*c.target), res.cgroup), mib(res.cgroupPeak), kills)
	}
	s.Notes = append(s.Notes,
		"RssAnon is what the process itself holds: the Go heap (Badger's memtables and caches live there), and what the collector has not yet returned to the system. RssFile is Badger's memory-mapped tables and logs, clean page cache the kernel takes back under pressure. VmHWM, the peak of both together, is reset at the start of each phase.",
		"Go heap peak: live objects and garbage not yet collected (runtime/metrics /memory/classes/heap/objects), sampled by the child itself every 50 ms; it can exceed RssAnon, since pages allocated and not yet written (a new memtable) are not resident.",
		"Go memory limit: what node.LimitMemory set, as jejak-node serve and the desktop app do (GOMEMLIMIT, when set, overrides it). A cgroup's peak counts the page cache of the files the child wrote and mapped too: it reaches the limit when the kernel reclaims that cache, which is not a kill.",
		"Phases: the relay syncs into an empty store until it holds every record, then holds them idle; the desktop does the same sync into a store of its own (desktop profile); a new desktop process then opens that store, sits idle, and creates an identity with a key backup at the shipped scrypt cost.")
	return nil
}

// memPhase is what was sampled of a child during one of its steps.
type memPhase struct {
	name                    string
	seconds                 float64
	records                 int
	anonPeak, anonEnd       int64
	filePeak, hwm, heapPeak int64
	disk                    int64
	hwmReset                bool // VmHWM was reset at the start of the phase
	killed                  bool // the cgroup's OOM killer ended it
}

// childResult is what one memory child measured.
type childResult struct {
	phases     []*memPhase
	memLimit   int64  // the Go memory limit it ran with
	gogc       string // GOGC, empty for the default
	cgroup     string // which cgroup limit it ran under; empty for none
	cgroupNote string // why it ran under none
	cgroupPeak int64
	ooms       int
}

// memoryChild runs a memory child with args, in a cgroup limited to limit
// bytes when one can be made, and samples it until it exits. A child the
// cgroup killed is a result (ooms > 0, its last phase named so); a child
// that failed otherwise is an error.
func (r *run) memoryChild(ctx context.Context, args childArgs, limit int64, name string) (*childResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	enc, err := json.Marshal(args)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, time.Hour)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe)
	// The child runs nodes on 127.0.0.1 only: the guard holds it to that.
	cmd.Env = append(os.Environ(), childEnv+"=memory", childArgsEnv+"="+string(enc), p2p.LoopbackOnlyEnv+"=1")
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	stderr := &tail{max: 4 << 10}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	// Ends the child if it still runs, then removes its cgroup.
	var cg *cgroup
	waited, quit := false, make(chan struct{})
	defer func() {
		close(quit)
		if !waited {
			cmd.Process.Kill()
			cmd.Wait()
		}
		if cg != nil {
			cg.remove()
		}
	}()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-quit:
				return
			}
		}
	}()

	res := &childResult{}
	select {
	case line, ok := <-lines:
		var ready childReady
		kind, rest, _ := strings.Cut(line, " ")
		if !ok || kind != "ready" || json.Unmarshal([]byte(rest), &ready) != nil {
			return nil, fmt.Errorf("%s did not start as a bench child (its main must call bench.Child first): %q %s", exe, line, stderr)
		}
		res.gogc = ready.GOGC
	case <-time.After(time.Minute):
		return nil, fmt.Errorf("%s did not start as a bench child within a minute (its main must call bench.Child first)", exe)
	}

	pid := cmd.Process.Pid
	cg, err = r.cgroups().create(fmt.Sprintf("%s%d-%s", cgroupPrefix, os.Getpid(), name), limit)
	if err == nil {
		if err = cg.add(pid); err != nil {
			cg.remove()
			cg = nil
		}
	}
	if err != nil {
		res.cgroupNote = err.Error()
	} else {
		res.cgroup = cg.kind
	}

	sm := newSampler(pid)
	sdone := make(chan struct{})
	go func() {
		defer close(sdone)
		tick := time.NewTicker(100 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				sm.sample()
			case <-ctx.Done():
				return
			case <-sm.stop:
				return
			}
		}
	}()
	if _, err := io.WriteString(stdin, "go\n"); err != nil {
		return nil, fmt.Errorf("start the child: %w %s", err, stderr)
	}
	began := time.Now()
	for line := range lines {
		kind, rest, _ := strings.Cut(line, " ")
		if kind != "end" {
			continue
		}
		var e stepEnd
		if err := json.Unmarshal([]byte(rest), &e); err != nil {
			return nil, fmt.Errorf("the child said %q: %w", line, err)
		}
		p := sm.next()
		p.name, p.seconds, p.records, p.heapPeak = e.Step, e.Seconds, e.Records, e.HeapPeak
		p.disk = diskUsage(filepath.Join(args.Dir, "store"))
		res.phases = append(res.phases, p)
		res.memLimit = e.MemoryLimit
		began = time.Now()
		r.say("memory", "%s: RssAnon peak %s, VmHWM %s, %s records, %.1f s", p.name, mib(p.anonPeak), mib(p.hwm), count(p.records), p.seconds)
	}
	stdin.Close()
	werr := cmd.Wait()
	waited = true
	close(sm.stop)
	<-sdone
	if cg != nil {
		res.ooms = cg.ooms()
		res.cgroupPeak = cg.peak()
	}
	if werr != nil {
		if res.ooms == 0 {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return nil, fmt.Errorf("the child failed: %v %s", werr, stderr)
		}
		p := sm.next()
		p.name, p.killed, p.seconds = "killed for lack of memory", true, time.Since(began).Seconds()
		p.records = -1
		p.disk = diskUsage(filepath.Join(args.Dir, "store"))
		res.phases = append(res.phases, p)
		r.say("memory", "killed for lack of memory after %.1f s, RssAnon %s", p.seconds, mib(p.anonPeak))
	}
	return res, nil
}

// memoryChild is the child's side: it runs args' steps, reporting each one's
// end on standard output.
func memoryChild() error {
	var a childArgs
	if err := json.Unmarshal([]byte(os.Getenv(childArgsEnv)), &a); err != nil {
		return fmt.Errorf("bench child: %s: %w", childArgsEnv, err)
	}
	var outMu sync.Mutex
	say := func(kind string, v any) {
		b, _ := json.Marshal(v)
		outMu.Lock()
		defer outMu.Unlock()
		fmt.Fprintf(os.Stdout, "%s %s\n", kind, b)
	}
	say("ready", childReady{GOGC: os.Getenv("GOGC")})
	// The parent puts this process in its cgroup before saying go.
	in := bufio.NewScanner(os.Stdin)
	if !in.Scan() || in.Text() != "go" {
		return errors.New("bench child: the parent did not say go")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		for in.Scan() {
		}
		cancel() // the parent is gone
	}()

	who := "desktop"
	if a.Relay {
		who = "relay"
	}
	if a.Peer == "" {
		who += "-reopened"
	}
	hp := newHeapPeaks(a.HeapDir, who)
	defer hp.close()
	start := time.Now()
	held := 0
	end := func(step string) {
		say("end", stepEnd{Step: step, Seconds: time.Since(start).Seconds(), Records: held,
			HeapPeak: hp.take(step), MemoryLimit: debug.SetMemoryLimit(-1)})
		start = time.Now()
	}

	cfg := node.Config{
		DataDir:       a.Dir,
		KeyWorkFactor: a.KeyWorkFactor,
		Logger:        slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		Net: p2p.Config{
			Network:     benchNetwork,
			Relay:       a.Relay,
			ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
			UserAgent:   "jejak-node/bench",
		},
	}
	if a.Peer != "" {
		cfg.Net.Bootstrap = []string{a.Peer}
	}
	if a.Relay {
		// As "jejak-node serve --relay" does: metrics on by default.
		reg := prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		cfg.Net.Metrics = reg
	}
	// As "jejak-node serve" and the desktop app do.
	node.LimitMemory(a.Relay)
	n, err := node.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer n.Close()
	count := func() error {
		st, err := n.Status(ctx)
		held = int(st.Records)
		return err
	}
	if err := count(); err != nil {
		return err
	}
	if a.Peer != "" {
		// Sync on connect brings the peer's records; wait for them all.
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for held < a.Records {
			select {
			case <-tick.C:
			case <-ctx.Done():
				return ctx.Err()
			}
			if err := count(); err != nil {
				return err
			}
		}
		end("syncing from empty")
	} else {
		end("opening the store")
	}
	if a.Hold > 0 {
		select {
		case <-time.After(a.Hold):
		case <-ctx.Done():
			return ctx.Err()
		}
		end("idle")
	}
	if a.Backup {
		_, err := n.CreateIdentity(ctx, api.Setup{Name: "Bench Mill", Roles: []protocol.Role{protocol.RoleMill}, Country: "ID",
			BackupPath: filepath.Join(a.Dir, "keys.age"), Passphrase: "a bench passphrase", OrgPassphrase: "the bench organisation"})
		if err != nil {
			return err
		}
		if err := count(); err != nil {
			return err
		}
		end("creating an identity with a key backup")
	}
	return n.Close()
}

// benchNetwork is the network name of every node the bench starts.
const benchNetwork = "bench"

// heapPeaks follows the child's Go heap: the peak of each step, and heap
// profiles at new peaks and at each step's end when dir is set.
type heapPeaks struct {
	dir, who string
	mu       sync.Mutex
	peak     int64 // this step's
	written  int64 // the heap when the last peak profile was written
	at       time.Time
	stop     chan struct{}
	done     chan struct{}
}

func newHeapPeaks(dir, who string) *heapPeaks {
	h := &heapPeaks{dir: dir, who: who, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-tick.C:
				h.sample()
			case <-h.stop:
				return
			}
		}
	}()
	return h
}

func heapObjects() int64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}

func (h *heapPeaks) sample() {
	v := heapObjects()
	h.mu.Lock()
	defer h.mu.Unlock()
	h.peak = max(h.peak, v)
	if h.dir != "" && v > h.written+h.written/8 && time.Since(h.at) > time.Second {
		h.written, h.at = v, time.Now()
		h.profile("peak")
	}
}

// take returns the step's peak and starts the next step's.
func (h *heapPeaks) take(step string) int64 {
	h.sample()
	h.mu.Lock()
	defer h.mu.Unlock()
	p := h.peak
	h.peak = 0
	if h.dir != "" {
		h.profile(strings.ReplaceAll(step, " ", "-"))
	}
	return p
}

func (h *heapPeaks) profile(what string) {
	f, err := os.Create(filepath.Join(h.dir, fmt.Sprintf("heap-%s-%s.pprof", h.who, what)))
	if err != nil {
		return
	}
	defer f.Close()
	pprof.Lookup("heap").WriteTo(f, 0)
}

func (h *heapPeaks) close() {
	close(h.stop)
	<-h.done
}

// sampler reads a child's /proc/PID/status and keeps the peaks of the
// current phase.
type sampler struct {
	pid  int
	stop chan struct{}
	mu   sync.Mutex
	cur  *memPhase
}

func newSampler(pid int) *sampler {
	return &sampler{pid: pid, stop: make(chan struct{}), cur: &memPhase{hwmReset: resetHWM(pid)}}
}

// sample reads the child's memory into the current phase.
func (s *sampler) sample() {
	m := procStatus(s.pid)
	if m == nil {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.cur
	p.anonPeak = max(p.anonPeak, m["RssAnon"])
	p.filePeak = max(p.filePeak, m["RssFile"])
	p.hwm = max(p.hwm, m["VmHWM"])
	p.anonEnd = m["RssAnon"]
}

// next samples once more, ends the current phase and returns it, and
// starts a new one with VmHWM reset (clear_refs 5) when the system lets it.
func (s *sampler) next() *memPhase {
	s.sample()
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.cur
	s.cur = &memPhase{hwmReset: resetHWM(s.pid)}
	return p
}

// procStatus returns the memory fields of /proc/PID/status in bytes, or nil
// when the process is gone.
func procStatus(pid int) map[string]int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return nil
	}
	m := map[string]int64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, _ := strings.Cut(line, ":")
		switch k {
		case "VmHWM", "RssAnon", "RssFile":
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			if err == nil {
				m[k] = kb << 10
			}
		}
	}
	if _, ok := m["RssAnon"]; !ok {
		return nil // a zombie: it has exited
	}
	return m
}

// resetHWM resets the process's VmHWM to its current resident size.
func resetHWM(pid int) bool {
	return writeFile(fmt.Sprintf("/proc/%d/clear_refs", pid), "5") == nil
}

// tail keeps the last max bytes written to it: a child's standard error.
type tail struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > t.max {
		t.b = t.b[len(t.b)-t.max:]
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.b) == 0 {
		return ""
	}
	return "(stderr: " + strings.TrimSpace(string(t.b)) + ")"
}

// mib formats bytes in MiB.
func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
