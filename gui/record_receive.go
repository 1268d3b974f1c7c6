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
	in     api.Incoming
	fm     *form
	amount *selectingEntry
	fQty   *field
}

func newReceiveForm(u *UI, r *recordScreen) *receiveForm {
	f := &receiveForm{u: u, r: r, list: container.NewVBox()}
	f.scroll = container.NewVScroll(page(f.list))
	f.obj = container.NewBorder(page(
		heading("Receive shipments"),
		note("Shipments sent to your organisation that nobody here has confirmed yet. Weigh what arrived, enter it, and confirm: both sides then have signed for the custody of the batch."),
	), nil, nil, nil, f.scroll)
	f.list.Add(widget.NewLabel("Loading…"))
	return f
}

func (f *receiveForm) content() fyne.CanvasObject { return container.NewPadded(f.obj) }

// load reads the incoming transfers.
func (f *receiveForm) load() {
	newest(f.u, &f.loads, "list incoming shipments", f.u.svc.Incoming, f.set, nil)
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
		f.list.Add(widget.NewLabel("Nothing is waiting to be received."))
	}
	f.list.Refresh()
	relayout(f.scroll)
	f.r.setIncoming(len(ins))
}

func (f *receiveForm) newCard(in api.Incoming) *receiveCard {
	c := &receiveCard{in: in, amount: newSelectingEntry()}
	btn := widget.NewButton("Confirm receipt", nil)
	btn.Importance = widget.HighImportance
	c.fm = newForm(btn, "Ready to confirm.")
	c.fm.host = f.scroll
	c.fQty = c.fm.add("body.qty", newField("Arrived", container.NewBorder(nil, nil, nil,
		widget.NewLabel(fmt.Sprintf("%s (sent: %s)", unitSymbol(in.Qty.Unit), formatQty(in.Qty))), c.amount)))
	c.amount.SetText(protocol.FormatMilli(in.Qty.Milli))
	c.amount.OnChanged = touchOnChange(c.fQty, c.validate)
	btn.OnTapped = func() {
		c.validate()
		if !c.fm.valid {
			return
		}
		f.u.publish(c.fm, c.body(), "receipt", func(protocol.Signed) { f.load() })
	}
	c.validate()
	return c
}

func (c *receiveCard) body() *protocol.Receive {
	m, msg := parseAmount(c.amount.Text)
	if msg == "" && m > c.in.Qty.Milli {
		msg = fmt.Sprintf("More than was sent (%s). Confirm what was sent and take the difference up with the sender.", formatQty(c.in.Qty))
	}
	if msg != "" {
		c.fm.fail("body.qty", msg)
		m = 1
	} else {
		c.fm.note("body.qty", readsAs(c.amount.Text, protocol.Quantity{Milli: m, Unit: c.in.Qty.Unit}))
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
		product = "batch " + shortBatch(in.Batch)
	}
	from := in.FromName
	if from == "" {
		from = in.From.Short()
	}
	title := widget.NewLabelWithStyle(fmt.Sprintf("%s %s from %s", formatQty(in.Qty), product, from), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
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
	meta := fmt.Sprintf("Sent %s · batch %s", formatTime(in.Time), shortBatch(in.Batch))
	if len(docs) > 0 {
		meta += " · " + strings.Join(docs, ", ")
	}
	card := widget.NewCard("", "", container.NewVBox(title, note(meta), grid(c.fQty), c.fm.footer()))
	return card
}
