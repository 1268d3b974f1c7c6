package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// TestKill9 kills "jejak-node serve" with SIGKILL at random moments (from a
// seed it prints) in each of three phases:
//
//   - publish: two clients record through the node's socket while it is
//     killed; a record is acknowledged when "record" printed its CID and
//     exited 0;
//   - gossip: a peer publishes while the victim takes its records from
//     gossip, and the victim is killed;
//   - sync: an empty victim catches up with a peer holding thousands of
//     records and is killed once its record count shows the catch-up is
//     under way and not finished.
//
// After every kill the victim is restarted on the same data folder and must
// open (no lock left behind, its local API socket replaced), "jejak-node
// check" must find its indexes equal to a rebuild, every acknowledged record
// (and every record it held before the kill) must still be there, and once
// reconnected its record set must equal its peer's. At the end of each phase
// both nodes are stopped and their stores, opened directly, hold the same
// records.
//
// JEJAK_SOAK=1 runs 200 kills instead of 20; JEJAK_CRASH_SEED=N repeats a
// run's random delays and kill points.
func TestKill9(t *testing.T) {
	if testing.Short() {
		t.Skip("the crash test kills node processes for a minute or more; skipped with -short")
	}
	seed := testSeed(t, "JEJAK_CRASH_SEED", "random delays and kill points")
	kills := map[string]int{"publish": 8, "gossip": 6, "sync": 6}
	syncRecords := 3000
	if e2eSoak() {
		kills = map[string]int{"publish": 70, "gossip": 65, "sync": 65}
		syncRecords = 5000
	}
	start := time.Now()
	bin := buildNode(t)
	var tally crashTally
	for i, phase := range []struct {
		name string
		run  func(*testing.T, *e2e, *rand.Rand, int, *crashTally)
	}{
		{"publish", killDuringPublish},
		{"gossip", killDuringGossip},
		{"sync", func(t *testing.T, e *e2e, rng *rand.Rand, n int, tally *crashTally) {
			killDuringSync(t, e, rng, n, syncRecords, tally)
		}},
	} {
		t.Run(phase.name, func(t *testing.T) {
			began := time.Now()
			phase.run(t, newE2EWith(t, bin), rand.New(rand.NewPCG(seed, uint64(i))), kills[phase.name], &tally)
			t.Logf("%s: %v", phase.name, time.Since(began).Round(time.Millisecond))
		})
	}
	t.Logf("kills survived: publish %d (and %d more of the restarts), gossip %d, sync %d (%d of them mid-sync); acknowledged records checked after every kill: %d distinct; "+
		"restart to ready: at most %v; converged with the peer after restart: at most %v; total %v",
		tally.kills["publish"], tally.startKills, tally.kills["gossip"], tally.kills["sync"], tally.midSync, tally.acked,
		tally.maxRestart.Round(time.Millisecond), tally.maxConverge.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
}

// testSeed returns a new seed, or the one in the environment variable
// env, and logs it with how to repeat the run's random choices (what).
func testSeed(t *testing.T, env, what string) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(env); s != "" {
		var err error
		if seed, err = strconv.ParseUint(s, 10, 64); err != nil {
			t.Fatalf("%s=%q: not a seed: %v", env, s, err)
		}
	}
	t.Logf("seed %d (%s=%d repeats this run's %s)", seed, env, seed, what)
	return seed
}

// crashTally collects the crash test's figures across its phases.
type crashTally struct {
	mu          sync.Mutex
	kills       map[string]int
	midSync     int
	startKills  int // second kills of a node restarting after a kill
	acked       int
	maxRestart  time.Duration
	maxConverge time.Duration
}

func (c *crashTally) killed(phase string, restart, converge time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kills == nil {
		c.kills = map[string]int{}
	}
	c.kills[phase]++
	c.maxRestart = max(c.maxRestart, restart)
	c.maxConverge = max(c.maxConverge, converge)
}

// recorder runs "record place" on o from writers goroutines until stopped,
// and keeps the CIDs of the records acknowledged (exit 0 and a CID printed).
type recorder struct {
	o       *org
	prefix  string
	stop    atomic.Bool
	wg      sync.WaitGroup
	n       atomic.Int64 // acknowledged records
	failed  atomic.Int64 // commands that exited non-zero: not acknowledged
	mu      sync.Mutex
	acked   []string
	garbled []string // exit 0 without a CID: a broken acknowledgement
}

