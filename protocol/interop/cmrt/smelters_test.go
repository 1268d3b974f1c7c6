package cmrt_test

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/cmrt"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// placeNamed returns the place record of s named name.
func placeNamed(t *testing.T, recs []protocol.Signed, name string) protocol.Signed {
	t.Helper()
	for _, r := range recs {
		if p, ok := r.Body.(*protocol.Place); ok && p.Name == name {
			return r
		}
	}
	t.Fatalf("no place %q", name)
	return protocol.Signed{}
}

func smelters(t *testing.T, rep *provenance.Report, recs []protocol.Signed) []cmrt.Row {
	t.Helper()
	rows, err := cmrt.Smelters(rep, recs)
	if err != nil {
		t.Fatalf("Smelters: %v", err)
	}
	return rows
}

// TestHonestElectronics: the assembled board's smelter list names the
// tantalum and the tin smelter, with their RMI IDs, the template's
// country names and their RMAP certificates, and the records behind them.
func TestHonestElectronics(t *testing.T) {
	s := scenario.HonestElectronics()
	rep, recs := evidence(t, s.Records, s.Batch, provenance.Options{Anchors: s.Anchors})
	if rep.Verdict != provenance.Trusted {
		t.Fatalf("verdict %s:\n%s", rep.Verdict, rep.Text())
	}
	rows := smelters(t, rep, recs)
	want := []struct {
		metal, name, id, country, code, product, cert, origin string
	}{
		{cmrt.Tantalum, "Rayong tantalum plant", scenario.DemoRMITantalum, "THAILAND", "TH", scenario.TaPowder, "RMAP-TA-0057", "ta.origin"},
		{cmrt.Tin, "Muntok smelter", scenario.DemoRMITin, "INDONESIA", "ID", scenario.Tin, "RMAP-SN-0142", "tin.origin"},
	}
	if len(rows) != len(want) {
		t.Fatalf("%d rows, want %d: %+v", len(rows), len(want), rows)
	}
	for i, w := range want {
		r := rows[i]
		place := placeNamed(t, s.Records, w.name)
		origin := s.Marks[w.origin].CID
		if r.Metal != w.metal || r.Name != w.name || r.ID != w.id || r.IDSource != cmrt.SourceRMI || r.Country != w.country ||
			r.CountryCode != w.code || !slices.Equal(r.Products, []string{w.product}) {
			t.Errorf("row %d: %s %q %s (%s) %s %s %v, want %s %q %s (RMI) %s %s %v", i, r.Metal, r.Name, r.ID, r.IDSource, r.Country, r.CountryCode, r.Products,
				w.metal, w.name, w.id, w.country, w.code, []string{w.product})
		}
		if r.Place != place.CID || !slices.Equal(r.Records, []protocol.CID{origin}) {
			t.Errorf("row %d (%s): place %s records %v, want %s and the origin %s", i, w.name, r.Place, r.Records, place.CID, origin)
		}
		if r.RMAP.Status != cmrt.RMAPConformant || r.RMAP.Certificate != w.cert || r.RMAP.Record.IsZero() ||
			r.RMAP.Certifier != "Responsible Minerals Initiative (demo)" {
			t.Errorf("row %d (%s): RMAP %+v, want conformant by %s", i, w.name, r.RMAP, w.cert)
		}
		if len(r.Mines) != 0 {
			t.Errorf("row %d (%s): mines %+v; the scenario's smelters record no mines", i, w.name, r.Mines)
		}
		c := r.Cells()
		if got := c[:7]; !slices.Equal(got, []string{w.id, w.metal, w.name, w.name, w.country, w.id, "RMI"}) {
			t.Errorf("row %d: columns A to G are %q", i, got)
		}
		if got := c[7:16]; !slices.Equal(got, make([]string, 9)) {
			t.Errorf("row %d: columns H to P are %q, want them empty", i, got)
		}
		for _, want := range []string{"RMAP conformant", w.cert, place.CID.String(), origin.String(), r.RMAP.Record.String()} {
			if !strings.Contains(c[16], want) {
				t.Errorf("row %d: comment %q does not say %q", i, c[16], want)
			}
		}
	}
}

// TestNoAnchors: with no trust anchor the certificates are valid but
// vouched for by nobody the user chose.
func TestNoAnchors(t *testing.T) {
	s := scenario.HonestElectronics()
	rep, recs := evidence(t, s.Records, s.Batch, provenance.Options{})
	for _, r := range smelters(t, rep, recs) {
		if r.RMAP.Status != cmrt.RMAPUnendorsed || !strings.Contains(r.Comment(), "no trust anchor") {
			t.Errorf("%s: RMAP %s, comment %q; want unendorsed", r.Name, r.RMAP.Status, r.Comment())
		}
	}
}

