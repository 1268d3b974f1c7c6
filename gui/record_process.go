package gui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// processForm records a transformation: input batches this organisation
// holds, with the quantity consumed from each, into output batches.
type processForm struct {
	u      *UI
	built  bool // set once constructed: widgets fire OnChanged while being set up
	fm     *form
	held   []api.Batch
	ins    []*inputRow
	inBox  *fyne.Container
	place  *widget.Select
	places map[string]protocol.CID
	outs   *outputsEditor
	obj    fyne.CanvasObject
}

// inputRow is one input batch and the quantity consumed from it.
type inputRow struct {
	batch  *widget.Select
	amount *widget.Entry
	unit   *widget.Label
	remove *widget.Button
	fBatch *field
	fQty   *field
}

// noPlace is the place choice that leaves the place out.
const noPlace = "forms.process.noPlace"

func newProcessForm(u *UI) *processForm {
	f := &processForm{u: u, inBox: container.NewVBox(), places: map[string]protocol.CID{}}
	pub := widget.NewButton(u.t("forms.process.publish"), f.submit)
	pub.Importance = widget.HighImportance
	f.fm = u.newForm(pub, u.t("forms.process.ready"))
	f.place = widget.NewSelect([]string{u.t(noPlace)}, func(string) { f.validate() })
	f.place.SetSelected(u.t(noPlace))
	f.outs = newOutputsEditor(u, f.fm, f.validate)
	addIn := widget.NewButtonWithIcon(u.t("forms.process.addInput"), theme.ContentAddIcon(), func() {
		f.addInput()
		f.validate()
	})
	f.addInput()
	f.obj = page(
		heading(u.t("forms.process.title")),
		note(u.t("forms.process.note")),
		grid(newField(u.t("forms.process.where"), f.place)),
		widget.NewLabelWithStyle(u.t("forms.process.inputs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.inBox, container.NewHBox(addIn),
		widget.NewSeparator(),
		f.outs.object(),
		widget.NewSeparator(),
		f.fm.footer(),
	)
	f.built = true
	f.fm.touchAll(false)
	f.validate()
	return f
}

func (f *processForm) content() fyne.CanvasObject { return f.obj }

func (f *processForm) addInput() {
	r := &inputRow{batch: widget.NewSelect(nil, nil), amount: widget.NewEntry(), unit: widget.NewLabel("")}
	r.batch.PlaceHolder = f.u.t("forms.chooseHeld")
	r.amount.SetPlaceHolder(f.u.t("forms.process.qtyHint"))
	r.fBatch = newField(f.u.t("forms.batch"), r.batch)
	r.fQty = newField(f.u.t("forms.process.qtyUsed"), container.NewBorder(nil, nil, nil, r.unit, r.amount))
	r.batch.OnChanged = func(string) {
		r.fBatch.touched = true
		if b, ok := f.heldBatch(r); ok {
			// What is left is a hint, not a value: typing a quantity
			// never adds to it.
			r.unit.SetText(b.Left.Unit.Symbol())
			r.amount.SetPlaceHolder(f.u.t("forms.upToLeft", "left", b.Left.Text()))
		} else {
			r.unit.SetText("")
			r.amount.SetPlaceHolder(f.u.t("forms.process.qtyHint"))
		}
		f.validate()
	}
	r.amount.OnChanged = touchOnChange(r.fQty, f.validate)
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		if i := slices.Index(f.ins, r); i >= 0 && len(f.ins) > 1 {
			f.ins = slices.Delete(f.ins, i, i+1)
			f.relayoutInputs()
			f.validate()
		}
	})
	r.batch.Options = f.heldOptions()
	f.ins = append(f.ins, r)
	f.relayoutInputs()
}

func (f *processForm) relayoutInputs() {
	f.fm.removePrefix("body.in[")
	f.inBox.Objects = nil
	for i, r := range f.ins {
		f.fm.add(fmt.Sprintf("body.in[%d].batch", i), r.fBatch)
		f.fm.add(fmt.Sprintf("body.in[%d].qty", i), r.fQty)
		row := columns(2, r.fBatch.box(), r.fQty.box())
		if len(f.ins) > 1 {
			f.inBox.Add(container.NewBorder(nil, nil, nil, r.remove, row))
		} else {
			f.inBox.Add(row)
		}
	}
	f.inBox.Refresh()
	f.fm.relayout()
}

// setHeld offers the batches this organisation holds with something left.
func (f *processForm) setHeld(held []api.Batch) {
	f.held = held
	for _, r := range f.ins {
		r.batch.Options = f.heldOptions()
		if !slices.Contains(r.batch.Options, r.batch.Selected) {
			r.batch.ClearSelected()
		}
		r.batch.Refresh()
	}
	f.validate()
}

func (f *processForm) heldOptions() []string {
	var opts []string
	for _, b := range f.held {
		opts = append(opts, f.u.heldLabel(b))
	}
	return opts
}

func (f *processForm) heldBatch(r *inputRow) (api.Batch, bool) {
	for _, b := range f.held {
		if f.u.heldLabel(b) == r.batch.Selected {
			return b, true
		}
	}
	return api.Batch{}, false
}

// setPlaces offers the organisation's mills, refineries and factories.
func (f *processForm) setPlaces(ps []api.Place) {
	f.places = map[string]protocol.CID{}
	opts := []string{f.u.t(noPlace)}
	for _, p := range ps {
		if p.IsLand() || p.Kind == protocol.PlaceMine {
			continue
		}
		l := f.u.placeLabel(p.Place)
		f.places[l] = p.Record
		opts = append(opts, l)
	}
	f.place.Options = opts
	if !slices.Contains(opts, f.place.Selected) {
		f.place.SetSelected(f.u.t(noPlace))
	}
	f.place.Refresh()
}

func (f *processForm) body() *protocol.Process {
	b := &protocol.Process{}
	if c, ok := f.places[f.place.Selected]; ok {
		b.Place = &c
	}
	if len(f.held) == 0 {
		f.fm.fail("body.in[0].batch", f.u.t("forms.process.noneHeld"))
	}
	for i, r := range f.ins {
		path := fmt.Sprintf("body.in[%d]", i)
		hb, ok := f.heldBatch(r)
		if !ok {
			f.fm.fail(path+".batch", f.u.t("forms.chooseHeldMsg"))
			continue
		}
		m, msg := f.u.parseAmount(r.amount.Text)
		if msg == "" && m > hb.Left.Milli {
			msg = f.u.t("forms.onlyLeft", "left", formatQty(hb.Left))
		}
		if msg != "" {
			f.fm.fail(path+".qty", msg)
			m = 1
		} else {
			f.fm.note(path+".qty", f.u.readsAs(r.amount.Text, protocol.Quantity{Milli: m, Unit: hb.Left.Unit}))
		}
		b.In = append(b.In, protocol.Input{Batch: hb.ID, Qty: protocol.Quantity{Milli: m, Unit: hb.Left.Unit}})
	}
	b.Out = f.outs.outputs()
	return b
}

func (f *processForm) validate() {
	if f.built {
		f.fm.check(f.buildBody)
	}
}

func (f *processForm) submit() {
	f.fm.submit(f.u, f.validate, f.buildBody, f.u.t("forms.what.process"), f.reset)
}

func (f *processForm) reset() {
	f.ins = nil
	f.addInput()
	f.outs.reset()
	f.place.SetSelected(f.u.t(noPlace))
	f.fm.touchAll(false)
	f.validate()
}

// buildBody is body as the shared form helpers take it.
func (f *processForm) buildBody() protocol.Body { return f.body() }
