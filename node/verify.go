package node

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

// storeSource lets provenance read a node's store. With corr set it reads
// the store's corrections in one scan the first time provenance asks for
// any (one verification asks for every record's), and answers from them.
type storeSource struct {
	s    storage.Store
	corr *corrections
}

// forVerify is a source for one verification, reading ahead (see
// readAhead); stop it when the verification is done.
func forVerify(s storage.Store) (provenance.Source, func()) {
	src := storeSource{s: s}
	if all, ok := s.(interface {
		AllCorrections(context.Context, int64) (map[protocol.CID][]protocol.CID, bool, error)
	}); ok {
		src.corr = &corrections{all: all.AllCorrections}
	}
	return newReadAhead(src)
}

// maxCorrections bounds the corrections a verification reads at once (a
// few MiB); a store with more is asked record by record.
var maxCorrections int64 = 20_000

// corrections are a store's correction index, read once.
type corrections struct {
	all  func(context.Context, int64) (map[protocol.CID][]protocol.CID, bool, error)
	once sync.Once
	m    map[protocol.CID][]protocol.CID // nil: ask the store
	err  error
}

func (s storeSource) corrections(ctx context.Context, c protocol.CID) ([]protocol.CID, error) {
	if s.corr == nil {
		return s.s.Corrections(ctx, c)
	}
	s.corr.once.Do(func() {
		m, ok, err := s.corr.all(ctx, maxCorrections)
		if ok {
			s.corr.m = m
		}
		s.corr.err = err
	})
	if s.corr.err != nil {
		return nil, s.corr.err
	}
	if s.corr.m == nil {
		return s.s.Corrections(ctx, c)
	}
	return s.corr.m[c], nil
}

var _ provenance.Source = storeSource{}

func (s storeSource) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	rec, err := s.s.Get(ctx, c)
	if errors.Is(err, storage.ErrNotFound) {
		return protocol.Signed{}, fmt.Errorf("%w: %v", provenance.ErrNotFound, err)
	}
	return rec, err
}

func (s storeSource) Uses(ctx context.Context, b protocol.BatchID) ([]provenance.Use, error) {
	uses, err := s.s.Uses(ctx, b)
	if err != nil {
		return nil, err
	}
	out := make([]provenance.Use, len(uses))
	for i, u := range uses {
		out[i] = provenance.Use{Record: u.Record, Type: u.Type, Author: u.Author, Qty: u.Qty}
	}
	return out, nil
}

func (s storeSource) Referrers(ctx context.Context, c protocol.CID, t protocol.Type) ([]protocol.CID, error) {
	switch t {
	case protocol.TypeReceive:
		return s.s.Receipts(ctx, c)
	case protocol.TypeCorrect:
		return s.corrections(ctx, c)
	case protocol.TypeRevoke:
		return s.s.RevocationsOfRecord(ctx, c)
	}
	return nil, nil
}

func (s storeSource) KeyRecords(ctx context.Context, k protocol.PublicKey, t protocol.Type) ([]protocol.CID, error) {
	switch t {
	case protocol.TypeOrg:
		return s.s.ByType(ctx, protocol.TypeOrg, k)
	case protocol.TypeDevice:
		return s.s.Delegations(ctx, k)
	case protocol.TypeEndorse:
		return s.s.Endorsements(ctx, k)
	case protocol.TypeRevoke:
		return s.s.RevocationsOfKey(ctx, k)
	}
	return nil, nil
}

func (s storeSource) Forks(ctx context.Context, author protocol.PublicKey) ([]provenance.Fork, error) {
	forks, err := s.s.Forks(ctx, author)
	if err != nil {
		return nil, err
	}
	out := make([]provenance.Fork, len(forks))
	for i, f := range forks {
		out[i] = provenance.Fork{Author: f.Author, Seq: f.Seq, CIDs: f.CIDs}
	}
	return out, nil
}

// notFound says a batch could not be found here or at the peers asked.
func notFound(batch protocol.BatchID, asked []string) error {
	where := "this computer does not hold it and no peer was connected to ask"
	if len(asked) > 0 {
		short := make([]string, len(asked))
		for i, p := range asked {
			short[i] = p
			if len(p) > 8 {
				short[i] = "…" + p[len(p)-6:]
			}
		}
		where = fmt.Sprintf("neither this computer nor the %d peers asked (%s) hold it", len(asked), strings.Join(short, ", "))
	}
	return fmt.Errorf("batch %s was not found: %s. Either its maker's computer is offline (try again when it is online), or the ID was mistyped (a batch ID has no check digit: compare it with the label)", batch, where)
}

const boundsFile = "bounds.json"

