package eudr_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// checkedAt is the fixed clock of these tests.
var checkedAt = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

// verified verifies a scenario's batch (or another) and returns the report
// with the records behind it, as the node hands them to an export.
func verified(t testing.TB, recs []protocol.Signed, anchors []protocol.PublicKey, id protocol.BatchID) (*provenance.Report, []protocol.Signed) {
	t.Helper()
	rep, ev, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(recs...), id,
		provenance.Options{Anchors: anchors, Now: func() time.Time { return checkedAt }})
	if err != nil {
		t.Fatalf("verify: %v", err)
	}
	return rep, ev
}

func verifiedScenario(t testing.TB, s *scenario.Scenario) (*provenance.Report, []protocol.Signed) {
	t.Helper()
	return verified(t, s.Records, s.Anchors, s.Batch)
}

// feed is one key writing one feed of signed records.
type feed struct {
	key  protocol.PrivateKey
	seq  uint64
	last protocol.CID
}

func newFeed(name string) *feed {
	seed := sha256.Sum256([]byte("jejak-eudr-test:" + name))
	k, err := protocol.PrivateKeyFromSeed(seed[:])
	if err != nil {
		panic(err)
	}
	return &feed{key: k}
}

// gen builds a world of signed records, one hour apart.
type gen struct {
	clock int64
	recs  []protocol.Signed
}

func (g *gen) add(f *feed, body protocol.Body) protocol.Signed {
	r := &protocol.Record{Seq: f.seq + 1, Prev: f.last, Time: g.clock, Body: body}
	s, err := protocol.Seal(r, f.key)
	if err != nil {
		panic(fmt.Sprintf("seal %s: %v", body.Type(), err))
	}
	f.seq, f.last = s.Seq, s.CID
	g.clock += time.Hour.Milliseconds()
	g.recs = append(g.recs, s)
	return s
}

// org writes an organisation's profile and delegates its device.
func (g *gen) org(name, country string, role protocol.Role) (orgKey, dev *feed) {
	orgKey, dev = newFeed(name), newFeed(name+"/device")
	g.add(orgKey, &protocol.Org{Name: name, Roles: []protocol.Role{role}, Country: country})
	g.add(orgKey, &protocol.Device{Key: dev.key.Public(), Name: name + " desk"})
	return orgKey, dev
}

// plantation is the 1,000-plot world's batch and what it holds.
type plantation struct {
	Records []protocol.Signed
	Anchors []protocol.PublicKey
	Batch   protocol.BatchID // the packer's cooking oil, three processes from the plots
	Places  map[protocol.CID]*protocol.Place
	// Holes are, by place, a point inside each of its holes.
	Holes map[protocol.CID][]protocol.Position
	// Statement is the transfer whose DDS covers the first half of the
	// plots.
	Statement protocol.CID
}

// plots is the number of plots of the big world.
const plots = 1000

