package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// The record forms' layouts fit a window from 800×600 to a full-HD screen:
// side by side where there is room, one under another where there is not,
// and no wider than a line can be read.

// pageWidth is the widest a form grows: wider, its lines cannot be read.
const pageWidth = 1000

// minInput is the narrowest an input beside its label may be; narrower,
// labels go above their inputs.
const minInput = 260

// page stacks a form's parts, at most pageWidth wide.
func page(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(pageLayout{}, container.NewVBox(objs...))
}

// pageLayout gives its objects the width it has, up to pageWidth, from
// the leading edge.
type pageLayout struct{}

func (pageLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	w := min(size.Width, pageWidth)
	for _, o := range objs {
		o.Move(fyne.NewPos(0, 0))
		o.Resize(fyne.NewSize(w, max(size.Height, o.MinSize().Height)))
	}
}

func (pageLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var s fyne.Size
	for _, o := range objs {
		if o.Visible() {
			s = s.Max(o.MinSize())
		}
	}
	return s
}

// formGrid lays out pairs of label and input: labels in a column on the
// left when the inputs beside them keep minInput of width, otherwise each
// label above its input. A pair whose input is hidden takes no room.
// Its height depends on its width, which it keeps from its last layout.
type formGrid struct {
	width   float32
	stacked bool
}

// pairs returns the visible label and input pairs.
func (g *formGrid) pairs(objs []fyne.CanvasObject) [][2]fyne.CanvasObject {
	var out [][2]fyne.CanvasObject
	for i := 0; i+1 < len(objs); i += 2 {
		if objs[i+1].Visible() {
			out = append(out, [2]fyne.CanvasObject{objs[i], objs[i+1]})
		}
	}
	return out
}

// widths returns the label column's width and the widest input's.
func (g *formGrid) widths(ps [][2]fyne.CanvasObject) (label, input float32) {
	for _, p := range ps {
		label = max(label, p[0].MinSize().Width)
		input = max(input, p[1].MinSize().Width)
	}
	return label, input
}

// narrow reports whether at width the labels go above their inputs.
func (g *formGrid) narrow(ps [][2]fyne.CanvasObject, width float32) bool {
	label, input := g.widths(ps)
	return width-label-theme.Padding() < max(input, minInput)
}

func (g *formGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	ps := g.pairs(objs)
	stacked := g.narrow(ps, size.Width)
	if stacked != g.stacked {
		g.stacked = stacked
		for _, p := range ps {
			if l, ok := p[0].(*widget.Label); ok {
				l.Alignment = fyne.TextAlignTrailing
				if stacked {
					l.Alignment = fyne.TextAlignLeading
				}
				l.Refresh()
			}
		}
	}
	for i := 0; i+1 < len(objs); i += 2 {
		if !objs[i+1].Visible() {
			objs[i].Resize(fyne.NewSize(0, 0)) // the label of a hidden input
		}
	}
	pad := theme.Padding()
	label, _ := g.widths(ps)
	y := float32(0)
	for _, p := range ps {
		lm, im := p[0].MinSize(), p[1].MinSize()
		if stacked {
			p[0].Move(fyne.NewPos(0, y))
			p[0].Resize(fyne.NewSize(size.Width, lm.Height))
			y += lm.Height
			p[1].Move(fyne.NewPos(0, y))
			p[1].Resize(fyne.NewSize(size.Width, im.Height))
			y += im.Height + pad
			continue
		}
		p[0].Move(fyne.NewPos(0, y))
		p[0].Resize(fyne.NewSize(label, lm.Height))
		p[1].Move(fyne.NewPos(label+pad, y))
		p[1].Resize(fyne.NewSize(size.Width-label-pad, im.Height))
		y += max(lm.Height, im.Height) + pad
	}
}

func (g *formGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	ps := g.pairs(objs)
	label, input := g.widths(ps)
	stacked := g.width > 0 && g.narrow(ps, g.width)
	var h float32
	for i, p := range ps {
		if i > 0 {
			h += theme.Padding()
		}
		lm, im := p[0].MinSize(), p[1].MinSize()
		if stacked {
			h += lm.Height + im.Height
		} else {
			h += max(lm.Height, im.Height)
		}
	}
	return fyne.NewSize(max(label, input), h)
}

// columns lays objs out in n columns of equal width, or in one column
// when a column would be narrower than its widest object.
func columns(n int, objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&colGrid{cols: n}, objs...)
}

// colGrid is the layout of columns. Its height depends on its width,
// which it keeps from its last layout.
type colGrid struct {
	cols  int
	width float32
}

func visible(objs []fyne.CanvasObject) []fyne.CanvasObject {
	var out []fyne.CanvasObject
	for _, o := range objs {
		if o.Visible() {
			out = append(out, o)
		}
	}
	return out
}

// n is the number of columns at width.
func (g *colGrid) n(objs []fyne.CanvasObject, width float32) int {
	var widest float32
	for _, o := range objs {
		widest = max(widest, o.MinSize().Width)
	}
	n := max(1, min(g.cols, len(objs)))
	for ; n > 1; n-- {
		if (width-float32(n-1)*theme.Padding())/float32(n) >= widest {
			break
		}
	}
	return n
}

// rows returns the height of each row of objs in n columns.
func rows(objs []fyne.CanvasObject, n int) []float32 {
	var hs []float32
	for i, o := range objs {
		if i%n == 0 {
			hs = append(hs, 0)
		}
		hs[len(hs)-1] = max(hs[len(hs)-1], o.MinSize().Height)
	}
	return hs
}

func (g *colGrid) Layout(all []fyne.CanvasObject, size fyne.Size) {
	g.width = size.Width
	objs := visible(all)
	n := g.n(objs, size.Width)
	pad := theme.Padding()
	w := (size.Width - float32(n-1)*pad) / float32(n)
	hs := rows(objs, n)
	y := float32(0)
	for i, o := range objs {
		r, c := i/n, i%n
		if c == 0 && r > 0 {
			y += hs[r-1] + pad
		}
		o.Move(fyne.NewPos(float32(c)*(w+pad), y))
		o.Resize(fyne.NewSize(w, hs[r]))
	}
}

func (g *colGrid) MinSize(all []fyne.CanvasObject) fyne.Size {
	objs := visible(all)
	var widest float32
	for _, o := range objs {
		widest = max(widest, o.MinSize().Width)
	}
	n := max(1, min(g.cols, len(objs)))
	if g.width > 0 {
		n = g.n(objs, g.width)
	}
	var h float32
	for i, rh := range rows(objs, n) {
		if i > 0 {
			h += theme.Padding()
		}
		h += rh
	}
	return fyne.NewSize(widest, h)
}
