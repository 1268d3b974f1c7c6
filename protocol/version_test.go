package protocol_test

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"golang.org/x/text/language"
)

// TestOldVectorsStillOpen: every record of the first release's test vectors
// (format version 1, testdata/vectors-v1.json, as committed then) still
// opens, with its CID, in this release: a rule added later never breaks a
// record signed before it.
func TestOldVectorsStillOpen(t *testing.T) {
	raw, err := os.ReadFile("testdata/vectors-v1.json")
	if err != nil {
		t.Fatal(err)
	}
	var f vectorFile
	if err := json.Unmarshal(raw, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Records) < 10 {
		t.Fatalf("%d version 1 vectors", len(f.Records))
	}
	for _, fr := range f.Records {
		b, err := hex.DecodeString(fr.Bytes)
		if err != nil {
			t.Fatal(err)
		}
		s, err := protocol.Open(b)
		if err != nil {
			t.Errorf("%s: a version 1 record no longer opens: %v", fr.Name, err)
			continue
		}
		if s.V != protocol.Version1 || s.CID.String() != fr.CID {
			t.Errorf("%s: version %d CID %s, want version 1 and %s", fr.Name, s.V, s.CID, fr.CID)
		}
		// A node told to sign format 1 (record_format, while a network
		// still has first-release nodes) writes exactly what the first
		// release wrote, so those nodes read it.
		seed, err := hex.DecodeString(fr.Seed)
		if err != nil {
			t.Fatal(err)
		}
		key, err := protocol.PrivateKeyFromSeed(seed)
		if err != nil {
			t.Fatal(err)
		}
		again, err := protocol.SealVersion(&protocol.Record{Seq: s.Seq, Prev: s.Prev, Time: s.Time, Body: s.Body}, key, protocol.Version1)
		if err != nil {
			t.Errorf("%s: sealed again in format 1: %v", fr.Name, err)
		} else if !bytes.Equal(again.Bytes, b) {
			t.Errorf("%s: sealed again in format 1, the bytes differ from the first release's:\n got %x\nwant %x", fr.Name, again.Bytes, b)
		}
	}
}

// bowTie is a plot whose boundary crosses itself.
func bowTie() *protocol.Place {
	// Two lobes of different sizes, so the ring encloses some area.
	p := func(x, y float64) protocol.Position { return protocol.Pos(101.5+0.004*x, 2.9+0.004*y) }
	g := protocol.PolygonGeometry([]protocol.Position{p(0, 0), p(4, 2), p(4, 0), p(0, 1), p(0, 0)})
	return &protocol.Place{Name: "Blok Silang", Kind: protocol.PlacePlot, Country: "MY", Geo: g, Area: int64(g.Area())}
}

// TestRulesByVersion: a rule of version 2 applies to version 2 records
// only. A bow-tie plot and the country "XX" were signed under version 1
// and still open; a version 2 record with either is refused, naming the
// field.
func TestRulesByVersion(t *testing.T) {
	key := prototest.Key("version-test")
	xx := &protocol.Place{Name: "Kebun X", Kind: protocol.PlaceMill, Country: "XX", Geo: protocol.PointGeometry(protocol.Pos(101.5, 2.9))}
	for _, tc := range []struct {
		name  string
		body  protocol.Body
		field string
	}{
		{"bow-tie plot", bowTie(), "body.geo.rings[0]"},
		{"country XX", xx, "body.country"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			old, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: tc.body}, key, protocol.Version1)
			if err != nil {
				t.Fatalf("version 1 refused it: %v", err)
			}
			if _, err := protocol.Open(old.Bytes); err != nil {
				t.Fatalf("a version 1 record no longer opens: %v", err)
			}
			_, err = protocol.Seal(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: tc.body}, key)
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field {
				t.Fatalf("version 2: %v, want a FieldError on %s", err, tc.field)
			}
			if err := protocol.CheckDraft(tc.body); err == nil {
				t.Error("CheckDraft accepts what Seal refuses")
			}
		})
	}
}

