package gui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// field is one input of a form: its label, the input, and a message under
// the input that says what is wrong with it. The message shows once the
// user has touched the field, so a fresh form is not covered in red.
type field struct {
	name    string
	label   *widget.Label
	input   fyne.CanvasObject
	msg     *widget.Label
	touched bool
	err     string
	hint    string // how what was typed reads, when it is not an error
}

func newField(name string, input fyne.CanvasObject) *field {
	msg := widget.NewLabel("")
	msg.Importance = widget.DangerImportance
	msg.Wrapping = fyne.TextWrapWord
	msg.Hide()
	l := widget.NewLabelWithStyle(name, fyne.TextAlignTrailing, fyne.TextStyle{Bold: true})
	return &field{name: name, label: l, input: input, msg: msg}
}

// box is the input with its message under it.
func (f *field) box() fyne.CanvasObject { return container.NewVBox(f.input, f.msg) }

// show displays the field's error, if it has one and has been touched. It
// reports whether the message line appeared, went or changed its text, so
// that the form makes room for it.
func (f *field) show() bool {
	was, wasText := f.msg.Visible(), f.msg.Text
	switch {
	case f.err != "" && f.touched:
		f.msg.Importance = widget.DangerImportance
		f.msg.SetText(f.err)
		f.msg.Show()
	case f.err == "" && f.hint != "":
		f.msg.Importance = widget.MediumImportance
		f.msg.SetText(f.hint)
		f.msg.Show()
	default:
		f.msg.Hide()
	}
	return was != f.msg.Visible() || (f.msg.Visible() && wasText != f.msg.Text)
}

// form collects a record form's fields, maps the protocol's field paths
// ("body.out[0].qty.n") to them, and keeps the form's Publish button
// disabled while anything is wrong, saying what beside it.
type form struct {
	paths     map[string]*field
	fields    []*field
	summary   *widget.Label
	publish   *widget.Button
	first     string // the first problem, for the summary
	valid     bool
	ready     string            // the summary when nothing is wrong
	action    string            // what the button does, for the summary: "publish"
	draftID   string            // the draft being published, until its answer is seen
	draftBody []byte            // what that draft said (its JSON): an edited form is a new draft
	host      *container.Scroll // the scroll the form lies in, laid out again when its lines change
	u         *UI               // whose language the form speaks; nil: English
	dirty     bool              // a part was shown or hidden in this pass: lay the form out again
}

func newForm(publish *widget.Button, ready string) *form {
	s := widget.NewLabel("")
	s.Wrapping = fyne.TextWrapWord
	return &form{paths: map[string]*field{}, summary: s, publish: publish, ready: ready, action: "publish"}
}

// newForm is a record form in the window's language.
func (u *UI) newForm(publish *widget.Button, ready string) *form {
	fm := newForm(publish, ready)
	fm.u, fm.action = u, u.t("forms.action.publish")
	return fm
}

// t renders a catalog message in the form's language.
func (fm *form) t(key string, kv ...any) string {
	if fm.u == nil {
		return i18n.T(i18n.English, key, kv...)
	}
	return fm.u.t(key, kv...)
}

// add registers f as the field for body path path (and the paths below it).
func (fm *form) add(path string, f *field) *field {
	if _, ok := fm.paths[path]; !ok {
		fm.fields = append(fm.fields, f)
	}
	fm.paths[path] = f
	return f
}

// remove forgets the fields for the given paths.
// removePrefix unregisters every field whose path starts with prefix
// ("body.in["), before a list of rows registers its fields again.
func (fm *form) removePrefix(prefix string) {
	var old []string
	for p := range fm.paths {
		if strings.HasPrefix(p, prefix) {
			old = append(old, p)
		}
	}
	fm.remove(old...)
}

func (fm *form) remove(paths ...string) {
	for _, p := range paths {
		f := fm.paths[p]
		delete(fm.paths, p)
		for i, x := range fm.fields {
			if x == f {
				fm.fields = append(fm.fields[:i], fm.fields[i+1:]...)
				break
			}
		}
	}
}

// begin starts a validation pass.
func (fm *form) begin() {
	for _, f := range fm.fields {
		f.err, f.hint = "", ""
	}
	fm.first, fm.valid = "", true
}

// fail records msg against the field that owns path. A field keeps the
// first message it gets in a pass. A path no field owns goes to the
// summary.
func (fm *form) fail(path, msg string) {
	fm.valid = false
	f := fm.owner(path)
	if f == nil {
		if fm.first == "" {
			fm.first = msg
		}
		return
	}
	if f.err == "" {
		f.err = msg
	}
}

// note shows, under the field that owns path, how what was typed reads
// ("reads as 12.5 t"), so a person sees it before publishing.
func (fm *form) note(path, hint string) {
	if f := fm.owner(path); f != nil && hint != "" {
		f.hint = hint
	}
}

// owner returns the field registered for path or the closest path above
// it ("body.out[0].qty" owns "body.out[0].qty.n").
func (fm *form) owner(path string) *field {
	for p := path; p != ""; p = parentPath(p) {
		if f, ok := fm.paths[p]; ok {
			return f
		}
	}
	return nil
}

