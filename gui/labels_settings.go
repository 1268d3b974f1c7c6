package gui

import (
	"context"
	"maps"
	"slices"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// labelsCard is the Labels card of Identity & trust: the resolver host
// labels name and a GTIN for each product the organisation makes, checked
// as they are typed and saved with Save (to the data folder's config
// file, through the node). The batches' labels use the saved settings at
// once.
type labelsCard struct {
	u        *UI
	saved    func(api.Identity) // hands the new identity to the screen
	resolver *widget.Entry
	resErr   *widget.Label
	deflt    *widget.Label   // the resolver labels name while none is set
	rows     *fyne.Container // a line for each product: name, GTIN, error
	gtins    map[string]*widget.Entry
	gtinErrs map[string]*widget.Label
	save     *widget.Button
	status   *widget.Label
	dirty    bool // the person changed a field since the settings were shown
	filling  bool // set is filling the fields: their changes are not the person's
	obj      *widget.Card
}

func newLabelsCard(u *UI, saved func(api.Identity)) *labelsCard {
	c := &labelsCard{u: u, saved: saved, resolver: widget.NewEntry(), resErr: wrapLabel(""), deflt: note(""), rows: container.NewVBox(),
		gtins: map[string]*widget.Entry{}, gtinErrs: map[string]*widget.Label{}, status: wrapLabel("")}
	c.resolver.SetPlaceHolder(u.t("labels.gui.resolver_hint"))
	c.resolver.OnChanged = func(string) { c.changed() }
	c.resErr.Importance = widget.DangerImportance
	c.resErr.Hide()
	c.save = widget.NewButtonWithIcon(u.t("labels.gui.save"), theme.DocumentSaveIcon(), c.saveSettings)
	c.obj = widget.NewCard(u.t("labels.gui.title"), "", container.NewVBox(
		note(u.t("labels.gui.note")),
		widget.NewLabel(u.t("labels.gui.resolver")), c.resolver, c.resErr, c.deflt,
		widget.NewLabel(u.t("labels.gui.gtins")), c.rows,
		container.NewHBox(c.save), c.status))
	c.set(u.ident)
	return c
}

func (c *labelsCard) content() fyne.CanvasObject { return c.obj }

// set shows id's settings, with a GTIN line for each product of the
// organisation's roles and each product that has a GTIN, unless the person
// is editing them.
func (c *labelsCard) set(id api.Identity) {
	if c.dirty {
		return
	}
	c.filling = true
	defer func() { c.filling = false }()
	if id.LabelResolverDefault {
		c.resolver.SetText("")
		c.deflt.SetText(c.u.t("labels.gui.default", "resolver", id.LabelResolver))
		c.deflt.Show()
	} else {
		c.resolver.SetText(id.LabelResolver)
		c.deflt.Hide()
	}
	products := protocol.ProductsFor(id.Roles)
	for _, p := range slices.Sorted(maps.Keys(id.GTINs)) {
		if !slices.Contains(products, p) {
			products = append(products, p)
		}
	}
	c.rows.RemoveAll()
	c.gtins, c.gtinErrs = map[string]*widget.Entry{}, map[string]*widget.Label{}
	for _, p := range products {
		e := widget.NewEntry()
		e.SetPlaceHolder(c.u.t("labels.gui.gtin_hint"))
		e.SetText(id.GTINs[p])
		e.OnChanged = func(string) { c.changed() }
		msg := wrapLabel("")
		msg.Importance = widget.DangerImportance
		msg.Hide()
		c.gtins[p], c.gtinErrs[p] = e, msg
		name := widget.NewLabel(p)
		c.rows.Add(container.NewBorder(nil, msg, name, nil, e))
	}
	c.rows.Refresh()
	c.check()
}

// changed notes the person's edit and checks the fields.
func (c *labelsCard) changed() {
	if c.filling {
		return
	}
	c.dirty = true
	c.status.SetText("")
	c.check()
}

// check shows under each field what is wrong with it, and allows Save only
// when nothing is. It returns the settings the fields give.
func (c *labelsCard) check() (api.LabelSettings, bool) {
	ok := true
	show := func(l *widget.Label, bad bool, text string) {
		if bad {
			ok = false
			l.SetText(text)
			l.Show()
		} else {
			l.Hide()
		}
	}
	s := api.LabelSettings{Resolver: strings.TrimSpace(c.resolver.Text), GTINs: map[string]string{}}
	show(c.resErr, protocol.CheckResolver(s.Resolver) != nil, c.u.t("labels.gui.bad_resolver"))
	for p, e := range c.gtins {
		g := strings.TrimSpace(e.Text)
		_, err := protocol.CheckGTIN(g)
		show(c.gtinErrs[p], g != "" && err != nil, c.u.t("labels.gui.bad_gtin", "product", p))
		if g != "" {
			s.GTINs[p] = g
		}
	}
	if ok {
		c.save.Enable()
	} else {
		c.save.Disable()
	}
	return s, ok
}

// saveSettings saves the fields' settings and shows the saved ones.
func (c *labelsCard) saveSettings() {
	s, ok := c.check()
	if !ok {
		return
	}
	background(c.u, c.u.t("labels.gui.op_save"), func(ctx context.Context) (api.Identity, error) {
		return c.u.svc.SetLabelSettings(ctx, s)
	}, func(id api.Identity) {
		c.dirty = false
		c.saved(id)
		c.set(id)
		c.status.SetText(c.u.t("labels.gui.saved"))
	}, nil)
}
