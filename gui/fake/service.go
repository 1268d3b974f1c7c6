package fake

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// sealLocked signs body as the next record of key's feed.
func (s *Service) sealLocked(key protocol.PrivateKey, body protocol.Body) (protocol.Signed, error) {
	r := &protocol.Record{Seq: 1, Time: s.now().UnixMilli(), Body: body}
	pub := key.Public()
	for i := len(s.recs) - 1; i >= 0; i-- {
		if last := s.recs[i]; last.Author == pub {
			r.Seq, r.Prev = last.Seq+1, last.CID
			r.Time = max(r.Time, last.Time)
			break
		}
	}
	return protocol.Seal(r, key)
}

// Extend signs body as the next record of key's feed and stores it, as if
// a peer had sent it. It is for building demo data.
func (s *Service) Extend(key protocol.PrivateKey, body protocol.Body) protocol.Signed {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, err := s.sealLocked(key, body)
	if err != nil {
		panic(fmt.Sprintf("fake: extend: %v", err))
	}
	s.add(r)
	return r
}

// Status implements api.Service.
func (s *Service) Status(ctx context.Context) (api.Status, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.Snapshot
	st.Records = int64(len(s.recs))
	if !s.devKey.IsZero() {
		st.Author = s.devKey.Public()
	}
	st.ByType = map[protocol.Type]int64{}
	authors := map[protocol.PublicKey]bool{}
	for _, r := range s.recs {
		st.ByType[r.Type()]++
		authors[r.Author] = true
	}
	st.Authors = int64(len(authors))
	st.Peers = slices.Clone(st.Peers)
	return st, nil
}

// Publish implements api.Service: it signs the draft with the device key
// (the organisation key for org, device, endorse and revoke records) and
// stores it, or refuses it as a node would.
func (s *Service) Publish(ctx context.Context, d api.Draft) (protocol.Signed, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.PublishCalls++
	if s.PublishErr != nil {
		return protocol.Signed{}, s.PublishErr
	}
	if s.devKey.IsZero() {
		return protocol.Signed{}, api.E("publish", api.ErrUnavailable, errors.New("no device key"))
	}
	if d.Body == nil {
		return protocol.Signed{}, api.E("publish", api.ErrInvalid, errors.New("no body"))
	}
	key := s.devKey
	switch d.Body.Type() {
	case protocol.TypeOrg, protocol.TypeDevice, protocol.TypeEndorse, protocol.TypeRevoke:
		key = s.orgKey
	}
	r, err := s.sealLocked(key, d.Body)
	if err != nil {
		return protocol.Signed{}, api.E("publish", api.ErrInvalid, err)
	}
	s.add(r)
	s.Published = append(s.Published, d)
	s.emitLocked(api.Event{Kind: api.EventRecordAdded, CID: r.CID, Type: r.Type(), Author: r.Author, Seq: r.Seq, Local: true})
	return r, nil
}

// Get implements api.Service.
func (s *Service) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	r, err := s.src.Get(ctx, c)
	if err != nil {
		return protocol.Signed{}, api.E("get "+c.String(), api.ErrNotFound, err)
	}
	return r, nil
}

// List implements api.Service. Cursors are decimal offsets.
func (s *Service) List(ctx context.Context, f api.Filter) (api.Page, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []protocol.Signed
	for _, r := range s.recs {
		if (f.Type == "" || r.Type() == f.Type) && (f.Author.IsZero() || r.Author == f.Author) {
			match = append(match, r)
		}
	}
	if f.Author.IsZero() {
		slices.SortFunc(match, func(a, b protocol.Signed) int { return strings.Compare(a.CID.String(), b.CID.String()) })
	}
	off := 0
	if f.Cursor != "" {
		if _, err := fmt.Sscanf(f.Cursor, "%d", &off); err != nil || off < 0 || off > len(match) {
			return api.Page{}, api.E("list", api.ErrInvalid, fmt.Errorf("bad cursor %q", f.Cursor))
		}
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	end := min(off+limit, len(match))
	p := api.Page{Records: slices.Clone(match[off:end])}
	if end < len(match) {
		p.Next = fmt.Sprint(end)
	}
	return p, nil
}

// Watch implements api.Service.
func (s *Service) Watch(ctx context.Context) (<-chan api.Event, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan api.Event, api.WatchBuffer)
	s.watch = append(s.watch, ch)
	go func() {
		<-ctx.Done()
		s.mu.Lock()
		defer s.mu.Unlock()
		if i := slices.Index(s.watch, ch); i >= 0 {
			s.watch = slices.Delete(s.watch, i, i+1)
			close(ch)
		}
	}()
	return ch, nil
}
