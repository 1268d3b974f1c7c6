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
func verdictStyle(v provenance.Verdict) (color.NRGBA, string) {
	switch v {
	case provenance.Trusted:
		return colTrusted, "TRUSTED"
	case provenance.Unendorsed:
		return colUnendorsed, "AUTHENTIC BUT NOT ENDORSED"
	case provenance.Incomplete:
		return colUnendorsed, "INCOMPLETE — NOT JUDGED YET"
	}
	return colFailed, "FAILED"
}

// banner is the verdict across the top of a report: a coloured band with
// the verdict in large letters, the summary, what was checked, and the
// actions on the report at the right.
func banner(r *provenance.Report, actions fyne.CanvasObject) fyne.CanvasObject {
	c, word := verdictStyle(r.Verdict)
	bg := canvas.NewRectangle(tint(c))
	bg.CornerRadius = 6
	edge := canvas.NewRectangle(c)
	edge.SetMinSize(fyne.NewSize(10, 10))
	head := canvas.NewText(word, c)
	head.TextSize = 28
	head.TextStyle.Bold = true
	what := "Batch " + r.Batch.String()
	for _, n := range r.Graph.Nodes {
		if n.Role == "start" {
			what = fmt.Sprintf("%s · lot %s · made by %s · batch %s", n.Product, orDash(n.Lot), orDash(n.Org), shortBatch(r.Batch))
		}
	}
	sum := wrapLabel(r.Summary)
	sum.TextStyle.Bold = true
	if r.Verdict == provenance.Incomplete && len(r.Missing) > 0 {
		sum.SetText(r.Summary + " " + missingText(r.Missing))
	}
	stats := note(fmt.Sprintf("%s — %d records traced, %d read for context, checked %s", what, r.Stats.Records, r.Stats.Context, formatTime(r.CheckedAt)))
	text := container.NewVBox(head, sum, stats)
	return container.NewStack(bg, container.NewBorder(nil, nil, edge, container.NewPadded(actions), container.NewPadded(text)))
}

// missingText says which records are missing and whom to ask, in words.
func missingText(ms []provenance.Missing) string {
	m := ms[0]
	s := fmt.Sprintf("Missing: the %s named by record %s", orDash(m.What), shortCID(m.ReferencedBy))
	if m.ReferencedByOrg != "" {
		s += " of " + m.ReferencedByOrg
	}
	switch len(m.Asked) {
	case 0:
		s += "; no peer was connected to ask."
	case 1:
		s += "; the one peer connected did not have it."
	default:
		s += fmt.Sprintf("; none of the %d peers connected had it.", len(m.Asked))
	}
	if len(ms) > 1 {
		s += fmt.Sprintf(" %d more records are missing (see Integrity).", len(ms)-1)
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

var statusWords = map[provenance.Status]string{
	provenance.Pass: "passed", provenance.Fail: "FAILED", provenance.Warn: "look at this", provenance.Skip: "not checked",
}

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
func checksView(r *provenance.Report) fyne.CanvasObject {
	box := container.NewVBox()
	for _, c := range sortedChecks(r) {
		style := widget.RichTextStyleStrong
		if c.Status == provenance.Fail {
			style.ColorName = theme.ColorNameError
		}
		title := widget.NewRichText(
			&widget.TextSegment{Text: c.Title + " — " + statusWords[c.Status] + ":  ", Style: style},
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

// originColumns are the headings of the origins table.
var originColumns = []string{"Place", "Kind", "Country", "Latitude", "Longitude", "Area (ha)", "Shape", "EUDR land", "Produced", "Products", "Recorded by"}

// originsView is a table of the places where the material entered the
// chain, with coordinates and areas, as an EUDR due-diligence statement
// lists them.
func originsView(u *UI, r *provenance.Report) fyne.CanvasObject {
	if len(r.Origins) == 0 {
		return container.NewPadded(note("No origin could be reached: the trace is incomplete (see Checks)."))
	}
	t := widget.NewTableWithHeaders(func() (int, int) { return len(r.Origins), len(originColumns) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(originCell(r.Origins[id.Row], id.Col))
		})
	t.ShowHeaderColumn = false
	t.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Col >= 0 {
			o.(*widget.Label).SetText(originColumns[id.Col])
		}
	}
	for i, w := range []float32{230, 60, 75, 95, 105, 85, 80, 230, 190, 80, 260} {
		t.SetColumnWidth(i, w)
	}
	return container.NewBorder(newOriginsMap(u, plotsFromReport(r)), nil, nil, nil, t)
}

func originCell(o provenance.Origin, col int) string {
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
			return "polygon"
		}
		return "point"
	case 7:
		return landCell(o.EUDR)
	case 8:
		return formatDay(o.From) + " – " + formatDay(o.Until)
	case 9:
		return strings.Join(o.Products, ", ")
	}
	return o.Org
}

// landCell says what a plot's record shows for the EUDR: its
// deforestation-free assessment and whether its legal use is shown.
func landCell(e *provenance.PlotEvidence) string {
	if e == nil {
		return ""
	}
	var s string
	switch e.Status {
	case provenance.PlotAssessed:
		s = "assessed " + time.UnixMilli(e.Deforestation.Date).UTC().Format(dayLayout) // a date, recorded as midnight UTC
	case provenance.PlotAssessedBeforeCutoff:
		s = "assessed before the cut-off"
	default:
		s = "not assessed"
	}
	if e.Legality == nil {
		return s + " · no legality evidence"
	}
	return s + " · " + e.Legality.Method
}

// signersView lists the organisations that signed records in the trace,
// with their certificates and whether they are trusted.
func signersView(r *provenance.Report) fyne.CanvasObject {
	box := container.NewVBox()
	for _, s := range r.Signers {
		st := provenance.Fail
		if s.Trusted {
			st = provenance.Pass
		}
		name := widget.NewLabelWithStyle(orDash(s.Name), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		facts := fmt.Sprintf("%s · %s · %d records · key %s", rolesText(s.Roles), orDash(s.Country), s.Records, s.Key.Short())
		if s.RSPO != "" {
			facts += " · RSPO member " + s.RSPO
		}
		rows := container.NewVBox(name, note(facts), wrapLabel(s.Why))
		for _, e := range s.Endorsements {
			rows.Add(wrapLabel("• " + endorsementText(e)))
		}
		box.Add(container.NewBorder(nil, nil, container.NewVBox(statusIcon(st)), nil, rows))
		box.Add(widget.NewSeparator())
	}
	return container.NewPadded(box)
}

func endorsementText(e provenance.Endorsement) string {
	s := fmt.Sprintf("%s endorsed by %s", e.Role, orDash(e.ByName))
	if c := e.Certificate; c != nil {
		s += fmt.Sprintf(": %s %s certificate %s, valid %s to %s", c.Scheme, c.Model, c.Number, formatDay(c.ValidFrom), formatDay(c.ValidUntil))
	}
	if e.RevokedAt != nil {
		s += fmt.Sprintf(" — withdrawn %s", formatDay(*e.RevokedAt))
	}
	if e.Trusted {
		s += " (trusted)"
	} else {
		s += " (not trusted: no trust anchor vouches for the issuer)"
	}
	return s
}
