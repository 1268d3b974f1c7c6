package gui

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// recordScreen holds the record forms, one tab each.
type recordScreen struct {
	clock                  *widget.Label // a clock that looks wrong, shown before anything is recorded
	batchLoads, placeLoads latest
	u                      *UI
	tabs                   *container.AppTabs
	origin                 *originForm
	process                *processForm
	ship                   *shipForm
	receive                *receiveForm
	place                  *placeForm
	recvTab                *container.TabItem
}

// Record tab titles.
const (
	tabHarvest = "forms.tab.harvest"
	tabProcess = "forms.tab.process"
	tabShip    = "forms.tab.ship"
	tabReceive = "forms.tab.receive"
	tabPlace   = "forms.tab.places"
)

func newRecordScreen(u *UI) *recordScreen {
	r := &recordScreen{u: u}
	r.origin = newOriginForm(u)
	r.process = newProcessForm(u)
	r.ship = newShipForm(u)
	r.receive = newReceiveForm(u, r)
	r.place = newPlaceForm(u)
	r.recvTab = container.NewTabItem(u.t(tabReceive), r.receive.content())
	r.clock = wrapLabel("")
	r.clock.Importance = widget.DangerImportance
	r.clock.Hide()
	r.tabs = container.NewAppTabs(
		container.NewTabItem(u.t(tabHarvest), scrolled(r.origin.fm, r.origin.content())),
		container.NewTabItem(u.t(tabProcess), scrolled(r.process.fm, r.process.content())),
		container.NewTabItem(u.t(tabShip), scrolled(r.ship.fm, r.ship.content())),
		r.recvTab,
		container.NewTabItem(u.t(tabPlace), scrolled(r.place.fm, r.place.content())),
	)
	return r
}

func (r *recordScreen) content() fyne.CanvasObject {
	return container.NewBorder(r.clock, nil, nil, nil, r.tabs)
}

// setClock shows, above the forms, a warning that this computer's clock
// is plainly wrong ("" hides it): records are dated by it.
func (r *recordScreen) setClock(warning string) {
	if warning == "" {
		r.clock.Hide()
		return
	}
	r.clock.SetText(warning)
	r.clock.Show()
}

// open shows the record tab named by its catalog key (tabHarvest…).
func (r *recordScreen) open(tab string) {
	tab = r.u.t(tab)
	for _, t := range r.tabs.Items {
		if t.Text == tab || strings.HasPrefix(t.Text, tab+" (") {
			r.tabs.Select(t)
		}
	}
}

// setIncoming puts the number of transfers waiting in the Receive tab's
// title.
func (r *recordScreen) setIncoming(n int) {
	r.recvTab.Text = r.u.t(tabReceive)
	if n > 0 {
		r.recvTab.Text = r.u.t("forms.tab.receiveN", "n", n)
	}
	r.tabs.Refresh()
}

// scrolled puts a form in a vertical scroll with some padding; the form
// lays the scroll out again when its lines change.
func scrolled(fm *form, o fyne.CanvasObject) fyne.CanvasObject {
	s := container.NewVScroll(container.NewPadded(o))
	fm.host = s
	return s
}

// loadBatches reads the batches this organisation holds for the process
// and ship forms.
func (r *recordScreen) loadBatches() {
	newest(r.u, &r.batchLoads, r.u.t("forms.do.listHeld"), func(ctx context.Context) ([]api.Batch, error) {
		return r.u.svc.Batches(ctx, api.BatchFilter{Held: true, Limit: 1000})
	}, func(held []api.Batch) {
		r.process.setHeld(held)
		r.ship.setHeld(held)
	}, nil)
}

// loadPlaces reads this organisation's places for the origin and process
// forms.
func (r *recordScreen) loadPlaces() {
	newest(r.u, &r.placeLoads, r.u.t("forms.do.listPlaces"), r.u.svc.Places, func(ps []api.Place) {
		r.origin.setPlaces(ps)
		r.process.setPlaces(ps)
		r.place.setPlaces(ps)
	}, nil)
}

// heldLabel names a batch in a choice of batches held: product, lot, what
// is left and the short ID.
func (u *UI) heldLabel(b api.Batch) string {
	lot := b.Lot
	if lot == "" {
		lot = u.t("forms.noLot")
	}
	return u.t("forms.heldLabel", "product", b.Product, "lot", lot, "left", formatQty(b.Left), "batch", shortBatch(b.ID))
}