// TestConnector: mines upstream of a smelter, a smelter without an RMI ID
// and without a certificate, a second smelter that stops the walk to the
// mines and whose certificate was withdrawn after it made the metal, a
// gold refinery whose certificate had expired, and copper.
func TestConnector(t *testing.T) {
	w := newConnectorWorld(t)
	rep, recs := evidence(t, w.recs, w.connector, provenance.Options{Anchors: []protocol.PublicKey{w.anchor}})
	if c := rep.Check("integrity"); c.Status != provenance.Pass {
		t.Fatalf("the test world does not verify:\n%s", rep.Text())
	}
	rows := smelters(t, rep, recs)
	type want struct {
		metal, name, country string
		rmap                 cmrt.RMAPStatus
		mines, mineCountries string // columns N and O
		recycled             string // column P
	}
	wants := []want{
		{cmrt.Gold, "Tema gold refinery", "GHANA", cmrt.RMAPNotValid, "", "", ""},
		{cmrt.Tin, "Jurong solder works", "SINGAPORE", cmrt.RMAPConformant, "", "", ""},
		{cmrt.Tin, "Kundur smelter", "INDONESIA", cmrt.RMAPNone, "Pemali mine; Heinda mine", "INDONESIA; MYANMAR", "No"},
		{"", "Coloso smelter", "CHILE", cmrt.RMAPNone, "", "", ""},
	}
	if len(rows) != len(wants) {
		t.Fatalf("%d rows, want %d:\n%+v", len(rows), len(wants), rows)
	}
	for i, x := range wants {
		r := rows[i]
		c := r.Cells()
		if r.Metal != x.metal || r.Name != x.name || r.Country != x.country || r.RMAP.Status != x.rmap ||
			c[13] != x.mines || c[14] != x.mineCountries || c[15] != x.recycled {
			t.Errorf("row %d: %q %q %q RMAP %s, mines %q in %q, recycled %q;\nwant %q %q %q RMAP %s, mines %q in %q, recycled %q",
				i, r.Metal, r.Name, r.Country, r.RMAP.Status, c[13], c[14], c[15], x.metal, x.name, x.country, x.rmap, x.mines, x.mineCountries, x.recycled)
		}
		// None of them carries an RMI ID (Coloso has a GLN): not listed.
		if c[0] != "" || c[2] != cmrt.LookupNotListed || c[3] != x.name || c[5] != "" || c[6] != "" {
			t.Errorf("row %d (%s): columns A to G are %q, want a smelter not listed", i, x.name, c[:7])
		}
		if r.Place != w.places[x.name].CID || !slices.Equal(r.Records, []protocol.CID{w.made[x.name].CID}) {
			t.Errorf("row %d (%s): place %s records %v, want %s, %s", i, x.name, r.Place, r.Records, w.places[x.name].CID, w.made[x.name].CID)
		}
	}
	gold, solder, kundur, copper := rows[0], rows[1], rows[2], rows[3]
	if gold.RMAP.Certificate != "RMAP-AU-0009" || gold.RMAP.Record != w.goldCert.CID ||
		!strings.Contains(gold.Comment(), "Not RMAP conformant per the trace: certificate RMAP-AU-0009") {
		t.Errorf("the refinery's expired certificate: %+v, comment %q", gold.RMAP, gold.Comment())
	}
	// Withdrawn after the solder was made: conformant when it was made,
	// as its comment says, with the withdrawal.
	if solder.RMAP.Certificate != "RMAP-SN-0077" || solder.RMAP.Record != w.solderCert.CID || solder.RMAP.RevokedAt == nil {
		t.Errorf("the solder works' certificate withdrawn since: %+v", solder.RMAP)
	}
	for _, want := range []string{"RMAP conformant per the trace: certificate RMAP-SN-0077 from Minerals Assurance (test), valid 2024-01-01 to 2026-12-31",
		"withdrawn from " + solder.RMAP.RevokedAt.Format("2006-01-02") + ", after the metal was recorded"} {
		if !strings.Contains(solder.Comment(), want) {
			t.Errorf("the solder works' comment %q does not say %q", solder.Comment(), want)
		}
	}
	if strings.Contains(solder.Comment(), "no trust anchor") {
		t.Errorf("the solder works' comment %q says its certifier is not endorsed", solder.Comment())
	}
	if !slices.Equal(gold.Products, []string{"Fine  gold"}) {
		t.Errorf("gold products %q, want the product as recorded", gold.Products)
	}
	for _, m := range []string{"Pemali mine", "Heinda mine"} {
		if !strings.Contains(kundur.Comment(), "mine "+w.places[m].CID.String()+", its output "+w.made[m].CID.String()) {
			t.Errorf("Kundur's comment %q does not name %s and its ore", kundur.Comment(), m)
		}
	}
	if len(kundur.Mines) != 2 || kundur.Mines[1].CountryCode != "MM" || kundur.Mines[1].Place != w.places["Heinda mine"].CID {
		t.Errorf("Kundur's mines: %+v", kundur.Mines)
	}
	if !strings.HasPrefix(copper.Comment(), `Metal not known: Jejak's product table does not take "COPPER CATHODE"`) {
		t.Errorf("copper's comment %q does not say its metal is not known", copper.Comment())
	}
}

