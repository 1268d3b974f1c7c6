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
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// demoNetwork is the network name of the demo: nodes of other networks never
// exchange records with it.
const demoNetwork = "jejak-demo"

// demoNet is the demo the first-run screen offers. It runs on a node of its
// own, on a network of its own and in a folder of its own (DATA/demo), so
// its records and its trust anchor never reach the install's real store or
// real peers. The window moves over to the demo node; the install's node
// keeps running behind it.
type demoNet struct {
	dir string
	cfg node.Config // the install's, for the settings the demo node shares

	mu   sync.Mutex
	net  *demo.Network
	node *node.Node
}

// demoOrgPassphrase encrypts the demo buyer's organisation key. The demo is
// a throwaway on this computer with nothing to protect, so its passphrase
// is no secret.
const demoOrgPassphrase = "jejak demo buyer"

// start starts the demo (once) and returns its node's service and batches.
func (d *demoNet) start(ctx context.Context) (gui.Demo, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.net == nil {
		dn, err := node.New(ctx, node.Config{
			DataDir:       filepath.Join(d.dir, "demo"),
			KeyWorkFactor: d.cfg.KeyWorkFactor,
			Net: p2p.Config{
				Network:     demoNetwork,
				ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"},
				UserAgent:   userAgent + "-demo",
			},
		})
		if errors.Is(err, storage.ErrInUse) {
			return gui.Demo{}, fmt.Errorf("the demo's folder %s is in use by another Jejak process", filepath.Join(d.dir, "demo"))
		}
		if err != nil {
			return gui.Demo{}, fmt.Errorf("start the demo node: %w", err)
		}
		if id, err := dn.Identity(ctx); err == nil && !id.Ready {
			_, err = dn.CreateIdentity(ctx, api.Setup{Name: "You (demo buyer)", Roles: []protocol.Role{protocol.RoleBuyer}, Country: "MY", DeviceName: "demo",
				OrgPassphrase: demoOrgPassphrase})
			if err != nil {
				dn.Close()
				return gui.Demo{}, fmt.Errorf("set up the demo buyer: %w", err)
			}
		}
		net, err := demo.Start(ctx, demoNetwork, dn, nil)
		if err != nil {
			dn.Close()
			return gui.Demo{}, err
		}
		d.net, d.node = net, dn
	}
	return gui.Demo{Service: d.node, Batches: []gui.DemoBatch{
		{Label: "Palm kernels — honest chain", ID: d.net.Trusted},
		{Label: "Cooking oil — CPO sold twice", ID: d.net.Failed},
	}}, nil
}

// close stops the demo, if it runs.
func (d *demoNet) close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.net == nil {
		return nil
	}
	err := errors.Join(d.net.Close(), d.node.Close())
	d.net, d.node = nil, nil
	return err
}
