package gui

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// Corrections. A record an organisation signed cannot be changed: it is
// corrected by a "correct" record that says what was wrong, and either
// withdraws it (its batches must not be used) or names a replacement of
// the same type with the corrected figures, whose outputs continue the
// old batches (batch <old>/n continues as <new>/n, so printed labels
// still lead to the right history). Verification then shows the
// correction and uses the replacement.

// The two ways to correct a record.
const (
	corrWithdraw = iota
	corrReplace
)

// correctForm is the dialog that corrects the record that made a batch.
type correctForm struct {
	u       *UI
	d       *batchDetail
	rec     protocol.Signed
	fm      *form
	reason  *widget.Entry
	how     *widget.RadioGroup
	qty     []*quantityInput
	lot     []*widget.Entry
	fields  *fyne.Container // the corrected figures, shown for a replacement
	box     *fyne.Container // the form above its buttons
	scroll  *container.Scroll
	dlg     dialog.Dialog
	built   bool
	idRepl  string // draft IDs: a retry after a lost answer makes no second record
	idCorr  string
	lastFix []byte // the replacement those IDs are for
}

// correctable reports whether the batch shown was made by this
// organisation (so it may correct the record that made it).
func (d *batchDetail) correctable() bool {
	return d.u.ident.Ready && !d.b.ID.IsZero() && !d.b.Received && d.b.Maker == d.u.ident.Org
}

// newCorrectButton is the batch detail's "Correct this record…" button.
func (d *batchDetail) newCorrectButton() *widget.Button {
	return widget.NewButtonWithIcon(d.u.t("screens.correct.button"), theme.DocumentCreateIcon(), d.correct)
}

// correct reads the record that made the batch and opens the form.
func (d *batchDetail) correct() {
	if !d.correctable() {
		return
	}
	id := d.b.ID
	background(d.u, "read record "+shortCID(id.Record), func(ctx context.Context) (protocol.Signed, error) {
		return d.u.svc.Get(ctx, id.Record)
	}, func(rec protocol.Signed) {
		c := newCorrectForm(d, rec)
		d.correcting = c
		c.dlg.Show()
	}, nil)
}

func newCorrectForm(d *batchDetail, rec protocol.Signed) *correctForm {
	u := d.u
	c := &correctForm{u: u, d: d, rec: rec, reason: widget.NewMultiLineEntry(), fields: container.NewVBox()}
	c.reason.SetPlaceHolder(u.t("screens.correct.reason_hint"))
	c.reason.Wrapping = fyne.TextWrapWord
	c.reason.SetMinRowsVisible(2)
	publish := widget.NewButtonWithIcon(u.t("screens.correct.publish"), theme.ConfirmIcon(), c.confirm)
	publish.Importance = widget.HighImportance
	c.fm = newForm(publish, u.t("screens.correct.ready"))
	c.fm.action = u.t("screens.correct.action")
	fReason := c.fm.add("body.reason", newField(u.t("screens.correct.reason"), c.reason))
	c.reason.OnChanged = touchOnChange(fReason, c.validate)
	withdraw, replace := u.t("screens.correct.withdraw"), u.t("screens.correct.replace")
	options := []string{withdraw}
	outs := protocol.Outputs(rec.Body)
	if len(outs) > 0 {
		options = append(options, replace)
	}
	c.how = widget.NewRadioGroup(options, func(string) {
		c.fields.Hidden = c.choice() != corrReplace
		if c.scroll != nil {
			c.scroll.Refresh() // lay out again around the figures shown or hidden
		}
		c.validate()
	})
	c.how.Required = true
	var rows []*field
	for i, o := range outs {
		q := newQuantityInput(c.validate)
		q.amount.SetText(protocol.FormatMilli(o.Qty.Milli))
		q.unit.SetSelected(unitSymbol(o.Qty.Unit))
		lot := widget.NewEntry()
		lot.SetText(o.Lot)
		base := fmt.Sprintf("body.out[%d]", i)
		fq := c.fm.add(base+".qty", newField(u.t("screens.correct.qty", "product", o.Product), q.object()))
		fl := c.fm.add(base+".lot", newField(u.t("screens.correct.lot"), lot))
		q.amount.OnChanged = touchOnChange(fq, c.validate)
		lot.OnChanged = touchOnChange(fl, c.validate)
		c.qty, c.lot = append(c.qty, q), append(c.lot, lot)
		rows = append(rows, fq, fl)
	}
	c.fields.Objects = []fyne.CanvasObject{note(u.t("screens.correct.replace_note")), grid(rows...)}
	c.how.SetSelected(withdraw)
	cancel := widget.NewButton(u.t("common.cancel"), func() { c.dlg.Hide() })
	c.box = container.NewVBox(
		wrapLabel(u.t("screens.correct.intro", "type", string(rec.Type()), "record", shortCID(rec.CID), "day", formatDay(recordTime(rec)))),
		grid(fReason),
		c.how,
		c.fields,
	)
	c.scroll = container.NewVScroll(c.box)
	footer := container.NewVBox(widget.NewSeparator(), container.NewBorder(nil, nil, nil, container.NewHBox(cancel, publish), c.fm.summary))
	c.dlg = dialog.NewCustomWithoutButtons(u.t("screens.correct.title", "batch", shortBatch(d.b.ID)), container.NewBorder(nil, footer, nil, nil, c.scroll), u.win)
	c.dlg.Resize(fyne.NewSize(640, 560))
	c.built = true
	c.validate()
	return c
}

