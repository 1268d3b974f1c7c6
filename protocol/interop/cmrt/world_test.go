package cmrt_test

import (
	"context"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// checkedAt is when the tests verify: a day after the scenarios' records.
var checkedAt = scenario.Start.Add(60 * 24 * time.Hour)

// evidence verifies batch over recs and returns what an export is given.
func evidence(t *testing.T, recs []protocol.Signed, batch protocol.BatchID, opts provenance.Options) (*provenance.Report, []protocol.Signed) {
	t.Helper()
	opts.Now = func() time.Time { return checkedAt }
	rep, ev, err := provenance.VerifyWithEvidence(context.Background(), provenance.NewMemSource(recs...), batch, opts)
	if err != nil {
		t.Fatalf("VerifyWithEvidence: %v", err)
	}
	return rep, ev
}

// world is a timeline of signed records for the tests, one hour apart: a
// connector made of tin from mined ore (smelted, then made into solder by
// a second smelter, whose RMAP certificate was withdrawn after it made the
// solder), gold from a refinery whose RMAP certificate expired, and
// copper, which is no metal of the template.
type world struct {
	t     *testing.T
	clock int64
	recs  []protocol.Signed
	last  map[string]protocol.Signed
	anch  protocol.PublicKey
}

// key returns the key of actor name; an organisation's device is
// name+"/device".
func key(name string) protocol.PrivateKey { return scenario.Key("cmrt-test/" + name) }

func (w *world) add(name string, body protocol.Body) protocol.Signed {
	w.t.Helper()
	prev := w.last[name]
	r := &protocol.Record{Seq: 1, Time: w.clock, Body: body}
	if prev.Record != nil {
		r.Seq, r.Prev = prev.Seq+1, prev.CID
	}
	s, err := protocol.Seal(r, key(name))
	if err != nil {
		w.t.Fatalf("seal %s of %s: %v", body.Type(), name, err)
	}
	w.last[name] = s
	w.recs = append(w.recs, s)
	w.clock += time.Hour.Milliseconds()
	return s
}

// org writes an organisation's profile and its device's delegation, and
// has the certifier endorse it (with cert, when not nil).
func (w *world) org(name, display, country string, role protocol.Role, cert *protocol.Certificate) {
	w.add(name, &protocol.Org{Name: display, Roles: []protocol.Role{role}, Country: country})
	w.add(name, &protocol.Device{Key: key(name + "/device").Public(), Name: display + " desk"})
	w.add("certifier", &protocol.Endorse{Org: key(name).Public(), Role: role, Cert: cert})
}

// place writes a place of org's device.
func (w *world) place(org, name, kind, country string, lon, lat float64, ids ...protocol.PlaceID) protocol.Signed {
	return w.add(org+"/device", &protocol.Place{Name: name, Kind: kind, Country: country,
		Geo: protocol.PointGeometry(protocol.Pos(lon, lat)), IDs: ids})
}

// ship sends qty of batch b from org to org to, who receives it.
func (w *world) ship(from, to string, b protocol.BatchID, qty protocol.Quantity) {
	x := w.add(from+"/device", &protocol.Transfer{Batch: b, Qty: qty, To: key(to).Public()})
	w.add(to+"/device", &protocol.Receive{Transfer: x.CID, Qty: qty})
}

func kg(n int64) protocol.Quantity { return protocol.Q(n, protocol.KGM) }

func out(s protocol.Signed) protocol.BatchID { return protocol.BatchID{Record: s.CID} }

// connectorWorld is the world's records and what tests look for in them.
type connectorWorld struct {
	recs      []protocol.Signed
	anchor    protocol.PublicKey
	connector protocol.BatchID
	ore       protocol.BatchID // the ore from the Pemali mine
	places    map[string]protocol.Signed
	made      map[string]protocol.Signed // the record that made each smelter's or mine's output
	goldCert  protocol.Signed            // the endorsement with the refinery's RMAP certificate
	// solderCert is the endorsement with the solder works' RMAP
	// certificate, withdrawn after the connector was made.
	solderCert protocol.Signed
}

func newConnectorWorld(t *testing.T) *connectorWorld {
	t.Helper()
	w := &world{t: t, clock: scenario.Start.UnixMilli(), last: map[string]protocol.Signed{}}
	c := &connectorWorld{anchor: key("certifier").Public(), places: map[string]protocol.Signed{}, made: map[string]protocol.Signed{}}
	w.add("certifier", &protocol.Org{Name: "Minerals Assurance (test)", Roles: []protocol.Role{protocol.RoleCertifier}, Country: "US"})
	day := func(y int, m time.Month, d int) int64 { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).UnixMilli() }
	w.org("kundur", "PT Kundur Timah (test)", "ID", protocol.RoleSmelter, nil)
	w.org("solder", "Jurong Solder Works (test)", "SG", protocol.RoleSmelter, &protocol.Certificate{Scheme: "RMI-RMAP", Number: "RMAP-SN-0077",
		From: day(2024, 1, 1), Until: day(2026, 12, 31)})
	c.solderCert = w.last["certifier"]
	w.org("tema", "Tema Gold Refinery (test)", "GH", protocol.RoleRefinery, &protocol.Certificate{Scheme: "RMI-RMAP", Number: "RMAP-AU-0009",
		From: day(2020, 1, 1), Until: day(2022, 12, 31)})
	c.goldCert = w.last["certifier"]
	w.org("copper", "Antofagasta Copper (test)", "CL", protocol.RoleSmelter, nil)
	w.org("maker", "Penang Connectors (test)", "MY", protocol.RoleManufacturer, nil)
	from, until := w.clock-30*24*3_600_000, w.clock

	// Tin: ore from two mines, smelted at Kundur, made into solder at a
	// second smelter.
	for _, p := range []struct {
		name, kind, country string
		lon, lat            float64
	}{
		{"Pemali mine", protocol.PlaceMine, "ID", 106.2000, -1.7000},
		{"Heinda mine", protocol.PlaceMine, "MM", 98.2500, 14.1000},
		{"Kundur smelter", protocol.PlaceSmelter, "ID", 103.3700, 0.7500},
	} {
		c.places[p.name] = w.place("kundur", p.name, p.kind, p.country, p.lon, p.lat)
	}
	for _, m := range []struct {
		mine string
		kg   int64
	}{{"Pemali mine", 10_000}, {"Heinda mine", 5_000}} {
		c.made[m.mine] = w.add("kundur/device", &protocol.Origin{Places: []protocol.CID{c.places[m.mine].CID}, From: from, Until: until,
			Out: []protocol.Output{{Product: "TIN CONCENTRATE", Qty: kg(m.kg)}}})
	}
	c.ore = out(c.made["Pemali mine"])
	kundur := c.places["Kundur smelter"].CID
	c.made["Kundur smelter"] = w.add("kundur/device", &protocol.Process{Place: &kundur,
		In:  []protocol.Input{{Batch: c.ore, Qty: kg(10_000)}, {Batch: out(c.made["Heinda mine"]), Qty: kg(5_000)}},
		Out: []protocol.Output{{Product: "TIN INGOT", Qty: kg(10_000)}}})
	w.ship("kundur", "solder", out(c.made["Kundur smelter"]), kg(1_000))
	c.places["Jurong solder works"] = w.place("solder", "Jurong solder works", protocol.PlaceSmelter, "SG", 103.7000, 1.3300)
	jurong := c.places["Jurong solder works"].CID
	c.made["Jurong solder works"] = w.add("solder/device", &protocol.Process{Place: &jurong,
		In:  []protocol.Input{{Batch: out(c.made["Kundur smelter"]), Qty: kg(1_000)}},
		Out: []protocol.Output{{Product: "SOLDER", Qty: kg(1_020)}}})
	w.ship("solder", "maker", out(c.made["Jurong solder works"]), kg(500))

	// Gold from a refinery, copper from a smelter.
	c.places["Tema gold refinery"] = w.place("tema", "Tema gold refinery", protocol.PlaceRefinery, "GH", -0.0100, 5.6700)
	c.made["Tema gold refinery"] = w.add("tema/device", &protocol.Origin{Places: []protocol.CID{c.places["Tema gold refinery"].CID},
		From: from, Until: until, Out: []protocol.Output{{Product: "Fine  gold", Qty: kg(20)}}})
	w.ship("tema", "maker", out(c.made["Tema gold refinery"]), kg(2))
	c.places["Coloso smelter"] = w.place("copper", "Coloso smelter", protocol.PlaceSmelter, "CL", -70.4000, -23.7600,
		protocol.PlaceID{Scheme: protocol.IDGLN, ID: "7800000000018"})
	c.made["Coloso smelter"] = w.add("copper/device", &protocol.Origin{Places: []protocol.CID{c.places["Coloso smelter"].CID},
		From: from, Until: until, Out: []protocol.Output{{Product: "COPPER CATHODE", Qty: kg(50_000)}}})
	w.ship("copper", "maker", out(c.made["Coloso smelter"]), kg(1_000))

	// Connectors: copper bodies, tin-plated, gold contacts.
	c.places["Prai plant"] = w.place("maker", "Prai plant", protocol.PlaceFactory, "MY", 100.4000, 5.3800)
	prai := c.places["Prai plant"].CID
	c.connector = out(w.add("maker/device", &protocol.Process{Place: &prai,
		In: []protocol.Input{{Batch: out(c.made["Jurong solder works"]), Qty: kg(500)}, {Batch: out(c.made["Tema gold refinery"]), Qty: kg(2)},
			{Batch: out(c.made["Coloso smelter"]), Qty: kg(1_000)}},
		Out: []protocol.Output{{Product: "CONNECTOR", Qty: protocol.Q(200_000, protocol.H87)}}}))

	// The solder works' certificate is withdrawn once the connector is made.
	w.add("certifier", &protocol.Revoke{Record: &c.solderCert.CID, From: w.clock, Reason: "failed its re-audit"})
	c.recs = w.recs
	return c
}
