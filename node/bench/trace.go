package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// traceSize is one store the trace scenario builds, and the ancestries it
// verifies in it.
type traceSize struct {
	records    int
	ancestries []int
}

func traceSizes(quick bool) []traceSize {
	if quick {
		return []traceSize{{10_000, []int{100, 1_000}}}
	}
	return []traceSize{
		{10_000, []int{100, 1_000}},
		{1_000_000, []int{100, 1_000, 10_000, 100_000}},
	}
}

// warmRuns is how many verifications after the first one give the warm
// figure (their median).
const warmRuns = 3

// runTrace verifies bulk ancestries (scenario.Ancestry) held in real
// stores padded with unrelated supply chains (scenario.Filler), as the node
// verifies (node.Source, signatures skipped: the store holds only records
// protocol.Open accepted), beside two baselines over the same graph: a
// breadth-first walk of its edges stored as bare Badger keys, and
// PostgreSQL walking it with WITH RECURSIVE and returning the records'
// bytes. Cold is the first verification after opening the store (for
// PostgreSQL, the first query after restarting the server); the operating
// system's page cache stays warm for all three alike.
func runTrace(ctx context.Context, r *run, s *Scenario) error {
	pg, pgErr := startPostgres(ctx, r)
	if pgErr != nil {
		r.say("trace", "PostgreSQL baseline unavailable: %v", pgErr)
	} else {
		defer pg.stop()
	}
	t := &Table{
		Title: "Per ancestor: the time of one verification (or walk) divided by the records it reached. " +
			"Cold: the first after opening the store; warm: the median of the next three.",
		Columns: []string{"store", "ancestors", "Jejak cold", "Jejak warm", "Badger keys cold", "Badger keys warm",
			"PostgreSQL cold", "PostgreSQL warm", "Jejak / PostgreSQL cold (target ≤ 1)"},
	}
	s.Tables = append(s.Tables, t)
	colds := map[[2]int]float64{}
	sizes := traceSizes(r.cfg.Quick)
	for _, size := range sizes {
		if err := traceOne(ctx, r, size, pg, t, colds); err != nil {
			return err
		}
	}
	if len(sizes) > 1 {
		small, big := sizes[0].records, sizes[len(sizes)-1].records
		g := &Table{
			Title:   fmt.Sprintf("Growth with the ancestry, not the store: Jejak cold per ancestor for the same ancestry in the store of %s and of %s", count(big), count(small)),
			Columns: []string{"ancestors", "store " + count(small), "store " + count(big), "ratio"},
		}
		for _, n := range sizes[0].ancestries {
			a, okA := colds[[2]int{small, n}]
			b, okB := colds[[2]int{big, n}]
			if okA && okB {
				g.add(count(n), fmt.Sprintf("%.2f µs", a), fmt.Sprintf("%.2f µs", b), ratio(b, a))
			}
		}
		s.Tables = append(s.Tables, g)
	}
	s.Notes = append(s.Notes,
		"Jejak: provenance.Verify over the real store (desktop profile) through node.Source, all nine checks, signatures skipped as the node skips them; ancestors = the records in its trace (Report.Stats.Records), which the walks in brackets must equal: both baselines reach the same records.",
		"Badger keys: one key per edge (child CID ‖ parent CID) in a bare Badger database, walked breadth-first with key-only iteration: no values, no decoding. The floor any store over Badger pays.",
		"PostgreSQL: records(cid bytea primary key, data bytea) and edges(child, parent) indexed on (child, parent); WITH RECURSIVE … UNION from the batch's record, joined to records, every row's bytes read by the client over a Unix socket.",
		"Edges: a process to the producers of its inputs and back, a batch's producer to its transfers and back, a transfer to its receipts and back, a harvest to its places: what verification follows.",
	)
	if pgErr != nil {
		return fmt.Errorf("the PostgreSQL baseline could not run: %w", pgErr)
	}
	return nil
}

// traceOne builds one store and measures its ancestries.
// colds gets the cold µs per ancestor of each (store, ancestry) size.
func traceOne(ctx context.Context, r *run, size traceSize, pg *postgres, t *Table, colds map[[2]int]float64) error {
	storeDir, err := r.subdir("trace-store")
	if err != nil {
		return err
	}
	floorDir, err := r.subdir("trace-floor")
	if err != nil {
		return err
	}
	st, err := storage.Open(storeDir, storage.Options{GCInterval: -1})
	if err != nil {
		return err
	}
	defer func() {
		if st != nil {
			st.Close()
		}
	}()
	fl, err := openFloor(floorDir)
	if err != nil {
		return err
	}
	defer func() {
		if fl != nil {
			fl.close()
		}
	}()
	if pg != nil {
		if err := pg.reset(ctx); err != nil {
			return err
		}
	}
	put := func(recs []protocol.Signed) error {
		if err := putAll(ctx, st, recs); err != nil {
			return err
		}
		edges := edgesOf(recs)
		if err := fl.add(edges); err != nil {
			return err
		}
		if pg != nil {
			return pg.load(ctx, recs, edges)
		}
		return nil
	}
	held := 0
	var built []*scenario.Scenario
	for _, n := range size.ancestries {
		r.say("trace", "signing an ancestry of %s records", count(n))
		a := scenario.Ancestry(n)
		if err := put(a.Records); err != nil {
			return err
		}
		held += len(a.Records)
		built = append(built, a)
	}
	const chunk = 20_000
	for i := 0; held < size.records; i++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		recs := scenario.Filler(fmt.Sprintf("trace-%d-%d", size.records, i), min(chunk, size.records-held))
		if err := put(recs); err != nil {
			return err
		}
		held += len(recs)
		r.step("trace", fmt.Sprintf("store of %s records: stored", count(size.records)), held, size.records)
	}
	if pg != nil {
		r.say("trace", "indexing PostgreSQL's copy")
		if err := pg.index(ctx); err != nil {
			return err
		}
	}
	if err := st.Close(); err != nil {
		return err
	}
	st = nil
	if err := fl.close(); err != nil {
		return err
	}
	fl = nil
	for i, a := range built {
		r.say("trace", "verifying the ancestry of %s in the store of %s", count(len(a.Records)), count(size.records))
		row, cold, err := traceMeasure(ctx, storeDir, floorDir, pg, a)
		if err != nil {
			return fmt.Errorf("ancestry of %d records in the store of %d: %w", len(a.Records), size.records, err)
		}
		t.add(append([]string{count(size.records)}, row...)...)
		colds[[2]int{size.records, size.ancestries[i]}] = cold
	}
	return nil
}