// bigWorld builds, once, a palm chain whose FFB comes from 1,000 plots
// straddling the equator in Riau: every fourth plot a polygon over 4 ha
// (every 40th of those with a hole, every 200th with two), the others
// points of up to 4 ha; coordinates with seven decimals. Harvests of 50
// plots each go to a mill, are milled five at a time into CPO, sent to a
// refinery (the first two CPO transfers with due diligence statements),
// refined into olein, sent to a packer and bottled as cooking oil.
var bigWorld = sync.OnceValue(func() *plantation {
	g := &gen{clock: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).UnixMilli()}
	anchor, _ := g.org("Komite Sawit (test)", "ID", protocol.RoleCertifier)
	plantKey, plantDev := g.org("PT Sawit Seribu Petak", "ID", protocol.RolePlantation)
	millKey, millDev := g.org("PT Pabrik Sawit Seribu", "ID", protocol.RoleMill)
	refKey, refDev := g.org("PT Kilang Minyak Dumai", "ID", protocol.RoleRefinery)
	packKey, packDev := g.org("PT Minyak Goreng Nusantara", "ID", protocol.RoleManufacturer)
	for _, o := range []struct {
		k    *feed
		role protocol.Role
	}{{plantKey, protocol.RolePlantation}, {millKey, protocol.RoleMill}, {refKey, protocol.RoleRefinery}, {packKey, protocol.RoleManufacturer}} {
		g.add(anchor, &protocol.Endorse{Org: o.k.key.Public(), Role: o.role})
	}
	w := &plantation{Anchors: []protocol.PublicKey{anchor.key.Public()}, Places: map[protocol.CID]*protocol.Place{}, Holes: map[protocol.CID][]protocol.Position{}}
	evidence := func(i int) []protocol.Evidence {
		if i%10 == 9 {
			return nil // not assessed
		}
		return []protocol.Evidence{
			{Kind: protocol.EvidenceDeforestationFree, Ref: fmt.Sprintf("GFW-2024-%04d", i), Method: "satellite imagery", Date: time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC).UnixMilli()},
			{Kind: protocol.EvidenceLegality, Ref: fmt.Sprintf("SHM %04d", i), Method: "land title", Date: time.Date(2016, 5, 1, 0, 0, 0, 0, time.UTC).UnixMilli()},
		}
	}
	// Ten-millionths of a degree: 0.004° apart, plots 0.0035° across
	// (about 390 m), offset by 123 units so the seventh decimal is used.
	const step, size = 40_000, 35_000
	var placeCIDs []protocol.CID
	for i := range plots {
		lon := int64(1_015_000_000 + (i%40)*step + 123)
		lat := int64(-500_000 + (i/40)*step + 45)
		pl := &protocol.Place{Name: fmt.Sprintf("Petak %04d", i), Kind: protocol.PlacePlot, Country: "ID", Evidence: evidence(i)}
		if i == 7 {
			pl.Name = `Petak "7" <Sungai> & Rawa` // a name that HTML and JSON must escape
		}
		var holes []protocol.Position
		if i%4 == 0 {
			rings := [][]protocol.Position{box(lon, lat, size, size)}
			switch {
			case i%200 == 0: // two ponds side by side
				rings = append(rings, box(lon+5_000, lat+10_000, 8_000, 8_000), box(lon+20_000, lat+12_000, 9_000, 6_000))
				holes = []protocol.Position{{lon + 9_000, lat + 14_000}, {lon + 24_500, lat + 15_000}}
			case i%40 == 0: // a pond
				rings = append(rings, box(lon+12_000, lat+12_000, 10_000, 9_000))
				holes = []protocol.Position{{lon + 17_000, lat + 16_500}}
			}
			pl.Geo = protocol.PolygonGeometry(rings...)
			pl.Area = int64(pl.Geo.Area())
		} else {
			pl.Geo = protocol.PointGeometry(protocol.Position{lon + size/2, lat + size/2})
			pl.Area = int64(5_000 + (i%8)*5_000) // 0.5 to 4 ha
		}
		s := g.add(plantDev, pl)
		w.Places[s.CID] = pl
		if holes != nil {
			w.Holes[s.CID] = holes
		}
		placeCIDs = append(placeCIDs, s.CID)
	}
	tne := func(milli int64) protocol.Quantity { return protocol.Quantity{Milli: milli, Unit: protocol.TNE} }
	// Harvests of 50 plots, 20 t each, sent to the mill.
	var ffb []protocol.BatchID
	for h := 0; h < plots/50; h++ {
		o := g.add(plantDev, &protocol.Origin{Places: placeCIDs[h*50 : (h+1)*50], From: g.clock - 3*86_400_000, Until: g.clock - 86_400_000,
			Out: []protocol.Output{{Product: provenance.ProductFFB, Qty: tne(20_000)}}})
		b := protocol.BatchID{Record: o.CID}
		t := g.add(plantDev, &protocol.Transfer{Batch: b, Qty: tne(20_000), To: millKey.key.Public()})
		g.add(millDev, &protocol.Receive{Transfer: t.CID, Qty: tne(20_000)})
		ffb = append(ffb, b)
	}
	// Milled five harvests at a time: 100 t of FFB into 21 t of CPO, sent
	// on; the first two shipments carry statements.
	var cpo []protocol.Input
	for m := 0; m < len(ffb)/5; m++ {
		var in []protocol.Input
		for _, b := range ffb[m*5 : (m+1)*5] {
			in = append(in, protocol.Input{Batch: b, Qty: tne(20_000)})
		}
		p := g.add(millDev, &protocol.Process{In: in, Out: []protocol.Output{{Product: provenance.ProductCPO, Qty: tne(21_000)}}})
		b := protocol.BatchID{Record: p.CID}
		var docs []protocol.Document
		if m < 2 {
			docs = []protocol.Document{{Kind: protocol.DocDDS, Ref: fmt.Sprintf("24IDPSSR00000%d", m), Verification: fmt.Sprintf("VRF0000%d", m)}}
		}
		t := g.add(millDev, &protocol.Transfer{Batch: b, Qty: tne(21_000), To: refKey.key.Public(), Docs: docs})
		if m == 0 {
			w.Statement = t.CID
		}
		g.add(refDev, &protocol.Receive{Transfer: t.CID, Qty: tne(21_000)})
		cpo = append(cpo, protocol.Input{Batch: b, Qty: tne(21_000)})
	}
	ref := g.add(refDev, &protocol.Process{In: cpo, Out: []protocol.Output{
		{Product: provenance.ProductOlein, Qty: tne(63_000)}, {Product: provenance.ProductStearin, Qty: tne(16_800)}}})
	olein := protocol.BatchID{Record: ref.CID}
	t := g.add(refDev, &protocol.Transfer{Batch: olein, Qty: tne(63_000), To: packKey.key.Public()})
	g.add(packDev, &protocol.Receive{Transfer: t.CID, Qty: tne(63_000)})
	oil := g.add(packDev, &protocol.Process{In: []protocol.Input{{Batch: olein, Qty: tne(63_000)}},
		Out: []protocol.Output{{Product: provenance.ProductCookingOil, Qty: tne(62_000)}}})
	w.Records, w.Batch = g.recs, protocol.BatchID{Record: oil.CID}
	return w
})