// end shows the pass's messages, says what blocks publishing, and enables
// or disables the Publish button.
func (fm *form) end() {
	first := fm.first
	moved := false
	for _, f := range fm.fields {
		if f.show() {
			moved = true
		}
		if first == "" && f.err != "" {
			first = f.name + ": " + f.err
		}
	}
	before := fm.summary.Text
	defer func() {
		if moved || fm.dirty || fm.summary.Text != before {
			fm.dirty = false
			fm.relayout()
		}
	}()
	if fm.valid {
		fm.summary.Importance = widget.MediumImportance
		fm.summary.SetText(fm.ready)
		fm.publish.Enable()
		return
	}
	fm.summary.Importance = widget.WarningImportance
	fm.summary.SetText(fm.t("forms.toFix", "action", fm.action, "first", first))
	fm.publish.Disable()
}

// touchAll shows every field's message (after a reset, nothing is shown).
func (fm *form) touchAll(touched bool) {
	for _, f := range fm.fields {
		f.touched = touched
	}
}

// setVisible shows or hides a part of the form, and has the form laid out
// again when that changes anything.
func (fm *form) setVisible(o fyne.CanvasObject, show bool) {
	if o.Visible() == show {
		return
	}
	if show {
		o.Show()
	} else {
		o.Hide()
	}
	fm.dirty = true
}

// relayout lays the form out again from its scroll down, after a message
// line appeared or went or a row was added: every container takes its new
// minimum size, so nothing is drawn over what follows it. Fyne lays a
// container out again only when it is resized or refreshed itself, and a
// label shown deep in a form resizes none of its parents.
func (fm *form) relayout() {
	relayout(fm.host)
}

// relayout lays s and everything in it out again; a few passes, as lines
// that wrap and grids that collapse know their height once they know
// their width.
func relayout(s *container.Scroll) {
	if s == nil || s.Content == nil {
		return
	}
	for range 3 {
		s.Refresh()
		c := s.Content
		if min, size := c.MinSize(), c.Size(); size.Height >= min.Height && size.Width >= min.Width {
			return
		}
	}
}

// grid lays fields out as a form: labels on the left of their inputs, or
// above them when the form is too narrow for both side by side.
func grid(fields ...*field) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, f := range fields {
		objs = append(objs, f.label, f.box())
	}
	return container.New(&formGrid{}, objs...)
}

// footer is the Publish button with the form's summary beside it.
func (fm *form) footer() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, fm.publish, fm.summary)
}

// touchOnChange wraps an OnChanged handler so that the field counts as
// touched before the form validates.
func touchOnChange(f *field, validate func()) func(string) {
	return func(string) {
		f.touched = true
		validate()
	}
}

// check runs a record form's own rules by building its body (build calls
// fail for what it finds), then, when those pass, the protocol's rules.
func (fm *form) check(build func() protocol.Body) {
	fm.begin()
	b := build()
	if fm.valid {
		fm.checkDraft(b)
	}
	fm.end()
}

// submit publishes a record form's body when every rule passes, and
// otherwise shows every field's problem, touched or not.
func (fm *form) submit(u *UI, validate func(), build func() protocol.Body, what string, reset func()) {
	validate()
	if !fm.valid {
		fm.touchAll(true)
		validate()
		return
	}
	u.publish(fm, build(), what, func(protocol.Signed) { reset() })
}

// selectingEntry is an entry that selects all it holds when it gets the
// focus, so that typing replaces a value filled in for the person (what
// was sent, as what arrived) rather than adding to it ("125" then "200"
// is "200", not "125200").
type selectingEntry struct {
	widget.Entry
}

func newSelectingEntry() *selectingEntry {
	e := &selectingEntry{}
	e.ExtendBaseWidget(e)
	return e
}

// FocusGained selects the text, as the entry of a dialog box does.
func (e *selectingEntry) FocusGained() {
	e.Entry.FocusGained()
	e.TypedShortcut(&fyne.ShortcutSelectAll{})
}

// withCalendar gives a date entry a button that opens a calendar: the
// day picked is written into the entry as YYYY-MM-DD, as it is typed, and
// the calendar opens at the date typed, or today. It returns the button.
func withCalendar(u *UI, e *widget.Entry) *widget.Button {
	var pop *widget.PopUp
	b := widget.NewButtonWithIcon("", theme.CalendarIcon(), func() {
		start := time.Now()
		if t, ok := readDay(e.Text); ok {
			start = t
		}
		cal := widget.NewCalendar(start, func(t time.Time) {
			pop.Hide()
			e.SetText(t.Format(dayLayout))
		})
		pop = widget.NewPopUp(cal, u.win.Canvas())
		pop.ShowAtRelativePosition(fyne.NewPos(0, e.Size().Height), e)
	})
	b.Importance = widget.LowImportance
	e.ActionItem = b
	e.SetPlaceHolder(u.t("forms.dateHint"))
	return b
}
