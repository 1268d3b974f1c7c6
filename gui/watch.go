package gui

import (
	"context"
	"sync"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// refreshKind says which parts of the screens to reload.
type refreshKind uint8

const (
	refreshStatus refreshKind = 1 << iota
	refreshBatches
	refreshIncoming
	refreshPlaces
	refreshOrgs
	refreshIdentity
	refreshAll = refreshStatus | refreshBatches | refreshIncoming | refreshPlaces | refreshOrgs | refreshIdentity
)

// refreshDelay gathers a burst of events (a sync brings thousands) into
// one reload.
const refreshDelay = 400 * time.Millisecond

// watcher follows the node's events and reloads what they touch.
type watcher struct {
	u       *UI
	ctx     context.Context // the service's: ends when the window closes or moves on
	mu      sync.Mutex
	pending refreshKind
	timer   *time.Timer
}

// startWatcher watches the node until the UI stops.
func startWatcher(u *UI) *watcher {
	w := &watcher{u: u, ctx: u.svcCtx}
	go w.run()
	return w
}

func (w *watcher) run() {
	ch, err := w.u.svc.Watch(w.ctx)
	if err != nil {
		if w.ctx.Err() == nil {
			w.u.begin()
			w.u.finish(func() { w.u.statusLn.fail(err) })
		}
		return
	}
	for ev := range ch {
		w.note(kindOf(ev))
	}
}

// kindOf says what an event changes.
func kindOf(ev api.Event) refreshKind {
	switch ev.Kind {
	case api.EventRecordAdded:
		k := refreshStatus
		switch ev.Type {
		case protocol.TypeOrigin, protocol.TypeProcess:
			k |= refreshBatches
		case protocol.TypeTransfer, protocol.TypeReceive:
			k |= refreshBatches | refreshIncoming
		case protocol.TypePlace:
			k |= refreshPlaces
		case protocol.TypeOrg:
			k |= refreshOrgs | refreshIdentity
		case protocol.TypeDevice, protocol.TypeEndorse, protocol.TypeRevoke:
			k |= refreshIdentity | refreshOrgs
		case protocol.TypeCorrect:
			k = refreshAll
		}
		return k
	case api.EventDropped:
		return refreshAll
	}
	return refreshStatus
}

// note schedules a reload of k, gathering events that come close together.
func (w *watcher) note(k refreshKind) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.pending |= k
	if w.timer != nil {
		return
	}
	w.timer = time.AfterFunc(refreshDelay, func() {
		w.mu.Lock()
		k := w.pending
		w.pending, w.timer = 0, nil
		w.mu.Unlock()
		if w.ctx.Err() != nil {
			return
		}
		w.u.begin()
		w.u.finish(func() {
			if w.ctx.Err() == nil {
				w.u.refresh(k)
			}
		})
	})
}
