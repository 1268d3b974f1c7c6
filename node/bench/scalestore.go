package bench

import (
	"context"
	"fmt"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// storeFigures are what records cost a node that keeps them, measured on
// a real store (desktop profile) and a real sync between two engines.
type storeFigures struct {
	records     int
	meanBytes   float64 // a record's encoding
	diskPerRec  float64 // store folder per record, an empty store's taken off
	keysPerRec  float64 // Badger keys per record
	indexPerRec float64 // bytes of index keys and values per record (all but the record's own key)
	memPerKey   float64 // table index and Bloom filter bytes per key (Badger keeps them in memory)
	prefixes    []prefixFigure
	putRate     float64 // records/s into the store, in batches of 1,000
	openRate    float64 // records/s through protocol.OpenAll (decode, CID, signature) on every core
	syncRate    float64 // records/s through a sync from one peer into an empty store
	syncPerRec  float64 // bytes received per record in that sync
	headBytes   float64 // bytes a sync sends per feed the node holds, when the peers' heads differ
	idleBytes   int64   // bytes a sync with nothing missing sends and receives, in all
	feeds       int     // feeds added to measure headBytes
}

// prefixFigure is one kind of key in the store.
type prefixFigure struct {
	prefix      byte
	keys        int
	keyBytes    int64
	valueBytes  int64
	description string
}

// keyKinds names the store's key prefixes (storage/keys.go).
var keyKinds = map[byte]string{
	'r': "record", 'f': "feed entry", 'h': "feed head", 'u': "batch use", 'c': "receipt of a transfer",
	'k': "correction", 't': "transfer to an organisation", 'l': "lot code", 'y': "record by type and author",
	'd': "delegation", 'e': "endorsement", 'v': "revocation of a key", 'w': "revocation of a record",
	'n': "counter", 'm': "meta", 'x': "fork member", 'q': "draft", 'p': "pending",
}

// measureStore puts n filler records into a real store and syncs them to
// an empty node, and measures what they cost.
func measureStore(ctx context.Context, r *run, n, feeds int) (*storeFigures, error) {
	f := &storeFigures{records: n, feeds: feeds}
	var recs []protocol.Signed
	if err := filler(ctx, r, "scale", "scale-store", n, func(rs []protocol.Signed) error {
		recs = append(recs, rs...)
		return nil
	}); err != nil {
		return nil, err
	}
	var total int64
	datas := make([][]byte, len(recs))
	for i, rec := range recs {
		total += int64(len(rec.Bytes))
		datas[i] = rec.Bytes
	}
	f.meanBytes = float64(total) / float64(n)

	start := time.Now()
	_, errs := protocol.OpenAll(datas)
	f.openRate = float64(n) / time.Since(start).Seconds()
	for _, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("open a filler record: %w", err)
		}
	}

	emptyDir, err := r.subdir("scale-empty")
	if err != nil {
		return nil, err
	}
	st, err := storage.Open(emptyDir, storage.Options{GCInterval: -1})
	if err != nil {
		return nil, err
	}
	if err := st.Close(); err != nil {
		return nil, err
	}
	empty, err := dirBytes(emptyDir)
	if err != nil {
		return nil, err
	}

	dir, err := r.subdir("scale-store")
	if err != nil {
		return nil, err
	}
	if st, err = storage.Open(dir, storage.Options{GCInterval: -1}); err != nil {
		return nil, err
	}
	start = time.Now()
	err = putAll(ctx, st, recs)
	f.putRate = float64(n) / time.Since(start).Seconds()
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	full, err := dirBytes(dir)
	if err != nil {
		return nil, err
	}
	f.diskPerRec = float64(full-empty) / float64(n)
	if err := f.readKeys(dir); err != nil {
		return nil, err
	}

	r.say("scale", "syncing %s records into an empty node", count(n))
	src, dst, err := startPair(ctx, r, "scale-sync")
	if err != nil {
		return nil, err
	}
	defer src.close()
	defer dst.close()
	if err := putAll(ctx, src.st, recs); err != nil {
		return nil, err
	}
	if err := dst.connect(ctx, src); err != nil {
		return nil, err
	}
	start = time.Now()
	ss, err := dst.e.SyncWith(ctx, src.e.ID())
	took := time.Since(start)
	if err != nil {
		return nil, err
	}
	if ss.Added != n {
		return nil, fmt.Errorf("the sync added %d of %d records", ss.Added, n)
	}
	f.syncRate, f.syncPerRec = float64(n)/took.Seconds(), float64(ss.BytesIn)/float64(n)

	// A sync with nothing missing sends a digest of the heads (sync
	// 1.1.0), whatever the feeds held; one where the peer holds anything
	// more sends every head, so it grows with the feeds held: sync once
	// with one record new on the peer, add feeds of one record each to
	// both nodes, and sync again with another record new.
	one := oneRecordFeeds(feeds + 2)
	newer := func(rec protocol.Signed) (SyncStatsBytes int64, err error) {
		if err := putAll(ctx, src.st, []protocol.Signed{rec}); err != nil {
			return 0, err
		}
		st, err := dst.e.SyncWith(ctx, src.e.ID())
		if err == nil && st.Added != 1 {
			err = fmt.Errorf("a sync with one record new added %d", st.Added)
		}
		return st.BytesOut, err
	}
	before, err := newer(one[feeds])
	if err != nil {
		return nil, err
	}
	if err := both(func() error { return putAll(ctx, src.st, one[:feeds]) }, func() error { return putAll(ctx, dst.st, one[:feeds]) }); err != nil {
		return nil, err
	}
	after, err := newer(one[feeds+1])
	if err != nil {
		return nil, err
	}
	f.headBytes = float64(after-before) / float64(feeds)
	idle, err := dst.e.SyncWith(ctx, src.e.ID())
	if err != nil {
		return nil, err
	}
	if idle.Added != 0 {
		return nil, fmt.Errorf("a sync with nothing missing added %d records", idle.Added)
	}
	f.idleBytes = idle.BytesIn + idle.BytesOut
	return f, nil
}

