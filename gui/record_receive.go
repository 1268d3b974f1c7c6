package gui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// receiveForm lists the transfers addressed to this organisation that
// nobody here has confirmed yet, each with the quantity that arrived and
// a button to confirm it.
type receiveForm struct {
	loads  latest // of the incoming shipments
	u      *UI
	r      *recordScreen
	list   *fyne.Container
	scroll *container.Scroll
	cards  []*receiveCard
	loaded bool
	obj    fyne.CanvasObject
}

// receiveCard is one incoming transfer.
type receiveCard struct {
	u      *UI
	in     api.Incoming
	fm     *form
	amount *selectingEntry
	fQty   *field
}

func newReceiveForm(u *UI, r *recordScreen) *receiveForm {
	f := &receiveForm{u: u, r: r, list: container.NewVBox()}
	f.scroll = container.NewVScroll(page(f.list))
	f.obj = container.NewBorder(page(
		heading(u.t("forms.receive.title")),
		note(u.t("forms.receive.note")),
	), nil, nil, nil, f.scroll)
	f.list.Add(widget.NewLabel(u.t("forms.loading")))
	return f
}

func (f *receiveForm) content() fyne.CanvasObject { return container.NewPadded(f.obj) }

// load reads the incoming transfers.
func (f *receiveForm) load() {
	newest(f.u, &f.loads, f.u.t("forms.do.listIncoming"), f.u.svc.Incoming, f.set, nil)
}

func (f *receiveForm) set(ins []api.Incoming) {
	f.loaded = true
	f.cards = nil
	f.list.Objects = nil
	for _, in := range ins {
		c := f.newCard(in)
		f.cards = append(f.cards, c)
	}
	for _, c := range f.cards {
		f.list.Add(c.object())
	}
	if len(ins) == 0 {
		f.list.Add(widget.NewLabel(f.u.t("forms.receive.none")))
	}
	f.list.Refresh()
	relayout(f.scroll)
	f.r.setIncoming(len(ins))
}

func (f *receiveForm) newCard(in api.Incoming) *receiveCard {
	c := &receiveCard{u: f.u, in: in, amount: newSelectingEntry()}
	btn := widget.NewButton(f.u.t("forms.receive.confirm"), nil)
	btn.Importance = widget.HighImportance
	c.fm = f.u.newForm(btn, f.u.t("forms.receive.ready"))
	c.fm.host = f.scroll
	c.fQty = c.fm.add("body.qty", newField(f.u.t("forms.receive.arrived"), container.NewBorder(nil, nil, nil,
		widget.NewLabel(f.u.t("forms.receive.sent", "unit", in.Qty.Unit.Symbol(), "sent", in.Qty.Text())), c.amount)))
	c.amount.SetText(protocol.FormatMilli(in.Qty.Milli))
	c.amount.OnChanged = touchOnChange(c.fQty, c.validate)
	btn.OnTapped = func() {
		c.validate()
		if !c.fm.valid {
			return
		}
		f.u.publish(c.fm, c.body(), f.u.t("forms.what.receipt"), func(protocol.Signed) { f.load() })
	}
	c.validate()
	return c
}

func (c *receiveCard) body() *protocol.Receive {
	m, msg := c.u.parseAmount(c.amount.Text)
	if msg == "" && m > c.in.Qty.Milli {
		msg = c.u.t("forms.receive.more", "sent", formatQty(c.in.Qty))
	}
	if msg != "" {
		c.fm.fail("body.qty", msg)
		m = 1
	} else {
		c.fm.note("body.qty", c.u.readsAs(c.amount.Text, protocol.Quantity{Milli: m, Unit: c.in.Qty.Unit}))
	}
	return &protocol.Receive{Transfer: c.in.Transfer, Qty: protocol.Quantity{Milli: m, Unit: c.in.Qty.Unit}}
}

func (c *receiveCard) validate() {
	c.fm.begin()
	b := c.body()
	if c.fm.valid {
		c.fm.checkDraft(b)
	}
	c.fm.end()
}

func (c *receiveCard) object() fyne.CanvasObject {
	in := c.in
	product := in.Product
	if product == "" {
		product = c.u.t("forms.receive.batch", "batch", shortBatch(in.Batch))
	}
	from := in.FromName
	if from == "" {
		from = in.From.Short()
	}
	title := widget.NewLabelWithStyle(c.u.t("forms.receive.card", "qty", formatQty(in.Qty), "product", product, "from", from), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	var docs []string
	for _, d := range in.Docs {
		s := d.Kind
		if d.Ref != "" {
			s += " " + d.Ref
		}
		if len(d.Hash) > 0 {
			s += fmt.Sprintf(" (SHA-256 %x…)", d.Hash[:4])
		}
		docs = append(docs, s)
	}
	meta := c.u.t("forms.receive.meta", "time", formatTime(in.Time), "batch", shortBatch(in.Batch))
	if len(docs) > 0 {
		meta += " · " + strings.Join(docs, ", ")
	}
	card := widget.NewCard("", "", container.NewVBox(title, note(meta), grid(c.fQty), c.fm.footer()))
	return card
}
