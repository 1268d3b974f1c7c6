package gui

import (
	"fmt"
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/protocol"
)

// productOptions are the products offered in an output's list: those of
// the organisation's roles (protocol.ProductsFor), then a choice that
// offers every other product. Any name may be typed too.
func (e *outputsEditor) productOptions() []string {
	return append(protocol.ProductsFor(e.u.ident.Roles), e.u.t("forms.otherProduct"))
}

// schemes are the certification schemes offered for claims.
var schemes = []string{"RSPO", "ISCC", "MSPO", "ISPO", "RMI-RMAP"}

// noModel is the catalog key of the model choice that means "no
// certification claim".
const noModel = "forms.out.noClaim"

// quantityInput is an amount entry and a unit choice.
type quantityInput struct {
	amount *widget.Entry
	unit   *widget.Select
}

func newQuantityInput(onChange func()) *quantityInput {
	q := &quantityInput{amount: widget.NewEntry(), unit: widget.NewSelect(unitOptions(), nil)}
	q.amount.SetPlaceHolder("0.000")
	q.unit.SetSelected(protocol.TNE.Symbol())
	q.amount.OnChanged = func(string) { onChange() }
	q.unit.OnChanged = func(string) { onChange() }
	return q
}

func (q *quantityInput) object() fyne.CanvasObject {
	return container.NewBorder(nil, nil, nil, q.unit, q.amount)
}

// value returns the quantity, or a message saying what is wrong.
func (q *quantityInput) value(u *UI) (protocol.Quantity, string) {
	m, msg := u.parseAmount(q.amount.Text)
	if msg != "" {
		return protocol.Quantity{}, msg
	}
	unit, _ := unitByName(q.unit.Selected)
	return protocol.Quantity{Milli: m, Unit: unit}, ""
}

// outputRow is one output batch in a form: product, quantity, lot code
// and certification claim.
type outputRow struct {
	product  *widget.SelectEntry
	products []string // the product's choices
	qty      *quantityInput
	lot      *widget.Entry
	scheme   *widget.SelectEntry
	model    *widget.Select
	remove   *widget.Button

	fProduct, fQty, fLot, fClaim *field
}

// outputsEditor edits the outputs of an origin or process record, adding
// and removing rows.
type outputsEditor struct {
	u        *UI
	fm       *form
	rows     []*outputRow
	box      *fyne.Container
	validate func()
}

func newOutputsEditor(u *UI, fm *form, validate func()) *outputsEditor {
	e := &outputsEditor{u: u, fm: fm, box: container.NewVBox(), validate: validate}
	e.add()
	return e
}

func (e *outputsEditor) object() fyne.CanvasObject {
	add := widget.NewButtonWithIcon(e.u.t("forms.out.add"), theme.ContentAddIcon(), func() {
		e.add()
		e.validate()
	})
	return container.NewVBox(e.box, container.NewHBox(add))
}

func (e *outputsEditor) add() {
	products := e.productOptions()
	r := &outputRow{products: products, product: widget.NewSelectEntry(products), lot: widget.NewEntry(),
		scheme: widget.NewSelectEntry(schemes), model: widget.NewSelect([]string{e.u.t(noModel), protocol.ModelIP, protocol.ModelSG, protocol.ModelMB}, nil)}
	r.product.SetPlaceHolder(e.u.t("forms.productHint"))
	r.lot.SetPlaceHolder(e.u.t("forms.out.lotHint"))
	r.scheme.SetPlaceHolder(e.u.t("forms.out.scheme"))
	r.model.SetSelected(e.u.t(noModel))
	r.qty = newQuantityInput(func() {})
	r.fProduct = newField(e.u.t("forms.out.product"), r.product)
	r.fQty = newField(e.u.t("forms.quantity"), r.qty.object())
	r.fLot = newField(e.u.t("forms.out.lot"), r.lot)
	r.fClaim = newField(e.u.t("forms.out.claim"), container.NewGridWithColumns(2, r.scheme, r.model))
	touch := func(f *field) func(string) { return touchOnChange(f, e.validate) }
	onProduct := touch(r.fProduct)
	r.product.OnChanged = func(s string) {
		if s == e.u.t("forms.otherProduct") {
			// Every product, for the rare batch outside the roles'.
			r.products = protocol.Products()
			r.product.SetOptions(r.products)
			r.product.SetPlaceHolder(e.u.t("forms.productOther"))
			r.product.SetText("")
			return
		}
		onProduct(s)
	}
	r.qty.amount.OnChanged = touch(r.fQty)
	r.qty.unit.OnChanged = touch(r.fQty)
	r.lot.OnChanged = touch(r.fLot)
	r.scheme.OnChanged = touch(r.fClaim)
	r.model.OnChanged = touch(r.fClaim)
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		e.removeRow(r)
		e.validate()
	})
	e.rows = append(e.rows, r)
	e.relayout()
}

func (e *outputsEditor) removeRow(r *outputRow) {
	i := slices.Index(e.rows, r)
	if i < 0 || len(e.rows) == 1 {
		return
	}
	e.rows = slices.Delete(e.rows, i, i+1)
	e.relayout()
}

// relayout rebuilds the rows and registers each row's fields under its
// index, so the protocol's paths ("body.out[1].lot") find them.
func (e *outputsEditor) relayout() {
	e.fm.removePrefix("body.out[")
	e.box.Objects = nil
	for i, r := range e.rows {
		base := fmt.Sprintf("body.out[%d]", i)
		e.fm.add(base+".product", r.fProduct)
		e.fm.add(base+".qty", r.fQty)
		e.fm.add(base+".lot", r.fLot)
		e.fm.add(base+".claim", r.fClaim)
		title := widget.NewLabelWithStyle(e.u.t("forms.out.title", "n", i+1), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		head := container.NewBorder(nil, nil, title, nil)
		if len(e.rows) > 1 {
			head = container.NewBorder(nil, nil, title, r.remove)
		}
		cells := columns(2, labelled(r.fProduct), labelled(r.fQty), labelled(r.fLot), labelled(r.fClaim))
		e.box.Add(container.NewVBox(head, cells))
	}
	e.box.Refresh()
	e.fm.relayout()
}

// labelled is a field with its label above it, for rows of fields.
func labelled(f *field) fyne.CanvasObject {
	l := widget.NewLabel(f.name)
	return container.NewVBox(l, f.input, f.msg)
}

// outputs reads the rows into outputs, filing what cannot be read on the
// form.
func (e *outputsEditor) outputs() []protocol.Output {
	var out []protocol.Output
	for i, r := range e.rows {
		base := fmt.Sprintf("body.out[%d]", i)
		o := protocol.Output{Product: clean(r.product.Text), Lot: clean(r.lot.Text)}
		q, msg := r.qty.value(e.u)
		if msg != "" {
			e.fm.fail(base+".qty", msg)
			q = protocol.Quantity{Milli: 1, Unit: protocol.TNE}
		} else {
			e.fm.note(base+".qty", e.u.readsAs(r.qty.amount.Text, q))
		}
		o.Qty = q
		scheme, model := clean(r.scheme.Text), r.model.Selected
		switch {
		case scheme != "" && model != e.u.t(noModel):
			o.Claim = &protocol.Claim{Scheme: scheme, Model: model}
		case scheme != "":
			e.fm.fail(base+".claim", e.u.t("forms.out.chooseModel"))
		case model != e.u.t(noModel):
			e.fm.fail(base+".claim", e.u.t("forms.out.nameScheme"))
		}
		out = append(out, o)
	}
	return out
}

// reset empties the editor to one blank row.
func (e *outputsEditor) reset() {
	e.rows = nil
	e.add()
}
