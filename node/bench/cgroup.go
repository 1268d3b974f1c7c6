package bench

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"
)

// cgroups makes the cgroups that memory children run in: below this
// process's own cgroup, in cgroup v2 (memory.max) or, on a machine that
// still mounts the v1 memory controller, in v1 (memory.limit_in_bytes).
type cgroups struct {
	root string // where cgroup file systems are mounted: /sys/fs/cgroup
	self string // this process's cgroups: /proc/self/cgroup
}

// cgroupPrefix starts the name of every cgroup the bench makes, followed
// by the bench's process ID.
const cgroupPrefix = "jejak-bench-"

var systemCgroups = cgroups{root: "/sys/fs/cgroup", self: "/proc/self/cgroup"}

// cgroups returns the run's cgroups.
func (r *run) cgroups() cgroups {
	if r.cfg.cgroups != nil {
		return *r.cfg.cgroups
	}
	return systemCgroups
}

// cgroup is one cgroup made for a child.
type cgroup struct {
	dir  string
	kind string // the limit, as the table names it
	v2   bool
	// undo is the v2 parent's cgroup.subtree_control when the memory
	// controller was enabled there for this cgroup.
	undo string
}

// create makes a cgroup named name whose memory limit is limit bytes, swap
// included (no swap).
func (c cgroups) create(name string, limit int64) (*cgroup, error) {
	data, err := os.ReadFile(c.self)
	if err != nil {
		return nil, fmt.Errorf("cannot read this process's cgroups: %w", err)
	}
	v2path, v1path := "", ""
	for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
		f := strings.SplitN(line, ":", 3)
		if len(f) != 3 {
			continue
		}
		if f[0] == "0" && f[1] == "" {
			v2path = f[2]
		} else if slices.Contains(strings.Split(f[1], ","), "memory") {
			v1path = f[2]
		}
	}
	if _, err := os.Stat(filepath.Join(c.root, "cgroup.controllers")); err == nil && v2path != "" {
		return c.createV2(filepath.Join(c.root, v2path), name, limit)
	}
	if v1path != "" {
		if _, err := os.Stat(filepath.Join(c.root, "memory", "memory.limit_in_bytes")); err == nil {
			return c.createV1(filepath.Join(c.root, "memory", v1path), name, limit)
		}
	}
	return nil, fmt.Errorf("%s is neither cgroup v2 nor holds the v1 memory controller", c.root)
}

func (c cgroups) createV2(parent, name string, limit int64) (*cgroup, error) {
	ctl, err := os.ReadFile(filepath.Join(parent, "cgroup.controllers"))
	if err != nil {
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	if !slices.Contains(strings.Fields(string(ctl)), "memory") {
		return nil, fmt.Errorf("cgroup v2: the memory controller is not available in %s", parent)
	}
	g := &cgroup{dir: filepath.Join(parent, name), kind: "cgroup v2 memory.max", v2: true}
	sub := filepath.Join(parent, "cgroup.subtree_control")
	on, err := os.ReadFile(sub)
	if err != nil {
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	if !slices.Contains(strings.Fields(string(on)), "memory") {
		if err := writeFile(sub, "+memory"); err != nil {
			return nil, fmt.Errorf("cgroup v2: cannot enable the memory controller below %s (a cgroup that holds processes cannot): %w", parent, err)
		}
		g.undo = sub
	}
	removeStale(parent)
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		g.remove()
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	if err := writeFile(filepath.Join(g.dir, "memory.max"), strconv.FormatInt(limit, 10)); err != nil {
		g.remove()
		return nil, fmt.Errorf("cgroup v2: %w", err)
	}
	writeFile(filepath.Join(g.dir, "memory.swap.max"), "0") // absent without swap accounting
	return g, nil
}

func (c cgroups) createV1(parent, name string, limit int64) (*cgroup, error) {
	g := &cgroup{dir: filepath.Join(parent, name), kind: "cgroup v1 memory.limit_in_bytes"}
	removeStale(parent)
	if err := os.Mkdir(g.dir, 0o755); err != nil {
		return nil, fmt.Errorf("cgroup v1: %w", err)
	}
	if err := writeFile(filepath.Join(g.dir, "memory.limit_in_bytes"), strconv.FormatInt(limit, 10)); err != nil {
		g.remove()
		return nil, fmt.Errorf("cgroup v1: %w", err)
	}
	// Memory and swap together (absent without swap accounting).
	writeFile(filepath.Join(g.dir, "memory.memsw.limit_in_bytes"), strconv.FormatInt(limit, 10))
	return g, nil
}

// add moves a process into the cgroup.
func (g *cgroup) add(pid int) error {
	if err := writeFile(filepath.Join(g.dir, "cgroup.procs"), strconv.Itoa(pid)); err != nil {
		return fmt.Errorf("cannot move the child into %s: %w", g.dir, err)
	}
	return nil
}

// ooms returns how many processes of the cgroup the kernel killed for lack
// of memory.
func (g *cgroup) ooms() int {
	file := "memory.oom_control"
	if g.v2 {
		file = "memory.events"
	}
	data, _ := os.ReadFile(filepath.Join(g.dir, file))
	for line := range strings.SplitSeq(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "oom_kill "); ok {
			n, _ := strconv.Atoi(strings.TrimSpace(v))
			return n
		}
	}
	return 0
}

// peak returns the most memory charged to the cgroup (page cache
// included), or 0 when the kernel does not say.
func (g *cgroup) peak() int64 {
	file := "memory.max_usage_in_bytes"
	if g.v2 {
		file = "memory.peak"
	}
	data, _ := os.ReadFile(filepath.Join(g.dir, file))
	n, _ := strconv.ParseInt(strings.TrimSpace(string(data)), 10, 64)
	return n
}

// remove removes the cgroup once its processes are gone, and turns the
// memory controller off below the parent again if create turned it on.
func (g *cgroup) remove() error {
	var err error
	for deadline := time.Now().Add(5 * time.Second); ; {
		err = os.Remove(g.dir)
		if err == nil || errors.Is(err, os.ErrNotExist) || time.Now().After(deadline) {
			break
		}
		time.Sleep(50 * time.Millisecond) // the exited child's cgroup is released asynchronously
	}
	if g.undo != "" {
		writeFile(g.undo, "-memory")
	}
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// removeStale removes the empty cgroups a bench that is no longer running
// left in parent (it was killed before it could remove them).
func removeStale(parent string) {
	dirs, _ := filepath.Glob(filepath.Join(parent, cgroupPrefix+"*"))
	for _, d := range dirs {
		pid, _, _ := strings.Cut(strings.TrimPrefix(filepath.Base(d), cgroupPrefix), "-")
		if _, err := strconv.Atoi(pid); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join("/proc", pid)); errors.Is(err, os.ErrNotExist) {
			os.Remove(d) // fails, harmlessly, while a process is in it
		}
	}
}

// writeFile writes s to an existing file, as cgroup and proc files want.
func writeFile(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	_, err = f.WriteString(s)
	return errors.Join(err, f.Close())
}
