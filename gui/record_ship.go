package gui

import (
	"crypto/sha256"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// documentKinds are the kinds of shipping document offered.
var documentKinds = []string{"invoice", "bill-of-lading", "delivery-order", "weighbridge-ticket", "eudr-dds", "certificate"}

// shipForm records sending a quantity of a batch this organisation holds
// to another organisation.
type shipForm struct {
	orgLoads latest
	u        *UI
	built    bool // set once constructed: widgets fire OnChanged while being set up
	fm       *form
	held     []api.Batch
	orgs     []api.Org
	batch    *widget.Select
	amount   *widget.Entry
	unit     *widget.Label
	to       *widget.Select
	toSearch *widget.Entry // narrows the organisations offered
	toHint   *widget.Label // why none is offered, and what to do
	docs     []*docRow
	docBox   *fyne.Container
	fBatch   *field
	fQty     *field
	fTo      *field
	obj      fyne.CanvasObject
}

// docRow is one shipping document: its kind, a reference and, when a file
// was attached, the file's SHA-256.
type docRow struct {
	kind  *widget.SelectEntry
	ref   *widget.Entry
	hash  []byte
	file  *widget.Label
	f     *field
	fRef  *field
	attch *widget.Button
	del   *widget.Button
}

func newShipForm(u *UI) *shipForm {
	f := &shipForm{u: u, docBox: container.NewVBox()}
	pub := widget.NewButton(u.t("forms.ship.publish"), f.submit)
	pub.Importance = widget.HighImportance
	f.fm = u.newForm(pub, u.t("forms.ship.ready"))
	f.batch = widget.NewSelect(nil, nil)
	f.batch.PlaceHolder = u.t("forms.chooseHeld")
	f.amount = widget.NewEntry()
	f.amount.SetPlaceHolder(u.t("forms.ship.qtyHint"))
	f.unit = widget.NewLabel("")
	f.to = widget.NewSelect(nil, nil)
	f.to.PlaceHolder = u.t("forms.sendToChoose")
	f.toSearch = widget.NewEntry()
	f.toSearch.SetPlaceHolder(u.t("forms.sendToSearch"))
	f.toSearch.OnChanged = func(string) { f.offerOrgs() }
	f.toHint = wrapLabel("")
	f.toHint.Importance = widget.WarningImportance
	f.toHint.Hide()
	f.fBatch = f.fm.add("body.batch", newField(u.t("forms.batch"), f.batch))
	f.fQty = f.fm.add("body.qty", newField(u.t("forms.quantity"), container.NewBorder(nil, nil, nil, f.unit, f.amount)))
	f.fTo = f.fm.add("body.to", newField(u.t("forms.ship.to"), container.NewVBox(f.toSearch, f.to, f.toHint)))
	f.batch.OnChanged = func(string) {
		f.fBatch.touched = true
		if b, ok := f.heldBatch(); ok {
			f.unit.SetText(f.u.t("forms.ship.unitLeft", "unit", b.Left.Unit.Symbol(), "left", formatQty(b.Left)))
		}
		f.validate()
	}
	f.amount.OnChanged = touchOnChange(f.fQty, f.validate)
	f.to.OnChanged = touchOnChange(f.fTo, f.validate)
	addDoc := widget.NewButtonWithIcon(u.t("forms.ship.addDoc"), theme.ContentAddIcon(), func() {
		f.addDoc()
		f.validate()
	})
	f.obj = page(
		heading(u.t("forms.ship.title")),
		note(u.t("forms.ship.note")),
		grid(f.fBatch, f.fQty, f.fTo),
		widget.NewLabelWithStyle(u.t("forms.ship.docs"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.docBox, container.NewHBox(addDoc),
		widget.NewSeparator(),
		f.fm.footer(),
	)
	f.built = true
	f.reset()
	return f
}

func (f *shipForm) content() fyne.CanvasObject { return f.obj }

func (f *shipForm) addDoc() {
	d := &docRow{kind: widget.NewSelectEntry(documentKinds), ref: widget.NewEntry(), file: widget.NewLabel("")}
	d.kind.SetText("invoice")
	d.ref.SetPlaceHolder(f.u.t("forms.ship.refHint"))
	d.f = newField(f.u.t("forms.ship.kind"), d.kind)
	d.fRef = newField(f.u.t("forms.ship.ref"), d.ref)
	d.kind.OnChanged = func(k string) {
		// A due diligence statement has two numbers, pasted from TRACES
		// together.
		if clean(k) == protocol.DocDDS {
			d.ref.SetPlaceHolder(f.u.t("forms.ship.ddsHint"))
		} else {
			d.ref.SetPlaceHolder(f.u.t("forms.ship.refHint"))
		}
		d.f.touched = true
		f.validate()
	}
	d.ref.OnChanged = touchOnChange(d.fRef, f.validate)
	d.attch = widget.NewButtonWithIcon(f.u.t("forms.ship.attach"), theme.FileIcon(), func() {
		f.u.files.open(f.u.t("forms.ship.attachTitle"), nil, func(path string) {
			sum, err := hashFile(path)
			if err != nil {
				f.u.showError(f.u.t("forms.do.readDoc"), err)
				return
			}
			d.hash = sum
			d.file.SetText(filepath.Base(path) + fmt.Sprintf(" (SHA-256 %x…)", sum[:4]))
			f.validate()
		})
	})
	d.del = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() {
		if i := slices.Index(f.docs, d); i >= 0 {
			f.docs = slices.Delete(f.docs, i, i+1)
			f.relayoutDocs()
			f.validate()
		}
	})
	f.docs = append(f.docs, d)
	f.relayoutDocs()
}

func (f *shipForm) relayoutDocs() {
	f.fm.removePrefix("body.docs[")
	f.docBox.Objects = nil
	for i, d := range f.docs {
		f.fm.add(fmt.Sprintf("body.docs[%d].kind", i), d.f)
		f.fm.add(fmt.Sprintf("body.docs[%d]", i), d.fRef)
		row := columns(3, d.f.box(), d.fRef.box(), container.NewVBox(container.NewHBox(d.attch, d.del), d.file))
		f.docBox.Add(row)
	}
	f.docBox.Refresh()
	f.fm.relayout()
}

// hashFile returns the SHA-256 of the file at path.
func hashFile(path string) ([]byte, error) {
	fl, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fl.Close()
	h := sha256.New()
	if _, err := io.Copy(h, fl); err != nil {
		return nil, err
	}
	return h.Sum(nil), nil
}

// setHeld offers the batches this organisation holds with something left.
func (f *shipForm) setHeld(held []api.Batch) {
	f.held = held
	var opts []string
	for _, b := range held {
		opts = append(opts, f.u.heldLabel(b))
	}
	f.batch.Options = opts
	if !slices.Contains(opts, f.batch.Selected) {
		f.batch.ClearSelected()
	}
	f.batch.Refresh()
	f.validate()
}

// loadOrgs reads the organisations the node knows, for "Send to".
func (f *shipForm) loadOrgs() {
	newest(f.u, &f.orgLoads, f.u.t("forms.do.listOrgs"), f.u.svc.Orgs, func(orgs []api.Org) {
		f.orgs = nil
		for _, o := range orgs {
			if o.Key == f.u.ident.Org {
				continue
			}
			f.orgs = append(f.orgs, o)
		}
		f.offerOrgs()
	}, nil)
}

// offerOrgs offers the organisations the search matches (all of them
// when it is empty), keeping the one chosen, and says why none is offered
// when none is.
func (f *shipForm) offerOrgs() {
	q := strings.ToLower(strings.TrimSpace(f.toSearch.Text))
	var opts []string
	for _, o := range f.orgs {
		if l := f.orgLabel(o); q == "" || strings.Contains(strings.ToLower(l), q) {
			opts = append(opts, l)
		}
	}
	f.to.Options = opts
	f.to.PlaceHolder = f.u.t("forms.sendToChoose")
	switch {
	case len(f.orgs) == 0:
		f.to.PlaceHolder = f.u.t("forms.sendToNone")
		f.toHint.SetText(f.u.t("forms.sendToNoneHint"))
	case len(opts) == 0:
		f.toHint.SetText(f.u.t("forms.sendToNoMatch", "search", strings.TrimSpace(f.toSearch.Text), "n", len(f.orgs)))
	}
	f.fm.setVisible(f.toSearch, len(f.orgs) > 0)
	f.fm.setVisible(f.toHint, len(opts) == 0)
	if f.to.Selected != "" && !slices.Contains(opts, f.to.Selected) && !slices.ContainsFunc(f.orgs, func(o api.Org) bool { return f.orgLabel(o) == f.to.Selected }) {
		f.to.ClearSelected()
	}
	f.to.Refresh()
	f.validate()
}

// orgLabel names an organisation in a choice.
func (f *shipForm) orgLabel(o api.Org) string {
	s := o.Name
	if o.Country != "" {
		s += " (" + o.Country + ")"
	}
	if o.Endorsed {
		s += " ✓ " + f.u.t("forms.ship.endorsed")
	}
	return s
}

func (f *shipForm) heldBatch() (api.Batch, bool) {
	for _, b := range f.held {
		if f.u.heldLabel(b) == f.batch.Selected {
			return b, true
		}
	}
	return api.Batch{}, false
}

func (f *shipForm) body() *protocol.Transfer {
	b := &protocol.Transfer{}
	hb, ok := f.heldBatch()
	switch {
	case len(f.held) == 0:
		f.fm.fail("body.batch", f.u.t("forms.ship.noneHeld"))
	case !ok:
		f.fm.fail("body.batch", f.u.t("forms.ship.chooseBatch"))
	}
	b.Batch = hb.ID
	m, msg := f.u.parseAmount(f.amount.Text)
	if msg == "" && ok && m > hb.Left.Milli {
		msg = f.u.t("forms.onlyLeft", "left", formatQty(hb.Left))
	}
	if msg != "" {
		f.fm.fail("body.qty", msg)
		m = 1
	} else {
		f.fm.note("body.qty", f.u.readsAs(f.amount.Text, protocol.Quantity{Milli: m, Unit: hb.Left.Unit}))
	}
	b.Qty = protocol.Quantity{Milli: m, Unit: hb.Left.Unit}
	if !ok {
		b.Qty.Unit = protocol.TNE
	}
	for _, o := range f.orgs {
		if f.orgLabel(o) == f.to.Selected {
			b.To = o.Key
		}
	}
	if b.To.IsZero() {
		f.fm.fail("body.to", f.u.t("forms.ship.chooseTo"))
	}
	for i, d := range f.docs {
		doc := protocol.Document{Kind: clean(d.kind.Text), Ref: clean(d.ref.Text), Hash: d.hash}
		if doc.Kind == protocol.DocDDS && doc.Ref != "" {
			doc = protocol.ParseDDS(doc.Ref)
			doc.Hash = d.hash
		}
		if doc.Ref == "" && doc.Hash == nil {
			continue // a row left empty: no document
		}
		if len(b.Docs) != i {
			// The protocol's paths count documents sent, not rows; keep
			// them in step by reporting a skipped row's successors here.
			f.fm.fail(fmt.Sprintf("body.docs[%d]", i), f.u.t("forms.ship.docAbove"))
		}
		b.Docs = append(b.Docs, doc)
	}
	return b
}

func (f *shipForm) validate() {
	if f.built {
		f.fm.check(f.buildBody)
	}
}

func (f *shipForm) submit() {
	f.fm.submit(f.u, f.validate, f.buildBody, f.u.t("forms.what.shipment"), f.reset)
}

func (f *shipForm) reset() {
	f.batch.ClearSelected()
	f.amount.SetText("")
	f.unit.SetText("")
	f.to.ClearSelected()
	f.docs = nil
	f.addDoc()
	f.fm.touchAll(false)
	f.validate()
}

// buildBody is body as the shared form helpers take it.
func (f *shipForm) buildBody() protocol.Body { return f.body() }