// TestNoSmelters: a palm oil batch has no smelter list, and says so; so
// has ore verified forward to the smelters that used it (they are not
// behind it).
func TestNoSmelters(t *testing.T) {
	palm := scenario.HonestPalm()
	w := newConnectorWorld(t)
	for _, c := range []struct {
		name  string
		recs  []protocol.Signed
		batch protocol.BatchID
	}{
		{"palm oil", palm.Records, palm.Batch},
		{"ore, forward", w.recs, w.ore},
	} {
		t.Run(c.name, func(t *testing.T) {
			rep, recs := evidence(t, c.recs, c.batch, provenance.Options{Forward: true})
			rows, err := cmrt.Smelters(rep, recs)
			if !errors.Is(err, cmrt.ErrNoSmelters) || len(rows) != 0 {
				t.Fatalf("Smelters: %d rows, error %v; want none and ErrNoSmelters", len(rows), err)
			}
			for _, want := range []string{"cmrt: smelter list of batch " + c.batch.String(), "no smelter or gold refiner", "tin, tantalum, tungsten or gold"} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not say %q", err, want)
				}
			}
		})
	}
}

// TestRecordsAndReportBelongTogether: Smelters refuses a report without
// the records behind it, rather than give an empty list.
func TestRecordsAndReportBelongTogether(t *testing.T) {
	s := scenario.HonestElectronics()
	rep, _ := evidence(t, s.Records, s.Batch, provenance.Options{Anchors: s.Anchors})
	if _, err := cmrt.Smelters(rep, nil); err == nil || errors.Is(err, cmrt.ErrNoSmelters) || !strings.Contains(err.Error(), "not among the records given") {
		t.Errorf("Smelters without records: %v", err)
	}
	if _, err := cmrt.Smelters(nil, s.Records); err == nil {
		t.Error("Smelters without a report gave no error")
	}
}

func TestMetalOf(t *testing.T) {
	for _, c := range []struct{ product, metal string }{
		{"TIN", cmrt.Tin},
		{"tin  ingot", cmrt.Tin},
		{"TIN INGOT 99.9", cmrt.Tin},
		{"SOLDER", cmrt.Tin},
		{"TANTALUM POWDER", cmrt.Tantalum},
		{"K2TaF7", cmrt.Tantalum},
		{"APT", cmrt.Tungsten},
		{"Ferrotungsten", cmrt.Tungsten},
		{"FINE GOLD", cmrt.Gold},
		{"GOLD GRAIN 999.9", cmrt.Gold},
		{"TINPLATE", ""},
		{"COPPER CATHODE", ""},
		{"RBDPO", ""},
		{"", ""},
	} {
		if got := cmrt.MetalOf(c.product); got != c.metal {
			t.Errorf("MetalOf(%q) = %q, want %q", c.product, got, c.metal)
		}
	}
}

// TestCountries: every country a record can name has the template's name,
// spelled as the template's drop-down spells it.
func TestCountries(t *testing.T) {
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			code := string([]rune{a, b})
			name := cmrt.CountryName(code)
			if protocol.IsCountry(code) {
				n++
				if name == code {
					t.Errorf("%s has no template name", code)
				}
			} else if name != code {
				t.Errorf("%s is no ISO country but is named %q", code, name)
			}
		}
	}
	if n != 249 {
		t.Errorf("%d countries, want 249", n)
	}
	for code, want := range map[string]string{
		"ID": "INDONESIA", "MY": "MALAYSIA", "TH": "THAILAND", "CN": "CHINA", "TW": "TAIWAN, PROVINCE OF CHINA",
		"KR": "KOREA, REPUBLIC OF", "CD": "CONGO, DEMOCRATIC REPUBLIC OF THE", "US": "UNITED STATES OF AMERICA",
		"BO": "BOLIVIA (PLURINATIONAL STATE OF)", "VN": "VIET NAM", "RU": "RUSSIAN FEDERATION", "GB": "UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND",
		"my": "MALAYSIA", "XK": "XK",
	} {
		if got := cmrt.CountryName(code); got != want {
			t.Errorf("CountryName(%q) = %q, want %q", code, got, want)
		}
	}
}

// TestForgedSmelter: a smelter's record with a forged signature is no
// evidence of a smelter; the list says why it is empty.
func TestForgedSmelter(t *testing.T) {
	s := scenario.HonestElectronics()
	forged := *s.Marks["tin.origin"].Record
	forged.Sig = append([]byte(nil), forged.Sig...)
	forged.Sig[0] ^= 1
	b, err := forged.Encode()
	if err != nil {
		t.Fatal(err)
	}
	c := protocol.ComputeCID(b)
	rep, recs := evidence(t, append(s.Records, protocol.Signed{Record: &forged, CID: c, Bytes: b}), protocol.BatchID{Record: c},
		provenance.Options{Anchors: s.Anchors})
	if rep.Verdict != provenance.Failed {
		t.Fatalf("verdict %s, want failed", rep.Verdict)
	}
	rows, err := cmrt.Smelters(rep, recs)
	if !errors.Is(err, cmrt.ErrNoSmelters) || len(rows) != 0 || !strings.Contains(err.Error(), "failed verification") {
		t.Errorf("Smelters of a forged smelter record: %d rows, %v", len(rows), err)
	}
}
