package node

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

var _ api.Service = (*Node)(nil)

// Status implements api.Service.
func (n *Node) Status(ctx context.Context) (api.Status, error) {
	const op = "status"
	if n.closed() {
		return api.Status{}, api.E(op, api.ErrUnavailable, errors.New("node closed"))
	}
	counts, err := n.store.Counts(ctx)
	if err != nil {
		return api.Status{}, storeError(op, err)
	}
	forks, err := n.store.Forks(ctx, protocol.PublicKey{})
	if err != nil {
		return api.Status{}, storeError(op, err)
	}
	progress, synced := n.syncer.status()
	st := api.Status{
		PeerID:       n.host.ID().String(),
		Network:      n.cfg.Network,
		Addrs:        n.Addrs(),
		Relay:        n.cfg.Relay,
		Reachability: n.reach.Load().(api.Reachability),
		Records:      counts.Records,
		ByType:       counts.ByType,
		Authors:      counts.Authors,
		Sync:         progress,
		Started:      n.started,
	}
	if _, dev, _ := n.id.keys(); !dev.IsZero() {
		st.Author = dev.Public()
	}
	for _, f := range forks {
		st.Forks = append(st.Forks, apiFork(f))
	}
	relays := map[peer.ID]bool{}
	for _, r := range n.relays {
		relays[r.ID] = true
		rs := api.RelayStatus{PeerID: r.ID.String(), Connected: len(n.host.Network().ConnsToPeer(r.ID)) > 0}
		for _, a := range n.host.Addrs() {
			if isRelayed(a) && strings.Contains(a.String(), r.ID.String()) {
				rs.Reservation = true
			}
		}
		st.Relays = append(st.Relays, rs)
	}
	for _, p := range n.host.Network().Peers() {
		ap := api.Peer{ID: p.String(), Via: n.via(p), Relay: relays[p], Synced: synced[p]}
		if conns := n.host.Network().ConnsToPeer(p); len(conns) > 0 {
			ap.Addr = conns[0].RemoteMultiaddr().String()
		}
		ap.Score, _ = n.scores.score(p)
		st.Peers = append(st.Peers, ap)
	}
	slices.SortFunc(st.Peers, func(a, b api.Peer) int { return strings.Compare(a.ID, b.ID) })
	return st, nil
}

// Publish implements api.Service. Organisation records (org, device,
// endorse, revoke) are signed with the organisation key, a correction with
// the key that signed the record it corrects when that is the organisation
// key, and everything else with the device key.
func (n *Node) Publish(ctx context.Context, d api.Draft) (protocol.Signed, error) {
	const op = "publish"
	if n.closed() {
		return protocol.Signed{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	if d.Body == nil {
		return protocol.Signed{}, api.E(op, api.ErrInvalid, errors.New("draft has no body"))
	}
	org, dev, _ := n.id.keys()
	key, who := dev, "device"
	switch d.Body.Type() {
	case protocol.TypeOrg, protocol.TypeDevice, protocol.TypeEndorse, protocol.TypeRevoke:
		key, who = org, "organisation"
	case protocol.TypeCorrect:
		target := d.Body.(*protocol.Correct).Record
		if rec, err := n.store.Get(ctx, target); err == nil && !org.IsZero() && rec.Author == org.Public() {
			key, who = org, "organisation"
		}
	}
	if key.IsZero() {
		return protocol.Signed{}, api.E(op+" "+string(d.Body.Type()), api.ErrUnavailable, fmt.Errorf("this node has no %s key to sign with", who))
	}
	return n.publishAs(ctx, op, key, d.Body)
}

// publishAs signs body as the next record of key's feed, stores it synced
// and gossips it.
func (n *Node) publishAs(ctx context.Context, op string, key protocol.PrivateKey, body protocol.Body) (protocol.Signed, error) {
	// One record at a time, so two publishes never take the same seq.
	n.publishMu.Lock()
	defer n.publishMu.Unlock()
	author := key.Public()
	last, err := n.lastOfFeed(ctx, author)
	if err != nil {
		return protocol.Signed{}, storeError(op, err)
	}
	r := &protocol.Record{Seq: 1, Time: n.cfg.Now().UnixMilli(), Body: body}
	if last.Record != nil {
		r.Seq = last.Seq + 1
		r.Prev = last.CID
		r.Time = max(r.Time, last.Time)
	}
	rec, err := protocol.Seal(r, key)
	if err != nil {
		return protocol.Signed{}, api.E(op+" "+string(body.Type()), api.ErrInvalid, err)
	}
	res, err := n.store.Put(ctx, rec, storage.Synced)
	switch {
	case errors.Is(err, storage.ErrConflict):
		if res.Fork != nil {
			n.emitFork(*res.Fork)
		}
		return protocol.Signed{}, api.E(op, api.ErrConflict, err)
	case err != nil:
		return protocol.Signed{}, storeError(op, err)
	}
	if res.Added {
		n.emitRecord(rec, true)
	}
	if err := n.gossip(ctx, rec); err != nil && n.ctx.Err() == nil {
		// The record is saved; peers get it by sync.
		n.log.Warn("publish: gossip", "cid", rec.CID, "err", err)
	}
	return rec, nil
}

// lastOfFeed returns the highest-seq record of an author's feed that the
// store holds (beyond the contiguous head, if anything is), or a zero
// Signed for an empty feed.
func (n *Node) lastOfFeed(ctx context.Context, author protocol.PublicKey) (protocol.Signed, error) {
	h, err := n.store.Head(ctx, author)
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return protocol.Signed{}, err
	}
	var last protocol.Signed
	if h.Seq > 0 {
		if last, err = n.store.Get(ctx, h.CID); err != nil {
			return protocol.Signed{}, err
		}
	}
	err = n.store.Range(ctx, author, h.Seq+1, 0, func(rec protocol.Signed) error {
		last = rec
		return nil
	})
	return last, err
}

// Get implements api.Service.
func (n *Node) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	op := "get " + c.String()
	if n.closed() {
		return protocol.Signed{}, api.E(op, api.ErrUnavailable, errors.New("node closed"))
	}
	if c.IsZero() {
		return protocol.Signed{}, api.E("get", api.ErrInvalid, errors.New("no CID"))
	}
	rec, err := n.store.Get(ctx, c)
	if err == nil {
		return rec, nil
	}
	if !errors.Is(err, storage.ErrNotFound) {
		return protocol.Signed{}, storeError(op, err)
	}
	for _, p := range n.syncPeers() {
		if ctx.Err() != nil {
			break
		}
		if _, err := n.fetch(ctx, p, []protocol.CID{c}); err != nil {
			n.log.Debug("get: fetch", "peer", p, "cid", c, "err", err)
		}
		// Whether this fetch or a sync running meanwhile stored it.
		if rec, err := n.store.Get(ctx, c); err == nil {
			return rec, nil
		}
	}
	return protocol.Signed{}, api.E(op, api.ErrNotFound, nil)
}

