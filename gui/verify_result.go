package gui

import (
	"fmt"
	"image/color"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/protocol/provenance"
)

// Verdict colours: strong for words and edges, and a pale tint of each for
// backgrounds that stays readable in light and dark themes.
var (
	colTrusted    = color.NRGBA{R: 0x1e, G: 0x8e, B: 0x3e, A: 0xff}
	colUnendorsed = color.NRGBA{R: 0xc2, G: 0x7c, B: 0x00, A: 0xff}
	colFailed     = color.NRGBA{R: 0xd3, G: 0x2f, B: 0x2f, A: 0xff}
	colSkip       = color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff}
)

func tint(c color.NRGBA) color.NRGBA { c.A = 0x2e; return c }

// verdictStyle returns the colour and the headline of a verdict.
func (u *UI) verdictStyle(v provenance.Verdict) (color.NRGBA, string) {
	switch v {
	case provenance.Trusted:
		return colTrusted, u.t("result.verdict.trusted")
	case provenance.Unendorsed:
		return colUnendorsed, u.t("result.verdict.unendorsed")
	case provenance.Incomplete:
		return colUnendorsed, u.t("result.verdict.incomplete")
	}
	return colFailed, u.t("result.verdict.failed")
}

// banner is the verdict across the top of a report: a coloured band with
// the verdict in large letters, the summary, what was checked, and the
// actions on the report at the right. r is in the window's language
// (Report.In).
func (u *UI) banner(r *provenance.Report, actions fyne.CanvasObject) fyne.CanvasObject {
	c, word := u.verdictStyle(r.Verdict)
	bg := canvas.NewRectangle(tint(c))
	bg.CornerRadius = 6
	edge := canvas.NewRectangle(c)
	edge.SetMinSize(fyne.NewSize(10, 10))
	head := canvas.NewText(word, c)
	head.TextSize = 28
	head.TextStyle.Bold = true
	what := u.t("result.batch", "batch", r.Batch.String())
	for _, n := range r.Graph.Nodes {
		if n.Role == "start" {
			what = u.t("result.what", "product", n.Product, "lot", orDash(n.Lot), "org", orDash(n.Org), "batch", shortBatch(r.Batch))
		}
	}
	sum := wrapLabel(r.Summary)
	sum.TextStyle.Bold = true
	if r.Verdict == provenance.Incomplete && len(r.Missing) > 0 {
		sum.SetText(r.Summary + " " + u.missingText(r.Missing))
	}
	stats := note(u.t("result.stats", "what", what, "records", r.Stats.Records, "context", r.Stats.Context, "when", formatTime(r.CheckedAt)))
	text := container.NewVBox(head, sum, stats)
	return container.NewStack(bg, container.NewBorder(nil, nil, edge, container.NewPadded(actions), container.NewPadded(text)))
}

// missingText says which records are missing and whom to ask, in words.
func (u *UI) missingText(ms []provenance.Missing) string {
	m := ms[0]
	s := u.t("result.missing", "what", orDash(m.What), "record", shortCID(m.ReferencedBy))
	if m.ReferencedByOrg != "" {
		s = u.t("result.missing_of", "what", orDash(m.What), "record", shortCID(m.ReferencedBy), "org", m.ReferencedByOrg)
	}
	switch len(m.Asked) {
	case 0:
		s += "; " + u.t("result.asked_none")
	case 1:
		s += "; " + u.t("result.asked_one")
	default:
		s += "; " + u.t("result.asked_many", "n", len(m.Asked))
	}
	if len(ms) > 1 {
		s += " " + u.t("result.more_missing", "n", len(ms)-1)
	}
	return s
}

// statusIcon is a check's or reason's icon in its colour.
func statusIcon(s provenance.Status) *widget.Icon {
	switch s {
	case provenance.Pass:
		return widget.NewIcon(theme.NewSuccessThemedResource(theme.ConfirmIcon()))
	case provenance.Fail:
		return widget.NewIcon(theme.NewErrorThemedResource(theme.CancelIcon()))
	case provenance.Warn:
		return widget.NewIcon(theme.NewWarningThemedResource(theme.WarningIcon()))
	}
	return widget.NewIcon(theme.NewDisabledResource(theme.MediaSkipNextIcon()))
}

func levelIcon(l provenance.Level) *widget.Icon {
	switch l {
	case provenance.LevelFail:
		return statusIcon(provenance.Fail)
	case provenance.LevelWarn:
		return statusIcon(provenance.Warn)
	}
	return widget.NewIcon(theme.NewThemedResource(theme.InfoIcon()))
}

// statusWord is a check's status in words.
func (u *UI) statusWord(s provenance.Status) string { return u.t("result.status." + string(s)) }

// statusRank orders checks for reading: failures, then warnings, then
// passes, then what was not checked.
var statusRank = map[provenance.Status]int{provenance.Fail: 0, provenance.Warn: 1, provenance.Pass: 2, provenance.Skip: 3}

// sortedChecks returns the report's checks, failures first.
func sortedChecks(r *provenance.Report) []provenance.Check {
	cs := slices.Clone(r.Checks)
	slices.SortStableFunc(cs, func(a, b provenance.Check) int { return statusRank[a.Status] - statusRank[b.Status] })
	return cs
}

