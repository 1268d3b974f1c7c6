package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// background runs fetch in a goroutine and hands its result to apply, or
// its error to fail (nil fail shows an error dialog), on the Fyne
// goroutine. Nothing is shown once the window has closed.
func background[T any](u *UI, op string, fetch func(context.Context) (T, error), apply func(T), fail func(error)) {
	u.begin()
	go func() {
		v, err := fetch(u.ctx)
		u.finish(func() {
			switch {
			case u.ctx.Err() != nil:
			case err == nil:
				apply(v)
			case fail != nil:
				fail(err)
			default:
				u.showError(op, err)
			}
		})
	}()
}

// latest keeps only the newest of overlapping loads of one thing: as a
// person types into a search field, or events arrive in a burst, loads
// begin faster than they end, and an older, slower answer must not replace
// a newer one. Use it on the Fyne goroutine only.
type latest struct{ n int }

// newest runs fetch in the background like background, and hands its
// result to apply (or its error to fail) only if no newer load of l began
// meanwhile.
func newest[T any](u *UI, l *latest, op string, fetch func(context.Context) (T, error), apply func(T), fail func(error)) {
	l.n++
	n := l.n
	current := func() bool { return n == l.n }
	background(u, op, fetch, func(v T) {
		if current() {
			apply(v)
		}
	}, func(err error) {
		if !current() {
			return
		}
		if fail != nil {
			fail(err)
		} else {
			u.showError(op, err)
		}
	})
}

// begin counts a piece of background work that will end with finish.
func (u *UI) begin() { u.inflight.Add(1) }

// finish runs f on the Fyne goroutine, waits for it, and counts the work
// as done.
func (u *UI) finish(f func()) {
	u.run(func() {
		defer u.inflight.Add(-1)
		f()
	})
}

// showError shows a dialog that says what failed and what to do. op says
// what was being done, in the window's language ("verify the batch").
func (u *UI) showError(op string, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	msg := widget.NewLabel(u.explain(op, err))
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(u.t("error.title", "op", op), u.t("common.ok"), msg, u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// explain says in words what went wrong and what the user can do about it.
func (u *UI) explain(op string, err error) string {
	key := "error.other"
	switch {
	case errors.Is(err, api.ErrInvalid):
		key = "error.invalid"
	case errors.Is(err, api.ErrNotFound):
		key = "error.not_found"
	case errors.Is(err, api.ErrConflict):
		key = "error.conflict"
	case errors.Is(err, api.ErrUnavailable):
		key = "error.unavailable"
	}
	return u.t(key, "op", op, "detail", u.detail(err))
}

// detail is detail(err) in the window's language: a broken record rule
// in the catalog's words; any other message, which the node and the
// protocol write in English, marked as English in another language.
func (u *UI) detail(err error) string {
	var fe *protocol.FieldError
	if errors.As(err, &fe) && fe.Key != "" {
		return fe.RuleIn(u.lang)
	}
	d := detail(err)
	if u.lang == i18n.English {
		return d
	}
	return u.t("error.detail_en", "text", d)
}

// detail returns the most specific message inside err, without the
// "node: op: kind:" and "protocol:" prefixes people need not read.
func detail(err error) string {
	var e *api.Error
	if errors.As(err, &e) && e.Err != nil {
		err = e.Err
	}
	s := err.Error()
	for _, p := range []string{"node: ", "protocol: ", "invalid record: ", "invalid request: "} {
		s = strings.TrimPrefix(s, p)
	}
	return strings.TrimSuffix(s, ".")
}

// filePicker asks the user for a file to save or to open. Tests replace it.
type filePicker interface {
	// save asks where to save a file, suggesting name, and calls done with
	// the chosen path (not called when the user cancels).
	save(title, name string, done func(path string))
	// open asks for a file to read and calls done with its path.
	open(title string, exts []string, done func(path string))
}

// dialogPicker is the filePicker of the real window: Fyne's file dialogs,
// starting in the home folder.
type dialogPicker struct{ u *UI }

func (p dialogPicker) save(title, name string, done func(string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			p.u.showError(p.u.t("error.op_choose_file"), err)
			return
		}
		if w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		// The dialog creates the file; the caller writes it whole.
		if fi, err := os.Stat(path); err == nil && fi.Size() == 0 {
			os.Remove(path)
		}
		done(path)
	}, p.u.win)
	d.SetFileName(name)
	p.startAtHome(d)
	d.Show()
}

func (p dialogPicker) open(title string, exts []string, done func(string)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			p.u.showError(p.u.t("error.op_choose_file"), err)
			return
		}
		if r == nil {
			return
		}
		path := r.URI().Path()
		r.Close()
		done(path)
	}, p.u.win)
	if len(exts) > 0 {
		d.SetFilter(storage.NewExtensionFileFilter(exts))
	}
	p.startAtHome(d)
	d.Show()
}

func (p dialogPicker) startAtHome(d *dialog.FileDialog) {
	if home, err := os.UserHomeDir(); err == nil {
		if l, err := storage.ListerForURI(storage.NewFileURI(home)); err == nil {
			d.SetLocation(l)
		}
	}
	d.Resize(fyne.NewSize(900, 600))
}

// homePath returns name in the user's home folder (or the working folder).
func homePath(name string) string {
	home, err := os.UserHomeDir()
	if err != nil {
		return name
	}
	return filepath.Join(home, name)
}

// info shows a short message in a dialog.
func (u *UI) info(title, text string) {
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(title, "OK", msg, u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}
