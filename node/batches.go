package node

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

// The batch views. Every quantity and every "whose is this key" comes from
// a provenance.Book, the rules verification applies; this file only finds
// the candidates through the store's indexes of raw facts (records by
// author and type, transfers to an organisation) and shapes the answers.

// book returns a provenance book over the node's store, for one request.
func (n *Node) book(ctx context.Context) *provenance.Book {
	return provenance.NewBook(ctx, storeSource{s: n.store}, provenance.Options{Now: n.cfg.Now, SkipSignatures: true})
}

// me is this install's organisation and the device keys that sign for it,
// as the book sees them.
type me struct {
	org     protocol.PublicKey
	devices map[protocol.PublicKey]bool
}

// whoAmI returns this install's organisation and its devices: the device
// keys its delegations name that the book agrees belong to it (a key
// delegated earlier by another organisation is not ours), and this
// install's own key.
func (n *Node) whoAmI(ctx context.Context, bk *provenance.Book) (me, error) {
	dev, orgPub := n.id.keys()
	m := me{devices: map[protocol.PublicKey]bool{}}
	if !dev.IsZero() {
		m.devices[dev.Public()] = true
		if orgPub.IsZero() {
			orgPub, _ = bk.OrgOf(dev.Public())
		}
	}
	m.org = orgPub
	if m.org.IsZero() {
		return m, bk.Err()
	}
	cids, err := n.store.ByType(ctx, protocol.TypeDevice, m.org)
	if err != nil {
		return m, err
	}
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return m, err
		}
		k := rec.Body.(*protocol.Device).Key
		if o, ok := bk.OrgOf(k); ok && o == m.org {
			m.devices[k] = true
		}
	}
	return m, bk.Err()
}

// batchOf shapes a holding for the screens.
func batchOf(bk *provenance.Book, h provenance.Holding, org protocol.PublicKey) api.Batch {
	bt := api.Batch{
		ID: h.Batch, Product: h.Output.Product, Qty: h.Output.Qty, Lot: h.Output.Lot, Claim: h.Output.Claim,
		Made: h.Made, Maker: h.Maker, MakerName: bk.OrgName(h.Maker), Received: !h.Producer,
		Held: h.Held, Left: h.Left,
	}
	for _, u := range h.Uses {
		bu := api.BatchUse{Record: u.Record, Type: u.Type, Qty: u.Qty, Time: u.Time, Mine: !org.IsZero() && u.By == org}
		if u.Type == protocol.TypeTransfer {
			bu.To, bu.ToName = u.To, bk.OrgName(u.To)
		}
		bt.Uses = append(bt.Uses, bu)
	}
	return bt
}

// Batches implements api.App.
func (n *Node) Batches(ctx context.Context, f api.BatchFilter) ([]api.Batch, error) {
	const op = "batches"
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 500
	}
	bk := n.book(ctx)
	m, err := n.whoAmI(ctx, bk)
	if err != nil {
		return nil, storeError(op, err)
	}
	text := strings.ToLower(strings.TrimSpace(f.Text))
	var out []api.Batch
	seen := map[protocol.BatchID]bool{}
	add := func(id protocol.BatchID) error {
		h, err := bk.Holding(id, m.org)
		if err != nil {
			return err
		}
		if !h.Known || h.Retracted || seen[h.Batch] {
			return nil // not (yet) in this store, or withdrawn
		}
		seen[h.Batch] = true
		if f.Made && !h.Producer || f.Received && h.Producer && !f.Made {
			return nil
		}
		bt := batchOf(bk, h, m.org)
		if !f.Since.IsZero() && bt.Made.Before(f.Since) || f.Held && bt.Left.Milli <= 0 {
			return nil
		}
		if text != "" && !strings.Contains(strings.ToLower(bt.Lot), text) &&
			!strings.Contains(strings.ToLower(bt.Product), text) &&
			!strings.Contains(strings.ToLower(bt.ID.String()), text) {
			return nil
		}
		out = append(out, bt)
		return nil
	}
	if f.Made || !f.Received {
		for dev := range m.devices {
			for _, t := range []protocol.Type{protocol.TypeOrigin, protocol.TypeProcess} {
				cids, err := n.store.ByType(ctx, t, dev)
				if err != nil {
					return nil, storeError(op, err)
				}
				for _, c := range cids {
					rec, err := n.store.Get(ctx, c)
					if err != nil {
						return nil, storeError(op, err)
					}
					if bk.Corrected(c) {
						continue // its replacement is listed in its place
					}
					for i := range protocol.Outputs(rec.Body) {
						if err := add(protocol.BatchID{Record: c, Index: uint32(i)}); err != nil {
							return nil, storeError(op, err)
						}
					}
				}
			}
		}
	}
	if (f.Received || !f.Made) && !m.org.IsZero() {
		ids, err := n.receivedBatches(ctx, bk, m.org)
		if err != nil {
			return nil, storeError(op, err)
		}
		for _, id := range ids {
			if err := add(id); err != nil {
				return nil, storeError(op, err)
			}
		}
	}
	slices.SortFunc(out, func(a, b api.Batch) int {
		return cmp.Or(b.Made.Compare(a.Made), strings.Compare(a.ID.String(), b.ID.String()))
	})
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// receivedBatches returns the batches of transfers addressed to org that
// a device of org received (the holdings say how much counts).
func (n *Node) receivedBatches(ctx context.Context, bk *provenance.Book, org protocol.PublicKey) ([]protocol.BatchID, error) {
	transfers, err := n.store.TransfersTo(ctx, org)
	if err != nil {
		return nil, err
	}
	var out []protocol.BatchID
	for _, tc := range transfers {
		mine, err := n.receiptsBy(ctx, bk, tc, org)
		if err != nil {
			return nil, err
		}
		if len(mine) == 0 {
			continue
		}
		trec, err := n.store.Get(ctx, tc)
		if err != nil {
			return nil, err
		}
		out = append(out, trec.Body.(*protocol.Transfer).Batch)
	}
	return out, nil
}

