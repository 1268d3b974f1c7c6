package capsule_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// withSupplier adds to the palm scenario a delivery the mill records on a
// smallholder's behalf, makes it the scenario's batch, and returns its
// disclosure.
func withSupplier(t testing.TB) (*scenario.Scenario, protocol.Disclosure) {
	t.Helper()
	s := scenario.HonestPalm()
	key := scenario.Key("bukit-lebam-mill/device-1")
	add := func(body protocol.Body) protocol.Signed {
		r := &protocol.Record{Seq: 1, Time: scenario.Start.UnixMilli(), Body: body}
		for _, x := range s.Records {
			if x.Author == key.Public() && x.Seq >= r.Seq {
				r.Seq, r.Prev = x.Seq+1, x.CID
			}
			r.Time = max(r.Time, x.Time+60_000)
		}
		sealed, err := protocol.Seal(r, key)
		if err != nil {
			t.Fatal(err)
		}
		s.Records = append(s.Records, sealed)
		return sealed
	}
	plot := add(&protocol.Place{Name: "Kebun Parit 7", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.91, 1.79)), Area: 18_000})
	sup, d, err := protocol.SupplierDraft{Kind: protocol.SupplierSmallholder, Scheme: protocol.SchemeMPOB,
		Name: "Hassan bin Omar", ID: "MPOB-554433-C"}.Commit(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	o := add(&protocol.Origin{Places: []protocol.CID{plot.CID}, From: scenario.Start.UnixMilli(), Until: scenario.Start.UnixMilli(),
		Out: []protocol.Output{{Product: "FFB", Qty: protocol.Quantity{Milli: 2_400_000, Unit: protocol.TNE}}}, Supplier: sup})
	d.Record = o.CID
	s.Batch = protocol.BatchID{Record: o.CID}
	return s, d
}

func writeWith(t testing.TB, s *scenario.Scenario, ds []protocol.Disclosure) []byte {
	t.Helper()
	_, recs, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(s.Records...), s.Batch, options(s))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	m := capsule.Manifest{Network: "jejak-test", Batch: s.Batch, Made: checkedAt, Maker: "Bukit Lebam", Disclosures: ds}
	if err := capsule.Write(&b, m, recs); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestCapsuleDisclosures: the importer's capsule carries the supplier's
// name and ID, and Check shows them once they open the record's
// commitments; a forged one fails naming the record.
func TestCapsuleDisclosures(t *testing.T) {
	s, d := withSupplier(t)
	anchors := []string{}
	for _, a := range s.Anchors {
		anchors = append(anchors, a.String())
	}
	opts := capsule.CheckOptions{Anchors: anchors, Now: checkedAt, Network: "jejak-test"}

	t.Run("disclosed", func(t *testing.T) {
		data := writeWith(t, s, []protocol.Disclosure{d})
		c := read(t, data)
		if len(c.Manifest.Disclosures) != 1 || c.Manifest.Disclosures[0].Name != "Hassan bin Omar" || c.Manifest.Records != len(c.Records) {
			t.Fatalf("read disclosures %+v, %d records of %d", c.Manifest.Disclosures, len(c.Records), c.Manifest.Records)
		}
		res := capsule.Check(context.Background(), data, opts)
		if !res.OK || res.Report.Verdict == provenance.Failed {
			t.Fatalf("check: %+v", res)
		}
		if len(res.Report.Suppliers) != 1 || res.Report.Suppliers[0].Disclosure == nil || res.Report.Suppliers[0].Disclosure.ID != "MPOB-554433-C" {
			t.Fatalf("suppliers %+v", res.Report.Suppliers)
		}
		if !strings.Contains(res.Report.Text(), "Hassan bin Omar") {
			t.Errorf("the report does not name the disclosed supplier:\n%s", res.Report.Text())
		}
	})
	t.Run("not disclosed", func(t *testing.T) {
		data := writeWith(t, s, nil)
		if bytes.Contains(data, []byte("Hassan")) || bytes.Contains(data, []byte("disclosures")) {
			t.Fatal("a capsule without disclosures holds the name, or a disclosures link")
		}
		res := capsule.Check(context.Background(), data, opts)
		if !res.OK || len(res.Report.Suppliers) != 1 || res.Report.Suppliers[0].Disclosure != nil {
			t.Fatalf("check: %+v", res)
		}
		if !strings.Contains(res.Report.Text(), "ID committed, not shown") {
			t.Errorf("the report does not say the identity is committed but not disclosed:\n%s", res.Report.Text())
		}
	})
	t.Run("forged", func(t *testing.T) {
		f := d
		f.Name = "Someone Else"
		res := capsule.Check(context.Background(), writeWith(t, s, []protocol.Disclosure{f}), opts)
		if !res.OK || res.Report.Verdict != provenance.Failed {
			t.Fatalf("check of a forged disclosure: verdict %v", res.Report)
		}
		c := res.Report.Check("eudr")
		found := false
		for _, r := range c.Reasons {
			found = found || r.Code == provenance.CodeBadDisclosure && strings.Contains(r.Text, d.Record.Short())
		}
		if !found || strings.Contains(res.Report.Text(), "Someone Else") {
			t.Errorf("no disclosure_mismatch naming the record, or the forged name shown:\n%s", res.Report.Text())
		}
	})
	t.Run("cut after the manifest", func(t *testing.T) {
		data := writeWith(t, s, []protocol.Disclosure{d})
		off := 0
		for range 2 { // the CAR header, then the manifest
			n, w := binary.Uvarint(data[off:])
			off += w + int(n)
		}
		_, err := capsule.Read(bytes.NewReader(data[:off]), capsule.Limits{})
		var ce *capsule.Error
		if !errors.As(err, &ce) || ce.Code != capsule.CodeTruncated || !strings.Contains(err.Error(), "disclosures") {
			t.Fatalf("read of a capsule cut before its disclosures: %v", err)
		}
	})
}
