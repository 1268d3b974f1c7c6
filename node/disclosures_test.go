package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/interop/export"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// smallholder is the supplier of the tests: a person, whose name and ID
// must not be in any record.
var smallholder = protocol.SupplierDraft{Kind: protocol.SupplierSmallholder, Scheme: protocol.SchemeMPOB,
	Name: "Hassan bin Omar", ID: "MPOB-554433-C"}

// recordOnBehalf publishes, on the mill's node, a smallholder's plot and
// a delivery of its fruit recorded on the smallholder's behalf.
func recordOnBehalf(t *testing.T, n *Node) protocol.Signed {
	t.Helper()
	ctx := context.Background()
	plot, err := n.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Kebun Parit 7", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.91, 1.79)), Area: 18_000}})
	if err != nil {
		t.Fatal(err)
	}
	start := scenario.Start.UnixMilli()
	o, err := n.Publish(ctx, api.Draft{Body: &protocol.Origin{Places: []protocol.CID{plot.CID}, From: start, Until: start,
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(2, protocol.TNE)}}}, Supplier: &smallholder})
	if err != nil {
		t.Fatalf("publish an origin on a supplier's behalf: %v", err)
	}
	return o
}

// TestPublishOnBehalf: the record holds commitments, not the name or ID;
// the disclosure is on disk when Publish returns and survives a restart;
// verification, the EUDR export and the capsule show it; another
// install holding the same records does not have it.
func TestPublishOnBehalf(t *testing.T) {
	ctx := context.Background()
	n, s := millNode(t)
	o := recordOnBehalf(t, n)
	sup := o.Body.(*protocol.Origin).Supplier
	if sup == nil || sup.Kind != "smallholder" || sup.Scheme != "MPOB" || len(sup.Name) != 32 {
		t.Fatalf("the origin's supplier is %+v", sup)
	}
	stored, err := n.store.Get(ctx, o.CID)
	if err != nil {
		t.Fatal(err)
	}
	for _, clear := range []string{"Hassan", "554433"} {
		if bytes.Contains(o.Bytes, []byte(clear)) || bytes.Contains(stored.Bytes, []byte(clear)) {
			t.Errorf("the record gossiped and stored holds %q in the clear", clear)
		}
	}
	file := filepath.Join(n.cfg.DataDir, DisclosureDir, o.CID.String()+".json")
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the disclosure file: %v, %v; want it there, readable by the user alone", fi, err)
	}

	// A restart: the disclosure is read from the data folder.
	cfg := n.cfg
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	cfg.Store = nil
	n = startNode(t, cfg)
	rep, err := n.Verify(ctx, api.VerifyRequest{Batch: protocol.BatchID{Record: o.CID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suppliers) != 1 || rep.Suppliers[0].Disclosure == nil || rep.Suppliers[0].Disclosure.Name != "Hassan bin Omar" {
		t.Fatalf("after a restart, the report's suppliers are %+v", rep.Suppliers)
	}
	if r := onBehalfReason(rep); !strings.Contains(r, "recorded by Kilang Sawit Bukit Lebam Sdn Bhd on behalf of a smallholder who runs no Jejak: Hassan bin Omar, MPOB ID MPOB-554433-C") {
		t.Errorf("the report does not say who recorded it for whom: %q", r)
	}

	// The exports for the importer carry it.
	ev, err := n.Evidence(ctx, api.VerifyRequest{Batch: protocol.BatchID{Record: o.CID}})
	if err != nil {
		t.Fatal(err)
	}
	in := export.Input{Report: ev.Report, Records: ev.Records, Network: ev.Network, Maker: ev.Maker}
	for _, name := range []string{"eudr", "capsule"} {
		f, err := export.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		files, err := f.Write(in)
		if err != nil {
			t.Fatalf("export %s: %v", name, err)
		}
		var found bool
		for _, file := range files {
			found = found || bytes.Contains(file.Data, []byte("MPOB-554433-C"))
			if name == "capsule" {
				res := capsule.Check(ctx, file.Data, capsule.CheckOptions{Network: ev.Network})
				if !res.OK || len(res.Report.Suppliers) != 1 || res.Report.Suppliers[0].Disclosure == nil {
					t.Errorf("the capsule's check: %+v", res)
				}
			}
			if strings.HasSuffix(file.Name, ".json") {
				var sum struct {
					Suppliers []struct {
						Name, ID string
					} `json:"suppliers"`
				}
				if err := json.Unmarshal(file.Data, &sum); err != nil || len(sum.Suppliers) != 1 || sum.Suppliers[0].Name != "Hassan bin Omar" {
					t.Errorf("the EUDR summary's suppliers: %+v, %v", sum.Suppliers, err)
				}
			}
		}
		if !found {
			t.Errorf("the %s export does not carry the supplier's ID", name)
		}
	}

	// Another install with the same records: committed, not disclosed.
	other := startNode(t, testConfig(t, "refinery"))
	if _, err := other.store.PutBatch(ctx, append(append([]protocol.Signed{}, s.Records...), ev.Records...)); err != nil {
		t.Fatal(err)
	}
	rep, err = other.Verify(ctx, api.VerifyRequest{Batch: protocol.BatchID{Record: o.CID}})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Suppliers) != 1 || rep.Suppliers[0].Disclosure != nil || strings.Contains(rep.Text(), "Hassan") ||
		!strings.Contains(onBehalfReason(rep), "MPOB ID committed, not shown") {
		t.Errorf("another install's report:\n%s", rep.Text())
	}
}

// TestPublishOnBehalfRefused: a supplier on another body, a supplier
// named twice, a draft with no name, and an install signing format 2 are
// refused, and nothing is kept.
func TestPublishOnBehalfRefused(t *testing.T) {
	ctx := context.Background()
	n, s := millNode(t)
	plot := s.Marks["plantation.origin"].Body.(*protocol.Origin).Places[0]
	origin := func() *protocol.Origin {
		return &protocol.Origin{Places: []protocol.CID{plot}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
			Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(1, protocol.TNE)}}}
	}
	twice := origin()
	twice.Supplier = &protocol.Supplier{Kind: "dealer", Scheme: "MSPO", Name: make([]byte, 32), ID: make([]byte, 32)}
	noName := smallholder
	noName.Name = " "
	cases := []struct {
		name string
		d    api.Draft
		want string
	}{
		{"not an origin", api.Draft{Body: &protocol.Place{Name: "x", Kind: "plot", Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(103, 1)), Area: 100}, Supplier: &smallholder}, "only be named on an origin"},
		{"named twice", api.Draft{Body: twice, Supplier: &smallholder}, "twice"},
		{"no name", api.Draft{Body: origin(), Supplier: &noName}, "supplier.name"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := n.Publish(ctx, tc.d)
			if !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Publish: %v, want ErrInvalid about %q", err, tc.want)
			}
		})
	}
	n.cfg.RecordFormat = protocol.Version2
	if _, err := n.Publish(ctx, api.Draft{Body: origin(), Supplier: &smallholder}); !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "record_format") {
		t.Fatalf("a supplier on an install signing format 2: %v", err)
	}
	if entries, _ := os.ReadDir(filepath.Join(n.cfg.DataDir, DisclosureDir)); len(entries) != 0 {
		t.Errorf("refused drafts left %d disclosures", len(entries))
	}
}

// onBehalfReason returns the text of the report's on_behalf reason.
func onBehalfReason(rep *provenance.Report) string {
	if c := rep.Check("eudr"); c != nil {
		for _, r := range c.Reasons {
			if r.Code == provenance.CodeOnBehalf {
				return r.Text
			}
		}
	}
	return ""
}