// receiptsBy returns the receive records of a transfer that a device of
// org signed and did not withdraw.
func (n *Node) receiptsBy(ctx context.Context, bk *provenance.Book, transfer protocol.CID, org protocol.PublicKey) ([]protocol.Signed, error) {
	cids, err := n.store.Receipts(ctx, transfer)
	if err != nil {
		return nil, err
	}
	var out []protocol.Signed
	for _, rc := range cids {
		rrec, err := n.store.Get(ctx, rc)
		if err != nil {
			return nil, err
		}
		if o, ok := bk.OrgOf(rrec.Author); ok && o == org && !bk.Corrected(rc) {
			out = append(out, rrec)
		}
	}
	return out, bk.Err()
}

// Batch implements api.App.
func (n *Node) Batch(ctx context.Context, id protocol.BatchID) (api.Batch, error) {
	op := "batch " + id.String()
	if n.closed() {
		return api.Batch{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	bk := n.book(ctx)
	m, err := n.whoAmI(ctx, bk)
	if err != nil {
		return api.Batch{}, storeError(op, err)
	}
	h, err := bk.Holding(id, m.org)
	if err != nil {
		return api.Batch{}, storeError(op, err)
	}
	if !h.Known {
		if _, err := n.store.Get(ctx, id.Record); err == nil {
			return api.Batch{}, api.E(op, api.ErrNotFound, errors.New("the record has no such output"))
		}
		return api.Batch{}, api.E(op, api.ErrNotFound, errors.New("this computer does not hold the record that made it"))
	}
	return batchOf(bk, h, m.org), nil
}

// Incoming implements api.App.
func (n *Node) Incoming(ctx context.Context) ([]api.Incoming, error) {
	const op = "incoming"
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	bk := n.book(ctx)
	m, err := n.whoAmI(ctx, bk)
	if err != nil {
		return nil, storeError(op, err)
	}
	if m.org.IsZero() {
		return nil, nil
	}
	transfers, err := n.store.TransfersTo(ctx, m.org)
	if err != nil {
		return nil, storeError(op, err)
	}
	var out []api.Incoming
	for _, tc := range transfers {
		trec, err := n.store.Get(ctx, tc)
		if err != nil {
			return nil, storeError(op, err)
		}
		if bk.Corrected(tc) {
			continue
		}
		mine, err := n.receiptsBy(ctx, bk, tc, m.org)
		if err != nil {
			return nil, storeError(op, err)
		}
		if len(mine) > 0 {
			continue
		}
		t := trec.Body.(*protocol.Transfer)
		from, ok := bk.OrgOf(trec.Author)
		if !ok {
			from = trec.Author
		}
		in := api.Incoming{Transfer: tc, Batch: t.Batch, Qty: t.Qty, From: from, FromName: bk.OrgName(from), Time: time.UnixMilli(trec.Time), Docs: t.Docs}
		if mrec, err := n.store.Get(ctx, t.Batch.Record); err == nil {
			if o, ok := protocol.OutputOf(mrec.Body, t.Batch); ok {
				in.Product = o.Product
			}
		}
		out = append(out, in)
	}
	slices.SortFunc(out, func(a, b api.Incoming) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// Orgs implements api.App.
func (n *Node) Orgs(ctx context.Context) ([]api.Org, error) {
	const op = "organisations"
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	cids, err := n.store.ByType(ctx, protocol.TypeOrg, protocol.PublicKey{})
	if err != nil {
		return nil, storeError(op, err)
	}
	keys := map[protocol.PublicKey]bool{}
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, storeError(op, err)
		}
		keys[rec.Author] = true
	}
	bk := n.book(ctx)
	var out []api.Org
	for key := range keys {
		p := bk.Profile(key)
		if p == nil {
			continue
		}
		o := api.Org{Key: key, Name: p.Name, Roles: p.Roles, Country: p.Country}
		ends, err := n.endorsementsOf(ctx, bk, key)
		if err != nil {
			return nil, storeError(op, err)
		}
		for _, e := range ends {
			if e.Anchored && !e.Revoked {
				o.Endorsed = true
			}
		}
		out = append(out, o)
	}
	if err := bk.Err(); err != nil {
		return nil, storeError(op, err)
	}
	slices.SortFunc(out, func(a, b api.Org) int {
		return cmp.Or(strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), strings.Compare(a.Key.String(), b.Key.String()))
	})
	return out, nil
}

// Places implements api.App.
func (n *Node) Places(ctx context.Context) ([]api.Place, error) {
	const op = "places"
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	m, err := n.whoAmI(ctx, n.book(ctx))
	if err != nil {
		return nil, storeError(op, err)
	}
	var out []api.Place
	for dev := range m.devices {
		cids, err := n.store.ByType(ctx, protocol.TypePlace, dev)
		if err != nil {
			return nil, storeError(op, err)
		}
		for _, c := range cids {
			rec, err := n.store.Get(ctx, c)
			if err != nil {
				return nil, storeError(op, err)
			}
			out = append(out, api.Place{Record: c, Place: *rec.Body.(*protocol.Place), Time: time.UnixMilli(rec.Time)})
		}
	}
	slices.SortFunc(out, func(a, b api.Place) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), a.Time.Compare(b.Time))
	})
	return out, nil
}

// isNotFound reports whether err is the store's not-found.
func isNotFound(err error) bool { return errors.Is(err, storage.ErrNotFound) }
