package node

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// millNode is the mill of the honest palm-oil chain, on a node of its own.
func millNode(t *testing.T) (*Node, *scenario.Scenario) {
	t.Helper()
	s := scenario.HonestPalm()
	cfg := testConfig(t, "mill")
	cfg.OrgKey, cfg.DeviceKey = scenario.Key("bukit-lebam-mill"), scenario.Key("bukit-lebam-mill/device-1")
	n := startNode(t, cfg)
	if _, err := n.store.PutBatch(context.Background(), s.Records); err != nil {
		t.Fatal(err)
	}
	return n, s
}

// TestPublishRefusesUnbacked: what verification will fail is refused
// before it is signed, in the user's units, and nothing is stored; with
// Unbacked it is recorded anyway.
func TestPublishRefusesUnbacked(t *testing.T) {
	ctx := context.Background()
	n, s := millNode(t)
	cpo := protocol.BatchID{Record: s.Marks["mill.process"].CID}
	refinery := scenario.Key("pasir-gudang").Public()
	before, _ := n.Status(ctx)
	d := api.Draft{Body: &protocol.Transfer{Batch: cpo, Qty: protocol.Q(1, protocol.TNE), To: refinery}}
	_, err := n.Publish(ctx, d)
	var ue *api.UnbackedError
	if !errors.Is(err, api.ErrUnbacked) || !errors.As(err, &ue) || len(ue.Findings) != 1 ||
		!strings.Contains(err.Error(), "has 0 t left here (21 t made, sent 21 t (") {
		t.Fatalf("a sale of CPO with none left: %v", err)
	}
	if after, _ := n.Status(ctx); after.Records != before.Records {
		t.Fatalf("a refused draft changed the store: %d records, then %d", before.Records, after.Records)
	}
	// Offline capture: recorded anyway, on the clerk's word.
	d.Unbacked = true
	if _, err := n.Publish(ctx, d); err != nil {
		t.Fatalf("with Unbacked: %v", err)
	}
	// A receipt of a transfer addressed to another organisation.
	_, err = n.Publish(ctx, api.Draft{Body: &protocol.Receive{Transfer: s.Marks["mill.transfer"].CID, Qty: protocol.Q(21, protocol.TNE)}})
	if !errors.Is(err, api.ErrUnbacked) || !strings.Contains(err.Error(), "addressed to Pasir Gudang") {
		t.Fatalf("a receipt by a stranger: %v", err)
	}
}

// TestPublishDraftOnce: publishing one draft again, after its answer was
// lost, from this process or a new one, returns the record it made and
// makes no second one; so do two tries at once.
func TestPublishDraftOnce(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "retrier")
	n := startNode(t, cfg)
	d := api.Draft{Body: orgBody(1), ID: api.NewDraftID()}
	var wg sync.WaitGroup
	got := make([]protocol.Signed, 4)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec, err := n.Publish(ctx, d)
			if err != nil {
				t.Error(err)
			}
			got[i] = rec
		}()
	}
	wg.Wait()
	for _, r := range got[1:] {
		if r.CID != got[0].CID {
			t.Fatalf("one draft made records %s and %s", got[0].CID, r.CID)
		}
	}
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	n2 := startNode(t, cfg)
	again, err := n2.Publish(ctx, d)
	if err != nil || again.CID != got[0].CID {
		t.Fatalf("the draft again after a restart: %v, %v; want %s", again.CID, err, got[0].CID)
	}
	page, err := n2.List(ctx, api.Filter{Author: cfg.DeviceKey.Public()})
	if err != nil || len(page.Records) != 1 {
		t.Fatalf("the feed holds %d records (%v), want 1", len(page.Records), err)
	}
	// A new draft is a new record.
	if rec, err := n2.Publish(ctx, api.Draft{Body: orgBody(1), ID: api.NewDraftID()}); err != nil || rec.CID == got[0].CID {
		t.Fatalf("a second draft: %v, %v", rec.CID, err)
	}
}

// TestPublishAtOnceCannotOversell: eight clerks ship a tonne each of the
// 5 t of palm kernels the mill holds, all at the same moment: five are
// signed and three refused, never more sent than held.
func TestPublishAtOnceCannotOversell(t *testing.T) {
	ctx := context.Background()
	n, s := millNode(t)
	pk := protocol.BatchID{Record: s.Marks["mill.process"].CID, Index: 1}
	refinery := scenario.Key("pasir-gudang").Public()
	var wg sync.WaitGroup
	errs := make([]error, 8)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = n.Publish(ctx, api.Draft{Body: &protocol.Transfer{Batch: pk, Qty: protocol.Q(1, protocol.TNE), To: refinery}})
		}()
	}
	wg.Wait()
	var signed, refused int
	for _, err := range errs {
		switch {
		case err == nil:
			signed++
		case errors.Is(err, api.ErrUnbacked):
			refused++
		default:
			t.Errorf("a shipment: %v", err)
		}
	}
	if signed != 5 || refused != 3 {
		t.Fatalf("%d shipments of 1 t signed and %d refused from 5 t held; want 5 and 3", signed, refused)
	}
}
