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
	"github.com/jejak/jejak/storage"
)

// orgView answers "who is this key's organisation" and "what is its name"
// for one request, remembering what it has looked up.
type orgView struct {
	n     *Node
	orgOf map[protocol.PublicKey]protocol.PublicKey
	names map[protocol.PublicKey]string
}

func (n *Node) newOrgView() *orgView {
	return &orgView{n: n, orgOf: map[protocol.PublicKey]protocol.PublicKey{}, names: map[protocol.PublicKey]string{}}
}

// org returns the organisation of a signing key: the author of a device
// record that delegates it, or the key itself when it signs for itself.
func (v *orgView) org(ctx context.Context, k protocol.PublicKey) protocol.PublicKey {
	if o, ok := v.orgOf[k]; ok {
		return o
	}
	o, ok := v.n.orgOf(ctx, k)
	if !ok {
		o = k
	}
	v.orgOf[k] = o
	return o
}

// name returns an organisation's name from its latest org record, or its
// short key.
func (v *orgView) name(ctx context.Context, org protocol.PublicKey) string {
	if s, ok := v.names[org]; ok {
		return s
	}
	s := org.Short()
	if p, ok, err := v.n.orgProfile(ctx, org); err == nil && ok {
		s = p.Name
	}
	v.names[org] = s
	return s
}

// orgOf returns the organisation key that delegated device key k.
func (n *Node) orgOf(ctx context.Context, k protocol.PublicKey) (protocol.PublicKey, bool) {
	cids, err := n.store.Delegations(ctx, k)
	if err != nil || len(cids) == 0 {
		return protocol.PublicKey{}, false
	}
	rec, err := n.store.Get(ctx, cids[0])
	if err != nil {
		return protocol.PublicKey{}, false
	}
	return rec.Author, true
}

// orgProfile returns the latest org record an organisation key signed.
func (n *Node) orgProfile(ctx context.Context, org protocol.PublicKey) (*protocol.Org, bool, error) {
	cids, err := n.store.ByType(ctx, protocol.TypeOrg, org)
	if err != nil {
		return nil, false, err
	}
	var best protocol.Signed
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, false, err
		}
		if best.Record == nil || rec.Seq > best.Seq {
			best = rec
		}
	}
	if best.Record == nil {
		return nil, false, nil
	}
	return best.Body.(*protocol.Org), true, nil
}

// endorsementsOf lists the endorse records naming an organisation.
func (n *Node) endorsementsOf(ctx context.Context, org protocol.PublicKey) ([]api.Endorsement, error) {
	cids, err := n.store.Endorsements(ctx, org)
	if err != nil {
		return nil, err
	}
	anchors, err := n.anchors()
	if err != nil {
		return nil, err
	}
	v := n.newOrgView()
	var out []api.Endorsement
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, err
		}
		e := rec.Body.(*protocol.Endorse)
		revs, err := n.store.RevocationsOfRecord(ctx, c)
		if err != nil {
			return nil, err
		}
		out = append(out, api.Endorsement{
			Record: c, By: rec.Author, ByName: v.name(ctx, rec.Author), Role: e.Role, Cert: e.Cert,
			Time: time.UnixMilli(rec.Time), Revoked: len(revs) > 0, Anchored: anchors.Has(rec.Author),
		})
	}
	slices.SortFunc(out, func(a, b api.Endorsement) int { return a.Time.Compare(b.Time) })
	return out, nil
}