// readKeys opens the closed store with Badger alone, read-only, and counts
// its keys by kind and the memory Badger keeps for its tables' indexes.
func (f *storeFigures) readKeys(dir string) error {
	db, err := badger.Open(badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil).WithMetricsEnabled(false))
	if err != nil {
		return fmt.Errorf("open the store read-only: %w", err)
	}
	defer db.Close()
	by := map[byte]*prefixFigure{}
	err = db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			k := item.Key()
			if len(k) == 0 {
				continue
			}
			p := by[k[0]]
			if p == nil {
				p = &prefixFigure{prefix: k[0], description: keyKinds[k[0]]}
				by[k[0]] = p
			}
			p.keys++
			p.keyBytes += int64(len(k))
			p.valueBytes += item.ValueSize()
		}
		return nil
	})
	if err != nil {
		return err
	}
	keys, index := 0, int64(0)
	for _, p := range by {
		keys += p.keys
		if p.prefix != 'r' {
			index += p.keyBytes + p.valueBytes
		}
		f.prefixes = append(f.prefixes, *p)
	}
	slices.SortFunc(f.prefixes, func(a, b prefixFigure) int { return b.keys - a.keys })
	f.keysPerRec = float64(keys) / float64(f.records)
	f.indexPerRec = float64(index) / float64(f.records)
	var mem, tableKeys int64
	for _, t := range db.Tables() {
		mem += int64(t.IndexSz + t.BloomFilterSize)
		tableKeys += int64(t.KeyCount)
	}
	if tableKeys > 0 {
		f.memPerKey = float64(mem) / float64(tableKeys)
	}
	return nil
}

// dirBytes is the size of the files under dir.
func dirBytes(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		total += info.Size()
		return nil
	})
	return total, err
}

// oneRecordFeeds returns n feeds of one harvest each.
func oneRecordFeeds(n int) []protocol.Signed {
	place := protocol.ComputeCID([]byte("jejak bench scale place"))
	at := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli()
	out := make([]protocol.Signed, n)
	for i := range n {
		rec := &protocol.Record{Seq: 1, Time: at, Body: &protocol.Origin{Places: []protocol.CID{place}, From: at - 86_400_000, Until: at,
			Out: []protocol.Output{{Product: scenario.FFB, Qty: protocol.Q(4, protocol.TNE)}}}}
		s, err := protocol.Seal(rec, scenario.Key(fmt.Sprintf("bench/scale/feed-%d", i)))
		if err != nil {
			panic(err) // a fixed, valid record
		}
		out[i] = s
	}
	return out
}