// List implements api.Service.
func (n *Node) List(ctx context.Context, f api.Filter) (api.Page, error) {
	const op = "list"
	if n.closed() {
		return api.Page{}, api.E(op, api.ErrUnavailable, errors.New("node closed"))
	}
	limit := f.Limit
	switch {
	case limit < 0:
		return api.Page{}, api.E(op, api.ErrInvalid, fmt.Errorf("limit %d", limit))
	case limit == 0:
		limit = 100
	case limit > 1000:
		limit = 1000
	}
	if f.Type != "" && !slices.Contains(protocol.Types(), f.Type) {
		return api.Page{}, api.E(op, api.ErrInvalid, fmt.Errorf("unknown record type %q", f.Type))
	}
	if f.Type == "" && !f.Author.IsZero() {
		return n.listFeed(ctx, f.Author, f.Cursor, limit)
	}
	var after []byte
	if f.Cursor != "" {
		b, err := base64.RawURLEncoding.DecodeString(f.Cursor)
		if err != nil {
			return api.Page{}, api.E(op, api.ErrInvalid, fmt.Errorf("cursor %q", f.Cursor))
		}
		after = b
	}
	types := protocol.Types()
	if f.Type != "" {
		types = []protocol.Type{f.Type}
	}
	var cids [][]byte
	for _, t := range types {
		cs, err := n.store.ByType(ctx, t, f.Author)
		if err != nil {
			return api.Page{}, storeError(op, err)
		}
		for _, c := range cs {
			if b := c.Bytes(); after == nil || bytes.Compare(b, after) > 0 {
				cids = append(cids, b)
			}
		}
	}
	slices.SortFunc(cids, bytes.Compare)
	var page api.Page
	for _, b := range cids[:min(len(cids), limit)] {
		c, err := protocol.CIDFromBytes(b)
		if err != nil {
			return api.Page{}, storeError(op, err)
		}
		rec, err := n.store.Get(ctx, c)
		if err != nil {
			return api.Page{}, storeError(op, err)
		}
		page.Records = append(page.Records, rec)
	}
	if len(cids) > limit {
		page.Next = base64.RawURLEncoding.EncodeToString(cids[limit-1])
	}
	return page, nil
}

// listFeed pages through one author's feed in seq order; the cursor is the
// next seq.
func (n *Node) listFeed(ctx context.Context, author protocol.PublicKey, cursor string, limit int) (api.Page, error) {
	const op = "list"
	from := uint64(1)
	if cursor != "" {
		v, err := strconv.ParseUint(strings.TrimPrefix(cursor, "seq:"), 10, 64)
		if err != nil || !strings.HasPrefix(cursor, "seq:") || v == 0 {
			return api.Page{}, api.E(op, api.ErrInvalid, fmt.Errorf("cursor %q", cursor))
		}
		from = v
	}
	var page api.Page
	errFull := errors.New("full")
	err := n.store.Range(ctx, author, from, 0, func(rec protocol.Signed) error {
		if len(page.Records) == limit {
			page.Next = "seq:" + strconv.FormatUint(rec.Seq, 10)
			return errFull
		}
		page.Records = append(page.Records, rec)
		return nil
	})
	if err != nil && !errors.Is(err, errFull) {
		return api.Page{}, storeError(op, err)
	}
	return page, nil
}

// Watch implements api.Service.
func (n *Node) Watch(ctx context.Context) (<-chan api.Event, error) {
	ch, ok := n.events.watch(ctx)
	if !ok || n.closed() {
		return nil, api.E("watch", api.ErrUnavailable, errors.New("node closed"))
	}
	return ch, nil
}

// storeError turns a store failure into a service error.
func storeError(op string, err error) error {
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return api.E(op, api.ErrNotFound, err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return api.E(op, nil, err)
	}
	return api.E(op, api.ErrUnavailable, err)
}
