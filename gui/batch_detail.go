package gui

import (
	"fmt"
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
}

func newBatchDetail(u *UI) *batchDetail {
	d := &batchDetail{u: u, title: heading(""), facts: container.New(layout.NewFormLayout()), uses: wrapLabel("")}
	d.label = canvas.NewImageFromImage(nil)
	d.label.FillMode = canvas.ImageFillContain
	d.label.SetMinSize(fyne.NewSize(labelWidth*0.6, labelHeight*0.6))
	save := widget.NewButtonWithIcon("Save label as PNG…", theme.DocumentSaveIcon(), d.saveLabel)
	verify := widget.NewButtonWithIcon("Verify this batch", theme.SearchIcon(), func() {
		u.show(screenVerify)
		u.verify.run(d.b.ID)
	})
	verify.Importance = widget.HighImportance
	copyID := u.copyButton("Copy ID", func() string { return d.b.ID.String() })
	printLabel := widget.NewButtonWithIcon(u.t("print.button.label"), theme.DocumentPrintIcon(), d.print)
	labelCard := widget.NewCard("Label", "",
		container.NewVBox(note("50 × 30 mm at 300 dpi, for a thermal label printer."), container.NewHBox(d.label), container.NewHBox(save, printLabel, copyID)))
	d.box = container.NewVBox(
		container.NewBorder(nil, nil, nil, verify, d.title),
		d.facts,
		widget.NewLabelWithStyle("Where it went", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		d.uses,
		labelCard,
	)
	d.empty = note("Choose a batch on the left to see its details and its QR label.")
	d.obj = container.NewStack(container.NewPadded(d.empty))
	return d
}

func (d *batchDetail) content() fyne.CanvasObject { return d.obj }

// set shows batch b.
func (d *batchDetail) set(b api.Batch) {
	d.b = b
	d.title.SetText(batchTitle(b))
	maker := orDash(b.MakerName)
	if b.Maker == d.u.ident.Org {
		maker += " (you)"
	}
	facts := [][2]string{
		{"Batch ID", b.ID.String()},
		{"Made", fmt.Sprintf("%s of %s on %s by %s", formatQty(b.Qty), b.Product, formatTime(b.Made), maker)},
		{"Held here", formatQty(b.Held)},
		{"Left", formatQty(b.Left)},
		{"Certification", claimText(b.Claim)},
	}
	if b.Received {
		facts[2][1] += " (received)"
	}
	d.facts.Objects = nil
	for _, f := range facts {
		v := widget.NewLabel(f[1])
		v.Wrapping = fyne.TextWrapWord
		if f[0] == "Batch ID" {
			v.TextStyle.Monospace = true
			v.Wrapping = fyne.TextWrapBreak
		}
		if f[0] == "Left" && b.Left.Milli <= 0 {
			v.Importance = widget.LowImportance
			v.Text += " — all used or sent"
		}
		d.facts.Add(widget.NewLabelWithStyle(f[0], fyne.TextAlignTrailing, fyne.TextStyle{Bold: true}))
		d.facts.Add(v)
	}
	d.facts.Refresh()
	d.uses.SetText(usesText(b, d.u.ident.Org))
	if img, err := renderLabel(d.info()); err == nil {
		d.label.Image = img
		d.label.Refresh()
	}
	d.obj.Objects = []fyne.CanvasObject{container.NewVScroll(container.NewPadded(d.box))}
	d.obj.Refresh()
}

func (d *batchDetail) info() labelInfo { return labelOf(d.u, d.b) }

// usesText lists where a batch went, one line each. The transfer that
// brought a received batch to this organisation (me) is how it came, not
// where it went.
func usesText(b api.Batch, me protocol.PublicKey) string {
	if len(b.Uses) == 0 {
		return "Nothing used or sent yet."
	}
	var lines []string
	for _, u := range b.Uses {
		who := ""
		if !u.Mine {
			who = " (by another organisation)"
		}
		switch {
		case u.Type == protocol.TypeTransfer && u.To == me && !u.Mine:
			lines = append(lines, fmt.Sprintf("%s  %s came to you — record %s", formatDay(u.Time), formatQty(u.Qty), shortCID(u.Record)))
		case u.Type == protocol.TypeTransfer:
			lines = append(lines, fmt.Sprintf("%s  sent %s to %s%s — record %s", formatDay(u.Time), formatQty(u.Qty), orDash(u.ToName), who, shortCID(u.Record)))
		default:
			lines = append(lines, fmt.Sprintf("%s  processed %s%s — record %s", formatDay(u.Time), formatQty(u.Qty), who, shortCID(u.Record)))
		}
	}
	return strings.Join(lines, "\n")
}

func (d *batchDetail) saveLabel() {
	name := "jejak-label-" + strings.ReplaceAll(orDash(d.b.Lot), "/", "-") + ".png"
	d.u.files.save("Save the label", name, func(path string) {
		if err := saveLabel(path, d.info()); err != nil {
			d.u.showError("save the label", err)
			return
		}
		d.u.info("Label saved", "The label is saved as "+path+". Print it at 100 % (actual size) on 50 × 30 mm labels.")
	})
}
