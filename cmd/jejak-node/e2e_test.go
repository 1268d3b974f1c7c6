package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/localapi"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// The end-to-end test runs each organisation as its own "jejak-node serve"
// process on 127.0.0.1 and drives it with the command line, as an
// integrator's script would.

// e2eWait bounds every wait for the network: generous, because a loaded
// two-core machine runs seven processes and a Go build here.
const e2eWait = 90 * time.Second

// e2eSync is the periodic catch-up interval of every node in the test, so
// that a record that missed gossip arrives within seconds, not a minute.
const e2eSync = "2s"

// e2e is one run of the end-to-end test: the binary and its nodes.
type e2e struct {
	t     *testing.T
	bin   string
	nodes []*org
}

// org is one organisation: its data folder and, while it serves, its
// "jejak-node serve" process.
type org struct {
	e    *e2e
	name string
	data string
	addr string // a listening address, with /p2p/ID
	key  string // its organisation key, once initialised

	// Where and how serve runs: listen is its --listen address (default
	// TCP on 127.0.0.1), netns a network namespace to run it in with
	// "ip netns exec", env what to add to its environment.
	listen string
	netns  string
	env    []string

	cmd    *exec.Cmd
	exited chan struct{}
	log    *tail // the serve process's stderr, all runs
}

// tail keeps the last few kilobytes written to it.
type tail struct {
	mu  sync.Mutex
	buf []byte
}

const tailSize = 8 << 10

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf = append(t.buf, p...)
	if len(t.buf) > tailSize {
		t.buf = append([]byte(nil), t.buf[len(t.buf)-tailSize:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// newE2E builds jejak-node (without cgo, as released) and dumps every
// node's stderr if the test fails.
func newE2E(t *testing.T) *e2e { return newE2EWith(t, buildNode(t)) }

// buildNode builds jejak-node without cgo into a folder of t's and returns
// its path, so that subtests can share one build.
func buildNode(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "jejak-node")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// newE2EWith runs nodes of the binary bin and dumps every node's stderr if
// the test fails.
func newE2EWith(t *testing.T, bin string) *e2e {
	e := &e2e{t: t, bin: bin}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		for _, o := range e.nodes {
			t.Logf("--- stderr of %s serve (last %d bytes) ---\n%s", o.name, tailSize, o.log)
		}
	})
	return e
}

// org makes an organisation with a data folder that holds only a config
// file making key backups cheap.
func (e *e2e) org(name string) *org {
	o := &org{e: e, name: name, data: filepath.Join(cheapDataDir(e.t), name), log: &tail{}}
	if err := os.MkdirAll(o.data, 0o700); err != nil {
		e.t.Fatal(err)
	}
	if err := os.Rename(filepath.Join(filepath.Dir(o.data), "config.json"), filepath.Join(o.data, "config.json")); err != nil {
		e.t.Fatal(err)
	}
	e.nodes = append(e.nodes, o)
	return o
}

// serves starts "jejak-node serve" on o's data folder and waits until it
// is ready.
func (o *org) serves(extra ...string) {
	t := o.e.t
	t.Helper()
	ready := o.starts(extra...)
	select {
	case o.addr = <-ready:
	case <-o.exited:
		t.Fatalf("%s: serve exited before it was ready", o.name)
	case <-time.After(e2eWait):
		t.Fatalf("%s: serve was not ready within %v", o.name, e2eWait)
	}
}

// starts starts "jejak-node serve" on o's data folder and returns a
// channel that gets its listening address once it is ready.
func (o *org) starts(extra ...string) <-chan string {
	t := o.e.t
	t.Helper()
	listen := o.listen
	if listen == "" {
		listen = "/ip4/127.0.0.1/tcp/0"
	}
	args := append([]string{"serve", "--data", o.data, "--network", "e2e", "--listen", listen,
		"--dht=false", "--mdns=false", "--sync-interval", e2eSync}, extra...)
	cmd := exec.Command(o.e.bin, args...)
	if o.netns != "" {
		// ip netns exec execs the command after entering the
		// namespace, so cmd.Process is the node itself.
		cmd = exec.Command("ip", append([]string{"netns", "exec", o.netns, o.e.bin}, args...)...)
	}
	// Nodes stay on loopback unless o.env says otherwise (the nodes in a
	// test's own network namespaces); the last value of a variable wins.
	cmd.Env = append(append(os.Environ(), p2p.LoopbackOnlyEnv+"=1"), o.env...)
	where := ""
	if o.netns != "" {
		where = "[netns " + o.netns + "] "
	}
	fmt.Fprintf(o.log, "=== %s%s\n", where, strings.Join(args, " "))
	cmd.Stderr = o.log
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	o.cmd = cmd
	o.exited = make(chan struct{})
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		addr := ""
		for sc.Scan() {
			line := sc.Text()
			fmt.Fprintf(o.log, "stdout: %s\n", line)
			if a, ok := strings.CutPrefix(line, "listening "); ok && addr == "" {
				addr = a
			}
			if line == "ready" {
				ready <- addr
			}
		}
		io.Copy(io.Discard, out)
		cmd.Wait()
		close(o.exited)
	}()
	t.Cleanup(o.stops)
	return ready
}

