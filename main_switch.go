//go:build !screenshots

package main

import (
	"context"
	"sync"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// switchable is an api.Service that passes every call to the current
// service, which can be swapped: the window starts on the install's own
// node and moves to the demo node when the user tries the demo, so that
// demo records and the demo's trust anchor never enter the real store.
type switchable struct {
	mu      sync.RWMutex
	cur     api.Service
	swapped chan struct{} // closed at the next swap
}

func newSwitchable(svc api.Service) *switchable {
	return &switchable{cur: svc, swapped: make(chan struct{})}
}

func (s *switchable) current() (api.Service, <-chan struct{}) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.cur, s.swapped
}

func (s *switchable) get() api.Service { svc, _ := s.current(); return svc }

// swap makes svc the current service; watchers move over to it.
func (s *switchable) swap(svc api.Service) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cur = svc
	close(s.swapped)
	s.swapped = make(chan struct{})
}

// Watch follows the current service's events, and the next service's
// after a swap (announced by an EventDropped, so screens reload).
func (s *switchable) Watch(ctx context.Context) (<-chan api.Event, error) {
	svc, swapped := s.current()
	ch, cancel, err := watchOne(ctx, svc)
	if err != nil {
		return nil, err
	}
	out := make(chan api.Event, api.WatchBuffer)
	go func() {
		defer close(out)
		for {
			select {
			case e, ok := <-ch:
				if !ok {
					ch = nil // this service closed; wait for a swap
					continue
				}
				select {
				case out <- e:
				case <-ctx.Done():
					cancel()
					return
				}
			case <-swapped:
				cancel()
				svc, swapped = s.current()
				if ch, cancel, err = watchOne(ctx, svc); err != nil {
					return
				}
				select {
				case out <- api.Event{Kind: api.EventDropped}:
				case <-ctx.Done():
					cancel()
					return
				}
			case <-ctx.Done():
				cancel()
				return
			}
		}
	}()
	return out, nil
}

func watchOne(ctx context.Context, svc api.Service) (<-chan api.Event, context.CancelFunc, error) {
	wctx, cancel := context.WithCancel(ctx)
	ch, err := svc.Watch(wctx)
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return ch, cancel, nil
}

func (s *switchable) Status(ctx context.Context) (api.Status, error) { return s.get().Status(ctx) }

func (s *switchable) Publish(ctx context.Context, d api.Draft) (protocol.Signed, error) {
	return s.get().Publish(ctx, d)
}

func (s *switchable) Get(ctx context.Context, c protocol.CID) (protocol.Signed, error) {
	return s.get().Get(ctx, c)
}

func (s *switchable) List(ctx context.Context, f api.Filter) (api.Page, error) {
	return s.get().List(ctx, f)
}

func (s *switchable) Identity(ctx context.Context) (api.Identity, error) {
	return s.get().Identity(ctx)
}

func (s *switchable) CreateIdentity(ctx context.Context, st api.Setup) (api.Identity, error) {
	return s.get().CreateIdentity(ctx, st)
}

func (s *switchable) RestoreIdentity(ctx context.Context, path, passphrase string) (api.Identity, error) {
	return s.get().RestoreIdentity(ctx, path, passphrase)
}

func (s *switchable) BackupKeys(ctx context.Context, path, passphrase string) error {
	return s.get().BackupKeys(ctx, path, passphrase)
}

func (s *switchable) RotateDevice(ctx context.Context) (api.Identity, error) {
	return s.get().RotateDevice(ctx)
}

func (s *switchable) Anchors(ctx context.Context) ([]provenance.Anchor, error) {
	return s.get().Anchors(ctx)
}

func (s *switchable) AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error {
	return s.get().AddAnchor(ctx, key, name)
}

func (s *switchable) RemoveAnchor(ctx context.Context, key protocol.PublicKey) error {
	return s.get().RemoveAnchor(ctx, key)
}

func (s *switchable) Verify(ctx context.Context, b protocol.BatchID, forward bool) (*provenance.Report, error) {
	return s.get().Verify(ctx, b, forward)
}

func (s *switchable) Batches(ctx context.Context, f api.BatchFilter) ([]api.Batch, error) {
	return s.get().Batches(ctx, f)
}

func (s *switchable) Batch(ctx context.Context, id protocol.BatchID) (api.Batch, error) {
	return s.get().Batch(ctx, id)
}

func (s *switchable) Incoming(ctx context.Context) ([]api.Incoming, error) {
	return s.get().Incoming(ctx)
}

func (s *switchable) Orgs(ctx context.Context) ([]api.Org, error) { return s.get().Orgs(ctx) }

func (s *switchable) Places(ctx context.Context) ([]api.Place, error) { return s.get().Places(ctx) }

func (s *switchable) Reindex(ctx context.Context, progress func(done, total int64)) error {
	return s.get().Reindex(ctx, progress)
}

func (s *switchable) Check(ctx context.Context) ([]string, error) { return s.get().Check(ctx) }
