package p2p

import (
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// protocolDoc is the wire specification for other clients, checked here so
// that it cannot drift from the code silently.
var protocolDoc = filepath.Join("..", "..", "docs", "PROTOCOL.md")

// docStore lets withDefaults run without a store; it is never called.
type docStore struct{ Store }

// docValue is what a table row naming a code identifier must state: the
// desktop value and, when it differs, the relay value ("… (relay N)").
type docValue struct {
	v, relay any // int, int64, float64 or time.Duration; relay nil when the same
}

// docValues are the identifiers PROTOCOL.md names in the last cell of a
// table row, with the value that row must give.
func docValues(t *testing.T) map[string]docValue {
	t.Helper()
	d, err := Config{Store: docStore{}}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	r, err := Config{Store: docStore{}, Relay: true}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	topic := protocolsFor("test").topic
	params, thresholds := scoreParams(topic, nil)
	tp := params.Topics[topic]
	orRelay := func(desk, relay any) docValue {
		if desk == relay {
			return docValue{v: desk}
		}
		return docValue{v: desk, relay: relay}
	}
	m := map[string]docValue{
		"frameSyncRequest": {v: frameSyncRequest}, "frameSummary": {v: frameSummary},
		"frameRecord": {v: frameRecord}, "frameSyncEnd": {v: frameSyncEnd},
		"frameFetch": {v: frameFetch}, "frameFetchEnd": {v: frameFetchEnd}, "frameError": {v: frameError},
		"frameHeadsDigest": {v: frameHeadsDigest}, "frameHeadsAnswer": {v: frameHeadsAnswer},

		"maxControlFrame": {v: maxControlFrame}, "maxHeads": {v: maxHeads}, "maxForks": {v: maxForks},
		"maxFetch": {v: maxFetch}, "maxRejects": {v: maxRejects}, "maxPages": {v: maxPages},
		"maxStalePages": {v: maxStalePages}, "chunkRecords": {v: chunkRecords}, "chunkBytes": {v: chunkBytes},
		"maxForkCIDs": {v: maxForkCIDs}, "shunFor": {v: shunFor},
		"periodicPeers": {v: periodicPeers}, "gapDelay": {v: gapDelay}, "fetchTimeout": {v: fetchTimeout},
		"passOnWithin": {v: passOnWithin}, "clockSkew": {v: clockSkew},
		"syncPenalty": {v: syncPenalty}, "penaltyHalfLife": {v: penaltyHalfLife},

		"invalidWeight": {v: tp.InvalidMessageDeliveriesWeight}, "gossipThreshold": {v: thresholds.GossipThreshold},
		"publishThreshold": {v: thresholds.PublishThreshold}, "graylistThreshold": {v: thresholds.GraylistThreshold},
		"acceptPXThreshold": {v: thresholds.AcceptPXThreshold}, "opportunisticGraft": {v: thresholds.OpportunisticGraftThreshold},
		"TimeInMeshWeight": {v: tp.TimeInMeshWeight}, "TimeInMeshCap": {v: tp.TimeInMeshCap},
		"FirstMessageDeliveriesWeight": {v: tp.FirstMessageDeliveriesWeight}, "FirstMessageDeliveriesCap": {v: tp.FirstMessageDeliveriesCap},
		"MeshMessageDeliveriesWeight": {v: tp.MeshMessageDeliveriesWeight}, "MeshFailurePenaltyWeight": {v: tp.MeshFailurePenaltyWeight},
		"TopicScoreCap": {v: params.TopicScoreCap}, "AppSpecificWeight": {v: params.AppSpecificWeight},
		"IPColocationFactorWeight": {v: params.IPColocationFactorWeight}, "IPColocationFactorThreshold": {v: params.IPColocationFactorThreshold},
		"BehaviourPenaltyWeight": {v: params.BehaviourPenaltyWeight}, "BehaviourPenaltyThreshold": {v: params.BehaviourPenaltyThreshold},
		"DecayInterval": {v: params.DecayInterval}, "RetainScore": {v: params.RetainScore},

		"Limits.SyncPage":      orRelay(d.Limits.SyncPage, r.Limits.SyncPage),
		"Limits.SyncTimeout":   orRelay(d.Limits.SyncTimeout, r.Limits.SyncTimeout),
		"Limits.SyncWorkers":   orRelay(d.Limits.SyncWorkers, r.Limits.SyncWorkers),
		"Limits.ValidateQueue": orRelay(d.Limits.ValidateQueue, r.Limits.ValidateQueue),
		"Limits.PeerQueue":     orRelay(d.Limits.PeerQueue, r.Limits.PeerQueue),
		"Limits.ConnsLow":      orRelay(d.Limits.ConnsLow, r.Limits.ConnsLow),
		"Limits.ConnsHigh":     orRelay(d.Limits.ConnsHigh, r.Limits.ConnsHigh),
		"Limits.Memory":        orRelay(d.Limits.Memory, r.Limits.Memory),
		"Limits.FDs":           orRelay(d.Limits.FDs, r.Limits.FDs),
		"SyncInterval":         orRelay(d.SyncInterval, r.SyncInterval),

		"protocol.MaxRecordSize": {v: protocol.MaxRecordSize}, "protocol.MaxOutputs": {v: protocol.MaxOutputs},
		"protocol.MaxInputs": {v: protocol.MaxInputs}, "protocol.MaxPlaces": {v: protocol.MaxPlaces},
		"protocol.MaxDocuments": {v: protocol.MaxDocuments}, "protocol.MaxTextLength": {v: protocol.MaxTextLength},
		"protocol.MaxRingPositions": {v: protocol.MaxRingPositions}, "protocol.MaxQuantity": {v: protocol.MaxQuantity},
		"protocol.MinTime": {v: protocol.MinTime}, "protocol.CoordScale": {v: protocol.CoordScale},
		"protocol.PolygonRequiredArea": {v: protocol.PolygonRequiredArea}, "protocol.AreaTolerance": {v: protocol.AreaTolerance},
		"protocol.MinVersion": {v: protocol.MinVersion}, "protocol.Version": {v: protocol.Version},
		"storage.MaxPending": {v: storage.MaxPending}, "storage.MaxPendingBytes": {v: storage.MaxPendingBytes},
	}
	return m
}

// TestProtocolDoc checks docs/PROTOCOL.md against the code: the names on
// the wire, every value a table row attributes to a code identifier, the
// CBOR keys of every body type, and its links to files.
func TestProtocolDoc(t *testing.T) {
	b, err := os.ReadFile(protocolDoc)
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)

	t.Run("names", func(t *testing.T) {
		p := protocolsFor("<network>")
		for _, name := range []string{p.topic, string(p.sync), string(p.fetch), string(p.time),
			string(p.dhtPrefix) + "/kad/1.0.0", p.mdns, p.ns, DefaultNetwork,
			hex.EncodeToString([]byte(protocol.SignatureDomain))} {
			if !strings.Contains(doc, "`"+name+"`") {
				t.Errorf("PROTOCOL.md does not name `%s`", name)
			}
		}
	})

	t.Run("values", func(t *testing.T) {
		want := docValues(t)
		seen := map[string]bool{}
		relayRe := regexp.MustCompile(`relay (-?[0-9][0-9.,]*[a-z]*)`)
		for i, line := range strings.Split(doc, "\n") {
			cells := tableCells(line)
			if len(cells) < 2 {
				continue
			}
			id := strings.Trim(cells[len(cells)-1], "`")
			w, ok := want[id]
			if !ok || cells[len(cells)-1] != "`"+id+"`" {
				continue
			}
			seen[id] = true
			value := ""
			for _, c := range cells[:len(cells)-1] {
				if f := strings.Fields(c); len(f) > 0 && sameValue(f[0], w.v) == nil {
					value = c
					break
				}
			}
			if value == "" {
				t.Errorf("PROTOCOL.md line %d: %s is %v in the code; the row says %q", i+1, id, w.v, line)
				continue
			}
			if w.relay != nil {
				m := relayRe.FindStringSubmatch(value)
				if m == nil {
					t.Errorf("PROTOCOL.md line %d: %s: no relay value; the code's is %v", i+1, id, w.relay)
				} else if err := sameValue(m[1], w.relay); err != nil {
					t.Errorf("PROTOCOL.md line %d: %s on a relay: %v", i+1, id, err)
				}
			}
		}
		for id, w := range want {
			if !seen[id] {
				t.Errorf("PROTOCOL.md has no table row for `%s` (%v in the code)", id, w.v)
			}
		}
	})

	t.Run("bodies", func(t *testing.T) {
		types := map[reflect.Type]bool{}
		for _, body := range []protocol.Body{&protocol.Org{}, &protocol.Device{}, &protocol.Endorse{},
			&protocol.Revoke{}, &protocol.Place{}, &protocol.Origin{}, &protocol.Process{},
			&protocol.Transfer{}, &protocol.Receive{}, &protocol.Correct{}} {
			collectCBORTypes(reflect.TypeOf(body), types)
		}
		for typ := range types {
			section, ok := docSection(doc, "`protocol."+typ.Name()+"`")
			if !ok {
				t.Errorf("PROTOCOL.md has no section headed `protocol.%s`", typ.Name())
				continue
			}
			keys := cborKeys(typ)
			// The rows of the section's tables headed "key".
			documented := map[string]bool{}
			keyTable, inTable := false, false
			for _, line := range strings.Split(section, "\n") {
				cells := tableCells(line)
				switch {
				case cells == nil:
					inTable = false
				case !inTable:
					inTable, keyTable = true, cells[0] == "key"
				case keyTable && strings.HasPrefix(cells[0], "`"):
					documented[strings.Trim(cells[0], "`")] = true
				}
			}
			for _, k := range keys {
				if !documented[k] {
					t.Errorf("PROTOCOL.md, section protocol.%s: no row for key %q", typ.Name(), k)
				}
				delete(documented, k)
			}
			for k := range documented {
				t.Errorf("PROTOCOL.md, section protocol.%s: key %q is not a field of the type", typ.Name(), k)
			}
		}
	})

	t.Run("enums", func(t *testing.T) {
		var names []string
		for _, x := range protocol.Types() {
			names = append(names, string(x))
		}
		for _, x := range protocol.Roles() {
			names = append(names, string(x))
		}
		for _, x := range protocol.Units() {
			names = append(names, string(x))
		}
		names = append(names, protocol.PlaceKinds()...)
		names = append(names, protocol.ModelIP, protocol.ModelSG, protocol.ModelMB, protocol.GeoPoint, protocol.GeoPolygon)
		for _, n := range names {
			if !strings.Contains(doc, "`"+n+"`") {
				t.Errorf("PROTOCOL.md does not name `%s`", n)
			}
		}
	})

	t.Run("links", func(t *testing.T) {
		for _, m := range regexp.MustCompile(`\]\(([^)#]+)(#[^)]*)?\)`).FindAllStringSubmatch(doc, -1) {
			if strings.Contains(m[1], "://") {
				continue
			}
			if _, err := os.Stat(filepath.Join(filepath.Dir(protocolDoc), m[1])); err != nil {
				t.Errorf("PROTOCOL.md links %s: %v", m[1], err)
			}
		}
	})
}