// servesFrom starts o bootstrapped to the relay.
func (o *org) servesFrom(relay *org) {
	o.e.t.Helper()
	o.serves("--bootstrap", relay.addr)
}

// stops ends the serve process with SIGTERM, or SIGKILL if it lingers.
func (o *org) stops() {
	if o.cmd == nil {
		return
	}
	o.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-o.exited:
	case <-time.After(20 * time.Second):
		o.e.t.Errorf("%s: serve did not stop within 20s of SIGTERM", o.name)
		o.cmd.Process.Kill()
		<-o.exited
	}
	o.cmd = nil
}

// isKilled ends the serve process with SIGKILL: no chance to flush or
// close anything.
func (o *org) isKilled() {
	o.cmd.Process.Kill()
	<-o.exited
	o.cmd = nil
	fmt.Fprintf(o.log, "=== killed with SIGKILL\n")
}

// try runs a command on o's data folder and returns its exit status and
// output (stdout, then stderr). It never fails the test, so goroutines may
// use it.
func (o *org) try(args ...string) (int, string, string) {
	cmd := exec.Command(o.e.bin, append([]string{"--data", o.data, "--network", "e2e"}, args...)...)
	cmd.Env = append(os.Environ(), "JEJAK_PASSPHRASE=correct horse battery", testOrgEnv, p2p.LoopbackOnlyEnv+"=1")
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return ee.ExitCode(), string(out), stderr.String()
	case err != nil:
		return -1, string(out), err.Error()
	}
	return 0, string(out), stderr.String()
}

// run runs a command on o's data folder, fails the test unless it exits
// with want, and returns its stdout and stderr together.
func (o *org) run(want int, args ...string) string {
	o.e.t.Helper()
	code, out, errs := o.try(args...)
	if code != want {
		o.e.t.Fatalf("%s: jejak-node %s exited %d, want %d\nstdout:\n%s\nstderr:\n%s", o.name, strings.Join(args, " "), code, want, out, errs)
	}
	return out + errs
}

// json runs a command with --json and decodes its output into v.
func (o *org) json(v any, args ...string) {
	o.e.t.Helper()
	args = append([]string{"--json"}, args...)
	code, out, errs := o.try(args...)
	if code != 0 {
		o.e.t.Fatalf("%s: jejak-node %s exited %d, want 0\nstdout:\n%s\nstderr:\n%s", o.name, strings.Join(args, " "), code, out, errs)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		o.e.t.Fatalf("%s: jejak-node --json %s: %v\n%s", o.name, strings.Join(args, " "), err, out)
	}
}

// recorded is what "record --json" prints.
type recorded struct {
	CID     string
	Seq     uint64
	Batches []struct{ ID, Product string }
}

// record publishes a record and returns what was recorded.
func (o *org) record(args ...string) recorded {
	o.e.t.Helper()
	var r recorded
	o.json(&r, append([]string{"record"}, args...)...)
	return r
}

