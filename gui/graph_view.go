package gui

import (
	"strings"

	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

var (
	colOrigin   = color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff}
	colTransfer = color.NRGBA{R: 0x60, G: 0x7d, B: 0x8b, A: 0xff}
	colStart    = color.NRGBA{R: 0x15, G: 0x65, B: 0xc0, A: 0xff}
	colEdge     = color.NRGBA{R: 0x90, G: 0x90, B: 0x90, A: 0xff}
)

// minGraphScale is how far the graph shrinks to fit before it scrolls.
const minGraphScale = 0.7

// newGraphView draws a provenance graph as a picture: boxes for batches,
// origins on the left and the scanned batch (blue) towards the right,
// shipments and quantities on the edges, failing records in red. It
// shrinks to fit its space, down to minGraphScale, and scrolls beyond.
func newGraphView(u *UI, g provenance.Graph) fyne.CanvasObject {
	if len(g.Nodes) == 0 {
		return container.NewPadded(note(u.t("verify.graph.none")))
	}
	legend := note(u.t("verify.graph.legend"))
	gw := &graphWidget{l: layoutGraph(g), u: u}
	gw.ExtendBaseWidget(gw)
	return container.NewBorder(legend, nil, nil, nil, container.NewScroll(gw))
}

// graphWidget draws a graphLayout at the largest scale that fits.
type graphWidget struct {
	widget.BaseWidget
	l *graphLayout
	u *UI // nil: the boxes do not open (tests of the drawing)
}

func (g *graphWidget) CreateRenderer() fyne.WidgetRenderer {
	r := &graphRenderer{g: g}
	r.build(1)
	return r
}

type graphRenderer struct {
	g     *graphWidget
	scale float32
	objs  []fyne.CanvasObject
}

func (r *graphRenderer) MinSize() fyne.Size {
	t := r.g.l.total
	return fyne.NewSize(t.Width*minGraphScale, t.Height*minGraphScale)
}

func (r *graphRenderer) Layout(size fyne.Size) {
	t := r.g.l.total
	s := min(size.Width/t.Width, size.Height/t.Height, 1)
	s = max(s, minGraphScale)
	if s != r.scale {
		r.build(s)
	}
}

func (r *graphRenderer) Objects() []fyne.CanvasObject { return r.objs }
func (r *graphRenderer) Refresh()                     { r.build(r.scale); canvas.Refresh(r.g) }
func (r *graphRenderer) Destroy()                     {}

// build makes the boxes and lines at scale s.
func (r *graphRenderer) build(s float32) {
	r.scale = s
	l := r.g.l
	r.objs = r.objs[:0]
	for _, e := range l.edges {
		r.objs = append(r.objs, edgeObjects(l, e, s)...)
	}
	for i := range l.nodes {
		r.objs = append(r.objs, nodeObjects(l, i, s, r.g.t)...)
		if r.g.u != nil {
			b := newGraphBox(r.g.u, l.nodes[i])
			b.Move(scaled(l.pos[i], s))
			b.Resize(fyne.NewSize(l.size[i].Width*s, l.size[i].Height*s))
			r.objs = append(r.objs, b)
		}
	}
}

func scaled(p fyne.Position, s float32) fyne.Position { return fyne.NewPos(p.X*s, p.Y*s) }

func edgeObjects(l *graphLayout, e graphEdge, s float32) []fyne.CanvasObject {
	a, b := e.from, e.to
	p1 := scaled(fyne.NewPos(l.pos[a].X+l.size[a].Width, l.pos[a].Y+l.size[a].Height/2), s)
	p2 := scaled(fyne.NewPos(l.pos[b].X, l.pos[b].Y+l.size[b].Height/2), s)
	c := colEdge
	if e.failing {
		c = colFailed
	}
	line := canvas.NewLine(c)
	line.StrokeWidth = 2
	line.Position1, line.Position2 = p1, p2
	head1, head2 := canvas.NewLine(c), canvas.NewLine(c)
	head1.StrokeWidth, head2.StrokeWidth = 2, 2
	head1.Position1, head1.Position2 = fyne.NewPos(p2.X-9, p2.Y-5), p2
	head2.Position1, head2.Position2 = fyne.NewPos(p2.X-9, p2.Y+5), p2
	objs := []fyne.CanvasObject{line, head1, head2}
	mid := fyne.NewPos((p1.X+p2.X)/2, (p1.Y+p2.Y)/2)
	room := (colGap - 14) * s
	label := func(text string, above bool, bold bool) {
		t := canvas.NewText(text, theme.Color(theme.ColorNameForeground))
		if e.failing {
			t.Color = colFailed
		}
		t.TextSize = 11 * s
		t.TextStyle.Bold = bold
		t.Text = fitText(t, room)
		sz := t.MinSize()
		y := mid.Y + 2
		if above {
			y = mid.Y - sz.Height - 2
		}
		t.Move(fyne.NewPos(mid.X-sz.Width/2, y))
		t.Resize(sz)
		objs = append(objs, t)
	}
	if e.via != nil {
		label("→ "+orDash(e.via.ToOrg), true, true)
	}
	if e.qty != nil {
		label(formatQty(*e.qty), false, false)
	}
	return objs
}