// tableCells returns the trimmed cells of a Markdown table row, or nil.
func tableCells(line string) []string {
	line = strings.TrimSpace(line)
	if !strings.HasPrefix(line, "|") || !strings.HasSuffix(line, "|") || len(line) < 2 {
		return nil
	}
	cells := strings.Split(line[1:len(line)-1], "|")
	for i := range cells {
		cells[i] = strings.TrimSpace(cells[i])
	}
	return cells
}

// sameValue reports whether tok, as written in the document, is want.
func sameValue(tok string, want any) error {
	if d, ok := want.(time.Duration); ok {
		got, err := time.ParseDuration(tok)
		if err != nil || got != d {
			return fmt.Errorf("%q, want %v", tok, d)
		}
		return nil
	}
	got, err := strconv.ParseFloat(strings.ReplaceAll(tok, ",", ""), 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", tok)
	}
	w := reflect.ValueOf(want)
	var wf float64
	switch w.Kind() {
	case reflect.Float64:
		wf = w.Float()
	case reflect.Uint8:
		wf = float64(w.Uint())
	default:
		wf = float64(w.Int())
	}
	if got != wf {
		return fmt.Errorf("%q, want %v", tok, want)
	}
	return nil
}

// docSection returns the text from the heading that contains mark to the
// next heading.
func docSection(doc, mark string) (string, bool) {
	lines := strings.Split(doc, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "#") || !strings.Contains(l, mark) {
			continue
		}
		end := len(lines)
		for j := i + 1; j < len(lines); j++ {
			if strings.HasPrefix(lines[j], "#") {
				end = j
				break
			}
		}
		return strings.Join(lines[i+1:end], "\n"), true
	}
	return "", false
}

// collectCBORTypes adds t (through pointers, slices and arrays) and the
// struct types of its fields to types when they are structs with CBOR keys.
func collectCBORTypes(t reflect.Type, types map[reflect.Type]bool) {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || types[t] || len(cborKeys(t)) == 0 {
		return
	}
	types[t] = true
	for i := range t.NumField() {
		collectCBORTypes(t.Field(i).Type, types)
	}
}

// cborKeys returns the CBOR map keys of a struct type's fields.
func cborKeys(t reflect.Type) []string {
	var keys []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("cbor"), ",")
		if name != "" && name != "-" {
			keys = append(keys, name)
		}
	}
	return keys
}
