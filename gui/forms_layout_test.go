package gui

import (
	"fmt"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
)

// placed is a widget drawn on the window, where it is drawn.
type placed struct {
	obj  fyne.CanvasObject
	pos  fyne.Position // absolute, on the window's canvas
	size fyne.Size
}

func (p placed) String() string {
	name := fmt.Sprintf("%T", p.obj)
	switch o := p.obj.(type) {
	case *widget.Button:
		name += " " + fmt.Sprintf("%q", o.Text)
	case *widget.Label:
		name += " " + fmt.Sprintf("%q", truncate(o.Text, 30))
	case *widget.Entry:
		name += " " + fmt.Sprintf("%q", truncate(o.PlaceHolder, 30))
	}
	return fmt.Sprintf("%s at (%.0f,%.0f) %.0f×%.0f", name, p.pos.X, p.pos.Y, p.size.Width, p.size.Height)
}

// widgetsOf lists the visible widgets under o, which lies at at on the
// canvas, each with its absolute position: the leaves a person sees and
// clicks (containers, scrolls and cards are looked into, not listed).
func widgetsOf(o fyne.CanvasObject, at fyne.Position) []placed {
	if !o.Visible() {
		return nil
	}
	var out []placed
	switch c := o.(type) {
	case *fyne.Container:
		for _, ch := range c.Objects {
			out = append(out, widgetsOf(ch, at.Add(ch.Position()))...)
		}
	case *container.Scroll:
		out = append(out, widgetsOf(c.Content, at.Add(c.Content.Position()))...)
	case *widget.Card:
		out = append(out, widgetsOf(c.Content, at.Add(c.Content.Position()))...)
	case *widget.Separator:
	case fyne.Widget:
		if o.Size().Width > 0 && o.Size().Height > 0 {
			out = append(out, placed{obj: o, pos: at, size: o.Size()})
		}
	}
	return out
}

// overlap is how much two rectangles overlap, in px².
func overlap(a, b placed) float32 {
	w := min(a.pos.X+a.size.Width, b.pos.X+b.size.Width) - max(a.pos.X, b.pos.X)
	h := min(a.pos.Y+a.size.Height, b.pos.Y+b.size.Height) - max(a.pos.Y, b.pos.Y)
	if w <= 0 || h <= 0 {
		return 0
	}
	return w * h
}

// checkLaidOut fails when two widgets of the tab overlap, when one lies
// outside the window's width or is narrower than it needs (a cut-off
// button), or when a widget of a field lies below the form's publish
// button.
func checkLaidOut(t *testing.T, u *UI, what string, scroll fyne.CanvasObject, fm *form) []placed {
	t.Helper()
	win := u.win.Canvas().Size()
	at := fyne.CurrentApp().Driver().AbsolutePositionForObject(scroll)
	ws := widgetsOf(scroll, at)
	if len(ws) < 5 {
		t.Fatalf("%s: only %d widgets are laid out: %v", what, len(ws), ws)
	}
	for i, a := range ws {
		if a.pos.X < -0.5 || a.pos.X+a.size.Width > win.Width+0.5 {
			t.Errorf("%s: %v lies outside the %.0f px wide window", what, a, win.Width)
		}
		if min := a.obj.MinSize(); a.size.Width < min.Width-0.5 || a.size.Height < min.Height-0.5 {
			t.Errorf("%s: %v is cut off (it needs %.0f×%.0f)", what, a, min.Width, min.Height)
		}
		for _, b := range ws[i+1:] {
			if overlap(a, b) > 1 {
				t.Errorf("%s: %v overlaps %v", what, a, b)
			}
		}
	}
	if fm == nil {
		return ws
	}
	var pub *placed
	for i := range ws {
		if ws[i].obj == fm.publish {
			pub = &ws[i]
		}
	}
	if pub == nil {
		t.Fatalf("%s: the publish button is not drawn", what)
	}
	for _, f := range fm.fields {
		for _, o := range []fyne.CanvasObject{f.input, f.msg} {
			for _, w := range widgetsOf(o, fyne.CurrentApp().Driver().AbsolutePositionForObject(o)) {
				if w.pos.Y+w.size.Height > pub.pos.Y+0.5 {
					t.Errorf("%s: %v of field %q lies below the publish button %v", what, w, f.name, *pub)
				}
			}
		}
	}
	return ws
}

// findButton returns the drawn button with the given text.
func findButton(t *testing.T, ws []placed, text string) placed {
	t.Helper()
	for _, w := range ws {
		if b, ok := w.obj.(*widget.Button); ok && b.Text == text {
			return w
		}
	}
	t.Fatalf("no button %q is drawn", text)
	return placed{}
}

// recordTabs selects each record tab in turn and hands its scroll and form
// to check.
func recordTabs(t *testing.T, u *UI, check func(name string, scroll fyne.CanvasObject, fm *form, validate func())) {
	r := u.record
	forms := map[string]struct {
		fm       *form
		validate func()
	}{
		u.t(tabHarvest): {r.origin.fm, r.origin.validate},
		u.t(tabProcess): {r.process.fm, r.process.validate},
		u.t(tabShip):    {r.ship.fm, r.ship.validate},
		u.t(tabPlace):   {r.place.fm, r.place.validate},
	}
	for _, it := range r.tabs.Items {
		r.tabs.Select(it)
		f, ok := forms[it.Text]
		if !ok {
			check(it.Text, it.Content, nil, nil)
			continue
		}
		check(it.Text, it.Content, f.fm, f.validate)
	}
}

