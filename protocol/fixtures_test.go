package protocol_test

// The records of the test vectors: one of each type (two places), written
// as a small palm-oil supply chain so the vectors also document the format.
// A certification body endorses a Sabah mill; the mill's organisation key
// delegates its weighbridge PC; the PC registers the mill and a plot, records
// a harvest of fresh fruit bunches (FFB), mills it into crude palm oil (CPO)
// and palm kernels (PK), and ships the CPO to a refinery in Dumai, Riau,
// whose own device confirms receipt.

import (
	"crypto/sha256"
	"fmt"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// vectorKeyNames lists the keys of the vectors. Each key's seed is
// prototest.Key(name).Seed(), and the seeds are written in vectors.json.
var vectorKeyNames = []string{
	"certifier",       // an RSPO-accredited certification body's org key
	"mill-org",        // the mill's organisation key
	"mill-device",     // the mill's weighbridge office PC
	"mill-device-new", // the PC that replaces it
	"refinery-org",    // the refinery's organisation key
	"refinery-device", // the refinery's receiving desk
}

// vectorKeys returns the keys of the vectors, made from their names.
func vectorKeys() map[string]protocol.PrivateKey {
	keys := map[string]protocol.PrivateKey{}
	for _, n := range vectorKeyNames {
		keys[n] = prototest.Key(n)
	}
	return keys
}

// utc returns a time as Unix milliseconds.
func utc(year int, month time.Month, day, hour, min int) int64 {
	return time.Date(year, month, day, hour, min, 0, 0, time.UTC).UnixMilli()
}

// vectorDef describes one record of the vectors. Its body may use the
// records made before it (by name), and prev names the record before it in
// the signer's feed ("" for seq 1).
type vectorDef struct {
	name        string
	description string
	signer      string
	seq         uint64
	prev        string
	time        int64
	body        func(keys map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body
}

// vector is one record of the vectors, sealed.
type vector struct {
	vectorDef
	key    protocol.PrivateKey
	signed protocol.Signed
}

func batch(s protocol.Signed, n uint32) protocol.BatchID {
	return protocol.BatchID{Record: s.CID, Index: n}
}

func cidPtr(c protocol.CID) *protocol.CID { return &c }

func keyPtr(k protocol.PublicKey) *protocol.PublicKey { return &k }

func qty(milli int64, u protocol.Unit) protocol.Quantity {
	return protocol.Quantity{Milli: milli, Unit: u}
}

// plotC7 is the outline of a 13.6 ha oil palm plot near Kinabatangan, Sabah.
var plotC7 = protocol.PolygonGeometry([]protocol.Position{
	protocol.Pos(117.9012, 5.5531),
	protocol.Pos(117.9043, 5.5534),
	protocol.Pos(117.9047, 5.5502),
	protocol.Pos(117.9025, 5.5496),
	protocol.Pos(117.9010, 5.5509),
	protocol.Pos(117.9012, 5.5531),
})

var vectorDefs = []vectorDef{
	{
		name:        "org",
		description: "A mill's organisation profile, signed by its organisation key: a Malaysian palm oil mill with its own estate, with its RSPO membership number and GS1 GLN.",
		signer:      "mill-org", seq: 1,
		time: utc(2024, time.February, 5, 1, 0),
		body: func(map[string]protocol.PrivateKey, map[string]protocol.Signed) protocol.Body {
			return &protocol.Org{
				Name:    "Kilang Sawit Bukit Mas Sdn. Bhd.",
				Roles:   []protocol.Role{protocol.RolePlantation, protocol.RoleMill},
				Country: "MY",
				RSPO:    "1-0234-19-000-00",
				GLN:     "9555012300019",
			}
		},
	},
	{
		name:        "device",
		description: "The mill's organisation key delegates a device key (the weighbridge office PC), which writes the mill's day-to-day records.",
		signer:      "mill-org", seq: 2, prev: "org",
		time: utc(2024, time.February, 5, 1, 5),
		body: func(keys map[string]protocol.PrivateKey, _ map[string]protocol.Signed) protocol.Body {
			return &protocol.Device{Key: keys["mill-device"].Public(), Name: "Weighbridge office PC"}
		},
	},
	{
		name:        "endorse",
		description: "A certification body endorses the mill's organisation key as a mill holding an RSPO supply-chain certificate (segregated model), valid for five years.",
		signer:      "certifier", seq: 1,
		time: utc(2024, time.March, 1, 2, 0),
		body: func(keys map[string]protocol.PrivateKey, _ map[string]protocol.Signed) protocol.Body {
			return &protocol.Endorse{
				Org:  keys["mill-org"].Public(),
				Role: protocol.RoleMill,
				Cert: &protocol.Certificate{
					Scheme: "RSPO",
					Model:  protocol.ModelSG,
					Number: "SLC-RSPO-SCC-2024-0117",
					From:   utc(2024, time.March, 1, 0, 0),
					Until:  utc(2029, time.February, 28, 0, 0),
				},
			}
		},
	},
	{
		name:        "revoke",
		description: "The mill retires its weighbridge PC's device key from 1 September 2024 and names the key of the PC that replaces it. Records the old key signed before that time stay valid.",
		signer:      "mill-org", seq: 3, prev: "device",
		time: utc(2024, time.August, 30, 6, 0),
		body: func(keys map[string]protocol.PrivateKey, _ map[string]protocol.Signed) protocol.Body {
			return &protocol.Revoke{
				Key:       keyPtr(keys["mill-device"].Public()),
				From:      utc(2024, time.September, 1, 0, 0),
				Reason:    "Weighbridge office PC replaced",
				Successor: keyPtr(keys["mill-device-new"].Public()),
			}
		},
	},
	{
		name:        "place-point",
		description: "The mill registers its own site as a place with a GeoJSON Point ([longitude, latitude] in ten-millionths of a degree) and its ID in the Universal Mill List.",
		signer:      "mill-device", seq: 1,
		time: utc(2024, time.February, 5, 2, 0),
		body: func(map[string]protocol.PrivateKey, map[string]protocol.Signed) protocol.Body {
			return &protocol.Place{
				Name:    "Kilang Sawit Bukit Mas",
				Kind:    protocol.PlaceMill,
				Country: "MY",
				Geo:     protocol.PointGeometry(protocol.Pos(117.9035, 5.5521)),
				IDs:     []protocol.PlaceID{{Scheme: protocol.IDUML, ID: "PO1000004321"}},
			}
		},
	},
	{
		name:        "place-polygon",
		description: "The mill registers a plot of its estate with a GeoJSON Polygon (one closed outer ring) and its area in square metres (plots over 4 ha need a polygon under the EUDR), with the evidence that its land was not deforested after 2020 and is held legally.",
		signer:      "mill-device", seq: 2, prev: "place-point",
		time: utc(2024, time.February, 5, 2, 10),
		body: func(map[string]protocol.PrivateKey, map[string]protocol.Signed) protocol.Body {
			return &protocol.Place{
				Name:    "Ladang Sungai Besar, Blok C7",
				Kind:    protocol.PlacePlot,
				Country: "MY",
				Geo:     plotC7,
				Area:    135_900,
				Evidence: []protocol.Evidence{
					{Kind: protocol.EvidenceDeforestationFree, Ref: "GFW-ASSESS-2024-0113", Method: "satellite imagery (Global Forest Watch tree cover loss, 2021-2023)", Date: utc(2024, time.January, 15, 0, 0)},
					{Kind: protocol.EvidenceLegality, Ref: "Geran 12345 Lot 678", Method: "land title", Date: utc(2019, time.March, 4, 0, 0)},
				},
			}
		},
	},
	{
		name:        "origin",
		description: "A day's harvest of fresh fruit bunches (FFB) from the plot enters the chain: 182.34 tonnes (182340 thousandths of TNE) under an RSPO segregated claim. The record creates batch <cid>/0.",
		signer:      "mill-device", seq: 3, prev: "place-polygon",
		time: utc(2024, time.June, 1, 9, 30),
		body: func(_ map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body {
			return &protocol.Origin{
				Places: []protocol.CID{made["place-polygon"].CID},
				From:   utc(2024, time.May, 31, 22, 0),
				Until:  utc(2024, time.June, 1, 8, 0),
				Out: []protocol.Output{{
					Product: "FFB",
					Qty:     qty(182_340, protocol.TNE),
					Lot:     "FFB-C7-240601",
					Claim:   &protocol.Claim{Scheme: "RSPO", Model: protocol.ModelSG},
				}},
			}
		},
	},
	{
		name:        "process",
		description: "The mill processes the harvest at the mill: FFB in, crude palm oil (CPO, 21 % extraction, still segregated) and palm kernels (PK, 5 %, downgraded to mass balance) out, each output a new batch.",
		signer:      "mill-device", seq: 4, prev: "origin",
		time: utc(2024, time.June, 2, 0, 0),
		body: func(_ map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body {
			return &protocol.Process{
				In: []protocol.Input{{Batch: batch(made["origin"], 0), Qty: qty(182_340, protocol.TNE)}},
				Out: []protocol.Output{
					{Product: "CPO", Qty: qty(38_291, protocol.TNE), Lot: "CPO-BM-240602-01", Claim: &protocol.Claim{Scheme: "RSPO", Model: protocol.ModelSG}},
					{Product: "PK", Qty: qty(9_117, protocol.TNE), Lot: "PK-BM-240602-01", Claim: &protocol.Claim{Scheme: "RSPO", Model: protocol.ModelMB}},
				},
				Place: cidPtr(made["place-point"].CID),
			}
		},
	},
	{
		name:        "transfer",
		description: "The mill ships the CPO batch to a refinery in Dumai, Indonesia (named by the refinery's organisation key), with its invoice by reference and SHA-256 hash, the bill of lading and the EUDR due-diligence statement reference.",
		signer:      "mill-device", seq: 5, prev: "process",
		time: utc(2024, time.June, 12, 3, 0),
		body: func(keys map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body {
			invoice := sha256.Sum256([]byte("Invoice INV/BM/2024/0612: 38.291 t CPO, RSPO SG"))
			return &protocol.Transfer{
				Batch: batch(made["process"], 0),
				Qty:   qty(38_291, protocol.TNE),
				To:    keys["refinery-org"].Public(),
				Docs: []protocol.Document{
					{Kind: "invoice", Ref: "INV/BM/2024/0612", Hash: invoice[:]},
					{Kind: "bill-of-lading", Ref: "SDK-DUM-240612-03"},
					{Kind: protocol.DocDDS, Ref: "24MYQK2D9XW3P1", Verification: "K7R8LA90"},
				},
			}
		},
	},
	{
		name:        "receive",
		description: "The refinery's receiving desk confirms the transfer with the quantity that arrived (38.205 t: 86 kg lost in transit), so both sides have signed for custody.",
		signer:      "refinery-device", seq: 1,
		time: utc(2024, time.June, 18, 7, 45),
		body: func(_ map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body {
			return &protocol.Receive{Transfer: made["transfer"].CID, Qty: qty(38_205, protocol.TNE)}
		},
	},
	{
		name:        "correct",
		description: "The mill supersedes its own earlier place record (the mill's point was taken at the estate office) with a reason. Records are never edited or deleted; a correction is a new record.",
		signer:      "mill-device", seq: 6, prev: "transfer",
		time: utc(2024, time.June, 20, 4, 0),
		body: func(_ map[string]protocol.PrivateKey, made map[string]protocol.Signed) protocol.Body {
			return &protocol.Correct{
				Record: made["place-point"].CID,
				Reason: "Position was taken at the estate office, not at the mill gate",
			}
		},
	},
}

// buildVectors seals every vector record with keys, in order.
func buildVectors(keys map[string]protocol.PrivateKey) ([]vector, error) {
	made := map[string]protocol.Signed{}
	var out []vector
	for _, d := range vectorDefs {
		key, ok := keys[d.signer]
		if !ok {
			return nil, fmt.Errorf("vector %s: no key %q", d.name, d.signer)
		}
		r := &protocol.Record{Seq: d.seq, Time: d.time, Body: d.body(keys, made)}
		if d.prev != "" {
			r.Prev = made[d.prev].CID
		}
		// The vectors are of format 2: format 3 only adds an optional
		// field, and records without it encode the same in both.
		s, err := protocol.SealVersion(r, key, protocol.Version2)
		if err != nil {
			return nil, fmt.Errorf("vector %s: %w", d.name, err)
		}
		made[d.name] = s
		out = append(out, vector{vectorDef: d, key: key, signed: s})
	}
	return out, nil
}

// mustVectors returns the vectors sealed with the keys made from their names.
func mustVectors(t testing.TB) []vector {
	t.Helper()
	vs, err := buildVectors(vectorKeys())
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// vectorByName returns the vector named name.
func vectorByName(t testing.TB, name string) vector {
	t.Helper()
	for _, v := range mustVectors(t) {
		if v.name == name {
			return v
		}
	}
	t.Fatalf("no vector %q", name)
	return vector{}
}