func nodeObjects(l *graphLayout, i int, s float32, t func(string, ...any) string) []fyne.CanvasObject {
	n := l.nodes[i]
	pos, size := scaled(l.pos[i], s), fyne.NewSize(l.size[i].Width*s, l.size[i].Height*s)
	border := colEdge
	fill := tint(colEdge)
	switch {
	case n.Missing:
		border, fill = colSkip, color.NRGBA{}
	case n.Kind == provenance.NodeTransfer:
		border, fill = colTransfer, tint(colTransfer)
	case n.Type == "origin":
		border, fill = colOrigin, tint(colOrigin)
	}
	width := float32(1.5)
	if n.Role == "start" {
		border, width = colStart, 4
	}
	if n.Failing {
		border, fill, width = colFailed, tint(colFailed), 3
	}
	box := canvas.NewRectangle(fill)
	box.StrokeColor, box.StrokeWidth, box.CornerRadius = border, width, 8*s
	box.Move(pos)
	box.Resize(size)
	objs := []fyne.CanvasObject{box}
	y := pos.Y + 5*s
	lines := nodeLines(n, t)
	for j, line := range lines {
		t := canvas.NewText(line, theme.Color(theme.ColorNameForeground))
		t.TextSize = 12 * s
		if j == 0 {
			t.TextStyle.Bold = true
			t.TextSize = 13 * s
		}
		if j == len(lines)-1 {
			t.Color = theme.Color(theme.ColorNamePlaceHolder)
		}
		if n.Failing && j == 0 {
			t.Color = colFailed
		}
		t.Text = fitText(t, size.Width-14*s)
		t.Move(fyne.NewPos(pos.X+7*s, y))
		objs = append(objs, t)
		y += t.MinSize().Height
	}
	return objs
}

// t renders a catalog message in the window's language (English for a
// graph drawn without a window, in tests).
func (g *graphWidget) t(key string, kv ...any) string {
	if g.u == nil {
		return i18n.T(i18n.English, key, kv...)
	}
	return g.u.t(key, kv...)
}

// nodeLines is what a box says, top to bottom.
func nodeLines(n provenance.Node, t func(string, ...any) string) []string {
	qty := ""
	if n.Qty != nil {
		qty = formatQty(*n.Qty)
	}
	if n.Missing {
		return []string{t("verify.box.missing"), t("verify.box.not_here"), t("verify.box.nor_peers"), shortBatchText(n.ID)}
	}
	if n.Kind == provenance.NodeTransfer {
		recv := t("verify.box.not_received")
		if n.Received != nil {
			recv = t("verify.box.received", "qty", formatQty(*n.Received))
		}
		return []string{t("verify.graph.shipped", "v", orDash(n.ToOrg)), qty + " · " + recv, t("verify.box.from", "org", orDash(n.Org))}
	}
	if n.Claim != nil {
		qty += " · " + claimText(n.Claim)
	}
	when := ""
	if n.Time != nil {
		when = formatDay(*n.Time)
	}
	if n.Place != "" {
		when += " · " + n.Place
	}
	if n.Corrected {
		when = t("verify.box.corrected")
	}
	return []string{n.Product, qty, t("verify.box.lot", "lot", orDash(n.Lot)), when, orDash(n.Org)}
}

