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
			c.status.SetText("To fill in before it can be signed (with jejak-node import epcis and record --file):\n" + strings.Join(n, "\n"))
		}
		body2, draftID := d.Body, fmt.Sprintf("epcis %x %d", sum[:8], i)
		c.sign = widget.NewButton("Sign as ours", func() {
			c.sign.Disable()
			background(u, "sign the draft", func(ctx context.Context) (protocol.Signed, error) {
				return u.svc.Publish(ctx, api.Draft{Body: body2, ID: draftID})
			}, func(rec protocol.Signed) {
				c.status.SetText("Recorded as " + shortCID(rec.CID) + ".")
			}, func(err error) {
				c.sign.Enable()
				c.status.SetText("Not signed: " + detail(err) + ".")
			})
		})
		u.draftCards = append(u.draftCards, c)
		head := widget.NewLabelWithStyle(fmt.Sprintf("%s, from %s", d.Body.Type(), d.Path), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		list.Add(container.NewVBox(head, text, c.status, container.NewHBox(c.sign), widget.NewSeparator()))
	}
	var unmapped []string
	for _, m := range doc.Unmapped {
		unmapped = append(unmapped, fmt.Sprintf("%s = %s: %s", m.Path, m.Value, m.Reason))
	}
	if len(unmapped) > 0 {
		l := widget.NewLabel(strings.Join(unmapped, "\n"))
		l.Wrapping = fyne.TextWrapWord
		list.Add(widget.NewLabelWithStyle(fmt.Sprintf("%s of the document with no place in a Jejak record", countOf(len(unmapped), "field", "fields")), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
		list.Add(l)
	}
	head := wrapLabel(fmt.Sprintf("%s holds %s that another system recorded. Review each: signing makes it this organisation's record, which cannot be edited afterwards, only corrected.", file, countOf(len(idx), "event", "events")))
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(620, 360))
	d := dialog.NewCustom("Review imported drafts", "Close", container.NewBorder(head, nil, nil, nil, scroll), u.win)
	d.Resize(fyne.NewSize(700, 520))
	d.Show()
}
