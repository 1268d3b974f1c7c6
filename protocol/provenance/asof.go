package provenance

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jejak/jejak/protocol"
)

// asOfSource shows a source as it stood at a moment: the uses, receipts,
// corrections, revocations, delegations, endorsements and profiles
// recorded after it are left out, so verification sees what a buyer could
// have seen then (when a due diligence statement was filed). Records are
// still read by CID whatever their time: an ancestor dated after its
// descendant (a clock set wrong) is part of the story all the same.
type asOfSource struct {
	Source
	at int64 // Unix milliseconds
}

// recordedBy reports whether record c was recorded at or before the
// moment. A record the source cannot read is kept: verification will say
// what is wrong with it.
func (s asOfSource) recordedBy(ctx context.Context, c protocol.CID) (bool, error) {
	r, err := s.Source.Get(ctx, c)
	if errors.Is(err, ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return r.Time <= s.at, nil
}

func (s asOfSource) filter(ctx context.Context, cs []protocol.CID) ([]protocol.CID, error) {
	out := cs[:0:0]
	for _, c := range cs {
		ok, err := s.recordedBy(ctx, c)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, c)
		}
	}
	return out, nil
}

func (s asOfSource) Uses(ctx context.Context, b protocol.BatchID) ([]Use, error) {
	us, err := s.Source.Uses(ctx, b)
	if err != nil {
		return nil, err
	}
	out := us[:0:0]
	for _, u := range us {
		ok, err := s.recordedBy(ctx, u.Record)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, u)
		}
	}
	return out, nil
}

func (s asOfSource) Referrers(ctx context.Context, c protocol.CID, t protocol.Type) ([]protocol.CID, error) {
	cs, err := s.Source.Referrers(ctx, c, t)
	if err != nil {
		return nil, err
	}
	return s.filter(ctx, cs)
}

func (s asOfSource) KeyRecords(ctx context.Context, k protocol.PublicKey, t protocol.Type) ([]protocol.CID, error) {
	cs, err := s.Source.KeyRecords(ctx, k, t)
	if err != nil {
		return nil, err
	}
	return s.filter(ctx, cs)
}

// Forks keeps a fork only while two or more of its records had been
// recorded by the moment.
func (s asOfSource) Forks(ctx context.Context, author protocol.PublicKey) ([]Fork, error) {
	fs, err := s.Source.Forks(ctx, author)
	if err != nil {
		return nil, err
	}
	out := fs[:0:0]
	for _, f := range fs {
		cs, err := s.filter(ctx, f.CIDs)
		if err != nil {
			return nil, err
		}
		if len(cs) >= 2 {
			f.CIDs = cs
			out = append(out, f)
		}
	}
	return out, nil
}

// asOf applies Options.AsOf: the source as it stood then, and "now" then.
// The batch's own record must have existed by then.
func asOf(ctx context.Context, src Source, id protocol.BatchID, opts Options) (Source, Options, error) {
	if opts.AsOf.IsZero() {
		return src, opts, nil
	}
	at := opts.AsOf
	opts.Now = func() time.Time { return at }
	s := asOfSource{Source: src, at: at.UnixMilli()}
	r, err := src.Get(ctx, id.Record)
	if err == nil && r.Time > s.at {
		return nil, opts, fmt.Errorf("provenance: batch %s was recorded on %s, after %s: %w",
			id, time.UnixMilli(r.Time).UTC().Format(time.DateOnly), at.UTC().Format(time.DateOnly), ErrAfterAsOf)
	}
	return s, opts, nil
}

// ErrAfterAsOf is the error of a verification as of a moment before the
// batch existed.
var ErrAfterAsOf = errors.New("the batch did not exist yet")
