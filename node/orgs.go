package node

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// endorsementsOf lists the endorse records naming an organisation, oldest
// first, marking those withdrawn by their certifier and those by one of
// this install's trust anchors.
func (n *Node) endorsementsOf(ctx context.Context, bk *provenance.Book, org protocol.PublicKey) ([]api.Endorsement, error) {
	cids, err := n.store.Endorsements(ctx, org)
	if err != nil {
		return nil, err
	}
	anchors, err := n.anchors()
	if err != nil {
		return nil, err
	}
	var out []api.Endorsement
	for _, c := range cids {
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return nil, err
		}
		e := rec.Body.(*protocol.Endorse)
		revoked := false
		revs, err := n.store.RevocationsOfRecord(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, rc := range revs {
			if r, err := n.store.Get(ctx, rc); err == nil && r.Author == rec.Author {
				revoked = true
			}
		}
		out = append(out, api.Endorsement{
			Record: c, By: rec.Author, ByName: bk.OrgName(rec.Author), Role: e.Role, Cert: e.Cert,
			Time: time.UnixMilli(rec.Time), Revoked: revoked, Anchored: anchors.Has(rec.Author),
		})
	}
	slices.SortFunc(out, func(a, b api.Endorsement) int { return a.Time.Compare(b.Time) })
	return out, bk.Err()
}

// devicesOf lists the device keys an organisation delegated, oldest first,
// marking those withdrawn by now and the one this install signs with. A
// key some other organisation delegated first is not the organisation's
// and is left out.
func (n *Node) devicesOf(ctx context.Context, bk *provenance.Book, org, this protocol.PublicKey) ([]api.Device, error) {
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
	seen := map[protocol.PublicKey]bool{}
	for _, rec := range recs {
		d := rec.Body.(*protocol.Device)
		if o, ok := bk.OrgOf(d.Key); !ok || o != org || seen[d.Key] {
			continue
		}
		seen[d.Key] = true
		revoked, _ := bk.Revoked(d.Key, n.now())
		out = append(out, api.Device{Key: d.Key, Name: d.Name, Delegated: time.UnixMilli(rec.Time), Revoked: revoked, This: d.Key == this})
	}
	return out, bk.Err()
}