// recordTime is when a record says it was signed.
func recordTime(r protocol.Signed) time.Time { return time.UnixMilli(r.Time) }

// choice is how the person wants to correct the record.
func (c *correctForm) choice() int {
	if c.how.Selected == c.u.t("screens.correct.replace") {
		return corrReplace
	}
	return corrWithdraw
}

// replacement is the record with the corrected figures, read from the
// form (failing what cannot be read); nil when withdrawing.
func (c *correctForm) replacement() protocol.Body {
	if c.choice() != corrReplace {
		return nil
	}
	switch b := c.rec.Body.(type) {
	case *protocol.Origin:
		o := *b
		o.Out = slices.Clone(b.Out)
		c.fix(o.Out)
		return &o
	case *protocol.Process:
		p := *b
		p.Out = slices.Clone(b.Out)
		c.fix(p.Out)
		return &p
	}
	return nil
}

// fix puts the typed figures into outs.
func (c *correctForm) fix(outs []protocol.Output) {
	for i := range outs {
		base := fmt.Sprintf("body.out[%d]", i)
		q, msg := c.qty[i].value(c.u)
		if msg != "" {
			c.fm.fail(base+".qty", msg)
		} else {
			outs[i].Qty = q
			c.fm.note(base+".qty", c.u.readsAs(c.qty[i].amount.Text, q))
		}
		outs[i].Lot = clean(c.lot[i].Text)
	}
}

// bodies are the correction and its replacement (nil when withdrawing).
func (c *correctForm) bodies() (*protocol.Correct, protocol.Body) {
	corr := &protocol.Correct{Record: c.rec.CID, Reason: clean(c.reason.Text)}
	repl := c.replacement()
	if repl != nil {
		corr.By = &protocol.CID{} // set once the replacement is signed
	}
	return corr, repl
}