// bounds returns the conversion-bounds table: the data folder's bounds.json
// when there is one, else the one shipped with Jejak (nil).
func (n *Node) bounds() (*provenance.Table, error) {
	if n.cfg.DataDir == "" {
		return nil, nil
	}
	path := filepath.Join(n.cfg.DataDir, boundsFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	t, err := provenance.ParseTable(data)
	if err != nil {
		return nil, fmt.Errorf("%w (in %s)", err, path)
	}
	return t, nil
}

// Verify implements api.App. The conversion-bounds table is the one shipped
// with Jejak unless the data folder holds a bounds.json, which replaces it.
func (n *Node) Verify(ctx context.Context, r api.VerifyRequest) (*provenance.Report, error) {
	rep, _, err := n.verify(ctx, r, false)
	return rep, err
}

// Evidence implements api.App.
func (n *Node) Evidence(ctx context.Context, r api.VerifyRequest) (*api.Evidence, error) {
	rep, recs, err := n.verify(ctx, r, true)
	if err != nil {
		return nil, err
	}
	maker := "node " + n.PeerID()
	if dev, _ := n.id.keys(); !dev.IsZero() {
		bk := n.book(ctx)
		if org, ok := bk.OrgOf(dev.Public()); ok {
			maker = bk.OrgName(org)
		}
	}
	return &api.Evidence{Report: rep, Records: recs, Network: n.cfg.Net.Network, Maker: maker}, nil
}

// ImportRecords implements api.App.
func (n *Node) ImportRecords(ctx context.Context, records [][]byte) (api.ImportResult, error) {
	op := fmt.Sprintf("import %d records", len(records))
	if n.closed() {
		return api.ImportResult{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	res, err := n.net.Take(ctx, records)
	var te *p2p.TakeError
	if errors.As(err, &te) {
		return api.ImportResult{}, api.E(op, api.ErrInvalid, fmt.Errorf("%w; nothing was imported", te))
	}
	if err != nil {
		return api.ImportResult{}, storeError(op, err)
	}
	return api.ImportResult(res), nil
}

// verify verifies r.Batch as Verify does and, with evidence, returns the
// records behind the verdict.
func (n *Node) verify(ctx context.Context, r api.VerifyRequest, evidence bool) (*provenance.Report, []protocol.Signed, error) {
	batch := r.Batch
	op := "verify " + batch.String()
	if n.closed() {
		return nil, nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if batch.IsZero() {
		return nil, nil, api.E("verify", api.ErrInvalid, errors.New("no batch ID"))
	}
	a, err := n.anchors()
	if err != nil {
		return nil, nil, api.E(op, api.ErrUnavailable, err)
	}
	opts := provenance.Options{
		Anchors:        a.Keys(),
		Forward:        r.Forward,
		Now:            n.cfg.Now,
		AsOf:           r.AsOf,
		Fetch:          n.net.Fetch,
		SkipSignatures: true, // the store keeps only records protocol.Open accepted
		Disclosures:    n.disclosures(),
	}
	if opts.Bounds, err = n.bounds(); err != nil {
		return nil, nil, api.E(op, api.ErrInvalid, err)
	}
	var rep *provenance.Report
	var recs []protocol.Signed
	src, stop := forVerify(n.store)
	defer stop()
	if evidence {
		rep, recs, err = provenance.VerifyWithEvidence(ctx, src, batch, opts)
	} else {
		rep, err = provenance.Verify(ctx, src, batch, opts)
	}
	if errors.Is(err, provenance.ErrAfterAsOf) {
		return nil, nil, api.E(op, api.ErrNotFound, err)
	}
	if err != nil {
		return nil, nil, storeError(op, err)
	}
	for _, m := range rep.Missing {
		if m.Record == batch.Record {
			// Not a verdict: there is nothing to judge. A batch ID carries
			// no checksum, so a typo looks like a record whose maker is
			// offline; say both.
			return nil, nil, api.E(op, api.ErrNotFound, notFound(batch, m.Asked))
		}
	}
	return rep, recs, nil
}

// Reindex implements api.App.
func (n *Node) Reindex(ctx context.Context, progress func(done, total int64)) error {
	if n.closed() {
		return api.E("reindex", api.ErrUnavailable, errNodeClosed)
	}
	if err := n.store.Reindex(ctx, progress); err != nil {
		return storeError("reindex", err)
	}
	return nil
}

// Check implements api.App.
func (n *Node) Check(ctx context.Context) ([]string, error) {
	if n.closed() {
		return nil, api.E("check", api.ErrUnavailable, errNodeClosed)
	}
	diffs, err := n.store.Check(ctx)
	if err != nil {
		return nil, storeError("check", err)
	}
	return diffs, nil
}

// Source returns s as provenance reads it for one verification: what the
// node verifies over, for tools that verify over a store themselves (the
// benchmarks). Use a new one for each verification, and call stop when it
// is done.
func Source(s storage.Store) (src provenance.Source, stop func()) { return forVerify(s) }