// publish publishes body once more checked against the protocol's rules,
// with the form's button disabled while the node works. On success it
// tells the user the record is saved and calls done; on failure it says
// what to do and leaves the form as it was.
func (u *UI) publish(fm *form, body protocol.Body, what string, done func(protocol.Signed)) {
	if fe := checkBody(body); fe != nil {
		// Never hand the node a draft the protocol would reject.
		fm.touchAll(true)
		fm.begin()
		fm.fail(fe.Field, fm.ruleText(fe))
		fm.end()
		return
	}
	// The form keeps its draft's ID until it sees the answer: publishing
	// the same draft again after an answer was lost returns the record it
	// made. A draft edited since is another draft, with an ID of its own.
	said, _ := json.Marshal(body)
	if fm.draftID == "" || !bytes.Equal(said, fm.draftBody) {
		fm.draftID, fm.draftBody = api.NewDraftID(), said
	}
	u.publishDraft(fm, api.Draft{Body: body, ID: fm.draftID}, what, done)
}

// publishDraft publishes d and says how it went. When the records on this
// computer say verification will fail it, it asks first, saying what
// verification will say, and records it only if the person confirms.
func (u *UI) publishDraft(fm *form, d api.Draft, what string, done func(protocol.Signed)) {
	fm.publish.Disable()
	fm.summary.SetText(fm.t("forms.saving"))
	background(u, u.t("forms.do.save", "what", what), func(ctx context.Context) (protocol.Signed, error) {
		return u.svc.Publish(ctx, d)
	}, func(s protocol.Signed) {
		fm.draftID = ""
		done(s)
		u.savedDialog(what, s)
		u.refreshAll()
	}, func(err error) {
		fm.publish.Enable()
		fm.summary.SetText(fm.t("forms.notSaved"))
		var ue *api.UnbackedError
		if errors.Is(err, api.ErrUnbacked) && errors.As(err, &ue) {
			u.confirmUnbacked(fm, d, what, ue, done)
			return
		}
		if errors.Is(err, api.ErrLocked) && d.OrgPassphrase == "" {
			// Signed by the organisation key (a correction of an
			// organisation record): ask for its passphrase, then again.
			u.askOrgPassphrase(u.t("forms.do.save", "what", what), func(pass string) {
				d.OrgPassphrase = pass
				u.publishDraft(fm, d, what, done)
			})
			return
		}
		if !errors.Is(err, api.ErrUnavailable) {
			fm.draftID = "" // certainly not recorded: a new try is a new draft
		}
		u.showError(u.t("forms.do.save", "what", what), err)
	})
}

// confirmUnbacked says what verification will say of a draft the records
// here do not back, and records it anyway only when the person confirms
// (offline capture: the goods are here, their records not yet).
func (u *UI) confirmUnbacked(fm *form, d api.Draft, what string, ue *api.UnbackedError, done func(protocol.Signed)) {
	box := container.NewVBox(wrapLabel(u.t("forms.unbacked.head", "what", what)))
	for _, f := range ue.Findings {
		box.Add(container.NewBorder(nil, nil, container.NewVBox(levelIcon(provenance.LevelFail)), nil, wrapLabel(f.In(u.lang))))
	}
	box.Add(wrapLabel(u.t("forms.unbacked.note")))
	dlg := dialog.NewCustomConfirm(u.t("forms.unbacked.title", "what", what), u.t("forms.unbacked.yes"), u.t("forms.unbacked.no"), box, func(ok bool) {
		if !ok {
			return
		}
		d.Unbacked = true
		u.publishDraft(fm, d, what, done)
	}, u.win)
	dlg.Resize(fyne.NewSize(620, 0))
	dlg.Show()
}

// savedDialog confirms a published record and offers its new batches.
func (u *UI) savedDialog(what string, s protocol.Signed) {
	text := u.t("forms.saved.text", "what", what, "record", shortCID(s.CID))
	box := container.NewVBox(wrapLabel(text))
	outs := protocol.Outputs(s.Body)
	var d dialog.Dialog
	for i, o := range outs {
		id := protocol.BatchID{Record: s.CID, Index: uint32(i)}
		label := u.t("forms.saved.batch", "batch", shortBatch(id), "qty", formatQty(o.Qty), "product", o.Product, "lot", orDash(o.Lot))
		btn := widget.NewButton(u.t("forms.saved.label"), func() {
			d.Hide()
			u.show(screenBatches)
			u.batches.selectBatch(id)
		})
		box.Add(container.NewBorder(nil, nil, nil, btn, widget.NewLabel(label)))
	}
	d = dialog.NewCustom(u.t("forms.saved.title"), u.t("forms.ok"), box, u.win)
	d.Resize(fyne.NewSize(620, 0))
	d.Show()
}

func wrapLabel(s string) *widget.Label {
	l := widget.NewLabel(s)
	l.Wrapping = fyne.TextWrapWord
	return l
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// heading is a screen or section title.
func heading(s string) *widget.Label {
	l := widget.NewLabelWithStyle(s, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = theme.SizeNameSubHeadingText
	return l
}

// note is a line of explanation under a heading.
func note(s string) *widget.Label {
	l := wrapLabel(s)
	return l
}