func startRecorder(o *org, prefix string, writers int) *recorder {
	r := &recorder{o: o, prefix: prefix}
	for w := range writers {
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			for i := 0; !r.stop.Load(); i++ {
				code, out, _ := o.try("--json", "record", "place", "--name", fmt.Sprintf("%s %d-%d", prefix, w, i),
					"--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")
				if code != 0 {
					r.failed.Add(1)
					continue
				}
				var rec recorded
				if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.CID == "" {
					r.mu.Lock()
					r.garbled = append(r.garbled, out)
					r.mu.Unlock()
					continue
				}
				r.mu.Lock()
				r.acked = append(r.acked, rec.CID)
				r.mu.Unlock()
				r.n.Add(1)
			}
		}()
	}
	return r
}

// stops ends the writers, waits for their last commands and returns the
// acknowledged CIDs.
func (r *recorder) stops(t *testing.T) []string {
	t.Helper()
	r.stop.Store(true)
	r.wg.Wait()
	if len(r.garbled) > 0 {
		t.Fatalf("%s: record exited 0 without printing a CID: %q", r.o.name, r.garbled)
	}
	return r.acked
}

// recovers restarts o on its data folder after a SIGKILL and checks what
// the kill may not break: the store opens (no lock left behind), the local
// API socket is replaced (serve refuses to be ready without it, and a
// command reaches the new process through it), the indexes equal a rebuild,
// and every record of mustHave is still stored. It returns the record set
// and how long the restart took.
func (o *org) recovers(what string, mustHave map[string]bool, extra ...string) (map[string]bool, time.Duration) {
	t := o.e.t
	t.Helper()
	began := time.Now()
	o.serves(extra...)
	took := time.Since(began)
	var st struct {
		PeerID string `json:"peer_id"`
	}
	o.json(&st, "status")
	if st.PeerID == "" || st.PeerID != peerIDOf(o.addr) {
		t.Fatalf("%s: after the kill %s, status answers for peer %q, not the restarted node %s", o.name, what, st.PeerID, peerIDOf(o.addr))
	}
	o.run(0, "check")
	have := o.cids()
	lost := 0
	for c := range mustHave {
		if !have[c] {
			if lost++; lost <= 5 {
				t.Errorf("%s: record %s was gone after the kill %s and a restart", o.name, c, what)
			}
		}
	}
	if lost > 0 {
		t.Fatalf("%s: %d of %d records that had to survive the kill %s are gone", o.name, lost, len(mustHave), what)
	}
	return have, took
}

// checksOffline runs "jejak-node check" on o's folder while no node serves
// it, so the command opens the store as the kill left it (no clean close in
// between) and compares its indexes with a rebuild. The crash phases do it
// after every other kill, and restart the node straight away after the
// others.
func (o *org) checksOffline(what string) {
	o.e.t.Helper()
	if o.cmd != nil {
		o.e.t.Fatalf("%s: checksOffline with the node running", o.name)
	}
	if out := o.run(0, "check"); !strings.Contains(out, "match") {
		o.e.t.Fatalf("%s: check after the kill %s, with no node running, said %q", o.name, what, out)
	}
}

// setOf returns the CIDs as a set.
func setOf(cids ...[]string) map[string]bool {
	m := map[string]bool{}
	for _, cs := range cids {
		for _, c := range cs {
			m[c] = true
		}
	}
	return m
}

// endsEqual stops both nodes, opens their stores directly, and fails the
// test unless they hold the same records, among them every one of mustHave.
func endsEqual(t *testing.T, a, b *org, mustHave map[string]bool) map[string]bool {
	t.Helper()
	a.hasNoForks()
	b.hasNoForks()
	a.stops()
	b.stops()
	as, bs := a.storedCIDs(), b.storedCIDs()
	if d := setDiff(a.name, as, b.name, bs); d != "" {
		t.Fatalf("the stopped nodes' stores differ: %s", d)
	}
	for c := range mustHave {
		if !as[c] {
			t.Fatalf("%s: acknowledged record %s is not in the stopped node's store", a.name, c)
		}
	}
	return as
}