// Error lines make room for themselves: after every field shows its
// message, the fields and the buttons below them have moved down, nothing
// overlaps, and the publish button lies below the last field; a row added
// pushes the publish bar down too.
func TestFormsGrowWithTheirErrors(t *testing.T) {
	u, _ := newMillUI(t)
	u.show(screenRecord)
	u.win.Resize(fyne.NewSize(1280, 800))
	settle(t, u)
	recordTabs(t, u, func(name string, scroll fyne.CanvasObject, fm *form, validate func()) {
		if fm == nil {
			return
		}
		checkLaidOut(t, u, name+", fresh", scroll, fm)
		pubBefore := fyne.CurrentApp().Driver().AbsolutePositionForObject(fm.publish)
		// What the Publish button does with a form that is not ready.
		fm.touchAll(true)
		validate()
		shown := 0
		for _, f := range fm.fields {
			if f.msg.Visible() {
				shown++
			}
		}
		if shown == 0 {
			t.Fatalf("%s: no field shows a message when every field is touched", name)
		}
		checkLaidOut(t, u, fmt.Sprintf("%s, %d messages", name, shown), scroll, fm)
		if now := fyne.CurrentApp().Driver().AbsolutePositionForObject(fm.publish); now.Y <= pubBefore.Y {
			t.Errorf("%s: %d messages appeared and the publish button stayed at y=%.0f", name, shown, now.Y)
		}
	})

	// A second output moves the publish bar down, and the button that
	// added it stays above it.
	r := u.record
	r.tabs.SelectIndex(0)
	scroll := r.tabs.Items[0].Content
	ws := checkLaidOut(t, u, "harvest", scroll, r.origin.fm)
	add := findButton(t, ws, "Add another output")
	test.Tap(add.obj.(*widget.Button))
	ws = checkLaidOut(t, u, "harvest with two outputs", scroll, r.origin.fm)
	if len(r.origin.outs.rows) != 2 {
		t.Fatalf("Add another output made %d rows", len(r.origin.outs.rows))
	}
	add2, pub := findButton(t, ws, "Add another output"), findButton(t, ws, "Publish harvest")
	if add2.pos.Y <= add.pos.Y || add2.pos.Y+add2.size.Height > pub.pos.Y {
		t.Errorf("after adding an output, %v should lie lower than before (%v) and above %v", add2, add, pub)
	}

	// A receipt's message pushes its Confirm button down.
	u.record.open(tabReceive)
	c := u.record.receive.cards[0]
	scroll = u.record.receive.scroll
	before := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.fm.publish)
	test.Type(c.amount, "61")
	if !c.fQty.msg.Visible() {
		t.Fatal("61 t of 60 t received shows no message")
	}
	checkLaidOut(t, u, "receipt of more than was sent", scroll, c.fm)
	if now := fyne.CurrentApp().Driver().AbsolutePositionForObject(c.fm.publish); now.Y <= before.Y {
		t.Errorf("the receipt's message appeared and Confirm stayed at y=%.0f", now.Y)
	}
}

// At 800×600 every form fits the room the navigation leaves: no widget is
// cut off, outside the window or over another, with its messages shown
// too; at 1920×1080 the forms stay no wider than a line can be read.
func TestFormsFitSmallAndLargeWindows(t *testing.T) {
	m := startMill(t)
	for _, lang := range i18n.Langs {
		t.Run(string(lang), func(t *testing.T) { formsFit(t, newTestUI(t, m, Options{Lang: lang})) })
	}
}

func formsFit(t *testing.T, u *UI) {
	u.show(screenRecord)
	for _, size := range []fyne.Size{{Width: 800, Height: 600}, {Width: 1920, Height: 1080}} {
		u.win.Resize(size)
		settle(t, u)
		recordTabs(t, u, func(name string, scroll fyne.CanvasObject, fm *form, validate func()) {
			what := fmt.Sprintf("%s at %.0f×%.0f", name, size.Width, size.Height)
			if min := scroll.MinSize().Width; min > scroll.Size().Width {
				t.Errorf("%s: the form needs %.0f px of width, it has %.0f", what, min, scroll.Size().Width)
			}
			ws := checkLaidOut(t, u, what, scroll, fm)
			if fm != nil {
				fm.touchAll(true)
				validate()
				ws = checkLaidOut(t, u, what+" with its messages", scroll, fm)
				fm.touchAll(false)
				validate()
			}
			left := fyne.CurrentApp().Driver().AbsolutePositionForObject(scroll).X
			for _, w := range ws {
				if right := w.pos.X + w.size.Width - left; right > pageWidth+20 {
					t.Errorf("%s: %v reaches %.0f px into the form, wider than a line can be read", what, w, right)
				}
			}
		})
	}
}
