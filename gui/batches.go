package gui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/printout"
)

// Batch filters, as catalog keys.
const (
	filterAll      = "batches.filter.all"
	filterMade     = "batches.filter.made"
	filterReceived = "batches.filter.received"
)

// batchesScreen lists this organisation's batches, made and received,
// searchable by lot code, product, ID and date, with the chosen batch's
// details and label beside the list.
type batchesScreen struct {
	u              *UI
	search         *widget.Entry
	since          *widget.Entry
	loads, details latest
	which          *widget.RadioGroup
	list           *widget.List
	count          *widget.Label
	items          []api.Batch
	detail         *batchDetail
	chosen         protocol.BatchID
	split          *container.Split
}

func newBatchesScreen(u *UI) *batchesScreen {
	s := &batchesScreen{u: u, detail: newBatchDetail(u)}
	s.search = widget.NewEntry()
	s.search.SetPlaceHolder(u.t("screens.batches.search"))
	s.search.OnChanged = func(string) { s.load() }
	s.since = widget.NewEntry()
	s.since.SetPlaceHolder(u.t("batches.since"))
	s.since.OnChanged = func(string) { s.load() }
	s.which = widget.NewRadioGroup([]string{u.t(filterAll), u.t(filterMade), u.t(filterReceived)}, func(string) { s.load() })
	s.which.Horizontal = true
	s.which.Required = true
	s.which.Selected = u.t(filterAll)
	s.count = note("")
	s.list = widget.NewList(func() int { return len(s.items) }, func() fyne.CanvasObject {
		top := widget.NewLabelWithStyle("product", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		top.Truncation = fyne.TextTruncateEllipsis
		sub := widget.NewLabel("details")
		sub.Truncation = fyne.TextTruncateEllipsis
		return container.NewVBox(top, sub)
	}, func(i widget.ListItemID, o fyne.CanvasObject) {
		b := s.items[i]
		box := o.(*fyne.Container)
		box.Objects[0].(*widget.Label).SetText(s.u.batchTitle(b))
		box.Objects[1].(*widget.Label).SetText(s.u.batchSubtitle(b))
	})
	s.list.OnSelected = func(i widget.ListItemID) {
		if i < len(s.items) {
			s.chosen = s.items[i].ID
			s.detail.set(s.items[i])
		}
	}
	since := container.NewGridWrap(fyne.NewSize(170, s.since.MinSize().Height), s.since)
	printLabels := widget.NewButtonWithIcon(u.t("print.button.labels"), theme.DocumentPrintIcon(), s.printLabels)
	head := container.NewVBox(heading(u.t("shell.nav.batches")), container.NewBorder(nil, nil, nil, since, s.search), s.which, s.count)
	left := container.NewBorder(head, container.NewHBox(printLabels), nil, nil, s.list)
	s.split = container.NewHSplit(left, s.detail.content())
	s.split.Offset = 0.42
	return s
}

func (s *batchesScreen) content() fyne.CanvasObject { return s.split }

// batchTitle is a batch's first line in the list: "CPO · lot KSBL-CPO-0307".
func (u *UI) batchTitle(b api.Batch) string {
	if b.Lot == "" {
		return b.Product + " · " + shortBatch(b.ID)
	}
	return u.t("batches.title_lot", "product", b.Product, "lot", b.Lot)
}

// batchSubtitle is the second line: quantity, what is left, when and
// where from.
func (u *UI) batchSubtitle(b api.Batch) string {
	s := u.t("batches.subtitle", "held", formatQty(b.Held), "left", formatQty(b.Left), "day", formatDay(b.Made))
	if b.Received {
		s += u.t("batches.from", "maker", orDash(b.MakerName))
	}
	return s
}

// filter is what the search fields ask for.
func (s *batchesScreen) filter() (api.BatchFilter, string) {
	f := api.BatchFilter{Text: strings.TrimSpace(s.search.Text), Limit: 500}
	switch s.which.Selected {
	case s.u.t(filterMade):
		f.Made = true
	case s.u.t(filterReceived):
		f.Received = true
	}
	if t := strings.TrimSpace(s.since.Text); t != "" {
		d, err := time.ParseInLocation(dayLayout, t, time.Local)
		if err != nil {
			return f, s.u.t("screens.batches.bad_day")
		}
		f.Since = d
	}
	return f, ""
}

// load reads the batches that match the search.
func (s *batchesScreen) load() {
	f, msg := s.filter()
	if msg != "" {
		s.count.SetText(msg)
		return
	}
	newest(s.u, &s.loads, s.u.t("batches.op_list"), func(ctx context.Context) ([]api.Batch, error) {
		return s.u.svc.Batches(ctx, f)
	}, s.set, func(err error) { s.count.SetText(s.u.explain(s.u.t("batches.op_list"), err)) })
}

func (s *batchesScreen) set(bs []api.Batch) {
	s.items = bs
	s.list.UnselectAll()
	s.list.Refresh()
	switch len(bs) {
	case 0:
		s.count.SetText(s.u.t("screens.batches.none"))
	default:
		s.count.SetText(s.u.t("screens.batches.count", "n", len(bs)))
	}
	for i, b := range bs {
		if b.ID == s.chosen {
			s.list.Select(i)
			return
		}
	}
	if len(bs) > 0 && s.chosen.IsZero() {
		s.list.Select(0)
	}
}

// selectBatch shows batch id, even if the search hides it.
func (s *batchesScreen) selectBatch(id protocol.BatchID) {
	s.chosen = id
	for i, b := range s.items {
		if b.ID == id {
			s.list.Select(i)
			return
		}
	}
	newest(s.u, &s.details, s.u.t("batches.op_read", "batch", shortBatch(id)), func(ctx context.Context) (api.Batch, error) {
		return s.u.svc.Batch(ctx, id)
	}, s.detail.set, nil)
}

// printLabels asks which of the batches listed to print labels of, the
// one shown ticked, and prints them on a sheet (or a roll, or as ZPL).
func (s *batchesScreen) printLabels() {
	u := s.u
	if len(s.items) == 0 {
		u.info(u.t("print.pick.title"), u.t("print.pick.empty"))
		return
	}
	items := append([]api.Batch(nil), s.items...)
	checks := make([]*widget.Check, len(items))
	rows := container.NewVBox()
	for i, b := range items {
		checks[i] = widget.NewCheck(u.batchTitle(b)+" — "+u.batchSubtitle(b), nil)
		checks[i].Checked = b.ID == s.chosen
		rows.Add(checks[i])
	}
	all := widget.NewButton(u.t("print.pick.all"), func() {
		for _, c := range checks {
			c.SetChecked(true)
		}
	})
	none := widget.NewButton(u.t("print.pick.none"), func() {
		for _, c := range checks {
			c.SetChecked(false)
		}
	})
	scroll := container.NewVScroll(rows)
	scroll.SetMinSize(fyne.NewSize(480, 300))
	content := container.NewBorder(container.NewVBox(note(u.t("print.pick.note")), container.NewHBox(all, none)), nil, nil, nil, scroll)
	dialog.ShowCustomConfirm(u.t("print.pick.title"), u.t("print.pick.next"), u.t("common.cancel"), content, func(ok bool) {
		if !ok {
			return
		}
		var labels []printout.Label
		for i, c := range checks {
			if c.Checked {
				labels = append(labels, u.printLabel(items[i]))
			}
		}
		if len(labels) == 0 {
			u.info(u.t("print.pick.title"), u.t("print.pick.nothing"))
			return
		}
		u.printDialog(u.labelJob(labels, u.t("print.what.labels", "n", len(labels)), fmt.Sprintf("jejak-labels-%d", len(labels))))
	}, u.win)
}

// copyButton copies text to the clipboard.
func (u *UI) copyButton(label string, text func() string) *widget.Button {
	return widget.NewButtonWithIcon(label, theme.ContentCopyIcon(), func() {
		u.app.Clipboard().SetContent(text())
	})
}