// checksView lists every check with its status and reasons, failures
// first.
func (u *UI) checksView(r *provenance.Report) fyne.CanvasObject {
	box := container.NewVBox()
	for _, c := range sortedChecks(r) {
		style := widget.RichTextStyleStrong
		if c.Status == provenance.Fail {
			style.ColorName = theme.ColorNameError
		}
		title := widget.NewRichText(
			&widget.TextSegment{Text: u.t("result.check_title", "title", c.Title, "status", u.statusWord(c.Status)), Style: style},
			&widget.TextSegment{Text: c.Summary, Style: widget.RichTextStyleInline})
		title.Wrapping = fyne.TextWrapWord
		rows := container.NewVBox(title)
		for _, rs := range c.Reasons {
			t := wrapLabel(rs.Text)
			rows.Add(container.NewBorder(nil, nil, container.NewVBox(levelIcon(rs.Level)), nil, t))
		}
		box.Add(container.NewBorder(nil, nil, container.NewVBox(statusIcon(c.Status)), nil, rows))
		box.Add(widget.NewSeparator())
	}
	return container.NewPadded(box)
}

// originColumns are the catalog keys of the headings of the origins table.
var originColumns = []string{"place", "kind", "country", "lat", "lon", "area", "shape", "land", "produced", "products", "by"}

// originsView is a table of the places where the material entered the
// chain, with coordinates and areas, as an EUDR due-diligence statement
// lists them.
func originsView(u *UI, r *provenance.Report) fyne.CanvasObject {
	if len(r.Origins) == 0 {
		return container.NewPadded(note(u.t("result.no_origin")))
	}
	t := widget.NewTableWithHeaders(func() (int, int) { return len(r.Origins), len(originColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(u.originCell(r.Origins[id.Row], id.Col))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(u.t("result.col." + originColumns[id.Col]))
		}
	}
	for i, w := range []float32{230, 60, 75, 95, 105, 85, 80, 230, 190, 80, 260} {
		t.SetColumnWidth(i, w)
	}
	return container.NewBorder(newOriginsMap(u, plotsFromReport(r)), nil, nil, nil, t)
}

func (u *UI) originCell(o provenance.Origin, col int) string {
	switch col {
	case 0:
		return o.Name
	case 1:
		return o.Kind
	case 2:
		return o.Country
	case 3:
		return fmt.Sprintf("%.5f", o.Lat)
	case 4:
		return fmt.Sprintf("%.5f", o.Lon)
	case 5:
		return fmt.Sprintf("%.2f", o.AreaHa)
	case 6:
		if o.Polygon {
			return u.t("result.polygon")
		}
		return u.t("result.point")
	case 7:
		return u.landCell(o.EUDR)
	case 8:
		return formatDay(o.From) + " – " + formatDay(o.Until)
	case 9:
		return strings.Join(o.Products, ", ")
	}
	return o.Org
}

// landCell says what a plot's record shows for the EUDR: its
// deforestation-free assessment and whether its legal use is shown.
func (u *UI) landCell(e *provenance.PlotEvidence) string {
	if e == nil {
		return ""
	}
	var s string
	switch e.Status {
	case provenance.PlotAssessed:
		s = u.t("result.assessed", "date", time.UnixMilli(e.Deforestation.Date).UTC().Format(dayLayout)) // a date, recorded as midnight UTC
	case provenance.PlotAssessedBeforeCutoff:
		s = u.t("result.assessed_before")
	default:
		s = u.t("result.not_assessed")
	}
	if e.Legality == nil {
		return u.t("result.no_legality", "land", s)
	}
	return u.t("result.legality", "land", s, "method", e.Legality.Method)
}

// signersView lists the organisations that signed records in the trace,
// with their certificates and whether they are trusted.
func (u *UI) signersView(r *provenance.Report) fyne.CanvasObject {
	box := container.NewVBox()
	for _, s := range r.Signers {
		st := provenance.Fail
		if s.Trusted {
			st = provenance.Pass
		}
		name := widget.NewLabelWithStyle(orDash(s.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		facts := u.t("result.signer_facts", "roles", u.rolesText(s.Roles), "country", orDash(s.Country), "n", s.Records, "key", s.Key.Short())
		if s.RSPO != "" {
			facts += u.t("result.rspo_member", "id", s.RSPO)
		}
		rows := container.NewVBox(name, note(facts), wrapLabel(s.Why))
		for _, e := range s.Endorsements {
			rows.Add(wrapLabel("• " + u.endorsementText(e)))
		}
		box.Add(container.NewBorder(nil, nil, container.NewVBox(statusIcon(st)), nil, rows))
		box.Add(widget.NewSeparator())
	}
	return container.NewPadded(box)
}

func (u *UI) endorsementText(e provenance.Endorsement) string {
	s := u.t("result.endorsed", "role", u.roleName(string(e.Role)), "by", orDash(e.ByName))
	if c := e.Certificate; c != nil {
		s += u.t("result.certificate", "scheme", c.Scheme, "model", c.Model, "number", c.Number, "from", formatDay(c.ValidFrom), "until", formatDay(c.ValidUntil))
	}
	if e.RevokedAt != nil {
		s += u.t("result.withdrawn", "date", formatDay(*e.RevokedAt))
	}
	if e.Trusted {
		s += u.t("result.trusted")
	} else {
		s += u.t("result.not_trusted")
	}
	return s
}