// validate checks the form as it is typed: a reason is required, and a
// replacement must change something and keep to the protocol's rules.
func (c *correctForm) validate() {
	if !c.built {
		return
	}
	c.fm.begin()
	corr, repl := c.bodies()
	if corr.Reason == "" {
		c.fm.fail("body.reason", c.u.t("screens.correct.err.reason"))
	}
	if repl != nil && c.fm.valid {
		old, _ := json.Marshal(c.rec.Body)
		now, _ := json.Marshal(repl)
		if string(old) == string(now) {
			c.fm.fail("", c.u.t("screens.correct.err.same"))
		}
	}
	if c.fm.valid {
		check := *corr
		if check.By != nil {
			k := protocol.ComputeCID([]byte("replacement"))
			check.By = &k
		}
		c.fm.checkDraft(&check)
		if repl != nil {
			c.fm.checkDraft(repl)
		}
	}
	c.fm.end()
}

// confirm says what the correction will do, and publishes it when the
// person agrees.
func (c *correctForm) confirm() {
	c.validate()
	if !c.fm.valid {
		c.fm.touchAll(true)
		c.validate()
		return
	}
	text := c.u.t("screens.correct.confirm_withdraw")
	if c.choice() == corrReplace {
		text = c.u.t("screens.correct.confirm_replace")
	}
	dialog.ShowConfirm(c.u.t("screens.correct.confirm_title"), text, func(ok bool) {
		if ok {
			c.publish()
		}
	}, c.u.win)
}

// publish signs the replacement, if any, then the correction naming it.
// The replacement of a processing run uses the same inputs as the record
// it replaces, which the node would count twice until the correction is
// signed a moment later: it is published as unbacked.
func (c *correctForm) publish() {
	corr, repl := c.bodies()
	said, _ := json.Marshal(struct {
		C *protocol.Correct
		R protocol.Body
	}{corr, repl})
	if c.idCorr == "" || string(said) != string(c.lastFix) {
		c.idRepl, c.idCorr, c.lastFix = api.NewDraftID(), api.NewDraftID(), said
	}
	_, process := repl.(*protocol.Process)
	idRepl, idCorr := c.idRepl, c.idCorr
	c.fm.publish.Disable()
	c.fm.summary.SetText(c.u.t("screens.correct.saving"))
	index := c.d.b.ID.Index
	background(c.u, "correct record "+shortCID(corr.Record), func(ctx context.Context) (protocol.BatchID, error) {
		var now protocol.BatchID
		if repl != nil {
			r, err := c.u.svc.Publish(ctx, api.Draft{Body: repl, ID: idRepl, Unbacked: process})
			if err != nil {
				return now, err
			}
			corr.By = &r.CID
			now = protocol.BatchID{Record: r.CID, Index: index}
		}
		_, err := c.u.svc.Publish(ctx, api.Draft{Body: corr, ID: idCorr})
		return now, err
	}, func(now protocol.BatchID) {
		c.idCorr = ""
		c.dlg.Hide()
		c.d.corrected(corr.Reason, now)
	}, func(err error) {
		c.fm.publish.Enable()
		c.fm.summary.SetText(c.u.t("screens.correct.not_saved"))
		c.u.showError("correct the record", err)
	})
}

// corrected shows, after a correction, the batch that continues the
// corrected one (zero: it was withdrawn), and what was corrected.
func (d *batchDetail) corrected(reason string, now protocol.BatchID) {
	u := d.u
	old := d.b.ID
	if now.IsZero() {
		u.info(u.t("screens.correct.done_title"), u.t("screens.correct.done_withdrawn", "batch", shortBatch(old), "reason", reason))
		d.obj.Objects = []fyne.CanvasObject{container.NewPadded(wrapLabel(u.t("screens.correct.withdrawn", "batch", shortBatch(old), "reason", reason)))}
		d.obj.Refresh()
		u.batches.chosen = protocol.BatchID{}
		u.refreshAll()
		return
	}
	u.batches.chosen = now
	u.refreshAll()
	u.info(u.t("screens.correct.done_title"), u.t("screens.correct.done_replaced", "old", shortBatch(old), "new", shortBatch(now), "reason", reason))
	d.corrNote.SetText(u.t("screens.correct.note", "old", shortBatch(old), "reason", reason))
	d.corrNote.Show()
	d.noteFor = now
}
