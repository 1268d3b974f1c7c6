package bench

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// peerNode is an engine on 127.0.0.1 with a store of its own: no mDNS, no
// DHT, no periodic sync and no sync on connect, so that records move only
// when the scenario says.
type peerNode struct {
	e  *p2p.Engine
	st *storage.Badger
}

// Each of tune, if any, changes the engine's configuration first.
func startPeer(ctx context.Context, r *run, name string, tune ...func(*p2p.Config)) (*peerNode, error) {
	dir, err := r.subdir(name)
	if err != nil {
		return nil, err
	}
	st, err := storage.Open(filepath.Join(dir, "store"), storage.Options{GCInterval: -1})
	if err != nil {
		return nil, err
	}
	cfg := p2p.Config{
		DataDir:         dir,
		Network:         benchNetwork,
		ListenAddrs:     []string{"/ip4/127.0.0.1/tcp/0"},
		SyncInterval:    -1,
		NoSyncOnConnect: true,
		Store:           st,
		Logger:          slog.New(slog.DiscardHandler),
	}
	for _, f := range tune {
		f(&cfg)
	}
	e, err := p2p.New(ctx, cfg)
	if err != nil {
		st.Close()
		return nil, err
	}
	return &peerNode{e, st}, nil
}

// startPair starts the peer a scenario syncs from and the node it measures.
func startPair(ctx context.Context, r *run, name string) (src, dst *peerNode, err error) {
	if src, err = startPeer(ctx, r, name+"-source"); err != nil {
		return nil, nil, err
	}
	if dst, err = startPeer(ctx, r, name+"-measured"); err != nil {
		src.close()
		return nil, nil, err
	}
	return src, dst, nil
}

func (p *peerNode) close() {
	p.e.Close()
	p.st.Close()
}

// connect connects p to q.
func (p *peerNode) connect(ctx context.Context, q *peerNode) error {
	addrs := q.e.Addrs()
	if len(addrs) == 0 {
		return fmt.Errorf("the peer has no address")
	}
	return p.e.Connect(ctx, addrs[0])
}

// putAll stores recs in batches of 1,000.
func putAll(ctx context.Context, st *storage.Badger, recs []protocol.Signed) error {
	for i := 0; i < len(recs); i += 1000 {
		if _, err := st.PutBatch(ctx, recs[i:min(i+1000, len(recs))]); err != nil {
			return err
		}
	}
	return nil
}

// filler returns n records of unrelated chains in chunks of at most
// 20,000, each chunk its own feeds, reporting progress.
func filler(ctx context.Context, r *run, name, seed string, n int, each func([]protocol.Signed) error) error {
	const chunk = 20_000
	for done, i := 0, 0; done < n; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		recs := scenario.Filler(fmt.Sprintf("%s-%d", seed, i), min(chunk, n-done))
		if err := each(recs); err != nil {
			return err
		}
		done += len(recs)
		r.step(name, "signed and stored", done, n)
	}
	return nil
}

// runSync: a node missing d records of its peer's store syncs once; the
// missing records are whole feeds it has never seen. d grows from run to
// run on the same two nodes, so each sync starts from the last.
func runSync(ctx context.Context, r *run, s *Scenario) error {
	base, ds := 890_000, []int{0, 100, 10_000, 100_000}
	if r.cfg.Quick {
		base, ds = 10_000, []int{0, 100, 1_000}
	}
	src, dst, err := startPair(ctx, r, "sync")
	if err != nil {
		return err
	}
	defer src.close()
	defer dst.close()
	r.say("sync", "building two stores of %s records", count(base))
	if err := filler(ctx, r, "sync", "sync-base", base, func(recs []protocol.Signed) error {
		return both(func() error { return putAll(ctx, src.st, recs) }, func() error { return putAll(ctx, dst.st, recs) })
	}); err != nil {
		return err
	}
	if err := dst.connect(ctx, src); err != nil {
		return err
	}
	t := &Table{
		Title:   fmt.Sprintf("Sync once from one peer on 127.0.0.1, pages of %d records; both stores held %s records before the first run.", 500, count(base)),
		Columns: []string{"missing d", "store", "round trips", "bytes received", "bytes sent", "bytes received / missing record's bytes (keep ≤ 1.2)", "time", "records/s"},
	}
	s.Tables = append(s.Tables, t)
	held := base
	for _, d := range ds {
		size, err := missingRecords(ctx, r, src, fmt.Sprintf("sync-missing-%d", d), d)
		if err != nil {
			return err
		}
		held += d
		start := time.Now()
		st, err := dst.e.SyncWith(ctx, src.e.ID())
		took := time.Since(start)
		if err != nil {
			return fmt.Errorf("sync missing %d: %w", d, err)
		}
		if st.Added != d {
			return fmt.Errorf("sync missing %d added %d records", d, st.Added)
		}
		per := "–"
		if size > 0 {
			per = fmt.Sprintf("%.3f", float64(st.BytesIn)/float64(size))
		}
		rate := "–"
		if d > 0 {
			rate = fmt.Sprintf("%.0f", float64(d)/took.Seconds())
		}
		t.add(count(d), count(held), count(st.RoundTrips), count(int(st.BytesIn)), count(int(st.BytesOut)), per, ms(took), rate)
	}
	s.Notes = append(s.Notes,
		"Keep: nothing missing costs one round trip and under 1 KiB; bytes received at most 1.2× the missing records' own bytes.",
		"Bytes sent are the measured node's requests: with nothing missing a digest of its heads (sync 1.1.0), otherwise also the heads of every feed it holds, which grow with the store, not with what is missing. Round trips count the digests' exchange.")
	return nil
}

