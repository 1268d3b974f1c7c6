package eudr

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

//go:embed summary.html
var pageSource string

// page is the summary's HTML page: one file, its CSS inline, no scripts,
// fonts or images from anywhere, laid out for the screen and for A4 paper.
var page = template.Must(template.New("summary").Funcs(template.FuncMap{
	"date": func(t time.Time) string { return t.UTC().Format("2006-01-02") },
	"datetime": func(t time.Time) string {
		return t.UTC().Format("2006-01-02 15:04 UTC")
	},
	"evdate":    func(ms int64) string { return time.UnixMilli(ms).UTC().Format("2006-01-02") },
	"short":     func(c protocol.CID) string { return c.Short() },
	"deref":     func(c *protocol.CID) protocol.CID { return *c },
	"derefTime": func(t *time.Time) time.Time { return *t },
	"status":    func(s provenance.Status) string { return strings.ToUpper(string(s)) },
	"verdictWords": func(v provenance.Verdict) string {
		return map[provenance.Verdict]string{
			provenance.Trusted:    "TRUSTED: this batch's provenance checks out",
			provenance.Unendorsed: "UNENDORSED: authentic records, but not every signer is vouched for",
			provenance.Failed:     "FAILED: do not rely on this batch",
			provenance.Incomplete: "INCOMPLETE: records are missing",
		}[v]
	},
	"ha":        func(f float64) string { return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.2f", f), "0"), ".") },
	"join":      strings.Join,
	"kb":        func(n int) string { return fmt.Sprintf("%.1f kB", float64(n)/1000) },
	"hsunknown": func() string { return HSUnknown },
	"statusClass": func(s string) string {
		if s == provenance.PlotAssessed {
			return "ok"
		}
		return "warn"
	},
	"ids": func(ids []protocol.PlaceID) string {
		var s []string
		for _, id := range ids {
			s = append(s, id.Scheme+" "+id.ID)
		}
		return strings.Join(s, ", ")
	},
	"plots": func(ps []PlaceRef) string {
		const shown = 12
		var s []string
		for i, p := range ps {
			if i == shown {
				s = append(s, fmt.Sprintf("and %d more", len(ps)-shown))
				break
			}
			s = append(s, p.Name)
		}
		return strings.Join(s, ", ")
	},
}).Parse(pageSource))

// WriteHTML writes the summary as a page a person reads and prints: the
// declaration (product and HS code, species, net mass, countries,
// producers, harvest periods), each plot with its status and evidence,
// the certification schemes, the statements upstream, the geolocation
// files, the verdict with its checks, and the CID of every record behind
// it. The page is self-contained: its CSS is inline and it loads nothing.
func WriteHTML(w io.Writer, s Summary) error {
	if err := page.Execute(w, s); err != nil {
		return fmt.Errorf("eudr: write summary page: %w", err)
	}
	return nil
}