// killDuringPublish: the victim is killed while two clients record through
// its socket. The kill lands after 0–2 acknowledged records of the round
// and 0–400 ms more: anywhere in a command, from its first byte to its
// answer. Clients that start once the node is gone open the store
// themselves, and what they acknowledge counts too.
func killDuringPublish(t *testing.T, e *e2e, rng *rand.Rand, kills int, tally *crashTally) {
	peer, v := e.org("peer"), e.org("mill")
	peer.serves()
	v.serves("--bootstrap", peer.addr)
	v.initialises("Kilang Kota Tinggi", "mill")
	acked := map[string]bool{}
	failed := int64(0)
	for k := range kills {
		rec := startRecorder(v, fmt.Sprintf("Blok %d", k), 2)
		want, delay := int64(rng.IntN(3)), time.Duration(rng.IntN(400))*time.Millisecond
		e.waitUntil(fmt.Sprintf("%d records of round %d are acknowledged", want, k), func() bool { return rec.n.Load() >= want })
		time.Sleep(delay) // the random moment of the kill, not a wait for the network
		v.isKilled()
		for _, c := range rec.stops(t) {
			acked[c] = true
		}
		failed += rec.failed.Load()
		what := fmt.Sprintf("%d during publish", k+1)
		if k%2 == 1 {
			v.checksOffline(what)
		}
		if k%4 == 3 {
			// A second kill while the node starts on the store the
			// first one left: during its open, its catch-up or just
			// after it is ready.
			ready := v.starts("--bootstrap", peer.addr)
			time.Sleep(time.Duration(rng.IntN(1500)) * time.Millisecond) // the random moment of the kill
			select {
			case <-ready:
				what += ", then once more just after the restart was ready"
			default:
				what += ", then once more while the restart was starting"
			}
			v.isKilled()
			tally.mu.Lock()
			tally.startKills++
			tally.mu.Unlock()
		}
		_, restart := v.recovers(what, acked, "--bootstrap", peer.addr)
		_, took := e.sameRecords("after kill "+what, v, peer)
		tally.killed("publish", restart, took)
	}
	endsEqual(t, v, peer, acked)
	tally.mu.Lock()
	tally.acked += len(acked)
	tally.mu.Unlock()
	t.Logf("%d kills during publish: %d records acknowledged, all kept; %d commands caught by a kill failed (not acknowledged)", kills, len(acked), failed)
}

// killDuringGossip: a peer publishes while the victim, connected and
// caught up, takes the records from gossip; the victim is killed once 1–4
// new records reached it and 0–150 ms more. Every record it held just
// before the kill must survive (records from peers are stored buffered:
// they survive a process kill, if not a power cut).
func killDuringGossip(t *testing.T, e *e2e, rng *rand.Rand, kills int, tally *crashTally) {
	peer, v := e.org("plantation"), e.org("receiver")
	peer.serves()
	peer.initialises("Ladang Sungai Tiram", "plantation")
	v.serves("--bootstrap", peer.addr)
	e.sameRecords("before the gossip phase", v, peer)
	acked := map[string]bool{}
	for k := range kills {
		c, err := v.client()
		if err != nil {
			t.Fatal(err)
		}
		base, err := v.count(c)
		if err != nil {
			t.Fatal(err)
		}
		rec := startRecorder(peer, fmt.Sprintf("Kebun %d", k), 1)
		want, delay := base+1+int64(rng.IntN(4)), time.Duration(rng.IntN(150))*time.Millisecond
		e.waitUntil(fmt.Sprintf("%d records reach %s in round %d", want-base, v.name, k), func() bool {
			n, err := v.count(c)
			return err == nil && n >= want
		})
		time.Sleep(delay) // the random moment of the kill
		held := v.cids()
		v.isKilled()
		for _, c := range rec.stops(t) {
			acked[c] = true
		}
		what := fmt.Sprintf("%d during gossip ingest", k+1)
		if k%2 == 1 {
			v.checksOffline(what)
		}
		_, restart := v.recovers(what, held, "--bootstrap", peer.addr)
		set, took := e.sameRecords("after kill "+what, v, peer)
		for c := range acked {
			if !set[c] {
				t.Fatalf("record %s acknowledged by %s is on neither node", c, peer.name)
			}
		}
		tally.killed("gossip", restart, took)
	}
	endsEqual(t, peer, v, acked)
	tally.mu.Lock()
	tally.acked += len(acked)
	tally.mu.Unlock()
	t.Logf("%d kills during gossip ingest: %d records published meanwhile, all on both nodes", kills, len(acked))
}