// fetchFigures are what verifying a batch costs a node that holds only the
// trust records and fetches the rest from a peer that holds everything, as
// the node does today (provenance.Verify with the engine's Fetch: one
// record a request, one peer after another).
type fetchFigures struct {
	ancestry             int // records of the trace, on the full peer
	fetched, missing     int
	verdict, fullVerdict provenance.Verdict
	failed               []string // the checks that failed, with their first reason
	took, fullTook       time.Duration
	trust                int // trust records the node held
	// A revoked device's batch on the full peer and on a node that lacks
	// only the revocation (and may fetch).
	revokedFull, revokedLight provenance.Verdict
}

// measureFetch verifies a bulk ancestry of about n records on a node that
// holds only its trust records, fetching from a full peer on 127.0.0.1.
func measureFetch(ctx context.Context, r *run, n int) (*fetchFigures, error) {
	a := scenario.Ancestry(n)
	full, light, err := startPair(ctx, r, "scale-fetch")
	if err != nil {
		return nil, err
	}
	defer full.close()
	defer light.close()
	var trust []protocol.Signed
	for _, rec := range a.Records {
		switch rec.Type() {
		case protocol.TypeOrg, protocol.TypeDevice, protocol.TypeEndorse, protocol.TypeRevoke:
			trust = append(trust, rec)
		}
	}
	if err := putAll(ctx, full.st, a.Records); err != nil {
		return nil, err
	}
	if err := putAll(ctx, light.st, trust); err != nil {
		return nil, err
	}
	if err := light.connect(ctx, full); err != nil {
		return nil, err
	}
	f := &fetchFigures{trust: len(trust)}
	opts := provenance.Options{Anchors: a.Anchors, SkipSignatures: true, MaxRecords: 1_000_000}
	start := time.Now()
	rep, err := verifyOver(ctx, full.st, a.Batch, opts)
	if err != nil {
		return nil, err
	}
	f.fullTook, f.fullVerdict, f.ancestry = time.Since(start), rep.Verdict, rep.Stats.Records
	opts.Fetch = light.e.Fetch
	start = time.Now()
	rep, err = verifyOver(ctx, light.st, a.Batch, opts)
	if err != nil {
		return nil, err
	}
	f.took, f.verdict = time.Since(start), rep.Verdict
	f.fetched, f.missing = rep.Stats.Fetched, rep.Stats.Missing
	for _, c := range rep.Checks {
		if c.Status != provenance.Fail {
			continue
		}
		why := c.Name
		for _, re := range c.Reasons {
			if re.Level == provenance.LevelFail {
				why += " (" + re.Code + ")"
				break
			}
		}
		f.failed = append(f.failed, why)
	}
	if f.fullVerdict != provenance.Trusted {
		return nil, fmt.Errorf("the full peer's verdict is %s, want trusted", f.fullVerdict)
	}

	// A revocation is found by looking up the key it names, never by
	// following a CID: a node that lacks it cannot know to fetch it.
	rv := scenario.RevokedDevice()
	var notRevoked []protocol.Signed
	for _, rec := range rv.Records {
		if rec.Type() != protocol.TypeRevoke {
			notRevoked = append(notRevoked, rec)
		}
	}
	if err := putAll(ctx, full.st, rv.Records); err != nil {
		return nil, err
	}
	if err := putAll(ctx, light.st, notRevoked); err != nil {
		return nil, err
	}
	ropts := provenance.Options{Anchors: rv.Anchors, SkipSignatures: true}
	if rep, err = verifyOver(ctx, full.st, rv.Batch, ropts); err != nil {
		return nil, err
	}
	f.revokedFull = rep.Verdict
	ropts.Fetch = light.e.Fetch
	if rep, err = verifyOver(ctx, light.st, rv.Batch, ropts); err != nil {
		return nil, err
	}
	f.revokedLight = rep.Verdict
	return f, nil
}

// failedChecks says which checks failed.
func (f *fetchFigures) failedChecks() string {
	if len(f.failed) == 0 {
		return "none"
	}
	return strings.Join(f.failed, ", ")
}