// missingRecords adds n records to p's store only and returns their size
// in bytes.
func missingRecords(ctx context.Context, r *run, p *peerNode, seed string, n int) (size int, err error) {
	err = filler(ctx, r, "sync", seed, n, func(recs []protocol.Signed) error {
		for _, rec := range recs {
			size += len(rec.Bytes)
		}
		return putAll(ctx, p.st, recs)
	})
	return size, err
}

// both runs f and g at once and returns the first error.
func both(f, g func() error) error {
	var wg sync.WaitGroup
	var ef, eg error
	wg.Add(2)
	go func() { defer wg.Done(); ef = f() }()
	go func() { defer wg.Done(); eg = g() }()
	wg.Wait()
	if ef != nil {
		return ef
	}
	return eg
}

// runIngest: an empty node syncs n records from a peer: every record
// decoded, its CID computed, its signature checked and stored, as sync does
// with every page. Beside it, the bare ZIP-215 verification of the same
// records' signatures on every core, with nothing else: the ceiling.
func runIngest(ctx context.Context, r *run, s *Scenario) error {
	n := 100_000
	if r.cfg.Quick {
		n = 5_000
	}
	src, dst, err := startPair(ctx, r, "ingest")
	if err != nil {
		return err
	}
	defer src.close()
	defer dst.close()
	var recs []protocol.Signed
	if err := filler(ctx, r, "ingest", "ingest", n, func(rs []protocol.Signed) error {
		recs = append(recs, rs...)
		return putAll(ctx, src.st, rs)
	}); err != nil {
		return err
	}
	if err := dst.connect(ctx, src); err != nil {
		return err
	}
	r.say("ingest", "syncing %s records", count(n))
	start := time.Now()
	st, err := dst.e.SyncWith(ctx, src.e.ID())
	took := time.Since(start)
	if err != nil {
		return err
	}
	if st.Added != n {
		return fmt.Errorf("the sync added %d of %d records", st.Added, n)
	}
	syncRate := float64(n) / took.Seconds()

	r.say("ingest", "bare verification of the same %s signatures on %d cores", count(n), runtime.NumCPU())
	bare, err := bareVerifyRate(recs)
	if err != nil {
		return err
	}
	openRatio, err := openVsVerify(recs[:min(len(recs), 2_000)])
	if err != nil {
		return err
	}
	t := &Table{
		Title:   fmt.Sprintf("%s records (mean %d bytes) into an empty node from one peer on 127.0.0.1.", count(n), meanSize(recs)),
		Columns: []string{"measure", "records/s", "ratio"},
	}
	t.add("sync: decode, CID, signature, store", fmt.Sprintf("%.0f", syncRate), ratio(syncRate, bare)+" of bare (target ≥ 0.6)")
	t.add(fmt.Sprintf("bare ZIP-215 verify on %d cores", runtime.NumCPU()), fmt.Sprintf("%.0f", bare), "1")
	t.add("one record's protocol.Open against a bare verify of it, one core, paired", "–", fmt.Sprintf("%.3f× (target ≤ 1.15)", openRatio))
	s.Tables = append(s.Tables, t)
	return nil
}

// bareVerifyRate verifies every record's signature on every core and
// returns records per second. The signed bytes are prepared beforehand.
func bareVerifyRate(recs []protocol.Signed) (float64, error) {
	msgs := make([][]byte, len(recs))
	for i, rec := range recs {
		m, err := rec.SigningBytes()
		if err != nil {
			return 0, err
		}
		msgs[i] = m
	}
	var next, bad atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range runtime.NumCPU() {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(recs) {
					return
				}
				if !recs[i].Author.Verify(msgs[i], recs[i].Sig) {
					bad.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	took := time.Since(start)
	if bad.Load() > 0 {
		return 0, fmt.Errorf("%d signatures did not verify", bad.Load())
	}
	return float64(len(recs)) / took.Seconds(), nil
}

// openVsVerify times protocol.Open of each record right before a bare
// verify of its signature and returns the median of the per-record ratios,
// so that load from elsewhere falls on both alike.
func openVsVerify(recs []protocol.Signed) (float64, error) {
	ratios := make([]time.Duration, 0, len(recs))
	for _, rec := range recs {
		msg, err := rec.SigningBytes()
		if err != nil {
			return 0, err
		}
		start := time.Now()
		if _, err := protocol.Open(rec.Bytes); err != nil {
			return 0, err
		}
		open := time.Since(start)
		start = time.Now()
		if !rec.Author.Verify(msg, rec.Sig) {
			return 0, fmt.Errorf("record %s: the signature does not verify", rec.CID)
		}
		verify := time.Since(start)
		// Kept as a duration in units of 1/1e6 so median applies.
		ratios = append(ratios, time.Duration(float64(open)/float64(verify)*1e6))
	}
	return float64(median(ratios)) / 1e6, nil
}

func meanSize(recs []protocol.Signed) int {
	if len(recs) == 0 {
		return 0
	}
	total := 0
	for _, r := range recs {
		total += len(r.Bytes)
	}
	return total / len(recs)
}