// devicesOf lists the device keys an organisation delegated, oldest first,
// marking those it revoked and the one this install signs with.
func (n *Node) devicesOf(ctx context.Context, org, this protocol.PublicKey) ([]api.Device, error) {
	cids, err := n.store.ByType(ctx, protocol.TypeDevice, org)
	if err != nil {
		return nil, err
	}
	recs := make([]protocol.Signed, 0, len(cids))
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, err
		}
		recs = append(recs, rec)
	}
	// Feed order: the organisation's delegations, oldest first.
	slices.SortFunc(recs, func(a, b protocol.Signed) int { return cmp.Compare(a.Seq, b.Seq) })
	var out []api.Device
	for _, rec := range recs {
		d := rec.Body.(*protocol.Device)
		revs, err := n.store.RevocationsOfKey(ctx, d.Key)
		if err != nil {
			return nil, err
		}
		revoked := false
		for _, rc := range revs {
			if r, err := n.store.Get(ctx, rc); err == nil && r.Author == org {
				revoked = true
			}
		}
		out = append(out, api.Device{Key: d.Key, Name: d.Name, Delegated: time.UnixMilli(rec.Time), Revoked: revoked, This: d.Key == this})
	}
	return out, nil
}

// myDevices returns the device keys the organisation delegated, and this
// install's own device key.
func (n *Node) myDevices(ctx context.Context) (org protocol.PublicKey, devices map[protocol.PublicKey]bool, err error) {
	_, dev, orgPub := n.id.keys()
	devices = map[protocol.PublicKey]bool{}
	if !dev.IsZero() {
		devices[dev.Public()] = true
		if orgPub.IsZero() {
			orgPub, _ = n.orgOf(ctx, dev.Public())
		}
	}
	if orgPub.IsZero() {
		return orgPub, devices, nil
	}
	cids, err := n.store.ByType(ctx, protocol.TypeDevice, orgPub)
	if err != nil {
		return orgPub, nil, err
	}
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return orgPub, nil, err
		}
		devices[rec.Body.(*protocol.Device).Key] = true
	}
	return orgPub, devices, nil
}

// batchView builds api.Batch values for one organisation.
type batchView struct {
	n       *Node
	org     protocol.PublicKey
	devices map[protocol.PublicKey]bool
	orgs    *orgView
}

func (n *Node) newBatchView(ctx context.Context) (*batchView, error) {
	org, devs, err := n.myDevices(ctx)
	if err != nil {
		return nil, err
	}
	return &batchView{n: n, org: org, devices: devs, orgs: n.newOrgView()}, nil
}

// corrected reports whether its own author superseded record c.
func (b *batchView) corrected(ctx context.Context, c protocol.CID, author protocol.PublicKey) bool {
	cids, err := b.n.store.Corrections(ctx, c)
	if err != nil {
		return false
	}
	for _, cc := range cids {
		rec, err := b.n.store.Get(ctx, cc)
		if err != nil {
			continue
		}
		if body := rec.Body.(*protocol.Correct); body.Record == c && b.orgs.org(ctx, rec.Author) == b.orgs.org(ctx, author) {
			return true
		}
	}
	return false
}

// build returns the batch as the organisation sees it. held is the
// quantity it made or received (zero Milli: work it out).
func (b *batchView) build(ctx context.Context, id protocol.BatchID, maker protocol.Signed, received bool, held int64) (api.Batch, error) {
	var out protocol.Output
	switch body := maker.Body.(type) {
	case *protocol.Origin:
		if int(id.Index) >= len(body.Out) {
			return api.Batch{}, storage.ErrNotFound
		}
		out = body.Out[id.Index]
	case *protocol.Process:
		if int(id.Index) >= len(body.Out) {
			return api.Batch{}, storage.ErrNotFound
		}
		out = body.Out[id.Index]
	default:
		return api.Batch{}, storage.ErrNotFound
	}
	makerOrg := b.orgs.org(ctx, maker.Author)
	bt := api.Batch{
		ID: id, Product: out.Product, Qty: out.Qty, Lot: out.Lot, Claim: out.Claim,
		Made: time.UnixMilli(maker.Time), Maker: makerOrg, MakeName: b.orgs.name(ctx, makerOrg), Received: received,
	}
	unitScale, _, _ := protocol.Quantity{Milli: 1, Unit: out.Qty.Unit}.Base()
	if !received {
		held, _, _ = out.Qty.Base()
	}
	uses, err := b.n.store.Uses(ctx, id)
	if err != nil {
		return api.Batch{}, err
	}
	left := held
	for _, u := range uses {
		rec, err := b.n.store.Get(ctx, u.Record)
		if err != nil {
			continue
		}
		mine := b.orgs.org(ctx, u.Author) == b.org && !b.org.IsZero()
		bu := api.BatchUse{Record: u.Record, Type: u.Type, Qty: u.Qty, Time: time.UnixMilli(rec.Time), Mine: mine}
		if t, ok := rec.Body.(*protocol.Transfer); ok {
			bu.To, bu.ToName = t.To, b.orgs.name(ctx, t.To)
		}
		bt.Uses = append(bt.Uses, bu)
		if mine && !b.corrected(ctx, u.Record, u.Author) {
			if q, _, err := u.Qty.Base(); err == nil {
				left -= q
			}
		}
	}
	slices.SortFunc(bt.Uses, func(x, y api.BatchUse) int { return x.Time.Compare(y.Time) })
	bt.Held = protocol.Quantity{Milli: held / unitScale, Unit: out.Qty.Unit}
	bt.Left = protocol.Quantity{Milli: max(left, 0) / unitScale, Unit: out.Qty.Unit}
	return bt, nil
}

