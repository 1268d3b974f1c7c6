package eudr_test

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// page writes the summary page of a summary.
func page(t *testing.T, sum eudr.Summary) string {
	t.Helper()
	var b bytes.Buffer
	if err := eudr.WriteHTML(&b, sum); err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("EUDR_PAGE_DIR"); dir != "" { // to look at it: EUDR_PAGE_DIR=/tmp go test -run TestWriteHTML
		if err := os.WriteFile(dir+"/"+strings.ReplaceAll(t.Name(), "/", "_")+".html", b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestWriteHTML: the page says what an auditor checks, loads nothing from
// anywhere, and escapes what the records say.
func TestWriteHTML(t *testing.T) {
	s := scenario.StatementUpstream()
	rep, recs := verifiedScenario(t, s)
	sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
	html := page(t, sum)
	must := []string{"<!DOCTYPE html>", "EUDR due diligence summary", "TRUSTED",
		"COOKING OIL", "1511 90", "Annex I: 1511", "<em>Elaeis guineensis</em>", "14850 kg", "Countries of production</th><td>MY",
		"Ladang Sungai Lebam Sdn Bhd", "Blok 12A", "Blok 12B", "Kebun Pak Hamid (smallholder)", "assessed deforestation-free after 2020-12-31",
		"GFW-2024-Blok 12A", "land title", "RSPO: Roundtable on Sustainable Palm Oil", "RSPO-SCC-2023-0877",
		scenario.DDSRef, scenario.DDSVerification, "eudr-" + tail(s.Batch.Record) + "-0.geojson", "Every record behind the verdict"}
	for _, r := range recs {
		must = append(must, r.CID.String())
	}
	for _, m := range must {
		if !strings.Contains(html, m) {
			t.Errorf("the page does not say %q", m)
		}
	}
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "src=", "url(", "http://", "https://", "@import"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the page is not self-contained: it has %q", bad)
		}
	}
	if strings.Count(html, "<table") != strings.Count(html, "</table>") || strings.Count(html, "<tr") != strings.Count(html, "</tr>") {
		t.Error("tables or rows are not closed")
	}

	t.Run("not assessed, unknown product", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.PlotNotAssessed())
		html := page(t, summarize(t, rep, recs, eudr.Subject{}, eudr.Options{}))
		for _, m := range []string{"not assessed", "none recorded", "3 of the 3 plots are covered by no statement upstream"} {
			if !strings.Contains(html, m) {
				t.Errorf("the page does not say %q", m)
			}
		}
		rep, recs = verifiedScenario(t, scenario.HonestElectronics())
		html = page(t, summarize(t, rep, recs, eudr.Subject{}, eudr.Options{}))
		for _, m := range []string{eudr.HSUnknown, "No geolocation file can be written", "RMI-RMAP: Responsible Minerals Assurance Process"} {
			if !strings.Contains(html, m) {
				t.Errorf("the page does not say %q", m)
			}
		}
	})
	t.Run("names are escaped", func(t *testing.T) {
		w := bigWorld()
		rep, recs := verified(t, w.Records, w.Anchors, w.Batch)
		html := page(t, summarize(t, rep, recs, eudr.Subject{}, eudr.Options{}))
		if strings.Contains(html, "<Sungai>") || !strings.Contains(html, "Petak &#34;7&#34; &lt;Sungai&gt; &amp; Rawa") {
			t.Error("a plot's name is not escaped")
		}
		for _, m := range []string{"MSPO", "ISPO"} {
			if strings.Contains(html, m) {
				t.Errorf("the page names %s, which no claim uses", m)
			}
		}
	})
	t.Run("national schemes by name", func(t *testing.T) {
		for _, tc := range []struct {
			s    *scenario.Scenario
			want string
		}{{scenario.MSPOPalm(), "MSPO: Malaysian Sustainable Palm Oil (mandatory in Malaysia)"}, {scenario.ISPOPalm(), "ISPO: Indonesian Sustainable Palm Oil (mandatory in Indonesia)"}} {
			rep, recs := verifiedScenario(t, tc.s)
			if html := page(t, summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})); !strings.Contains(html, tc.want) {
				t.Errorf("%s: the page does not say %q", tc.s.Name, tc.want)
			}
		}
	})
}
