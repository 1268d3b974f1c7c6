//go:build screenshots

package main

// The screenshot build runs the app against the GUI's in-memory fake
// service, seen from the mill of the palm-oil scenario, until the demo
// network can stand in for it. Build it with -tags screenshots.

import (
	"context"

	"github.com/jejak/jejak/gui"
	"github.com/jejak/jejak/gui/fake"
)

type service struct {
	*fake.Service
	StartDemo func(context.Context) (gui.Demo, error)
	Demo      gui.Demo
}

func (s *service) Close() error { return nil }

func openService(ctx context.Context, dir string) (*service, error) {
	m := fake.NewMill()
	demo := gui.Demo{Batches: []gui.DemoBatch{
		{Label: "Cooking oil — honest chain", ID: m.Honest},
		{Label: "Cooking oil — CPO sold twice", ID: m.Failed},
	}}
	start := func(context.Context) (gui.Demo, error) { return demo, nil }
	return &service{Service: m.Service, Demo: demo, StartDemo: start}, nil
}
