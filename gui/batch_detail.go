package gui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// batchDetail shows one batch: its figures, where it went, and its label.
type batchDetail struct {
	u     *UI
	b     api.Batch
	title *widget.Label
	facts *fyne.Container
	uses  *widget.Label
	label *canvas.Image
	box   *fyne.Container
	empty *widget.Label
	obj   *fyne.Container

	correctBtn *widget.Button // for the organisation's own records
	corrNote   *widget.Label  // what was corrected, on the batch that continues it
	noteFor    protocol.BatchID
	correcting *correctForm // the correction form opened last
	// resetMap empties the map of origins for another batch.
	resetMap func()
}

func newBatchDetail(u *UI) *batchDetail {
	d := &batchDetail{u: u, title: heading(""), facts: container.New(layout.NewFormLayout()), uses: wrapLabel("")}
	d.label = canvas.NewImageFromImage(nil)
	d.label.FillMode = canvas.ImageFillContain
	d.label.SetMinSize(fyne.NewSize(labelWidth*0.6, labelHeight*0.6))
	save := widget.NewButtonWithIcon(u.t("screens.detail.save_label"), theme.DocumentSaveIcon(), d.saveLabel)
	verify := widget.NewButtonWithIcon(u.t("verify.graph.verify"), theme.SearchIcon(), func() {
		u.show(screenVerify)
		u.verify.run(d.b.ID)
	})
	verify.Importance = widget.HighImportance
	copyID := u.copyButton(u.t("verify.graph.copy"), func() string { return d.b.ID.String() })
	printLabel := widget.NewButtonWithIcon(u.t("print.button.label"), theme.DocumentPrintIcon(), d.print)
	labelCard := widget.NewCard(u.t("screens.detail.label"), "",
		container.NewVBox(note(u.t("screens.detail.label_note")), container.NewHBox(d.label), container.NewHBox(save, printLabel), container.NewHBox(copyID)))
	d.correctBtn = d.newCorrectButton()
	d.corrNote = wrapLabel("")
	d.corrNote.Importance = widget.WarningImportance
	d.corrNote.Hide()
	originsCard, resetMap := newBatchOrigins(u, func() protocol.BatchID { return d.b.ID }, func() { d.obj.Refresh() })
	d.resetMap = resetMap
	d.box = container.NewVBox(
		container.NewBorder(nil, nil, nil, verify, d.title),
		d.corrNote,
		d.facts,
		container.NewHBox(d.correctBtn),
		widget.NewLabelWithStyle(u.t("screens.detail.where"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		d.uses,
		labelCard,
		originsCard,
	)
	d.empty = note(u.t("screens.detail.empty"))
	d.obj = container.NewStack(container.NewPadded(d.empty))
	return d
}

func (d *batchDetail) content() fyne.CanvasObject { return d.obj }

// set shows batch b.
func (d *batchDetail) set(b api.Batch) {
	d.b = b
	d.title.SetText(d.u.batchTitle(b))
	d.correctBtn.Hidden = !d.correctable()
	d.corrNote.Hidden = b.ID != d.noteFor
	u := d.u
	maker := orDash(b.MakerName)
	if b.Maker == u.ident.Org {
		maker = u.t("screens.detail.you", "org", maker)
	}
	held := formatQty(b.Held)
	if b.Received {
		held = u.t("screens.detail.received", "qty", held)
	}
	left := formatQty(b.Left)
	if b.Left.Milli <= 0 {
		left = u.t("screens.detail.all_used", "qty", left)
	}
	const idRow, leftRow = 0, 3
	facts := [][2]string{
		{u.t("screens.detail.id"), b.ID.String()},
		{u.t("screens.detail.made"), u.t("screens.detail.made_text", "qty", formatQty(b.Qty), "product", b.Product, "when", formatTime(b.Made), "maker", maker)},
		{u.t("screens.detail.held"), held},
		{u.t("screens.detail.left"), left},
		{u.t("screens.detail.claim"), claimText(b.Claim)},
	}
	d.facts.Objects = nil
	for i, f := range facts {
		v := widget.NewLabel(f[1])
		v.Wrapping = fyne.TextWrapWord
		if i == idRow {
			v.TextStyle.Monospace = true
			v.Wrapping = fyne.TextWrapBreak
		}
		if i == leftRow && b.Left.Milli <= 0 {
			v.Importance = widget.LowImportance
		}
		d.facts.Add(widget.NewLabelWithStyle(f[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		d.facts.Add(v)
	}
	d.facts.Refresh()
	d.uses.SetText(d.usesText(b, d.u.ident.Org))
	d.resetMap()
	if img, err := renderLabel(d.info()); err == nil {
		d.label.Image = img
		d.label.Refresh()
	}
	d.obj.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(d.box))}
	d.obj.Refresh()
	d.u.updateMenu()
}

func (d *batchDetail) info() labelInfo { return labelOf(d.u, d.b) }

// usesText lists where a batch went, one line each. The transfer that
// brought a received batch to this organisation (me) is how it came, not
// where it went.
func (d *batchDetail) usesText(b api.Batch, me protocol.PublicKey) string {
	t := d.u.t
	if len(b.Uses) == 0 {
		return t("screens.detail.unused")
	}
	var lines []string
	for _, u := range b.Uses {
		who := ""
		if !u.Mine {
			who = " " + t("screens.detail.by_other")
		}
		day, qty, rec := formatDay(u.Time), formatQty(u.Qty), shortCID(u.Record)
		switch {
		case u.Type == protocol.TypeTransfer && u.To == me && !u.Mine:
			lines = append(lines, t("screens.detail.came", "day", day, "qty", qty, "record", rec))
		case u.Type == protocol.TypeTransfer:
			lines = append(lines, t("screens.detail.sent", "day", day, "qty", qty, "to", orDash(u.ToName), "who", who, "record", rec))
		default:
			lines = append(lines, t("screens.detail.processed", "day", day, "qty", qty, "who", who, "record", rec))
		}
	}
	return strings.Join(lines, "\n")
}

func (d *batchDetail) saveLabel() {
	name := "jejak-label-" + strings.ReplaceAll(orDash(d.b.Lot), "/", "-") + ".png"
	d.u.files.save(d.u.t("screens.detail.save_title"), name, func(path string) {
		if err := saveLabel(path, d.info()); err != nil {
			d.u.showError("save the label", err)
			return
		}
		d.u.info(d.u.t("screens.detail.saved_title"), d.u.t("screens.detail.saved", "path", path))
	})
}