// killDuringSync: a peer holds records thousands of records (unrelated
// feeds, signed in the test and stored before it starts); an empty victim
// bootstraps to it and catches up, and is killed when its record count
// passes a random point short of the peer's. Restarted, it goes on from
// where it was; after three kills (or when a catch-up ends before its
// kill) it must hold exactly the peer's records, and a new empty victim
// takes its place.
func killDuringSync(t *testing.T, e *e2e, rng *rand.Rand, kills, records int, tally *crashTally) {
	peer := e.org("replica")
	fill(t, peer, fmt.Sprintf("crash-%d", rng.Uint64()), records)
	peer.serves()
	want := peer.cids()
	if len(want) < records {
		t.Fatalf("%s serves %d records, want at least %d", peer.name, len(want), records)
	}
	total := int64(len(want))
	killed, missed, resumed := 0, 0, 0
	for victim := 0; killed < kills; victim++ {
		if missed > 3*kills {
			t.Fatalf("%d catch-ups ended before their kill point: the sync is too quick for the test to catch", missed)
		}
		v := e.org(fmt.Sprintf("empty-%d", victim))
		v.serves("--bootstrap", peer.addr)
		for j := 0; j < 3 && killed < kills; j++ {
			c, err := v.client()
			if err != nil {
				t.Fatal(err)
			}
			n, err := v.count(c)
			if err != nil {
				t.Fatal(err)
			}
			if n >= total {
				if j == 0 {
					missed++
				} else {
					resumed++ // it finished while the restart was checked
				}
				break
			}
			// A random point short of the last page: the count moves a
			// sync page at a time.
			if total-n <= syncPage {
				break // too near the end to land a kill mid-sync
			}
			at := n + 1 + rng.Int64N(total-n-syncPage)
			var seen int64
			deadline := time.Now().Add(e2eWait)
			for {
				if seen, err = v.count(c); err != nil {
					t.Fatal(err)
				}
				if seen >= at || time.Now().After(deadline) {
					break
				}
				time.Sleep(2 * time.Millisecond) // a tight poll of the node's own count
			}
			if seen < at {
				t.Fatalf("%s: stuck at %d records of %d for %v", v.name, seen, total, e2eWait)
			}
			if seen >= total {
				missed++
				break
			}
			v.isKilled()
			killed++
			what := fmt.Sprintf("%d mid-sync at %d of %d records", killed, seen, total)
			if killed%2 == 0 {
				v.checksOffline(what)
			}
			have, restart := v.recovers(what, nil, "--bootstrap", peer.addr)
			// What the node held when it was killed survives: records
			// from peers are stored buffered, which a process kill does
			// not undo. (The count was read just before the kill, so it
			// is a lower bound of what the store held.)
			if int64(len(have)) < seen {
				t.Fatalf("%s: held %d records before the kill %s, %d after the restart", v.name, seen, what, len(have))
			}
			for c := range have {
				if !want[c] {
					t.Fatalf("%s holds record %s, which its only peer never had", v.name, c)
				}
			}
			tally.killed("sync", restart, 0)
			tally.mu.Lock()
			tally.midSync++
			tally.mu.Unlock()
		}
		_, took := e.sameRecords(fmt.Sprintf("after %s's catch-up", v.name), v, peer)
		tally.mu.Lock()
		tally.maxConverge = max(tally.maxConverge, took)
		tally.mu.Unlock()
		v.stops()
		if d := setDiff(v.name, v.storedCIDs(), peer.name, want); d != "" {
			t.Fatalf("after its catch-up, %s's store differs from its peer's: %s", v.name, d)
		}
	}
	peer.stops()
	if d := setDiff(peer.name, peer.storedCIDs(), "what it served", want); d != "" {
		t.Fatalf("%s's store changed: %s", peer.name, d)
	}
	t.Logf("%d kills mid-sync of %d records; %d restarted nodes finished their catch-up while the restart was checked; %d fresh catch-ups ended before their kill point",
		killed, total, resumed, missed)
}

// syncPage is about how many records one sync page brings, and so how far
// a syncing node's count moves at a time.
const syncPage = 500

// fill stores n valid records of unrelated feeds in o's store before its
// node first runs.
func fill(t *testing.T, o *org, seed string, n int) {
	t.Helper()
	st, err := storage.Open(filepath.Join(o.data, "store"), storage.Options{GCInterval: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	recs := scenario.Filler(seed, n)
	for i := 0; i < len(recs); i += 1000 {
		if _, err := st.PutBatch(context.Background(), recs[i:min(i+1000, len(recs))]); err != nil {
			t.Fatal(err)
		}
	}
}
