package node

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestBatchListsAgreeWithVerify runs the scenario library through the
// install's batch lists, as each organisation of each chain would see
// them, and through Verify: every batch the organisation made or received
// in the trace is listed, with what the verification's own ledger says it
// holds and has left, and nothing else is listed.
func TestBatchListsAgreeWithVerify(t *testing.T) {
	ctx := context.Background()
	now := func() time.Time { return time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC) }
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			st := memStoreOf(t, s.Records)
			src := storeSource{s: st}
			opts := provenance.Options{Anchors: s.Anchors, Forward: true, Now: now, SkipSignatures: true}
			r, err := provenance.Verify(ctx, src, s.Batch, opts)
			if err != nil {
				t.Fatal(err)
			}
			bk := provenance.NewBook(ctx, src, opts)
			for _, id := range s.Orgs {
				org := scenario.Key(id)
				n, err := New(ctx, Config{Store: st, OrgKey: org, DeviceKey: scenario.Key(id + "/device-1"), Now: now,
					Logger: slog.New(slog.DiscardHandler),
					Net:    p2p.Config{Network: "holdings-test", ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, SyncInterval: -1}})
				if err != nil {
					t.Fatal(err)
				}
				listed, err := n.Batches(ctx, api.BatchFilter{})
				n.Close()
				if err != nil {
					t.Fatal(err)
				}
				got := map[protocol.BatchID]api.Batch{}
				for _, b := range listed {
					got[b.ID] = b
				}
				for _, gn := range r.Graph.Nodes {
					if gn.Kind != provenance.NodeBatch || gn.Missing || gn.Corrected {
						continue
					}
					bid, _ := protocol.ParseBatchID(gn.ID)
					h, err := bk.Holding(bid, org.Public())
					if err != nil {
						t.Fatal(err)
					}
					b, ok := got[h.Batch]
					holds := h.Producer || len(h.Receipts) > 0
					switch {
					case holds && !ok:
						t.Errorf("%s: batch %s (%s) is %s by the ledger, but not listed", id, h.Batch, h.Output.Product, h)
					case !holds && ok:
						t.Errorf("%s: batch %s is listed but the ledger shows it never held it", id, h.Batch)
					case ok && (base(b.Held) != base(h.Held) || base(b.Left) != base(h.Left)):
						t.Errorf("%s: batch %s listed with %s held, %s left; the ledger says %s", id, h.Batch, b.Held, b.Left, h)
					}
				}
			}
		})
	}
}

func base(q protocol.Quantity) int64 { b, _, _ := q.Base(); return b }
