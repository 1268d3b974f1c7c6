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
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/storage"
)

var _ api.Service = (*Node)(nil)

// Status implements api.Service.
func (n *Node) Status(ctx context.Context) (api.Status, error) {
	const op = "status"
	if n.closed() {
		return api.Status{}, api.E(op, api.ErrUnavailable, errNodeClosed)
	}
	counts, err := n.store.Counts(ctx)
	if err != nil {
		return api.Status{}, storeError(op, err)
	}
	forks, err := n.store.Forks(ctx, protocol.PublicKey{})
	if err != nil {
		return api.Status{}, storeError(op, err)
	}
	ns := n.net.Status()
	st := api.Status{
		PeerID:       ns.PeerID,
		Network:      ns.Network,
		Agent:        n.cfg.Net.UserAgent,
		Addrs:        ns.Addrs,
		Relay:        ns.Relay,
		Reachability: api.Reachability(ns.Reachability),
		Records:      counts.Records,
		ByType:       counts.ByType,
		Authors:      counts.Authors,
		Mesh:         ns.Mesh,
		Notes:        ns.Notes,
		Sync:         api.SyncProgress(ns.Sync),
		Started:      ns.Started,
	}
	if n.apiErr != nil {
		st.LocalAPI = "off: " + n.apiErr.Error()
	} else if n.apiListener != nil {
		st.LocalAPI = n.apiListener.Addr().String()
	}
	if dev, _ := n.id.keys(); !dev.IsZero() {
		st.Author = dev.Public()
		last, err := n.lastOfFeed(ctx, st.Author)
		if err != nil {
			return api.Status{}, storeError(op, err)
		}
		if now := n.now(); last.Record != nil && last.Time > now.Add(time.Minute).UnixMilli() {
			st.ClockWarning = fmt.Sprintf("This computer's clock says %s, earlier than the newest record it signed (%s): its clock is wrong. Correct the date and time of this computer; until then new records are dated %s.",
				now.UTC().Format("2006-01-02 15:04 UTC"), time.UnixMilli(last.Time).UTC().Format("2006-01-02 15:04 UTC"), time.UnixMilli(last.Time).UTC().Format("2006-01-02 15:04 UTC"))
		}
	}
	if st.ClockWarning == "" {
		st.ClockWarning = ns.Clock
	}
	for _, f := range forks {
		st.Forks = append(st.Forks, apiFork(f))
	}
	for _, r := range ns.Relays {
		st.Relays = append(st.Relays, api.RelayStatus(r))
	}
	for _, p := range ns.Peers {
		st.Peers = append(st.Peers, api.Peer{ID: p.ID, Addr: p.Addr, Via: api.Via(p.Via), Relay: p.Relay, Jejak: p.Jejak, Mesh: p.Mesh,
			Score: p.Score, Penalty: p.Penalty, Why: p.Why, Synced: p.Synced})
	}
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
	if err := protocol.CheckDraft(d.Body); err != nil {
		return protocol.Signed{}, api.E(op+" "+string(d.Body.Type()), api.ErrInvalid, err)
	}
	st := n.id.state()
	key, asOrg := st.device, false
	switch d.Body.Type() {
	case protocol.TypeOrg, protocol.TypeDevice, protocol.TypeEndorse, protocol.TypeRevoke:
		asOrg = true
	case protocol.TypeCorrect:
		target := d.Body.(*protocol.Correct).Record
		if rec, err := n.store.Get(ctx, target); err == nil && st.hasOrg() && rec.Author == st.orgPub {
			asOrg = true
		}
	}
	if asOrg {
		org, release, err := n.unlockOrg(op+" "+string(d.Body.Type()), d.OrgPassphrase)
		if err != nil {
			return protocol.Signed{}, err
		}
		defer release()
		key = org
	}
	if key.IsZero() {
		return protocol.Signed{}, api.E(op+" "+string(d.Body.Type()), api.ErrUnavailable, errors.New("this node has no device key to sign with"))
	}
	var judge judgement
	if !d.Unbacked {
		judge = n.judge
	}
	body, disc, err := n.commitSupplier(d)
	if err != nil {
		return protocol.Signed{}, err
	}
	return n.publish(ctx, op, key, body, d.ID, judge, disc)
}

// judgement says what verification will find wrong with a body about to
// be signed; nil signs without asking.
type judgement func(ctx context.Context, body protocol.Body) ([]provenance.Finding, error)

// judge is the judgement of a draft: what verification will find wrong
// with body if this organisation signs it, from the records here; nothing
// when it is backed. The error is for a store that cannot be read.
func (n *Node) judge(ctx context.Context, body protocol.Body) ([]provenance.Finding, error) {
	j, err := n.judgeMany(ctx)
	if err != nil {
		return nil, err
	}
	return j(ctx, body)
}