// received returns, per batch, what the organisation received of it (in
// base units) by transfers to it that one of its devices confirmed.
func (b *batchView) received(ctx context.Context) (map[protocol.BatchID]int64, error) {
	out := map[protocol.BatchID]int64{}
	if b.org.IsZero() {
		return out, nil
	}
	transfers, err := b.n.store.TransfersTo(ctx, b.org)
	if err != nil {
		return nil, err
	}
	for _, tc := range transfers {
		trec, err := b.n.store.Get(ctx, tc)
		if err != nil {
			return nil, err
		}
		receipts, err := b.receipts(ctx, tc)
		if err != nil {
			return nil, err
		}
		for _, rrec := range receipts {
			if q, _, err := rrec.Body.(*protocol.Receive).Qty.Base(); err == nil {
				out[trec.Body.(*protocol.Transfer).Batch] += q
			}
		}
	}
	return out, nil
}

// receipts returns the receive records of a transfer that a device of the
// organisation signed and did not correct: what "received" means both for
// the batches it holds and for the transfers still waiting for it.
func (b *batchView) receipts(ctx context.Context, transfer protocol.CID) ([]protocol.Signed, error) {
	cids, err := b.n.store.Receipts(ctx, transfer)
	if err != nil {
		return nil, err
	}
	var out []protocol.Signed
	for _, rc := range cids {
		rrec, err := b.n.store.Get(ctx, rc)
		if err != nil {
			return nil, err
		}
		if b.orgs.org(ctx, rrec.Author) == b.org && !b.corrected(ctx, rc, rrec.Author) {
			out = append(out, rrec)
		}
	}
	return out, nil
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
	v, err := n.newBatchView(ctx)
	if err != nil {
		return nil, storeError(op, err)
	}
	var out []api.Batch
	add := func(bt api.Batch) {
		if !f.Since.IsZero() && bt.Made.Before(f.Since) || f.Held && bt.Left.Milli <= 0 {
			return
		}
		if t := strings.ToLower(strings.TrimSpace(f.Text)); t != "" &&
			!strings.Contains(strings.ToLower(bt.Lot), t) &&
			!strings.Contains(strings.ToLower(bt.Product), t) &&
			!strings.Contains(strings.ToLower(bt.ID.String()), t) {
			return
		}
		out = append(out, bt)
	}
	wantMade := f.Made || !f.Received
	wantReceived := f.Received || !f.Made
	if wantMade {
		for dev := range v.devices {
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
					if v.corrected(ctx, c, rec.Author) {
						continue
					}
					for i := range outputsOf(rec) {
						bt, err := v.build(ctx, protocol.BatchID{Record: c, Index: uint32(i)}, rec, false, 0)
						if err != nil {
							return nil, storeError(op, err)
						}
						add(bt)
					}
				}
			}
		}
	}
	if wantReceived {
		got, err := v.received(ctx)
		if err != nil {
			return nil, storeError(op, err)
		}
		for id, q := range got {
			rec, err := n.store.Get(ctx, id.Record)
			if errors.Is(err, storage.ErrNotFound) {
				continue // the maker's record has not reached this store yet
			}
			if err != nil {
				return nil, storeError(op, err)
			}
			bt, err := v.build(ctx, id, rec, true, q)
			if err != nil {
				continue
			}
			add(bt)
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

// outputsOf returns the outputs of an origin or process record.
func outputsOf(rec protocol.Signed) []protocol.Output {
	switch b := rec.Body.(type) {
	case *protocol.Origin:
		return b.Out
	case *protocol.Process:
		return b.Out
	}
	return nil
}

// Batch implements api.App.
func (n *Node) Batch(ctx context.Context, id protocol.BatchID) (api.Batch, error) {
	op := "batch " + id.String()
	if n.closed() {
		return api.Batch{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	rec, err := n.store.Get(ctx, id.Record)
	if err != nil {
		return api.Batch{}, storeError(op, err)
	}
	v, err := n.newBatchView(ctx)
	if err != nil {
		return api.Batch{}, storeError(op, err)
	}
	if int(id.Index) >= len(outputsOf(rec)) {
		return api.Batch{}, api.E(op, api.ErrNotFound, errors.New("the record has no such output"))
	}
	made := v.devices[rec.Author]
	if made {
		return v.build(ctx, id, rec, false, 0)
	}
	got, err := v.received(ctx)
	if err != nil {
		return api.Batch{}, storeError(op, err)
	}
	return v.build(ctx, id, rec, true, got[id])
}

// Incoming implements api.App.
func (n *Node) Incoming(ctx context.Context) ([]api.Incoming, error) {
	const op = "incoming"
	if n.closed() {
		return nil, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	v, err := n.newBatchView(ctx)
	if err != nil {
		return nil, storeError(op, err)
	}
	if v.org.IsZero() {
		return nil, nil
	}
	transfers, err := n.store.TransfersTo(ctx, v.org)
	if err != nil {
		return nil, storeError(op, err)
	}
	var out []api.Incoming
	for _, tc := range transfers {
		trec, err := n.store.Get(ctx, tc)
		if err != nil {
			return nil, storeError(op, err)
		}
		if v.corrected(ctx, tc, trec.Author) {
			continue
		}
		mine, err := v.receipts(ctx, tc)
		if err != nil {
			return nil, storeError(op, err)
		}
		if len(mine) > 0 {
			continue
		}
		t := trec.Body.(*protocol.Transfer)
		from := v.orgs.org(ctx, trec.Author)
		in := api.Incoming{Transfer: tc, Batch: t.Batch, Qty: t.Qty, From: from, FromName: v.orgs.name(ctx, from), Time: time.UnixMilli(trec.Time), Docs: t.Docs}
		if mrec, err := n.store.Get(ctx, t.Batch.Record); err == nil {
			if outs := outputsOf(mrec); int(t.Batch.Index) < len(outs) {
				in.Product = outs[t.Batch.Index].Product
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
	latest := map[protocol.PublicKey]protocol.Signed{}
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, storeError(op, err)
		}
		if cur, ok := latest[rec.Author]; !ok || rec.Seq > cur.Seq {
			latest[rec.Author] = rec
		}
	}
	var out []api.Org
	for key, rec := range latest {
		p := rec.Body.(*protocol.Org)
		o := api.Org{Key: key, Name: p.Name, Roles: p.Roles, Country: p.Country}
		ends, err := n.endorsementsOf(ctx, key)
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
	_, devices, err := n.myDevices(ctx)
	if err != nil {
		return nil, storeError(op, err)
	}
	var out []api.Place
	for dev := range devices {
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
