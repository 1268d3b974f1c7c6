package printout

import (
	"fmt"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/provenance"
)

// A4 in millimetres, and the report's margins.
const (
	a4W, a4H = 210.0, 297.0
	margin   = 18.0
)

// verdictColour is the banner's colour of a verdict, as the app shows it.
func verdictColour(v provenance.Verdict) (r, g, b int) {
	switch v {
	case provenance.Trusted:
		return 0x1e, 0x8e, 0x3e
	case provenance.Unendorsed, provenance.Incomplete:
		return 0xc2, 0x7c, 0x00
	}
	return 0xd3, 0x2f, 0x2f
}

// ReportPDF prints a verification report on A4 in language lang: the
// verdict in a coloured banner, the batch and when it was checked, every
// check with its reasons (failures first), the origins and the signers,
// on as many pages as it takes, each numbered and naming the batch.
func ReportPDF(r *provenance.Report, lang i18n.Lang) ([]byte, error) {
	if r == nil {
		return nil, errorf("no report to print")
	}
	if !lang.Valid() {
		lang = i18n.English
	}
	r = r.In(lang) // every check, reason and summary in the reader's language
	t := func(key string, kv ...any) string { return i18n.T(lang, key, kv...) }
	pdf := newPDF(a4W, a4H, r.CheckedAt, t("print.report.title")+" "+r.Batch.String())
	pdf.SetKeywords(r.Batch.String(), true)
	pdf.SetMargins(margin, margin, margin)
	pdf.SetAutoPageBreak(true, margin)
	pdf.AliasNbPages("{nb}")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-margin + 4)
		pdf.SetFont("go", "", 8)
		pdf.SetTextColor(0x60, 0x60, 0x60)
		pdf.CellFormat(0, 4, t("print.report.footer", "batch", r.Batch.String(), "page", strconv.Itoa(pdf.PageNo()), "pages", "{nb}"), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()
	w := a4W - 2*margin

	// The banner: the verdict, large, in its colour, and the summary.
	cr, cg, cb := verdictColour(r.Verdict)
	pdf.SetFont("go", "B", 11)
	sumLines := pdf.SplitText(r.Summary, w-10)
	bh := 16 + float64(len(sumLines))*5.5
	y := pdf.GetY()
	pdf.SetFillColor(cr, cg, cb)
	pdf.Rect(margin, y, 3, bh, "F")
	pdf.SetFillColor(255-(255-cr)*18/100, 255-(255-cg)*18/100, 255-(255-cb)*18/100)
	pdf.Rect(margin+3, y, w-3, bh, "F")
	pdf.SetXY(margin+7, y+3)
	pdf.SetTextColor(cr, cg, cb)
	pdf.SetFont("go", "B", 20)
	pdf.CellFormat(w-10, 9, t("print.verdict."+string(r.Verdict)), "", 2, "L", false, 0, "")
	pdf.SetTextColor(0, 0, 0)
	pdf.SetFont("go", "B", 11)
	for _, l := range sumLines {
		pdf.SetX(margin + 7)
		pdf.CellFormat(w-10, 5.5, l, "", 2, "L", false, 0, "")
	}
	pdf.SetY(y + bh + 5)

	// What was checked.
	facts := [][2]string{{t("print.report.batch"), r.Batch.String()}}
	for _, n := range r.Graph.Nodes {
		if n.Role != "start" || n.ReplacedBy != "" {
			continue
		}
		desc := n.Product
		if n.Qty != nil {
			desc += ", " + n.Qty.String()
		}
		if n.Lot != "" {
			desc += ", " + t("print.label.lot", "lot", n.Lot)
		}
		if n.Claim != nil {
			desc += ", " + strings.TrimSpace(n.Claim.Scheme+" "+n.Claim.Model)
		}
		facts = append(facts, [2]string{t("print.report.product"), desc})
		if n.Org != "" {
			facts = append(facts, [2]string{t("print.report.made_by"), n.Org})
		}
		break
	}
	when := r.CheckedAt.UTC().Format("2006-01-02 15:04 UTC")
	if r.AsOf {
		when = t("print.report.as_of", "time", when)
	}
	facts = append(facts, [2]string{t("print.report.checked"), when},
		[2]string{t("print.report.traced"), t("print.report.records", "n", r.Stats.Records, "context", strconv.Itoa(r.Stats.Context))})
	for _, f := range facts {
		pdf.SetFont("go", "B", 9.5)
		pdf.CellFormat(32, 5, f[0], "", 0, "L", false, 0, "")
		font := "go"
		if f[0] == t("print.report.batch") {
			font = "gomono"
		}
		pdf.SetFont(font, "", 9.5)
		pdf.MultiCell(w-32, 5, f[1], "", "L", false)
	}

	// The checks, failures first, as the app lists them.
	section(pdf, t("print.report.checks"))
	rank := map[provenance.Status]int{provenance.Fail: 0, provenance.Warn: 1, provenance.Pass: 2, provenance.Skip: 3}
	checks := append([]provenance.Check(nil), r.Checks...)
	for i := 1; i < len(checks); i++ { // stable insertion sort by rank
		for j := i; j > 0 && rank[checks[j].Status] < rank[checks[j-1].Status]; j-- {
			checks[j], checks[j-1] = checks[j-1], checks[j]
		}
	}
	for _, c := range checks {
		keepTogether(pdf, 12)
		pdf.SetFont("go", "B", 10)
		sr, sg, sb := statusColour(c.Status)
		pdf.SetTextColor(sr, sg, sb)
		pdf.CellFormat(26, 5.5, t("print.status."+string(c.Status)), "", 0, "L", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
		pdf.MultiCell(w-26, 5.5, c.Title, "", "L", false)
		pdf.SetFont("go", "", 9.5)
		pdf.SetX(margin + 26)
		pdf.MultiCell(w-26, 4.8, c.Summary, "", "L", false)
		for _, rs := range c.Reasons {
			mark := map[provenance.Level]string{provenance.LevelFail: "×", provenance.LevelWarn: "!", provenance.LevelInfo: "•"}[rs.Level]
			pdf.SetX(margin + 26)
			pdf.CellFormat(4, 4.6, mark, "", 0, "L", false, 0, "")
			pdf.MultiCell(w-30, 4.6, rs.Text, "", "L", false)
		}
		pdf.Ln(2)
	}

	if len(r.Missing) > 0 {
		section(pdf, t("print.report.missing"))
		pdf.SetFont("go", "", 9.5)
		for _, m := range r.Missing {
			org := m.ReferencedByOrg
			if org == "" {
				org = "—"
			}
			pdf.MultiCell(w, 5, "• "+t("print.report.missing_line", "what", m.What, "record", m.ReferencedBy.String(), "org", org,
				"missing", m.Record.String()), "", "L", false)
		}
	}

	section(pdf, t("print.report.origins"))
	pdf.SetFont("go", "", 9.5)
	if len(r.Origins) == 0 {
		pdf.MultiCell(w, 5, t("print.report.no_origins"), "", "L", false)
	}
	for _, o := range r.Origins {
		keepTogether(pdf, 11)
		pdf.SetFont("go", "B", 9.5)
		pdf.MultiCell(w, 5, fmt.Sprintf("%s (%s, %s)", o.Name, o.Kind, o.Country), "", "L", false)
		pdf.SetFont("go", "", 9)
		shape := t("print.report.point")
		if o.Polygon {
			shape = t("print.report.polygon")
		}
		where := fmt.Sprintf("%.5f, %.5f · %s", o.Lat, o.Lon, shape)
		if o.AreaHa > 0 {
			where += " · " + strconv.FormatFloat(o.AreaHa, 'f', -1, 64) + " ha"
		}
		pdf.SetX(margin + 4)
		pdf.MultiCell(w-4, 4.6, where, "", "L", false)
		pdf.SetX(margin + 4)
		pdf.MultiCell(w-4, 4.6, t("print.report.origin_line", "products", strings.Join(o.Products, ", "), "org", o.Org,
			"from", o.From.Format("2006-01-02"), "until", o.Until.Format("2006-01-02")), "", "L", false)
		pdf.Ln(1)
	}

	section(pdf, t("print.report.signers"))
	for _, s := range r.Signers {
		keepTogether(pdf, 11)
		var roles []string
		for _, x := range s.Roles {
			roles = append(roles, string(x))
		}
		head := s.Name
		if extra := strings.Join(append(roles, s.Country), ", "); strings.Trim(extra, ", ") != "" {
			head += " (" + strings.Trim(extra, ", ") + ")"
		}
		pdf.SetFont("go", "B", 9.5)
		pdf.MultiCell(w, 5, head, "", "L", false)
		pdf.SetFont("go", "", 9)
		trust := t("print.report.trusted")
		if !s.Trusted {
			trust = t("print.report.not_trusted")
		}
		pdf.SetX(margin + 4)
		pdf.MultiCell(w-4, 4.6, trust+": "+s.Why+" · "+i18n.T(lang, "common.records", "n", s.Records), "", "L", false)
		pdf.SetX(margin + 4)
		pdf.SetFont("gomono", "", 8)
		pdf.MultiCell(w-4, 4.2, s.Key.String(), "", "L", false)
		pdf.Ln(1)
	}
	if err := pdf.Error(); err != nil {
		return nil, errorf("report of %s: %v", r.Batch, err)
	}
	return finish(pdf, "report")
}

// section starts a part of the report with its heading, on a new page
// when too little of this one is left.
func section(pdf *fpdf.Fpdf, title string) {
	pdf.Ln(3)
	keepTogether(pdf, 20)
	pdf.SetFont("go", "B", 13)
	pdf.CellFormat(0, 7, title, "", 1, "L", false, 0, "")
	x, y := pdf.GetXY()
	pdf.SetDrawColor(0xa0, 0xa0, 0xa0)
	pdf.Line(x, y, a4W-margin, y)
	pdf.Ln(2)
}

// keepTogether starts a new page unless need mm are left on this one.
func keepTogether(pdf *fpdf.Fpdf, need float64) {
	if pdf.GetY()+need > a4H-margin {
		pdf.AddPage()
	}
}

func statusColour(s provenance.Status) (r, g, b int) {
	switch s {
	case provenance.Pass:
		return 0x1e, 0x8e, 0x3e
	case provenance.Fail:
		return 0xd3, 0x2f, 0x2f
	case provenance.Warn:
		return 0xc2, 0x7c, 0x00
	}
	return 0x70, 0x70, 0x70
}