// judgeMany returns a judgement for many drafts in a row (an import): the
// book, who this install is and the bounds table are read once.
func (n *Node) judgeMany(ctx context.Context) (judgement, error) {
	bk := n.book(ctx)
	m, err := n.whoAmI(ctx, bk)
	if err != nil {
		return nil, err
	}
	var table *provenance.Table
	return func(ctx context.Context, body protocol.Body) ([]provenance.Finding, error) {
		switch body.(type) {
		case *protocol.Transfer, *protocol.Receive, *protocol.Origin:
		case *protocol.Process:
			if table == nil {
				t, err := n.bounds()
				if err != nil {
					return nil, err
				}
				table = t
			}
		default:
			return nil, nil
		}
		if m.org.IsZero() {
			return nil, nil
		}
		return bk.Prejudge(m.org, body, table)
	}, nil
}

// publishAs signs body as the next record of key's feed, stores it synced
// and gossips it.
func (n *Node) publishAs(ctx context.Context, op string, key protocol.PrivateKey, body protocol.Body) (protocol.Signed, error) {
	return n.publish(ctx, op, key, body, "", nil, nil)
}

// publish is publishAs for a draft named draftID ("" for none), which is
// stored with the record in one transaction, judged first by judge (nil:
// not judged). The draft lookup, the judgement and the signing happen
// under one lock, so two publishes never take the same seq, and two
// shipments of the last of a batch cannot both be judged backed. disc,
// when set, is the disclosure of the origin's supplier: it is kept, on
// disk, before the record is stored, so no record stored lacks one.
func (n *Node) publish(ctx context.Context, op string, key protocol.PrivateKey, body protocol.Body, draftID string, judge judgement, disc *protocol.Disclosure) (protocol.Signed, error) {
	n.publishMu.Lock()
	defer n.publishMu.Unlock()
	if draftID != "" {
		// A draft that was published already: the answer was lost, and
		// this is the retry. Give back what it made.
		c, err := n.store.DraftRecord(ctx, draftID)
		switch {
		case err == nil:
			rec, err := n.store.Get(ctx, c)
			if err != nil {
				return protocol.Signed{}, storeError(op, err)
			}
			return rec, nil
		case errors.Is(err, storage.ErrInvalid):
			return protocol.Signed{}, api.E(op, api.ErrInvalid, err)
		case !errors.Is(err, storage.ErrNotFound):
			return protocol.Signed{}, storeError(op, err)
		}
	}
	if judge != nil {
		findings, err := judge(ctx, body)
		if err != nil {
			return protocol.Signed{}, storeError(op, err)
		}
		if len(findings) > 0 {
			return protocol.Signed{}, api.E(op+" "+string(body.Type()), api.ErrUnbacked, &api.UnbackedError{Findings: findings})
		}
	}
	author := key.Public()
	last, err := n.lastOfFeed(ctx, author)
	if err != nil {
		return protocol.Signed{}, storeError(op, err)
	}
	r := &protocol.Record{Seq: 1, Time: n.now().UnixMilli(), Body: body}
	if last.Record != nil {
		r.Seq = last.Seq + 1
		r.Prev = last.CID
		r.Time = max(r.Time, last.Time)
	}
	if n.cfg.RecordFormat < protocol.Version {
		// Signed in an older format for older peers, but held to
		// today's rules all the same.
		if err := protocol.CheckDraft(body); err != nil {
			return protocol.Signed{}, api.E(op+" "+string(body.Type()), api.ErrInvalid, err)
		}
	}
	rec, err := protocol.SealVersion(r, key, n.cfg.RecordFormat)
	if err != nil {
		return protocol.Signed{}, api.E(op+" "+string(body.Type()), api.ErrInvalid, err)
	}
	if disc != nil {
		disc.Record = rec.CID
		if err := n.disc.put(n.cfg.DataDir, *disc); err != nil {
			return protocol.Signed{}, api.E(op+" "+string(body.Type()), api.ErrUnavailable, err)
		}
	}
	var res storage.PutResult
	if draftID != "" {
		res, err = n.store.PutDraft(ctx, rec, draftID)
	} else {
		res, err = n.store.Put(ctx, rec, storage.Synced)
	}
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
	if err := n.net.Publish(ctx, rec); err != nil && n.ctx.Err() == nil {
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
	if _, err := n.net.Fetch(ctx, c); err != nil {
		n.log.Debug("get: fetch", "cid", c, "err", err)
	}
	// Whether the fetch or a sync running meanwhile stored it.
	if rec, err := n.store.Get(ctx, c); err == nil {
		return rec, nil
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
