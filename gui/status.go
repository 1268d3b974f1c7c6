package gui

import (
	"fmt"
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
	dot  *canvas.Circle
	text *widget.Label
	bar  *widget.ProgressBar
	obj  fyne.CanvasObject
}

func newStatusLine() *statusLine {
	s := &statusLine{dot: canvas.NewCircle(colSkip), text: widget.NewLabel("Connecting…"), bar: widget.NewProgressBar()}
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
		c, peers = colUnendorsed, "No peers connected — what you record is kept and sent when peers connect"
	case n == 1:
		c, peers = colTrusted, "1 peer connected"
	default:
		c, peers = colTrusted, fmt.Sprintf("%d peers connected", n)
	}
	if relayed > 0 {
		peers += fmt.Sprintf(" (%d through a relay)", relayed)
	}
	s.dot.FillColor = c
	s.dot.Refresh()
	sync := "up to date"
	if p := st.Sync; p.Peer != "" && !p.Done {
		sync = fmt.Sprintf("catching up: %s of about %s records", formatCount(p.Fetched), formatCount(p.Expected))
		s.bar.Max = float64(max(p.Expected, p.Fetched, 1))
		s.bar.SetValue(float64(p.Fetched))
		s.bar.Show()
	} else {
		s.bar.Hide()
	}
	line := fmt.Sprintf("%s · %s records stored · %s", peers, formatCount(st.Records), sync)
	if st.ClockWarning != "" {
		s.dot.FillColor = colFailed
		s.dot.Refresh()
		line = "Check this computer's clock (see Network) · " + line
	}
	s.text.SetText(line)
}

// fail says the status could not be read.
func (s *statusLine) fail(err error) {
	s.dot.FillColor = colFailed
	s.dot.Refresh()
	s.text.SetText("Node not answering: " + detail(err))
}
