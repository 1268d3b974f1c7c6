package fake

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// orgOfLocked returns the organisation a key writes for: the organisation
// that delegated it, or the key itself.
func (s *Service) orgOfLocked(k protocol.PublicKey) protocol.PublicKey {
	for _, r := range s.recs {
		if d, ok := r.Body.(*protocol.Device); ok && d.Key == k {
			return r.Author
		}
	}
	return k
}

func (s *Service) orgNameLocked(k protocol.PublicKey) string {
	name := ""
	for _, r := range s.recs {
		if o, ok := r.Body.(*protocol.Org); ok && r.Author == k {
			name = o.Name
		}
	}
	return name
}

func (s *Service) mineLocked(author protocol.PublicKey) bool {
	return !s.orgKey.IsZero() && s.orgOfLocked(author) == s.orgKey.Public()
}

func (s *Service) recordLocked(c protocol.CID) (protocol.Signed, bool) {
	i := slices.IndexFunc(s.recs, func(r protocol.Signed) bool { return r.CID == c })
	if i < 0 {
		return protocol.Signed{}, false
	}
	return s.recs[i], true
}

// outputOf returns the output a batch ID names.
func outputOf(r protocol.Signed, i uint32) (protocol.Output, bool) {
	var out []protocol.Output
	switch b := r.Body.(type) {
	case *protocol.Origin:
		out = b.Out
	case *protocol.Process:
		out = b.Out
	}
	if int(i) >= len(out) {
		return protocol.Output{}, false
	}
	return out[i], true
}

// batchesLocked derives this organisation's batches from the records.
func (s *Service) batchesLocked() []api.Batch {
	if s.orgKey.IsZero() {
		return nil
	}
	var list []api.Batch
	index := map[protocol.BatchID]int{}
	addBatch := func(id protocol.BatchID, held protocol.Quantity, received bool) {
		if i, ok := index[id]; ok {
			list[i].Held.Milli += held.Milli
			return
		}
		r, ok := s.recordLocked(id.Record)
		if !ok {
			return
		}
		out, ok := outputOf(r, id.Index)
		if !ok {
			return
		}
		maker := s.orgOfLocked(r.Author)
		index[id] = len(list)
		list = append(list, api.Batch{ID: id, Product: out.Product, Qty: out.Qty, Held: held, Lot: out.Lot,
			Claim: out.Claim, Made: time.UnixMilli(r.Time), Maker: maker, MakeName: s.orgNameLocked(maker), Received: received})
	}
	for _, r := range s.recs {
		switch b := r.Body.(type) {
		case *protocol.Origin:
			if s.mineLocked(r.Author) {
				for i, o := range b.Out {
					addBatch(protocol.BatchID{Record: r.CID, Index: uint32(i)}, o.Qty, false)
				}
			}
		case *protocol.Process:
			if s.mineLocked(r.Author) {
				for i, o := range b.Out {
					addBatch(protocol.BatchID{Record: r.CID, Index: uint32(i)}, o.Qty, false)
				}
			}
		case *protocol.Receive:
			if t, ok := s.recordLocked(b.Transfer); ok && s.mineLocked(r.Author) {
				if tb, ok := t.Body.(*protocol.Transfer); ok {
					addBatch(tb.Batch, b.Qty, true)
				}
			}
		}
	}
	for i := range list {
		b := &list[i]
		b.Left = b.Held
		for _, r := range s.recs {
			var q protocol.Quantity
			use := api.BatchUse{Record: r.CID, Type: r.Type(), Time: time.UnixMilli(r.Time), Mine: s.mineLocked(r.Author)}
			switch body := r.Body.(type) {
			case *protocol.Process:
				j := slices.IndexFunc(body.In, func(in protocol.Input) bool { return in.Batch == b.ID })
				if j < 0 {
					continue
				}
				q = body.In[j].Qty
			case *protocol.Transfer:
				if body.Batch != b.ID {
					continue
				}
				q = body.Qty
				use.To, use.ToName = body.To, s.orgNameLocked(body.To)
			default:
				continue
			}
			use.Qty = q
			b.Uses = append(b.Uses, use)
			if use.Mine && q.Unit == b.Left.Unit {
				b.Left.Milli -= q.Milli
			}
		}
	}
	slices.SortStableFunc(list, func(a, b api.Batch) int { return b.Made.Compare(a.Made) })
	return list
}

