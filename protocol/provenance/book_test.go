package provenance_test

import (
	"context"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestBookAgreesWithVerify runs the scenario library through Verify and
// through the Book, the holdings the batch lists show, and checks they tell
// one story: every batch in the trace is held by its maker in full; an
// organisation the Book shows claiming more than it holds is exactly one
// that the double-claim check names, with the same numbers; and the
// organisation the Book gives each signing key is the one the report's
// signers list.
func TestBookAgreesWithVerify(t *testing.T) {
	ctx := context.Background()
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			src := provenance.NewMemSource(s.Records...)
			opts := provenance.Options{Anchors: s.Anchors, Forward: true, Now: func() time.Time { return checkedAt }}
			r, err := provenance.Verify(ctx, src, s.Batch, opts)
			if err != nil {
				t.Fatal(err)
			}
			bk := provenance.NewBook(ctx, src, opts)

			// Over-claims the double-claim check names, by batch and
			// organisation, with their numbers.
			type claim struct{ available, claimed string }
			named := map[string]claim{}
			if c := r.Check("double_claim"); c != nil {
				for _, reason := range c.Reasons {
					if reason.Code == provenance.CodeDoubleClaim {
						named[reason.Records[0].String()] = claim{reason.Numbers["available"], reason.Numbers["claimed"]}
					}
				}
			}
			var orgs []protocol.PublicKey
			for _, sg := range r.Signers {
				orgs = append(orgs, sg.Key)
				for _, d := range sg.Devices {
					if got, ok := bk.OrgOf(d.Key); !ok || got != sg.Key {
						t.Errorf("device %s: the Book says organisation %s (%v), the report's signers %s", d.Key.Short(), got.Short(), ok, sg.Key.Short())
					}
				}
			}
			over := map[string]claim{}
			for _, n := range r.Graph.Nodes {
				if n.Kind != provenance.NodeBatch || n.Missing || n.Corrected {
					continue
				}
				id, err := protocol.ParseBatchID(n.ID)
				if err != nil {
					t.Fatal(err)
				}
				for _, org := range orgs {
					h, err := bk.Holding(id, org)
					if err != nil {
						t.Fatal(err)
					}
					if !h.Known {
						t.Fatalf("batch %s is in the graph but unknown to the Book", id)
					}
					if h.Producer {
						if n.OrgKey == nil || *n.OrgKey != org {
							t.Errorf("batch %s: the Book says %s made it, the graph %v", id, org.Short(), n.OrgKey)
						}
						if !sameQty(h.Held, h.Output.Qty) {
							t.Errorf("batch %s: its maker holds %s, but it was made with %s", id, h.Held, h.Output.Qty)
						}
					}
					if base(h.Claimed) > base(h.Held) {
						over[id.Record.String()] = claim{h.Held.String(), h.Claimed.String()}
					}
				}
			}
			for rec, c := range over {
				got, ok := named[rec]
				if !ok {
					t.Errorf("the Book shows record %s's batch claimed beyond what is held (%s of %s); the double-claim check says nothing", rec, c.claimed, c.available)
					continue
				}
				if got != c {
					t.Errorf("record %s: double claim says %s of %s, the Book %s of %s", rec, got.claimed, got.available, c.claimed, c.available)
				}
			}
			for rec := range named {
				if _, ok := over[rec]; !ok {
					t.Errorf("the double-claim check names record %s, but the Book shows no over-claim of its batches", rec)
				}
			}
			if err := bk.Err(); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func base(q protocol.Quantity) int64 { b, _, _ := q.Base(); return b }

func sameQty(a, b protocol.Quantity) bool {
	return base(a) == base(b) && a.Unit.Dimension() == b.Unit.Dimension()
}
