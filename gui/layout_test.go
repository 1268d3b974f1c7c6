package gui

import (
	"context"

	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
)

// shownButton is a button where the window draws it.
type shownButton struct {
	b        *widget.Button
	pos      fyne.Position
	size     fyne.Size
	inScroll bool // inside a scroll: it may lie beyond the window, scrolled away
}

// placedButtons walks what o draws, at absolute positions, and returns its
// visible buttons; scrolls are checked as boxes of their own (what is in
// them scrolls).
func placedButtons(o fyne.CanvasObject, at fyne.Position, inScroll bool, out *[]shownButton, scrolls *[]shownButton) {
	if o == nil || !o.Visible() {
		return
	}
	pos := at.Add(o.Position())
	switch x := o.(type) {
	case *widget.Button:
		*out = append(*out, shownButton{b: x, pos: pos, size: x.Size(), inScroll: inScroll})
		return
	case *navButton:
		*out = append(*out, shownButton{b: &x.Button, pos: pos, size: x.Size(), inScroll: inScroll})
		return
	case *container.Scroll:
		*scrolls = append(*scrolls, shownButton{pos: pos, size: x.Size(), inScroll: inScroll})
		placedButtons(x.Content, pos.Subtract(x.Offset), true, out, scrolls)
		return
	case *fyne.Container:
		for _, c := range x.Objects {
			placedButtons(c, pos, inScroll, out, scrolls)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			placedButtons(c, pos, inScroll, out, scrolls)
		}
	}
}

// checkFits fails when the window cannot be as small as size, or when a
// button on it lies outside it or over another button.
func checkFits(t *testing.T, u *UI, what string, size fyne.Size) {
	t.Helper()
	c := u.win.Canvas()
	u.win.Resize(size)
	if m := c.Content().MinSize(); m.Width > size.Width+0.5 || m.Height > size.Height+0.5 {
		t.Errorf("%s at %v: the window needs at least %v", what, size, m)
	}
	var bs, scrolls []shownButton
	placedButtons(c.Content(), fyne.NewPos(0, 0), false, &bs, &scrolls)
	if len(bs) < len(screenOrder) {
		t.Errorf("%s at %v: only %d buttons found", what, size, len(bs))
	}
	inside := func(p shownButton) bool {
		return p.pos.X >= -0.5 && p.pos.Y >= -0.5 && p.pos.X+p.size.Width <= size.Width+0.5 && p.pos.Y+p.size.Height <= size.Height+0.5
	}
	for _, s := range scrolls {
		if !s.inScroll && !inside(s) {
			t.Errorf("%s at %v: a scroll at %v size %v lies outside the window", what, size, s.pos, s.size)
		}
	}
	name := func(p shownButton) string {
		if p.b.Text != "" {
			return fmt.Sprintf("%q", p.b.Text)
		}
		return fmt.Sprintf("icon button at %v", p.pos)
	}
	for i, p := range bs {
		if p.size.Width < 1 || p.size.Height < 1 {
			continue
		}
		if !p.inScroll && !inside(p) {
			t.Errorf("%s at %v: button %s at %v size %v lies outside the window", what, size, name(p), p.pos, p.size)
		}
		for _, q := range bs[i+1:] {
			if q.inScroll != p.inScroll || q.size.Width < 1 {
				continue
			}
			if p.pos.X+p.size.Width > q.pos.X+0.5 && q.pos.X+q.size.Width > p.pos.X+0.5 &&
				p.pos.Y+p.size.Height > q.pos.Y+0.5 && q.pos.Y+q.size.Height > p.pos.Y+0.5 {
				t.Errorf("%s at %v: buttons %s and %s overlap", what, size, name(p), name(q))
			}
		}
	}
}

// TestScreensFitSmallAndLargeWindows: the shell, Verify (with a verdict),
// the batch detail, Network and Identity & trust fit 800×600 and
// 1920×1080 without buttons cut off or over each other.
func TestScreensFitSmallAndLargeWindows(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenVerify)
	scan(t, u, m.Honest.String())
	u.show(screenBatches)
	u.batches.selectBatch(m.PK)
	settle(t, u)
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1920, 1080)} {
		for _, s := range []string{screenVerify, screenBatches, screenNetwork, screenIdentity} {
			u.show(s)
			checkFits(t, u, s, size)
			shell := u.root.Objects[0].(*fyne.Container)
			wide, narrow := shell.Objects[0], shell.Objects[1]
			if size.Width < narrowWidth && (!narrow.Visible() || wide.Visible()) || size.Width >= narrowWidth && (!wide.Visible() || narrow.Visible()) {
				t.Errorf("%s at %v: the sidebar is not the one for the width", s, size)
			}
		}
	}
}

// TestFirstRunFitsSmallAndLargeWindows: the first-run screen, in its
// longest language, fits 800×600 and 1920×1080.
func TestFirstRunFitsSmallAndLargeWindows(t *testing.T) {
	n := startNode(t, nodeConfig{})
	u := newTestUI(t, n, Options{Lang: i18n.Malay, StartDemo: func(context.Context) (Demo, error) { return Demo{}, nil }})
	if u.first == nil {
		t.Fatal("no first run")
	}
	for _, size := range []fyne.Size{fyne.NewSize(800, 600), fyne.NewSize(1920, 1080)} {
		checkFits(t, u, "first run", size)
	}
}

// TestNarrowSidebarNamesItsScreens: an icon of the narrow sidebar says
// its screen's name when pointed at, and opens it when tapped.
func TestNarrowSidebarNamesItsScreens(t *testing.T) {
	u, _ := newMillUI(t)
	u.win.Resize(fyne.NewSize(800, 600))
	var nb *navButton
	for _, o := range test.LaidOutObjects(u.root) {
		if b, ok := o.(*navButton); ok && b.name == "Network" {
			nb = b
		}
	}
	if nb == nil {
		t.Fatal("no Network icon in the narrow sidebar")
	}
	nb.MouseIn(nil)
	if nb.tip == nil || !nb.tip.Visible() || !shows(nb.tip, "Network") {
		t.Fatal("pointing at the Network icon does not name it")
	}
	test.Tap(nb)
	if u.current != screenNetwork || nb.tip.Visible() {
		t.Errorf("tapping the icon shows %s (name still shown: %v)", u.current, nb.tip.Visible())
	}
}