// Batches implements api.App.
func (s *Service) Batches(ctx context.Context, f api.BatchFilter) ([]api.Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []api.Batch
	text := strings.ToLower(strings.TrimSpace(f.Text))
	for _, b := range s.batchesLocked() {
		switch {
		case f.Made && !f.Received && b.Received, f.Received && !f.Made && !b.Received:
			continue
		case !f.Since.IsZero() && b.Made.Before(f.Since), f.Held && b.Left.Milli <= 0:
			continue
		case text != "" && !strings.Contains(strings.ToLower(b.Lot+"\n"+b.Product+"\n"+b.ID.String()), text):
			continue
		}
		out = append(out, b)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	return out[:min(len(out), limit)], nil
}

// Batch implements api.App.
func (s *Service) Batch(ctx context.Context, id protocol.BatchID) (api.Batch, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, b := range s.batchesLocked() {
		if b.ID == id {
			return b, nil
		}
	}
	return api.Batch{}, api.E("batch "+id.String(), api.ErrNotFound, errors.New("not a batch of this organisation"))
}

// Incoming implements api.App.
func (s *Service) Incoming(ctx context.Context) ([]api.Incoming, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.orgKey.IsZero() {
		return nil, nil
	}
	me := s.orgKey.Public()
	var out []api.Incoming
	for _, r := range s.recs {
		t, ok := r.Body.(*protocol.Transfer)
		if !ok || t.To != me {
			continue
		}
		received := slices.ContainsFunc(s.recs, func(x protocol.Signed) bool {
			rc, ok := x.Body.(*protocol.Receive)
			return ok && rc.Transfer == r.CID && s.mineLocked(x.Author)
		})
		if received {
			continue
		}
		in := api.Incoming{Transfer: r.CID, Batch: t.Batch, Qty: t.Qty, Time: time.UnixMilli(r.Time), Docs: t.Docs}
		in.From = s.orgOfLocked(r.Author)
		in.FromName = s.orgNameLocked(in.From)
		if p, ok := s.recordLocked(t.Batch.Record); ok {
			if o, ok := outputOf(p, t.Batch.Index); ok {
				in.Product = o.Product
			}
		}
		out = append(out, in)
	}
	return out, nil
}

// Orgs implements api.App.
func (s *Service) Orgs(ctx context.Context) ([]api.Org, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	byKey := map[protocol.PublicKey]api.Org{}
	for _, r := range s.recs {
		switch b := r.Body.(type) {
		case *protocol.Org:
			o := byKey[r.Author]
			o.Key, o.Name, o.Roles, o.Country = r.Author, b.Name, b.Roles, b.Country
			byKey[r.Author] = o
		}
	}
	trusted := s.trustedLocked()
	for _, r := range s.recs {
		if e, ok := r.Body.(*protocol.Endorse); ok && trusted[r.Author] {
			if o, ok := byKey[e.Org]; ok {
				o.Endorsed = true
				byKey[e.Org] = o
			}
		}
	}
	var out []api.Org
	for _, o := range byKey {
		out = append(out, o)
	}
	slices.SortFunc(out, func(a, b api.Org) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Places implements api.App.
func (s *Service) Places(ctx context.Context) ([]api.Place, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []api.Place
	for _, r := range s.recs {
		if p, ok := r.Body.(*protocol.Place); ok && s.mineLocked(r.Author) {
			out = append(out, api.Place{Record: r.CID, Place: *p, Time: time.UnixMilli(r.Time)})
		}
	}
	return out, nil
}

// trustedLocked returns the anchors and the certifiers they endorse, and
// so on down the chain.
func (s *Service) trustedLocked() map[protocol.PublicKey]bool {
	t := map[protocol.PublicKey]bool{}
	for _, a := range s.anchors {
		t[a.Key] = true
	}
	for grown := true; grown; {
		grown = false
		for _, r := range s.recs {
			if e, ok := r.Body.(*protocol.Endorse); ok && t[r.Author] && e.Role == protocol.RoleCertifier && !t[e.Org] {
				t[e.Org], grown = true, true
			}
		}
	}
	return t
}