// batch returns the ID of the recorded batch of product.
func (r recorded) batch(t *testing.T, product string) string {
	t.Helper()
	for _, b := range r.Batches {
		if b.Product == product {
			return b.ID
		}
	}
	t.Fatalf("record %s made no %s batch: %+v", r.CID, product, r.Batches)
	return ""
}

// initialises creates o's organisation and device keys.
func (o *org) initialises(name, role string) {
	o.e.t.Helper()
	var id struct{ Org string }
	o.json(&id, "init", "--name", name, "--role", role, "--country", "MY")
	if id.Org == "" {
		o.e.t.Fatalf("%s: init printed no org key", o.name)
	}
	o.key = id.Org
}

// endorses vouches for other in role.
func (o *org) endorses(other *org, role string) {
	o.e.t.Helper()
	o.record("endorse", "--org", other.key, "--role", role)
}

// trusts makes anchor a trust anchor of o.
func (o *org) trusts(anchor *org) {
	o.e.t.Helper()
	o.run(0, "trust", "add", anchor.key, anchor.name)
}

// registersPlot records a plot and returns its place record's CID.
func (o *org) registersPlot(name string) string {
	o.e.t.Helper()
	return o.record("place", "--name", name, "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000").CID
}

// harvests records FFB from a plot and returns the batch.
func (o *org) harvests(plot, qty, lot string) string {
	o.e.t.Helper()
	return o.record("origin", "--place", plot, "--product", "FFB", "--qty", qty, "--lot", lot,
		"--from", "2026-01-01", "--until", "2026-01-02").batch(o.e.t, "FFB")
}

// ships transfers qty of batch to another organisation and returns the
// transfer record's CID.
func (o *org) ships(batch, qty string, to *org, extra ...string) string {
	o.e.t.Helper()
	return o.record(append([]string{"transfer", "--batch", batch, "--qty", qty, "--to", to.key}, extra...)...).CID
}

// processes records a process from inputs ("BATCH=QTY") to outputs
// ("PRODUCT=QTY[@LOT]").
func (o *org) processes(ins []string, outs ...string) recorded {
	o.e.t.Helper()
	args := []string{"process"}
	for _, in := range ins {
		args = append(args, "--in", in)
	}
	for _, out := range outs {
		args = append(args, "--out", out)
	}
	return o.record(args...)
}

// seesIncoming reports whether transfer is among o's incoming transfers.
func (o *org) seesIncoming(transfer string) bool {
	o.e.t.Helper()
	var in []struct{ Transfer string }
	o.json(&in, "incoming")
	for _, x := range in {
		if x.Transfer == transfer {
			return true
		}
	}
	return false
}

// receives waits until transfer reaches o and then records its receipt.
func (o *org) receives(transfer string) {
	o.e.t.Helper()
	o.e.waitUntil(o.name+" sees transfer "+transfer, func() bool { return o.seesIncoming(transfer) })
	o.record("receive", "--transfer", transfer)
}

// madeBatches returns the IDs of the batches o made.
func (o *org) madeBatches() map[string]bool {
	o.e.t.Helper()
	var bs []struct{ ID string }
	o.json(&bs, "batches", "--made", "--limit", "10000")
	m := map[string]bool{}
	for _, b := range bs {
		m[b.ID] = true
	}
	return m
}

// draftIDIn finds the draft ID a record command prints when its outcome
// is uncertain.
var draftIDIn = regexp.MustCompile(`may have been recorded: repeat with --draft-id (\S+);`)

// peerStatus is one peer in "peers --json".
type peerStatus struct {
	ID      string   `json:"id"`
	Score   float64  `json:"score"`
	Penalty float64  `json:"penalty"`
	Why     []string `json:"why"`
}

// peer returns what o's node says of other's node, or nil when it is not
// connected.
func (o *org) peer(other *org) *peerStatus {
	o.e.t.Helper()
	var ps []peerStatus
	o.json(&ps, "peers")
	id := peerIDOf(other.addr)
	for i := range ps {
		if ps[i].ID == id {
			return &ps[i]
		}
	}
	return nil
}

// peerIDOf returns the peer ID at the end of a multiaddr.
func peerIDOf(addr string) string { return addr[strings.LastIndex(addr, "/")+1:] }

