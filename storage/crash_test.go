//go:build linux

package storage

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
)

// The crash test kills a child process that is writing records with SIGKILL
// at random moments, and checks after each kill that every record the child
// acknowledged is in the store and the indexes match a rebuild.
//
// "Acknowledged" means Put or PutBatch returned (a fork's ErrConflict
// included) before the child printed the record's CID, whatever the
// durability: the store promises that every returned write survives the
// process being killed. (Only Synced writes also survive a power cut, which
// a test cannot cut.)
func TestCrash(t *testing.T) {
	// A new store every few rounds keeps Check quick; within a store each
	// round recovers from the kills before.
	kills, roundsPerDir := 20, 10
	if os.Getenv("JEJAK_SOAK") != "" {
		kills, roundsPerDir = 500, 25
	}
	seed := time.Now().UnixNano()
	if s := os.Getenv("JEJAK_CRASH_SEED"); s != "" {
		var err error
		if seed, err = strconv.ParseInt(s, 10, 64); err != nil {
			t.Fatalf("JEJAK_CRASH_SEED: %v", err)
		}
	}
	t.Logf("seed %d (set JEJAK_CRASH_SEED=%d to repeat)", seed, seed)
	rng := rand.New(rand.NewPCG(uint64(seed), 0))

	dir := t.TempDir()
	acked := map[protocol.CID][]byte{}
	killed := 0
	for round := 0; killed < kills; round++ {
		if round > 2*kills {
			t.Fatalf("only %d kills in %d rounds", killed, round)
		}
		if round > 0 && round%roundsPerDir == 0 {
			dir, acked = t.TempDir(), map[protocol.CID][]byte{}
		}
		recs := crashRecords(seed, round)
		want := make(map[protocol.CID][]byte, len(recs))
		for _, r := range recs {
			want[r.CID] = r.Bytes
		}
		// Kill after a random number of acknowledgements and a random
		// delay, so kills land anywhere in the write path; past the end
		// the child may finish.
		killAt := rng.IntN(len(recs) + len(recs)/10)
		delay := time.Duration(rng.IntN(2000)) * time.Microsecond

		cmd := exec.Command(os.Args[0])
		cmd.Env = append(os.Environ(), childEnv+"=crash", "JEJAK_CRASH_DIR="+dir,
			fmt.Sprintf("JEJAK_CRASH_SEED=%d", seed), fmt.Sprintf("JEJAK_CRASH_ROUND=%d", round))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if killAt == 0 {
			cmd.Process.Kill()
		}
		n := 0
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			line := sc.Text()
			c, ok := strings.CutPrefix(line, "ack ")
			if !ok {
				continue
			}
			cid, err := protocol.ParseCID(c)
			if err != nil || want[cid] == nil {
				t.Fatalf("round %d: the child acknowledged %q, not one of its records", round, line)
			}
			acked[cid] = want[cid]
			if n++; n == killAt {
				time.AfterFunc(delay, func() { cmd.Process.Kill() }) // SIGKILL
			}
		}
		err = cmd.Wait()
		var exit *exec.ExitError
		switch {
		case errors.As(err, &exit) && exit.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL:
			killed++
		case err != nil:
			t.Fatalf("round %d: child: %v\n%s", round, err, stderr.Bytes())
		}
		checkAcked(t, dir, round, acked)
	}
	t.Logf("%d kills, %d records acknowledged in the last store", killed, len(acked))
}

// checkAcked opens the store and checks every acknowledged record and the
// indexes.
func checkAcked(t *testing.T, dir string, round int, acked map[protocol.CID][]byte) {
	t.Helper()
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("round %d: reopen after the kill: %v", round, err)
	}
	defer s.Close()
	for c, b := range acked {
		got, err := s.Get(bg, c)
		if err != nil {
			t.Fatalf("round %d: acknowledged record %s: %v", round, c, err)
		}
		if !bytes.Equal(got.Bytes, b) {
			t.Fatalf("round %d: acknowledged record %s has other bytes", round, c)
		}
	}
	diffs, err := s.Check(bg)
	if err != nil {
		t.Fatalf("round %d: Check: %v", round, err)
	}
	for _, d := range diffs {
		t.Errorf("round %d: Check: %s", round, d)
	}
	if len(diffs) > 0 {
		t.FailNow()
	}
}

// crashRecords returns the records the child ingests in one round: 160 of
// four feeds interleaved, shuffled within windows of eight (so many arrive
// before their predecessors), and a fork.
func crashRecords(seed int64, round int) []protocol.Signed {
	g := newRecordGen(fmt.Sprintf("crash/%d/%d", seed, round), 4)
	recs := g.take(160)
	r := rand.New(rand.NewPCG(uint64(seed), uint64(round)))
	for i := 0; i < len(recs); i += 8 {
		w := recs[i:min(i+8, len(recs))]
		r.Shuffle(len(w), func(i, j int) { w[i], w[j] = w[j], w[i] })
	}
	f := g.feeds[0]
	var first protocol.Signed
	for _, rec := range recs {
		if rec.Author == f.Author() && rec.Seq == 1 {
			first = rec
		}
	}
	fork, err := f.At(2, first.CID, first.Time, &protocol.Origin{Places: []protocol.CID{genPlace},
		From: first.Time, Until: first.Time, Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE)}}})
	if err != nil {
		panic(err)
	}
	at := r.IntN(len(recs))
	return append(recs[:at], append([]protocol.Signed{fork}, recs[at:]...)...)
}

// crashChild ingests one round's records into the store in
// JEJAK_CRASH_DIR with a random mix of synced puts, buffered puts and
// batches, printing "ack <cid>" for each record once its write returned.
func crashChild() error {
	seed, err := strconv.ParseInt(os.Getenv("JEJAK_CRASH_SEED"), 10, 64)
	if err != nil {
		return err
	}
	round, err := strconv.Atoi(os.Getenv("JEJAK_CRASH_ROUND"))
	if err != nil {
		return err
	}
	recs := crashRecords(seed, round)
	s, err := Open(os.Getenv("JEJAK_CRASH_DIR"), Options{})
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(uint64(seed), uint64(round)+1<<32))
	for i := 0; i < len(recs); {
		n := 1
		switch mode := r.IntN(3); mode {
		case 0, 1:
			if _, err := s.Put(bg, recs[i], Durability(mode)); err != nil && !errors.Is(err, ErrConflict) {
				return err
			}
		default:
			n = min(1+r.IntN(32), len(recs)-i)
			if _, err := s.PutBatch(bg, recs[i:i+n]); err != nil {
				return err
			}
		}
		var acks strings.Builder
		for _, rec := range recs[i : i+n] {
			fmt.Fprintf(&acks, "ack %s\n", rec.CID)
		}
		if _, err := os.Stdout.WriteString(acks.String()); err != nil {
			return err
		}
		i += n
	}
	fmt.Println("done")
	return s.Close()
}