// shortBatchText shortens a batch ID or CID for a box.
func shortBatchText(id string) string {
	if len(id) > 14 {
		return "…" + id[len(id)-12:]
	}
	return id
}

// fitText shortens t's text with an ellipsis until it fits width.
func fitText(t *canvas.Text, width float32) string {
	s := t.Text
	for len([]rune(s)) > 1 && fyne.MeasureText(s, t.TextSize, t.TextStyle).Width > width {
		r := []rune(s)
		s = string(r[:len(r)-2]) + "…"
	}
	return s
}

// graphBox lies over a box of the graph: hovering shows the box's whole
// text (the box may cut it short), and a tap opens what it stands for.
type graphBox struct {
	widget.BaseWidget
	u   *UI
	n   provenance.Node
	tip *widget.PopUp
}

func newGraphBox(u *UI, n provenance.Node) *graphBox {
	b := &graphBox{u: u, n: n}
	b.ExtendBaseWidget(b)
	return b
}

func (b *graphBox) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn shows the box's whole text beside it.
func (b *graphBox) MouseIn(*desktop.MouseEvent) {
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	if b.tip == nil {
		b.tip = widget.NewPopUp(container.NewPadded(widget.NewLabel(strings.Join(nodeLinesFull(b.u, b.n), "\n"))), c)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	b.tip.ShowAtPosition(pos.Add(fyne.NewPos(b.Size().Width+4, 0)))
}

// MouseMoved implements desktop.Hoverable.
func (b *graphBox) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides the text.
func (b *graphBox) MouseOut() {
	if b.tip != nil {
		b.tip.Hide()
	}
}

// Tapped opens what the box stands for.
func (b *graphBox) Tapped(*fyne.PointEvent) {
	b.MouseOut()
	openGraphNode(b.u, b.n)
}

// nodeLinesFull is everything a box stands for, one fact a line, uncut.
func nodeLinesFull(u *UI, n provenance.Node) []string {
	var lines []string
	add := func(key string, v string) {
		if v != "" {
			lines = append(lines, u.t(key, "v", v))
		}
	}
	if n.Missing {
		lines = append(lines, u.t("verify.graph.missing"))
	}
	if n.Kind == provenance.NodeTransfer {
		add("verify.graph.shipped", orDash(n.ToOrg))
		add("verify.graph.from", n.Org)
		if n.Qty != nil {
			add("verify.graph.qty", formatQty(*n.Qty))
		}
		if n.Received != nil {
			add("verify.graph.received", formatQty(*n.Received))
		}
	} else {
		add("verify.graph.product", n.Product)
		if n.Qty != nil {
			add("verify.graph.qty", formatQty(*n.Qty))
		}
		add("verify.graph.lot", n.Lot)
		if n.Claim != nil {
			add("verify.graph.claim", claimText(n.Claim))
		}
		add("verify.graph.by", n.Org)
		add("verify.graph.place", n.Place)
	}
	if n.Time != nil {
		add("verify.graph.when", formatTime(*n.Time))
	}
	if n.Corrected {
		add("verify.graph.corrected", orDash(n.ReplacedBy))
	}
	if n.Failing {
		lines = append(lines, u.t("verify.graph.failing"))
	}
	add("verify.graph.id", n.ID)
	return lines
}

// openGraphNode shows a box's record: its facts, and for a batch a button
// that verifies it.
func openGraphNode(u *UI, n provenance.Node) {
	facts := wrapLabel(strings.Join(nodeLinesFull(u, n), "\n"))
	box := container.NewVBox(facts)
	var d dialog.Dialog
	buttons := container.NewHBox(u.copyButton(u.t("verify.graph.copy"), func() string { return n.ID }))
	if id, err := protocol.ParseBatchID(n.ID); err == nil && n.Kind == provenance.NodeBatch && !n.Missing {
		verify := widget.NewButtonWithIcon(u.t("verify.graph.verify"), theme.SearchIcon(), func() {
			d.Hide()
			u.show(screenVerify)
			u.verify.run(id)
		})
		verify.Importance = widget.HighImportance
		buttons.Add(verify)
	}
	box.Add(buttons)
	title := n.Product
	if n.Kind == provenance.NodeTransfer || title == "" {
		title = u.t("verify.graph.record", "record", shortCID(n.Record))
	}
	d = dialog.NewCustom(title, u.t("common.close"), box, u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