// records returns how many records o's node stores.
func (o *org) records() int64 {
	o.e.t.Helper()
	var st struct{ Records int64 }
	o.json(&st, "status")
	return st.Records
}

// hasNoForks fails the test if o's node found two records at one seq of a
// feed: a restarted node must not sign anew what it had already sent.
func (o *org) hasNoForks() {
	o.e.t.Helper()
	var st struct{ Forks []json.RawMessage }
	o.json(&st, "status")
	if len(st.Forks) > 0 {
		o.e.t.Fatalf("%s: status shows forks: %s", o.name, st.Forks)
	}
}

// verifies runs "verify BATCH" and fails unless it exits with want.
func (o *org) verifies(batch string, want int) string {
	o.e.t.Helper()
	return o.run(want, "verify", batch)
}

// waitUntil polls cond until it holds, failing the test after e2eWait.
func (e *e2e) waitUntil(what string, cond func() bool) {
	e.t.Helper()
	deadline := time.Now().Add(e2eWait)
	for !cond() {
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %v waiting until %s", e2eWait, what)
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// converge waits until every node stores the same number of records, at
// least atLeast, and returns it.
func (e *e2e) converge(what string, atLeast int64) int64 {
	e.t.Helper()
	var counts []string
	var n int64
	deadline := time.Now().Add(e2eWait)
	for {
		counts = counts[:0]
		same := true
		n = -1
		for _, o := range e.nodes {
			c := o.records()
			counts = append(counts, fmt.Sprintf("%s %d", o.name, c))
			if n == -1 {
				n = c
			}
			same = same && c == n
		}
		if same && n >= atLeast {
			return n
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %v waiting until every node holds the same records %s (at least %d): %s",
				e2eWait, what, atLeast, strings.Join(counts, ", "))
		}
		time.Sleep(250 * time.Millisecond)
	}
}

func mustContain(t *testing.T, what, out string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(out, w) {
			t.Fatalf("%s: output lacks %q:\n%s", what, w, out)
		}
	}
}

