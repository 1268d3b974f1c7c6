package gui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// originForm records raw material entering the chain: a harvest from
// plots, ore from a mine, metal from a smelter.
type originForm struct {
	u       *UI
	built   bool // set once constructed: widgets fire OnChanged while being set up
	fm      *form
	places  *widget.CheckGroup
	byLabel map[string]protocol.CID
	from    *widget.Entry
	until   *widget.Entry
	outs    *outputsEditor
	// pickFrom and pickUntil open a calendar for the dates.
	pickFrom, pickUntil *widget.Button
	fPlaces             *field
	fFrom               *field
	fUntil              *field
	sup                 *supplierSection // bought from a supplier who runs no Jejak (record_supplier.go)
	obj                 fyne.CanvasObject
}

func newOriginForm(u *UI) *originForm {
	f := &originForm{u: u, byLabel: map[string]protocol.CID{}}
	pub := widget.NewButton(u.t("forms.origin.publish"), f.submit)
	pub.Importance = widget.HighImportance
	f.fm = u.newForm(pub, u.t("forms.origin.ready"))
	f.places = widget.NewCheckGroup(nil, nil)
	f.from, f.until = widget.NewEntry(), widget.NewEntry()
	f.pickFrom, f.pickUntil = withCalendar(u, f.from), withCalendar(u, f.until)
	f.fPlaces = f.fm.add("body.places", newField(u.t("forms.origin.places"), f.places))
	f.fFrom = f.fm.add("body.from", newField(u.t("forms.origin.from"), f.from))
	f.fUntil = f.fm.add("body.until", newField(u.t("forms.origin.until"), f.until))
	f.places.OnChanged = func([]string) { f.fPlaces.touched = true; f.validate() }
	f.from.OnChanged = touchOnChange(f.fFrom, f.validate)
	f.until.OnChanged = touchOnChange(f.fUntil, f.validate)
	f.outs = newOutputsEditor(u, f.fm, f.validate)
	f.sup = newSupplierSection(f)
	f.built = true
	f.reset()
	f.obj = page(
		heading(u.t("forms.origin.title")),
		note(u.t("forms.origin.note")),
		container.NewHBox(u.importButton("harvests")),
		grid(f.fPlaces, f.fFrom, f.fUntil),
		f.sup.object(),
		widget.NewSeparator(),
		f.outs.object(),
		widget.NewSeparator(),
		f.fm.footer(),
	)
	return f
}

func (f *originForm) content() fyne.CanvasObject { return f.obj }

// setPlaces offers the organisation's places, keeping what was ticked.
func (f *originForm) setPlaces(ps []api.Place) {
	f.byLabel = map[string]protocol.CID{}
	var opts []string
	for _, p := range ps {
		switch p.Kind {
		case protocol.PlacePlot, protocol.PlaceEstate, protocol.PlaceMine, protocol.PlaceSmelter:
		default:
			continue // material does not enter the chain at a mill or a warehouse
		}
		l := f.u.placeLabel(p.Place)
		if _, dup := f.byLabel[l]; dup {
			l += " " + shortCID(p.Record)
		}
		f.byLabel[l] = p.Record
		opts = append(opts, l)
	}
	f.places.Options = opts
	var keep []string
	for _, s := range f.places.Selected {
		if _, ok := f.byLabel[s]; ok {
			keep = append(keep, s)
		}
	}
	f.places.Selected = keep
	f.places.Refresh()
	if len(opts) == 0 {
		f.places.Options = nil
		f.fPlaces.err = f.u.t("forms.origin.noPlaces")
	}
	f.validate()
}

// placeLabel describes a place in a choice: "Blok 12A (plot, 36 ha)".
func (u *UI) placeLabel(p protocol.Place) string {
	s := p.Name + " (" + u.kindName(p.Kind)
	if p.Area > 0 {
		s += ", " + groupDigits(protocol.FormatMilli(p.Area/10)) + " ha"
	}
	return s + ")"
}

func (f *originForm) body() *protocol.Origin {
	b := &protocol.Origin{}
	for _, s := range f.places.Selected {
		b.Places = append(b.Places, f.byLabel[s])
	}
	if len(f.places.Options) == 0 {
		f.fm.fail("body.places", f.u.t("forms.origin.noPlaces"))
	} else if len(b.Places) == 0 {
		f.fm.fail("body.places", f.u.t("forms.origin.tickPlaces"))
	}
	from, msg := f.u.parseDay(f.from.Text)
	if msg != "" {
		f.fm.fail("body.from", msg)
	}
	until, msg2 := f.u.parseDay(f.until.Text)
	if msg2 != "" {
		f.fm.fail("body.until", msg2)
	}
	b.From = from.UnixMilli()
	b.Until = until.Add(24*time.Hour - time.Millisecond).UnixMilli()
	if msg == "" && msg2 == "" && until.Before(from) {
		f.fm.fail("body.until", f.u.t("forms.origin.endBeforeStart"))
	}
	if msg == "" && from.After(time.Now()) {
		f.fm.fail("body.from", f.u.t("forms.origin.future"))
	}
	b.Out = f.outs.outputs()
	return b
}

func (f *originForm) validate() {
	if f.built {
		f.fm.check(f.buildBody)
	}
}

func (f *originForm) submit() {
	f.sup.submit()
}

// reset empties the form for the next harvest: the last week, no places.
func (f *originForm) reset() {
	f.places.Selected = nil
	f.places.Refresh()
	now := time.Now()
	f.from.SetText(now.AddDate(0, 0, -6).Format(dayLayout))
	f.until.SetText(now.Format(dayLayout))
	f.outs.reset()
	f.sup.reset()
	f.fm.touchAll(false)
	f.validate()
}

// describeOutputs summarises outputs: "21 t CPO, 5 t PK".
func describeOutputs(out []protocol.Output) string {
	s := ""
	for i, o := range out {
		if i > 0 {
			s += ", "
		}
		s += fmt.Sprintf("%s %s", formatQty(o.Qty), o.Product)
	}
	return s
}

// buildBody is body as the shared form helpers take it.
func (f *originForm) buildBody() protocol.Body { return f.sup.checked(f.body()) }