// traceMeasure verifies one ancestry cold and warm, and walks it in both
// baselines.
func traceMeasure(ctx context.Context, storeDir, floorDir string, pg *postgres, a *scenario.Scenario) ([]string, float64, error) {
	st, err := storage.Open(storeDir, storage.Options{GCInterval: -1})
	if err != nil {
		return nil, 0, err
	}
	defer st.Close()
	opts := provenance.Options{Anchors: a.Anchors, SkipSignatures: true, MaxRecords: 1_000_000}
	var times []time.Duration
	reached := 0
	for i := range 1 + warmRuns {
		start := time.Now()
		rep, err := verifyOver(ctx, st, a.Batch, opts)
		times = append(times, time.Since(start))
		if err != nil {
			return nil, 0, err
		}
		if rep.Verdict != provenance.Trusted {
			return nil, 0, fmt.Errorf("verdict %s, want trusted:\n%s", rep.Verdict, rep.Text())
		}
		if i == 0 {
			reached = rep.Stats.Records
		}
	}
	jCold, jWarm := times[0], median(times[1:])

	fl, err := openFloor(floorDir)
	if err != nil {
		return nil, 0, err
	}
	defer fl.close()
	times = times[:0]
	walked := 0
	for range 1 + warmRuns {
		start := time.Now()
		n, err := fl.walk(a.Batch.Record)
		times = append(times, time.Since(start))
		if err != nil {
			return nil, 0, err
		}
		walked = n
	}
	fCold, fWarm := times[0], median(times[1:])

	pgCold, pgWarm, pgRows := time.Duration(0), time.Duration(0), 0
	if pg != nil {
		if err := pg.restart(ctx); err != nil {
			return nil, 0, err
		}
		times = times[:0]
		for range 1 + warmRuns {
			start := time.Now()
			n, err := pg.walk(ctx, a.Batch.Record)
			times = append(times, time.Since(start))
			if err != nil {
				return nil, 0, err
			}
			pgRows = n
		}
		pgCold, pgWarm = times[0], median(times[1:])
		if pgRows != walked {
			return nil, 0, fmt.Errorf("PostgreSQL reached %d records and the Badger walk %d: the baselines disagree", pgRows, walked)
		}
	}
	row := []string{
		fmt.Sprintf("%s (walks: %s)", count(reached), count(walked)),
		perEach(jCold, reached), perEach(jWarm, reached),
		perEach(fCold, walked), perEach(fWarm, walked),
		"–", "–", "–",
	}
	if pg != nil {
		row[5], row[6] = perEach(pgCold, pgRows), perEach(pgWarm, pgRows)
		row[7] = ratio(float64(jCold)/float64(reached), float64(pgCold)/float64(pgRows))
	}
	return row, float64(jCold.Nanoseconds()) / float64(reached) / 1000, nil
}

// verifyOver verifies batch over st as the node does.
func verifyOver(ctx context.Context, st storage.Store, batch protocol.BatchID, opts provenance.Options) (*provenance.Report, error) {
	src, stop := node.Source(st)
	defer stop()
	return provenance.Verify(ctx, src, batch, opts)
}

// edge is one step a verification takes from a record to another.
type edge struct{ from, to protocol.CID }

// edgesOf returns the edges of recs (see runTrace's notes).
func edgesOf(recs []protocol.Signed) []edge {
	var out []edge
	both := func(a, b protocol.CID) { out = append(out, edge{a, b}, edge{b, a}) }
	for _, rec := range recs {
		switch b := rec.Body.(type) {
		case *protocol.Process:
			for _, in := range b.In {
				both(rec.CID, in.Batch.Record)
			}
		case *protocol.Transfer:
			both(rec.CID, b.Batch.Record)
		case *protocol.Receive:
			both(rec.CID, b.Transfer)
		case *protocol.Origin:
			for _, p := range b.Places {
				out = append(out, edge{rec.CID, p})
			}
		}
	}
	return out
}

// errNoBaseline says a baseline is not installed.
var errNoBaseline = errors.New("not installed")