// TestEndToEnd runs a palm-oil supply chain as separate jejak-node
// processes on 127.0.0.1, each with its own data folder: a relay, a
// certifier, a plantation, a mill, a refinery and a buyer.
//
//   - The certifier endorses the others and everyone trusts it.
//   - FFB goes from the plantation to the mill, CPO from the mill to the
//     refinery, olein from the refinery to the buyer, and the buyer's
//     verify of the olein says TRUSTED.
//   - The mill ships the same CPO again, to the buyer: the buyer's verify of
//     the olein now fails with double_claim.
//   - The mill is killed with SIGKILL in the middle of a burst of records,
//     restarted on the same data folder, keeps every record it
//     acknowledged, its indexes check clean, and every node converges to
//     the same records.
func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("the end-to-end test starts six nodes; skipped with -short")
	}
	start := time.Now()
	e := newE2E(t)
	relay, cert, plant, mill, refinery, buyer := e.org("relay"), e.org("certifier"), e.org("plantation"), e.org("mill"), e.org("refinery"), e.org("buyer")
	relay.serves("--relay", "--metrics", "127.0.0.1:0")
	for _, o := range e.nodes[1:] {
		o.servesFrom(relay)
	}
	t.Logf("six nodes ready after %v", time.Since(start).Round(time.Millisecond))

	// Identities, endorsements and trust.
	cert.initialises("Sawit Assurance", "certifier")
	plant.initialises("Ladang Sungai Tiram", "plantation")
	mill.initialises("Kilang Kota Tinggi", "mill")
	refinery.initialises("Pasir Gudang Refinery", "refinery")
	buyer.initialises("Rotterdam Foods", "buyer")
	cert.endorses(plant, "plantation")
	cert.endorses(mill, "mill")
	cert.endorses(refinery, "refinery")
	cert.endorses(buyer, "buyer")
	for _, o := range []*org{plant, mill, refinery, buyer} {
		o.trusts(cert)
	}

	// Plantation → mill: 150 t of FFB; the mill mills 100 t of it now.
	plot := plant.registersPlot("Blok A")
	ffb := plant.harvests(plot, "150 TNE", "H-1")
	mill.receives(plant.ships(ffb, "150 TNE", mill))
	milled := mill.processes([]string{ffb + "=100 TNE"}, "CPO=21 TNE@CPO-7", "PK=5 TNE@PK-7")
	cpo := milled.batch(t, "CPO")

	// Mill → refinery: 21 t of CPO, refined and fractionated.
	refinery.receives(mill.ships(cpo, "21 TNE", refinery))
	refined := refinery.processes([]string{cpo + "=21 TNE"},
		"RBD PALM OLEIN=15.75 TNE@OL-1", "RBD PALM STEARIN=4.2 TNE@ST-1", "PFAD=0.945 TNE@FA-1")
	olein := refined.batch(t, "RBD PALM OLEIN")

	// Refinery → buyer: the olein, which verifies as trusted.
	toBuyer := refinery.ships(olein, "15.75 TNE", buyer)
	buyer.receives(toBuyer)
	e.converge("after the olein reached the buyer", 0)
	mustContain(t, "buyer's verify of the olein", buyer.verifies(olein, 0), "TRUSTED")
	t.Logf("olein trusted at the buyer after %v", time.Since(start).Round(time.Millisecond))

	// The buyer exports the olein's evidence through its running node; an
	// auditor on a computer that holds nothing and talks to nobody
	// imports the CAR and gets the same verdict. The EUDR files name the
	// plantation's plot, however many hops back.
	exports := t.TempDir() + "/"
	buyer.run(0, "export", "car", "-o", exports, olein)
	buyer.run(0, "export", "eudr", "-o", exports, olein)
	auditor := &org{e: e, name: "auditor", data: cheapDataDir(t), log: &tail{}}
	cars, _ := filepath.Glob(filepath.Join(exports, "OL-1-*.car"))
	if len(cars) != 1 {
		t.Fatalf("export car wrote %v", cars)
	}
	mustContain(t, "auditor's import", auditor.run(0, "import", "car", cars[0]), "new records")
	auditor.trusts(cert)
	mustContain(t, "auditor's verify from the CAR", auditor.verifies(olein, 0), "TRUSTED")
	geo, _ := filepath.Glob(filepath.Join(exports, "*.eudr.geojson"))
	if len(geo) != 1 {
		t.Fatalf("export eudr wrote %v", geo)
	}
	if data, err := os.ReadFile(geo[0]); err != nil || !strings.Contains(string(data), "Blok A") || !strings.Contains(string(data), "Ladang Sungai Tiram") {
		t.Errorf("the EUDR geolocation file does not name the plantation's plot: %v %s", err, data)
	}

	// What verification would fail is refused before it is signed, in
	// the user's units, and nothing is recorded: a second receipt of one
	// transfer, a receipt by an organisation it was not sent to, a sale
	// of a batch never held, a country that is not one, a plot whose
	// boundary crosses itself.
	for _, tc := range []struct {
		who  *org
		args []string
		says []string
	}{
		{buyer, []string{"record", "receive", "--transfer", toBuyer}, []string{"was already received on", "--unbacked"}},
		{mill, []string{"record", "receive", "--transfer", toBuyer}, []string{"is addressed to Rotterdam Foods, not to Kilang Kota Tinggi"}},
		{plant, []string{"record", "transfer", "--batch", cpo, "--qty", "1 TNE", "--to", buyer.key}, []string{"Ladang Sungai Tiram never held batch", "made by Kilang Kota Tinggi"}},
		{plant, []string{"record", "place", "--name", "Blok X", "--kind", "plot", "--country", "XX", "--point", "1.70,103.90", "--area", "20000"}, []string{"body.country", `"XX" is not a country`}},
		{plant, []string{"record", "place", "--name", "Blok Silang", "--kind", "plot", "--country", "MY", "--polygon", "1.700,103.900 1.708,103.916 1.700,103.916 1.704,103.900"}, []string{"crosses itself"}},
	} {
		before := tc.who.records()
		out := tc.who.run(2, tc.args...)
		mustContain(t, strings.Join(tc.args, " "), out, tc.says...)
		if n := tc.who.records(); n != before {
			t.Fatalf("%s: %s was refused but %d records were stored", tc.who.name, strings.Join(tc.args, " "), n-before)
		}
	}

	// The mill ships the same 21 t of CPO again, to the buyer: a double
	// claim that taints the olein. Its own node refuses to sign it, in
	// tonnes; a mill that insists (--unbacked) is caught by the buyer.
	if out := mill.run(2, "record", "transfer", "--batch", cpo, "--qty", "21 TNE", "--to", buyer.key); !strings.Contains(out, "has 0 t left here") ||
		!strings.Contains(out, "--unbacked") {
		t.Fatalf("a second sale of the CPO said %q", out)
	}
	again := mill.ships(cpo, "21 TNE", buyer, "--unbacked")
	e.waitUntil("the buyer sees the second shipment of CPO", func() bool { return buyer.seesIncoming(again) })
	mustContain(t, "buyer's verify of the olein after the double claim", buyer.verifies(olein, 1), "double_claim")
	t.Logf("double claim caught at the buyer after %v", time.Since(start).Round(time.Millisecond))

	// The mill mills the remaining 50 t of FFB 5 t at a time, three
	// clients at once through its socket, and is killed with SIGKILL once
	// three records are acknowledged, while others are being written.
	// Whatever was acknowledged must survive; a command caught by the kill
	// may fail (exit 3) or, once the mill is gone, write to the store
	// itself. Either way nothing acknowledged may be lost.
	before := e.converge("before the mill's burst", 0)
	type ack struct{ cid, cpo string }
	var (
		retryMu sync.Mutex
		retries [][]string // commands whose answer was lost, with their draft IDs
	)
	const writers, each = 3, 3
	acks := make(chan ack, writers*each)
	stop := make(chan struct{})
	var report tail
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				select {
				case <-stop:
					return
				default:
				}
				lot := fmt.Sprintf("B%d-%d", w, i)
				args := []string{"--json", "record", "process", "--in", ffb + "=5 TNE",
					"--out", "CPO=1.05 TNE@CPO-" + lot, "--out", "PK=0.25 TNE@PK-" + lot}
				code, out, errs := mill.try(args...)
				if code != 0 {
					// Not acknowledged: the mill was going down. When the
					// answer was lost the command says so and how to
					// repeat it safely.
					fmt.Fprintf(&report, "%s: exit %d: %s\n", lot, code, oneLine(errs))
					if m := draftIDIn.FindStringSubmatch(errs); m != nil {
						retryMu.Lock()
						retries = append(retries, append(args, "--draft-id", m[1]))
						retryMu.Unlock()
					}
					continue
				}
				var r recorded
				if err := json.Unmarshal([]byte(out), &r); err != nil || len(r.Batches) == 0 {
					fmt.Fprintf(&report, "%s: exit 0 but unreadable output (%v): %s\n", lot, err, oneLine(out))
					continue
				}
				fmt.Fprintf(&report, "%s: acknowledged seq %d %s\n", lot, r.Seq, r.CID)
				acks <- ack{r.CID, r.Batches[0].ID}
			}
		}()
	}
	burstDone := make(chan struct{})
	go func() { wg.Wait(); close(burstDone) }()
	var acked []ack
	for len(acked) < 3 {
		select {
		case a := <-acks:
			acked = append(acked, a)
		case <-burstDone:
			t.Fatalf("the mill's burst ended before three records were acknowledged:\n%s", &report)
		case <-time.After(e2eWait):
			t.Fatalf("the mill acknowledged %d records of its burst in %v:\n%s", len(acked), e2eWait, &report)
		}
	}
	mill.isKilled()
	close(stop)
	<-burstDone
	close(acks)
	for a := range acks {
		acked = append(acked, a)
	}
	burst := report.String()
	t.Logf("mill killed after %d acknowledged records:\n%s", len(acked), burst)

	// Restarted on the same folder, the mill still has every record it
	// acknowledged, its indexes match its records, and the network
	// converges on them.
	mill.servesFrom(relay)
	made := mill.madeBatches()
	for _, a := range acked {
		if !made[a.cpo] {
			t.Errorf("after SIGKILL and restart the mill lost acknowledged record %s (batch %s)\nburst:\n%s", a.cid, a.cpo, burst)
		}
	}
	if t.Failed() {
		t.FailNow()
	}
	// A command whose answer was lost is repeated with its draft ID: it
	// records once, whether or not it had been recorded.
	for _, args := range retries {
		var r recorded
		mill.json(&r, args[1:]...)
		acked = append(acked, ack{r.CID, r.Batches[0].ID})
	}
	lots := map[string]int{}
	var bs []struct{ Lot string }
	mill.json(&bs, "batches", "--made", "--limit", "10000")
	for _, b := range bs {
		if lots[b.Lot]++; lots[b.Lot] > 1 {
			t.Errorf("lot %s was recorded twice\nburst:\n%s", b.Lot, burst)
		}
	}
	t.Logf("%d commands of the burst repeated with their draft IDs", len(retries))
	mill.run(0, "check")
	after := e.converge("after the mill's restart", before+int64(len(acked)))
	mill.run(0, "check")
	for _, o := range e.nodes {
		o.hasNoForks()
	}
	t.Logf("%d records on every node after the restart (%d before the burst); total %v", after, before, time.Since(start).Round(time.Millisecond))

	// The double claim is still seen, now from every record on the mill.
	mustContain(t, "buyer's verify after the restart", buyer.verifies(olein, 1), "double_claim")

	// Killed and restarted four times more: the relay holds nothing
	// against the mill (a disconnect is not a violation), so the mill keeps
	// its place in gossip, and its next record reaches the buyer.
	for range 4 {
		mill.isKilled()
		mill.servesFrom(relay)
	}
	e.waitUntil("the relay sees the restarted mill", func() bool { return relay.peer(mill) != nil })
	if p := relay.peer(mill); p.Penalty != 0 || p.Score < -100 {
		t.Errorf("after five restarts the relay scores the mill %v with penalty %v (%q)", p.Score, p.Penalty, p.Why)
	}
	had := e.converge("before the restarted mill records", 0)
	mill.registersPlot("Blok Baru")
	e.waitUntil("the restarted mill's record reaches the buyer", func() bool { return buyer.records() > had })

	// verify --forward and trace --forward tell one story.
	v := buyer.run(1, "verify", "--forward", cpo)
	tr := buyer.run(0, "trace", "--forward", cpo)
	mustContain(t, "verify --forward", v, "FAILED", "double_claim")
	mustContain(t, "trace --forward", tr, "(failed)", "FAILING")

	// A second process cannot open a store a node holds without its socket.
	os.Remove(filepath.Join(refinery.data, "jejak.sock"))
	mustContain(t, "status with the socket gone", refinery.run(3, "status"), "is in use by another Jejak process")
}

