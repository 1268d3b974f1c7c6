package gui

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/epcis"
)

// draftCard is one draft of an imported document in the review dialog.
type draftCard struct {
	sign   *widget.Button
	status *widget.Label
}

// reviewDrafts shows the drafts an EPCIS document became, each with what
// it would record, what must still be filled in, and a Sign button that
// publishes it as this organisation's record (refused, with the reason,
// while it breaks a rule). Fields the document has that no Jejak record
// holds are listed, never dropped silently. sum is the SHA-256 of the
// document's bytes: a draft's ID is made from it, so that signing draft i
// of one document twice gives one record, and draft i of another document
// of the same name its own.
func (u *UI) reviewDrafts(file string, sum [sha256.Size]byte, doc *epcis.Result) {
	idx := doc.Unsigned()
	needs := map[int][]string{}
	for _, r := range doc.Unresolved {
		line := fmt.Sprintf("%s: %s %s", r.Field, r.Kind, r.URI)
		if r.Hint != "" {
			line += " (" + r.Hint + ")"
		}
		needs[r.Draft] = append(needs[r.Draft], line)
	}
	list := container.NewVBox()
	u.draftCards = nil
	for _, i := range idx {
		d := doc.Drafts[i]
		body, _ := json.MarshalIndent(d.Body, "", "  ")
		text := widget.NewLabel(string(body))
		text.TextStyle.Monospace = true
		text.Wrapping = fyne.TextWrapBreak
		c := &draftCard{status: wrapLabel("")}
		if n := needs[i]; len(n) > 0 {
			c.status.SetText(u.t("drafts.to_fill") + "\n" + strings.Join(n, "\n"))
		}
		body2, draftID := d.Body, fmt.Sprintf("epcis %x %d", sum[:8], i)
		c.sign = widget.NewButton(u.t("drafts.sign"), func() {
			c.sign.Disable()
			background(u, u.t("drafts.op_sign"), func(ctx context.Context) (protocol.Signed, error) {
				return u.svc.Publish(ctx, api.Draft{Body: body2, ID: draftID})
			}, func(rec protocol.Signed) {
				c.status.SetText(u.t("drafts.recorded_as", "cid", shortCID(rec.CID)))
			}, func(err error) {
				c.sign.Enable()
				c.status.SetText(u.t("drafts.not_signed", "why", detail(err)))
			})
		})
		u.draftCards = append(u.draftCards, c)
		head := widget.NewLabelWithStyle(u.t("drafts.from", "type", d.Body.Type(), "path", d.Path), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		list.Add(container.NewVBox(head, text, c.status, container.NewHBox(c.sign), widget.NewSeparator()))
	}
	var unmapped []string
	for _, m := range doc.Unmapped {
		unmapped = append(unmapped, fmt.Sprintf("%s = %s: %s", m.Path, m.Value, m.Reason))
	}
	if len(unmapped) > 0 {
		l := widget.NewLabel(strings.Join(unmapped, "\n"))
		l.Wrapping = fyne.TextWrapWord
		list.Add(widget.NewLabelWithStyle(u.t("drafts.unmapped", "n", len(unmapped)), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		list.Add(l)
	}
	head := wrapLabel(u.t("drafts.head", "file", file, "n", len(idx)))
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(620, 360))
	d := dialog.NewCustom(u.t("drafts.title"), u.t("common.close"), container.NewBorder(head, nil, nil, nil, scroll), u.win)
	d.Resize(fyne.NewSize(700, 520))
	d.Show()
}
