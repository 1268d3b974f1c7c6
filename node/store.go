package node

import (
	"context"
	"log/slog"

	"github.com/jejak/jejak/storage"
)

// openStore opens the record store in dir (the node then owns it and closes
// it at Close), sized for a relay or a desktop.
func openStore(dir string, relay bool, cfg Config) (storage.Store, error) {
	// The store logs Badger's chatter at debug level; keep the node's
	// debug log for the node.
	opts := storage.Options{Logger: slog.New(minLevel{cfg.Logger.Handler(), slog.LevelInfo})}
	if relay {
		opts.Profile = storage.Relay
	}
	s, err := storage.Open(dir, opts)
	if err != nil {
		return nil, err
	}
	return s, nil
}

// minLevel passes on records at or above min.
type minLevel struct {
	h   slog.Handler
	min slog.Level
}

func (m minLevel) Enabled(ctx context.Context, l slog.Level) bool {
	return l >= m.min && m.h.Enabled(ctx, l)
}

func (m minLevel) Handle(ctx context.Context, r slog.Record) error { return m.h.Handle(ctx, r) }

func (m minLevel) WithAttrs(as []slog.Attr) slog.Handler { return minLevel{m.h.WithAttrs(as), m.min} }

func (m minLevel) WithGroup(name string) slog.Handler { return minLevel{m.h.WithGroup(name), m.min} }