// client returns a client of o's running node's local API, closed when the
// test ends. It never fails the test, so goroutines may use it.
func (o *org) client() (*localapi.Client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	c, err := localapi.Dial(ctx, o.data)
	if err != nil {
		return nil, err
	}
	o.e.t.Cleanup(func() { c.Close() })
	return c, nil
}

// count returns how many records o's running node stores, asked through
// its local API (much cheaper than "jejak-node status", for tight polls).
func (o *org) count(c *localapi.Client) (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	st, err := c.Status(ctx)
	return st.Records, err
}

// cids returns the CIDs of every record o's running node stores, listed
// through its local API. It reads the list call's answer itself and only
// hashes each record's bytes: the client's List also checks every
// signature, which is right for a program and, for thousands of records
// polled in a test under -race, the slowest thing in the test.
func (o *org) cids() map[string]bool {
	o.e.t.Helper()
	hc := &http.Client{Transport: &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", localapi.SocketPath(o.data))
		},
	}}
	defer hc.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	set := map[string]bool{}
	for cursor := ""; ; {
		req, _ := json.Marshal(api.Filter{Cursor: cursor, Limit: 1000})
		hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://jejak/v1/list", bytes.NewReader(req))
		if err != nil {
			o.e.t.Fatal(err)
		}
		hr.Header.Set("Content-Type", "application/json")
		resp, err := hc.Do(hr)
		if err != nil {
			o.e.t.Fatalf("%s: list records: %v", o.name, err)
		}
		var page struct {
			Records [][]byte `json:"records"`
			Next    string   `json:"next"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || err != nil {
			o.e.t.Fatalf("%s: list records: %s, %v", o.name, resp.Status, err)
		}
		for _, b := range page.Records {
			set[protocol.ComputeCID(b).String()] = true
		}
		if cursor = page.Next; cursor == "" {
			return set
		}
	}
}

// storedCIDs opens the store of o's stopped node itself and returns the
// CIDs of every record in it: the store must open after whatever happened.
func (o *org) storedCIDs() map[string]bool {
	o.e.t.Helper()
	if o.cmd != nil {
		o.e.t.Fatalf("%s: storedCIDs of a running node", o.name)
	}
	st, err := storage.Open(filepath.Join(o.data, "store"), storage.Options{GCInterval: -1})
	if err != nil {
		o.e.t.Fatalf("%s: open the store of the stopped node: %v", o.name, err)
	}
	defer st.Close()
	set := map[string]bool{}
	for _, ty := range protocol.Types() {
		cs, err := st.ByType(context.Background(), ty, protocol.PublicKey{})
		if err != nil {
			o.e.t.Fatalf("%s: list %s records: %v", o.name, ty, err)
		}
		for _, c := range cs {
			set[c.String()] = true
		}
	}
	return set
}

// setDiff describes how the record sets a and b differ, naming a few
// records of each side, or returns "" when they are the same.
func setDiff(an string, a map[string]bool, bn string, b map[string]bool) string {
	only := func(x, y map[string]bool) []string {
		var out []string
		for c := range x {
			if !y[c] {
				out = append(out, c)
			}
		}
		sort.Strings(out)
		return out
	}
	oa, ob := only(a, b), only(b, a)
	if len(oa) == 0 && len(ob) == 0 {
		return ""
	}
	show := func(cs []string) string {
		if len(cs) > 3 {
			return strings.Join(cs[:3], ", ") + fmt.Sprintf(" and %d more", len(cs)-3)
		}
		return strings.Join(cs, ", ")
	}
	return fmt.Sprintf("%s holds %d records, %s %d; only %s: %d [%s]; only %s: %d [%s]",
		an, len(a), bn, len(b), an, len(oa), show(oa), bn, len(ob), show(ob))
}

// sameRecords waits until the running nodes all hold the same set of
// records and returns it and how long that took. It polls the nodes'
// counts, which are cheap, and lists the sets only when the counts agree.
func (e *e2e) sameRecords(what string, nodes ...*org) (map[string]bool, time.Duration) {
	e.t.Helper()
	start := time.Now()
	deadline := start.Add(e2eWait)
	for {
		var counts []string
		agree := true
		var first int64
		for i, o := range nodes {
			n, err := o.countNow()
			if err != nil {
				e.t.Fatalf("%s: %v", o.name, err)
			}
			if i == 0 {
				first = n
			}
			counts = append(counts, fmt.Sprintf("%s %d", o.name, n))
			agree = agree && n == first
		}
		diff := "counts " + strings.Join(counts, ", ")
		if agree {
			set := nodes[0].cids()
			diff = ""
			for _, o := range nodes[1:] {
				if diff = setDiff(nodes[0].name, set, o.name, o.cids()); diff != "" {
					break
				}
			}
			if diff == "" {
				return set, time.Since(start)
			}
		}
		if time.Now().After(deadline) {
			e.t.Fatalf("timed out after %v waiting until every node holds the same records %s: %s", e2eWait, what, diff)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// countNow returns how many records o's running node stores, asked
// through its local API.
func (o *org) countNow() (int64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), e2eWait)
	defer cancel()
	c, err := localapi.Dial(ctx, o.data)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	st, err := c.Status(ctx)
	return st.Records, err
}

// e2eSoak reports whether the long forms of the fault tests run
// (JEJAK_SOAK=1, as "make soak" sets it).
func e2eSoak() bool { return os.Getenv("JEJAK_SOAK") != "" }