// TestNewerVersionKept: an authentic record of a version this release does
// not know is ErrNewerVersion (kept, not judged, not the sender's fault),
// whether or not it has fields this release does not know; the same record
// with a broken signature, or a sig that is no signature, is a forgery
// (ErrSignature).
func TestNewerVersionKept(t *testing.T) {
	key := prototest.Key("from-the-future")
	body := &protocol.Place{Name: "Kilang Baru", Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(101.5, 2.9))}
	s, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: body}, key, protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	// A newer version may add fields, to the envelope and to a body.
	env := splitMap(t, s.Bytes)
	env["zone"] = cText("Asia/Kuala_Lumpur")
	env = mutateBody(t, env, func(b fields) { b["elevation"] = cUint(40) })
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"fields known here", s.Bytes},
		{"fields unknown here", resign(key, env)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := protocol.Open(tc.data)
			var nv *protocol.NewerVersionError
			if !errors.Is(err, protocol.ErrNewerVersion) || !errors.As(err, &nv) || nv.V != protocol.Version+1 || nv.Author != key.Public() {
				t.Fatalf("Open of a version %d record: %v, want ErrNewerVersion naming its author", protocol.Version+1, err)
			}
			if errors.Is(err, protocol.ErrInvalid) || errors.Is(err, protocol.ErrMalformed) {
				t.Fatalf("a newer record is reported as bad: %v", err)
			}
			if _, err := protocol.Decode(tc.data); !errors.As(err, &nv) || nv.V != protocol.Version+1 || nv.Author != key.Public() {
				t.Fatalf("Decode of a version %d record: %v, want ErrNewerVersion naming its author", protocol.Version+1, err)
			}
			forged := append([]byte(nil), tc.data...)
			forged[len(forged)-1] ^= 1 // the last byte of the author key
			if _, err := protocol.Open(forged); !errors.Is(err, protocol.ErrSignature) {
				t.Fatalf("a forged record of a newer version: %v, want ErrSignature", err)
			}
		})
	}
	env["sig"] = cText("trust me")
	if _, err := protocol.Open(env.encode()); !errors.Is(err, protocol.ErrSignature) {
		t.Fatalf("a newer record whose sig is text: %v, want ErrSignature", err)
	}
}

func TestIsCountry(t *testing.T) {
	for c, want := range map[string]bool{
		"MY": true, "ID": true, "SG": true, "TH": true, "GB": true, "DE": true, "CI": true, "PG": true, "NG": true, "BR": true,
		"XX": false, "UK": false, "EU": false, "UN": false, "ZZ": false, "AA": false, "QO": false, "my": false, "M": false, "MYS": false, "": false,
	} {
		if got := protocol.IsCountry(c); got != want {
			t.Errorf("IsCountry(%q) = %v, want %v", c, got, want)
		}
	}
}

// TestCountryListMatchesCLDR: every code of the list is a current region
// in the Unicode CLDR (golang.org/x/text), and every current two-letter
// country code of CLDR with an ISO 3166 alpha-3 code is in the list, but
// for the deleted and exceptionally reserved codes CLDR still knows.
func TestCountryListMatchesCLDR(t *testing.T) {
	list := protocol.Countries()
	if len(list) != 249 {
		t.Errorf("%d codes, ISO 3166-1 assigns 249", len(list))
	}
	notISO := map[string]bool{}
	for _, c := range strings.Fields("AC AN BU CP CS CT DD DG DY FQ FX HV JT MI NH NQ NT PC PU PZ RH SU TA TP VD WK YD YU ZR") {
		notISO[c] = true
	}
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			c := string([]rune{a, b})
			r, err := language.ParseRegion(c)
			cldr := err == nil && r.IsCountry() && !r.IsPrivateUse() && r.String() == c && r.ISO3() != "ZZZ" && !notISO[c]
			if cldr != protocol.IsCountry(c) {
				t.Errorf("%s: CLDR says country %v, the list %v", c, cldr, protocol.IsCountry(c))
			}
		}
	}
}
