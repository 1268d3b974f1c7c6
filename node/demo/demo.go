// Package demo starts a small palm-oil network inside the process, beside a
// user's node, so that a newcomer can scan and verify batches within a
// minute of opening the app: a certifier, a plantation, a mill and a
// refinery, each an in-process node on loopback with its own in-memory
// store, holding a realistic chain in which one batch was sold twice.
package demo

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
	"github.com/jejak/jejak/storage"
)

// Network is a running demo network.
type Network struct {
	// Trusted is a batch whose history is honest: the mill's palm kernels.
	Trusted protocol.BatchID
	// Failed is a batch whose history is not: cooking oil made from crude
	// palm oil that the mill sold twice.
	Failed protocol.BatchID
	// Anchor is the demo certification body's key, which the user's node
	// is told to trust.
	Anchor protocol.PublicKey
	// AnchorName is its name for people.
	AnchorName string

	nodes  []*p2p.Engine
	stores []storage.Store
}

// The organisations of the demo and which node carries their feeds.
var roles = []struct {
	node string
	orgs []string // scenario key names of the organisations
}{
	{"certifier", []string{"rspo", "borneo-assurance"}},
	{"plantation", []string{"sungai-lebam"}},
	{"mill", []string{"bukit-lebam-mill", "lahad-datu"}},
	{"refinery", []string{"pasir-gudang", "sinar-pangan"}},
}

// Peer is what the demo needs of the user's node: its addresses, a way to
// add a trust anchor, and its record count.
type Peer interface {
	Addrs() []string
	AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error
	Status(ctx context.Context) (api.Status, error)
}

// syncWait bounds how long Start waits for the user's node to hold the
// whole demo chain.
const syncWait = 60 * time.Second

// Start starts the demo nodes on 127.0.0.1 with the given network name (the
// user's node's), connects each to user, and makes user trust the demo
// certification body. It returns once the user's node holds every record
// of the demo chain (it syncs them from the demo nodes), so that a batch
// verified right away is judged on the whole story, double claim included.
// now is the demo nodes' clock (nil: time.Now): the user's node's, so that
// their clocks agree.
func Start(ctx context.Context, network string, user Peer, now func() time.Time) (*Network, error) {
	s := scenario.DoubleClaim()
	d := &Network{Failed: s.Batch, Anchor: scenario.Key("rspo").Public(), AnchorName: "Roundtable on Sustainable Palm Oil (demo)"}
	mill, ok := s.Marks["mill.process"]
	if !ok {
		return nil, errors.New("demo: the scenario has no mill process")
	}
	d.Trusted = protocol.BatchID{Record: mill.CID, Index: 1}

	byNode := split(s.Records)
	addrs := user.Addrs()
	for _, r := range roles {
		st, err := storage.OpenMemory(storage.Options{})
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: %s store: %w", r.node, err)
		}
		d.stores = append(d.stores, st)
		if _, err := st.PutBatch(ctx, byNode[r.node]); err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: %s records: %w", r.node, err)
		}
		n, err := p2p.New(ctx, p2p.Config{
			Store:        st,
			Network:      network,
			ListenAddrs:  []string{"/ip4/127.0.0.1/tcp/0"},
			SyncInterval: 30 * time.Second,
			Logger:       slog.New(slog.DiscardHandler),
			UserAgent:    "jejak-demo/" + r.node,
			Now:          now,
		})
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: %s node: %w", r.node, err)
		}
		d.nodes = append(d.nodes, n)
		if err := connectAny(ctx, n, addrs); err != nil {
			d.Close()
			return nil, fmt.Errorf("demo: connect %s to your node: %w", r.node, err)
		}
	}
	if err := user.AddAnchor(ctx, d.Anchor, d.AnchorName); err != nil {
		d.Close()
		return nil, fmt.Errorf("demo: trust the demo certifier: %w", err)
	}
	if err := waitForRecords(ctx, user, int64(len(s.Records))); err != nil {
		d.Close()
		return nil, err
	}
	return d, nil
}

// waitForRecords polls the user's node until it holds at least n records.
func waitForRecords(ctx context.Context, user Peer, n int64) error {
	ctx, cancel := context.WithTimeout(ctx, syncWait)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		st, err := user.Status(ctx)
		if err == nil && st.Records >= n {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("demo: your node did not receive the demo chain in time (%d of %d records)", st.Records, n)
		case <-tick.C:
		}
	}
}

// connectAny dials the first of addrs that answers, preferring loopback.
func connectAny(ctx context.Context, n *p2p.Engine, addrs []string) error {
	addrs = slices.Clone(addrs)
	slices.SortStableFunc(addrs, func(a, b string) int {
		return boolRank(!isLoopback(a)) - boolRank(!isLoopback(b))
	})
	var errs []error
	for _, a := range addrs {
		if err := n.Connect(ctx, a); err != nil {
			errs = append(errs, err)
			continue
		}
		return nil
	}
	if len(errs) == 0 {
		return errors.New("your node has no addresses")
	}
	return errors.Join(errs...)
}

func isLoopback(addr string) bool {
	return len(addr) > 13 && (addr[:13] == "/ip4/127.0.0." || addr[:8] == "/ip6/::1")
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

// split sorts records onto the demo nodes by the organisation that signed
// them (directly, or through a device it delegated).
func split(recs []protocol.Signed) map[string][]protocol.Signed {
	nodeOf := map[protocol.PublicKey]string{}
	for _, r := range roles {
		for _, o := range r.orgs {
			nodeOf[scenario.Key(o).Public()] = r.node
		}
	}
	for _, rec := range recs {
		if d, ok := rec.Body.(*protocol.Device); ok {
			if n, ok := nodeOf[rec.Author]; ok {
				nodeOf[d.Key] = n
			}
		}
	}
	out := map[string][]protocol.Signed{}
	for _, rec := range recs {
		n, ok := nodeOf[rec.Author]
		if !ok {
			n = "certifier" // anyone else's records: some node must carry them
		}
		out[n] = append(out[n], rec)
	}
	return out
}

// Close stops the demo nodes and drops their stores.
func (d *Network) Close() error {
	var errs []error
	for _, n := range d.nodes {
		errs = append(errs, n.Close())
	}
	for _, s := range d.stores {
		errs = append(errs, s.Close())
	}
	d.nodes, d.stores = nil, nil
	return errors.Join(errs...)
}
