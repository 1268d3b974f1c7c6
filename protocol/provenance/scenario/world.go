package scenario

import (
	"crypto/sha256"
	"fmt"
	"math"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Start is when every scenario's timeline begins: 2024-03-01 00:00 UTC.
var Start = time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC)

// Key returns the private key a scenario uses for name: the same name
// always gives the same key, so demo networks are reproducible. Never use
// these keys for real records.
func Key(name string) protocol.PrivateKey {
	seed := sha256.Sum256([]byte("jejak-scenario-key:" + name))
	k, err := protocol.PrivateKeyFromSeed(seed[:])
	if err != nil {
		panic(err)
	}
	return k
}

// world is a timeline of signed records. Every record advances the clock
// by one hour, so records of different feeds are ordered in time as they
// are in the slice.
type world struct {
	clock int64
	recs  []protocol.Signed
	marks map[string]protocol.Signed
	orgs  []string // key names of the organisations, in order of creation
}

func newWorld() *world {
	return &world{clock: Start.UnixMilli(), marks: map[string]protocol.Signed{}}
}

// actor is one key writing one feed.
type actor struct {
	w    *world
	name string
	key  protocol.PrivateKey
	seq  uint64
	last protocol.CID
}

func (w *world) actor(name string) *actor { return &actor{w: w, name: name, key: Key(name)} }

func (a *actor) pub() protocol.PublicKey { return a.key.Public() }

// add seals body as the next record of a's feed at the world's clock.
func (a *actor) add(body protocol.Body) protocol.Signed { return a.addVersion(body, protocol.Version) }

// addVersion is add in record format v.
func (a *actor) addVersion(body protocol.Body, v int) protocol.Signed {
	r := &protocol.Record{Seq: a.seq + 1, Prev: a.last, Time: a.w.clock, Body: body}
	s, err := protocol.SealVersion(r, a.key, v)
	if err != nil {
		panic(fmt.Sprintf("scenario: %s: %v", a.name, err))
	}
	a.seq, a.last = s.Seq, s.CID
	a.w.clock += time.Hour.Milliseconds()
	a.w.recs = append(a.w.recs, s)
	return s
}

// fork seals body at a's current seq again, with the same prev as the
// record already there: equivocation evidence. The feed goes on from the
// first record.
func (a *actor) fork(body protocol.Body) protocol.Signed {
	prev := a.w.recs[len(a.w.recs)-1]
	for i := len(a.w.recs) - 1; i >= 0; i-- {
		if a.w.recs[i].Author == a.pub() && a.w.recs[i].Seq == a.seq {
			prev = a.w.recs[i]
			break
		}
	}
	r := &protocol.Record{Seq: a.seq, Prev: prev.Prev, Time: prev.Time, Body: body}
	s, err := protocol.Seal(r, a.key)
	if err != nil {
		panic(fmt.Sprintf("scenario: %s: fork: %v", a.name, err))
	}
	a.w.recs = append(a.w.recs, s)
	return s
}

// mark names a record for tests and returns it.
func (w *world) mark(name string, s protocol.Signed) protocol.Signed {
	w.marks[name] = s
	return s
}

// org is an organisation: its key, one device key, and its profile.
type org struct {
	key  *actor
	dev  *actor
	name string
	del  protocol.Signed // the device delegation
}

// newOrg writes an organisation's profile and delegates its first device.
func (w *world) newOrg(id, name string, country string, roles ...protocol.Role) *org {
	o := &org{key: w.actor(id), name: name}
	w.orgs = append(w.orgs, id)
	o.key.add(&protocol.Org{Name: name, Roles: roles, Country: country})
	o.dev = w.actor(id + "/device-1")
	o.del = o.key.add(&protocol.Device{Key: o.dev.pub(), Name: name + " desk 1"})
	return o
}

// endorse writes an endorsement of o by certifier c.
func (w *world) endorse(c, o *org, role protocol.Role, cert *protocol.Certificate) protocol.Signed {
	return c.key.add(&protocol.Endorse{Org: o.key.pub(), Role: role, Cert: cert})
}

// cert returns a certificate valid between two dates (inclusive of the
// whole last day).
func cert(scheme, model, number string, from, until time.Time) *protocol.Certificate {
	return &protocol.Certificate{Scheme: scheme, Model: model, Number: number,
		From: from.UnixMilli(), Until: until.Add(24*time.Hour - time.Millisecond).UnixMilli()}
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// rect returns a closed rectangular ring with its south-west corner at
// lon, lat and the given size in degrees.
func rect(lon, lat, dlon, dlat float64) []protocol.Position {
	return []protocol.Position{
		protocol.Pos(lon, lat), protocol.Pos(lon+dlon, lat), protocol.Pos(lon+dlon, lat+dlat),
		protocol.Pos(lon, lat+dlat), protocol.Pos(lon, lat),
	}
}

// plot returns a plot place with a polygon, its declared area and the
// evidence of its land (landEvidence).
func plot(name, country string, ring []protocol.Position) *protocol.Place {
	g := protocol.PolygonGeometry(ring)
	return &protocol.Place{Name: name, Kind: protocol.PlacePlot, Country: country, Geo: g, Area: int64(math.Round(g.Area())),
		Evidence: landEvidence(name)}
}

// landEvidence is what an honest plot's record shows: a satellite
// assessment of January 2024 that its land was not deforested after 2020,
// and its land title.
func landEvidence(ref string) []protocol.Evidence {
	return []protocol.Evidence{
		{Kind: protocol.EvidenceDeforestationFree, Ref: "GFW-2024-" + ref, Method: "satellite imagery (Global Forest Watch tree cover loss 2021-2023)",
			Date: date(2024, 1, 15).UnixMilli()},
		{Kind: protocol.EvidenceLegality, Ref: "Geran " + ref, Method: "land title", Date: date(2015, 6, 1).UnixMilli()},
	}
}

// site returns a place located by a point.
func site(name, kind, country string, lon, lat float64) *protocol.Place {
	return &protocol.Place{Name: name, Kind: kind, Country: country, Geo: protocol.PointGeometry(protocol.Pos(lon, lat))}
}

func tne(milli int64) protocol.Quantity { return protocol.Quantity{Milli: milli, Unit: protocol.TNE} }

func batch(s protocol.Signed, i uint32) protocol.BatchID {
	return protocol.BatchID{Record: s.CID, Index: i}
}
