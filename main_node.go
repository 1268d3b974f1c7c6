//go:build !screenshots

package main

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"

	"github.com/jejak/jejak/gui"
	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/demo"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// service is the node behind the window and what the GUI may do with it.
type service struct {
	api.Service
	// StartDemo starts the demo network beside the node.
	StartDemo func(context.Context) (gui.Demo, error)
	// Demo are batches to offer on the Verify screen from the start.
	Demo gui.Demo
	// Close stops the demo network, if it runs, and the node.
	Close func() error
}

// openService starts the real node in dir. The node keeps the
// organisation and device keys in dir itself (identity.json).
func openService(ctx context.Context, dir string) (*service, error) {
	n, err := node.New(ctx, node.Config{
		DataDir:    dir,
		EnableMDNS: true,
		EnableDHT:  true,
		UserAgent:  "jejak-desktop",
	})
	if errors.Is(err, storage.ErrInUse) {
		return nil, fmt.Errorf("%w: %v", errInUse, err)
	}
	if err != nil {
		return nil, err
	}
	sw := newSwitchable(n)
	var (
		mu      sync.Mutex
		demoNet *demo.Network
		demoN   *node.Node
	)
	// The demo runs on a node of its own, on a network of its own and in
	// a folder of its own (DATA/demo), so its records and its trust anchor
	// never reach the install's real store or real peers. The window moves
	// over to the demo node; the real node keeps running behind it.
	start := func(ctx context.Context) (gui.Demo, error) {
		mu.Lock()
		defer mu.Unlock()
		if demoNet == nil {
			dn, err := node.New(ctx, node.Config{
				DataDir:     filepath.Join(dir, "demo"),
				Network:     demoNetwork,
				ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
				UserAgent:   "jejak-desktop-demo",
			})
			if errors.Is(err, storage.ErrInUse) {
				return gui.Demo{}, fmt.Errorf("%w: %v", errInUse, err)
			}
			if err != nil {
				return gui.Demo{}, fmt.Errorf("start the demo node: %w", err)
			}
			if id, err := dn.Identity(ctx); err == nil && !id.Ready {
				_, err = dn.CreateIdentity(ctx, api.Setup{Name: "You (demo buyer)", Roles: []protocol.Role{protocol.RoleBuyer}, Country: "MY", DeviceName: "demo"})
				if err != nil {
					dn.Close()
					return gui.Demo{}, fmt.Errorf("set up the demo buyer: %w", err)
				}
			}
			d, err := demo.Start(ctx, demoNetwork, dn)
			if err != nil {
				dn.Close()
				return gui.Demo{}, err
			}
			demoNet, demoN = d, dn
			sw.swap(dn)
		}
		return gui.Demo{Batches: []gui.DemoBatch{
			{Label: "Palm kernels — honest chain", ID: demoNet.Trusted},
			{Label: "Cooking oil — CPO sold twice", ID: demoNet.Failed},
		}}, nil
	}
	closeAll := func() error {
		mu.Lock()
		defer mu.Unlock()
		var errs []error
		if demoNet != nil {
			errs = append(errs, demoNet.Close(), demoN.Close())
			demoNet, demoN = nil, nil
		}
		errs = append(errs, n.Close())
		return errors.Join(errs...)
	}
	return &service{Service: sw, StartDemo: start, Close: closeAll}, nil
}

// demoNetwork is the network name of the demo: nodes of other networks never
// exchange records with it.
const demoNetwork = "jejak-demo"