// box returns a closed rectangular ring, south-west corner first.
func box(lon, lat, dlon, dlat int64) []protocol.Position {
	return []protocol.Position{{lon, lat}, {lon + dlon, lat}, {lon + dlon, lat + dlat}, {lon, lat + dlat}, {lon, lat}}
}

// bigExport verifies the big world's batch and writes its files.
func bigExport(t *testing.T, opts eudr.Options) (*plantation, *provenance.Report, []protocol.Signed, []eudr.File) {
	t.Helper()
	w := bigWorld()
	rep, recs := verified(t, w.Records, w.Anchors, w.Batch)
	if rep.Verdict != provenance.Trusted {
		t.Fatalf("the 1,000-plot world is %s:\n%s", rep.Verdict, rep.Text())
	}
	files, err := eudr.GeoJSON(rep, recs, eudr.Subject{}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return w, rep, recs, files
}

// appendTo seals body as the next record of the feed of the scenario key
// named name, dated after every record in s, and adds it to s.
func appendTo(t *testing.T, s *scenario.Scenario, name string, body protocol.Body) protocol.Signed {
	t.Helper()
	key := scenario.Key(name)
	r := &protocol.Record{Seq: 1, Time: scenario.Start.UnixMilli(), Body: body}
	for _, x := range s.Records {
		if x.Author == key.Public() && x.Seq >= r.Seq {
			r.Seq, r.Prev = x.Seq+1, x.CID
		}
		if x.Time >= r.Time {
			r.Time = x.Time + 60_000
		}
	}
	sealed, err := protocol.Seal(r, key)
	if err != nil {
		t.Fatalf("seal %s: %v", body.Type(), err)
	}
	s.Records = append(s.Records, sealed)
	return sealed
}
