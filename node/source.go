package node

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

// storeSource lets provenance read a node's store.
type storeSource struct{ s storage.Store }

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
		return s.s.Corrections(ctx, c)
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

// fetchTimeout bounds asking peers for one missing record during Verify.
const fetchTimeout = 5 * time.Second

// fetchMissing asks connected peers, one after another, for a record the
// store lacks. A record a peer sends is verified and stored by fetch.
func (n *Node) fetchMissing(ctx context.Context, c protocol.CID) ([]byte, error) {
	peers := n.syncPeers()
	if len(peers) == 0 {
		return nil, errors.New("no peers to ask")
	}
	for _, p := range peers {
		fctx, cancel := context.WithTimeout(ctx, fetchTimeout)
		recs, err := n.fetch(fctx, p, []protocol.CID{c})
		cancel()
		if err != nil {
			n.log.Debug("verify: fetch", "peer", p, "cid", c, "err", err)
		}
		for _, r := range recs {
			if r.CID == c {
				return r.Bytes, nil
			}
		}
		if rec, err := n.store.Get(ctx, c); err == nil {
			return rec.Bytes, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
	}
	return nil, fmt.Errorf("none of %d peers has it", len(peers))
}

const boundsFile = "bounds.json"

// Verify implements api.App. The conversion-bounds table is the one shipped
// with Jejak unless the data folder holds a bounds.json, which replaces it.
func (n *Node) Verify(ctx context.Context, batch protocol.BatchID, forward bool) (*provenance.Report, error) {
	op := "verify " + batch.String()
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if batch.IsZero() {
		return nil, api.E("verify", api.ErrInvalid, errors.New("no batch ID"))
	}
	a, err := n.anchors()
	if err != nil {
		return nil, api.E(op, api.ErrUnavailable, err)
	}
	opts := provenance.Options{
		Anchors:        a.Keys(),
		Forward:        forward,
		Now:            n.cfg.Now,
		Fetch:          n.fetchMissing,
		SkipSignatures: true, // the store keeps only records protocol.Open accepted
	}
	if n.cfg.DataDir != "" {
		if t, err := provenance.LoadTable(joinData(n.cfg.DataDir, boundsFile)); err == nil {
			opts.Bounds = t
		} else if !isNotExist(err) {
			return nil, api.E(op, api.ErrInvalid, err)
		}
	}
	rep, err := provenance.Verify(ctx, storeSource{n.store}, batch, opts)
	if err != nil {
		return nil, storeError(op, err)
	}
	return rep, nil
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
