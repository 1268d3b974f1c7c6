package gui

import (
	"encoding/json"
	"errors"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// supplierSection is the Harvest form's "Bought from a supplier who runs
// no Jejak": the supplier's kind, name, ID scheme and ID. The node puts
// only salted commitments to the name and ID in the record, and keeps the
// clear values for the EUDR export and the importer's capsule. The plot is
// a place the mill registers on the Places tab and ticks as usual.
type supplierSection struct {
	of      *originForm
	on      *widget.Check
	kind    *widget.RadioGroup
	name    *widget.Entry
	scheme  *widget.Select
	id      *widget.Entry
	fKind   *field
	fName   *field
	fScheme *field
	fID     *field
	kinds   map[string]string // label shown → protocol kind
	schemes map[string]string // label shown → protocol scheme
	fields  *fyne.Container
	obj     fyne.CanvasObject
}

// newSupplierSection builds the section into the origin form of: its
// fields report to of's form, and editing them validates the form.
func newSupplierSection(of *originForm) *supplierSection {
	u := of.u
	s := &supplierSection{of: of, kinds: map[string]string{}, schemes: map[string]string{}}
	var kindLabels, schemeLabels []string
	for _, k := range protocol.SupplierKinds() {
		l := u.t("supplier.kind." + k)
		s.kinds[l] = k
		kindLabels = append(kindLabels, l)
	}
	for _, sc := range protocol.SupplierSchemes() {
		l := sc
		if sc == protocol.SchemeOther {
			l = u.t("supplier.scheme.other")
		}
		s.schemes[l] = sc
		schemeLabels = append(schemeLabels, l)
	}
	s.kind = widget.NewRadioGroup(kindLabels, nil)
	s.kind.Horizontal = true
	s.name, s.id = widget.NewEntry(), widget.NewEntry()
	s.name.SetPlaceHolder(u.t("supplier.name.placeholder"))
	s.id.SetPlaceHolder(u.t("supplier.id.placeholder"))
	s.scheme = widget.NewSelect(schemeLabels, nil)
	fm := of.fm
	s.fKind = fm.add("supplier.kind", newField(u.t("supplier.kind"), s.kind))
	s.fName = fm.add("supplier.name", newField(u.t("supplier.name"), s.name))
	s.fScheme = fm.add("supplier.scheme", newField(u.t("supplier.scheme"), s.scheme))
	s.fID = fm.add("supplier.id", newField(u.t("supplier.id"), s.id))
	s.kind.OnChanged = touchOnChange(s.fKind, of.validate)
	s.scheme.OnChanged = touchOnChange(s.fScheme, of.validate)
	s.name.OnChanged = touchOnChange(s.fName, of.validate)
	s.id.OnChanged = touchOnChange(s.fID, of.validate)
	s.fields = container.NewVBox(note(u.t("supplier.section.help")), grid(s.fKind, s.fName, s.fScheme, s.fID))
	s.fields.Hide()
	s.on = widget.NewCheck(u.t("supplier.section"), func(on bool) {
		if on {
			s.fields.Show()
		} else {
			s.fields.Hide()
		}
		of.validate()
	})
	s.obj = container.NewVBox(s.on, s.fields)
	s.reset()
	return s
}

func (s *supplierSection) object() fyne.CanvasObject { return s.obj }

// reset empties the section for the next delivery, unticked, with the
// usual kind and scheme of a Malaysian smallholder.
func (s *supplierSection) reset() {
	s.name.SetText("")
	s.id.SetText("")
	s.kind.SetSelected(s.of.u.t("supplier.kind." + protocol.SupplierSmallholder))
	s.scheme.SetSelected(protocol.SchemeMPOB)
	s.on.SetChecked(false)
	for _, f := range []*field{s.fKind, s.fName, s.fScheme, s.fID} {
		f.touched = false
	}
}

// draft returns the supplier as typed (nil when the box is not ticked),
// filing what is wrong with it against its fields.
func (s *supplierSection) draft() *protocol.SupplierDraft {
	d := s.value()
	if d == nil {
		return nil
	}
	fm := s.of.fm
	err := d.Check()
	var fe *protocol.FieldError
	if errors.As(err, &fe) {
		switch {
		case fe.Field == "supplier.kind":
			fm.fail(fe.Field, s.of.u.t("supplier.error.kind"))
		case fe.Field == "supplier.scheme":
			fm.fail(fe.Field, s.of.u.t("supplier.error.scheme"))
		case fe.Field == "supplier.name" && protocol.NormalizeSupplierText(d.Name) == "":
			fm.fail(fe.Field, s.of.u.t("supplier.error.name"))
		case fe.Field == "supplier.id" && protocol.NormalizeSupplierText(d.ID) == "":
			fm.fail(fe.Field, s.of.u.t("supplier.error.id"))
		default:
			fm.fail(fe.Field, fm.ruleText(fe))
		}
	}
	// Every field at once, not just the first the protocol names.
	if protocol.NormalizeSupplierText(d.Name) == "" && (fe == nil || fe.Field != "supplier.name") {
		fm.fail("supplier.name", s.of.u.t("supplier.error.name"))
	}
	if protocol.NormalizeSupplierText(d.ID) == "" && (fe == nil || fe.Field != "supplier.id") {
		fm.fail("supplier.id", s.of.u.t("supplier.error.id"))
	}
	return d
}

// value returns the supplier as typed, nil when the box is not ticked.
func (s *supplierSection) value() *protocol.SupplierDraft {
	if !s.on.Checked {
		return nil
	}
	return &protocol.SupplierDraft{Kind: s.kinds[s.kind.Selected], Scheme: s.schemes[s.scheme.Selected], Name: s.name.Text, ID: s.id.Text}
}

// checked is the origin form's body builder with the section's rules.
func (s *supplierSection) checked(body protocol.Body) protocol.Body {
	s.draft()
	return body
}

// submit publishes the harvest with its supplier, as the form's own
// submit does for a harvest without one.
func (s *supplierSection) submit() {
	of, fm, u := s.of, s.of.fm, s.of.u
	sup := s.value()
	if sup == nil {
		fm.submit(u, of.validate, of.buildBody, u.t("forms.what.harvest"), of.reset)
		return
	}
	of.validate()
	if !fm.valid {
		fm.touchAll(true)
		of.validate()
		return
	}
	body := of.body()
	if fe := checkBody(body); fe != nil {
		fm.touchAll(true)
		of.validate()
		return
	}
	// One draft ID per draft, the supplier included (see UI.publish).
	said, _ := json.Marshal(struct {
		Body     protocol.Body
		Supplier *protocol.SupplierDraft
	}{body, sup})
	if fm.draftID == "" || string(said) != string(fm.draftBody) {
		fm.draftID, fm.draftBody = api.NewDraftID(), said
	}
	u.publishDraft(fm, api.Draft{Body: body, ID: fm.draftID, Supplier: sup}, "harvest", func(protocol.Signed) { of.reset() })
}
