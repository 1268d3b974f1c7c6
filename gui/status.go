package gui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
)

// statusLine is the bar along the bottom of the window: peers, records
// and sync progress, kept current by the node's events.
type statusLine struct {
	u    *UI
	dot  *canvas.Circle
	text *widget.Label
	bar  *widget.ProgressBar
	obj  fyne.CanvasObject
}

func newStatusLine(u *UI) *statusLine {
	s := &statusLine{u: u, dot: canvas.NewCircle(colSkip), text: widget.NewLabel(u.t("screens.status.connecting")), bar: widget.NewProgressBar()}
	s.bar.Hide()
	s.text.Truncation = fyne.TextTruncateEllipsis // a narrow window cuts the line short, not the window wide
	dot := container.NewGridWrap(fyne.NewSize(12, 12), s.dot)
	bar := container.NewGridWrap(fyne.NewSize(220, s.bar.MinSize().Height), s.bar)
	s.obj = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, container.NewCenter(dot), bar, s.text))
	return s
}

func (s *statusLine) content() fyne.CanvasObject { return s.obj }

// set shows a status snapshot.
func (s *statusLine) set(st api.Status) {
	relayed := 0
	for _, p := range st.Peers {
		if p.Via == api.ViaRelayed {
			relayed++
		}
	}
	var c color.NRGBA
	peers := ""
	switch n := len(st.Peers); {
	case n == 0:
		c, peers = colUnendorsed, s.u.t("screens.status.no_peers")
	default:
		c, peers = colTrusted, s.u.t("screens.status.peers", "n", n)
	}
	if relayed > 0 {
		peers += " " + s.u.t("screens.status.relayed", "n", relayed)
	}
	s.dot.FillColor = c
	s.dot.Refresh()
	sync := s.u.t("screens.status.up_to_date")
	if p := st.Sync; p.Peer != "" && !p.Done {
		sync = s.u.t("screens.status.catching_up", "fetched", formatCount(p.Fetched), "expected", formatCount(p.Expected))
		s.bar.Max = float64(max(p.Expected, p.Fetched, 1))
		s.bar.SetValue(float64(p.Fetched))
		s.bar.Show()
	} else {
		s.bar.Hide()
	}
	line := s.u.t("screens.status.line", "peers", peers, "records", formatCount(st.Records), "sync", sync)
	if st.ClockWarning != "" {
		s.dot.FillColor = colFailed
		s.dot.Refresh()
		line = s.u.t("screens.status.clock") + " · " + line
	}
	s.text.SetText(line)
}

// fail says the status could not be read.
func (s *statusLine) fail(err error) {
	s.dot.FillColor = colFailed
	s.dot.Refresh()
	s.text.SetText(s.u.t("screens.status.not_answering", "detail", detail(err)))
}
