package gui

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// verifyScreen checks a batch: a scan field that a keyboard-wedge scanner
// types into (the ID, then Enter), paste, or a QR image; then the verdict,
// the checks, the graph, the origins and the signers.
type verifyScreen struct {
	runs    latest // verifications begun: only the newest shows
	u       *UI
	scan    *widget.Entry
	forward *widget.Check
	msg     *widget.Label
	demo    *fyne.Container
	result  *fyne.Container
	report  *provenance.Report
	last    protocol.BatchID
	obj     fyne.CanvasObject
}

func newVerifyScreen(u *UI) *verifyScreen {
	v := &verifyScreen{u: u, msg: widget.NewLabel(""), result: container.NewStack(), demo: container.NewHBox()}
	v.msg.Importance = widget.DangerImportance
	v.msg.Wrapping = fyne.TextWrapWord
	v.msg.Hide()
	v.scan = widget.NewEntry()
	v.scan.SetPlaceHolder("Scan a label or paste a batch ID, then press Enter")
	v.scan.TextStyle.Monospace = true
	v.scan.OnSubmitted = v.submit
	v.forward = widget.NewCheck("Trace forward (recall)", func(bool) {
		if !v.last.IsZero() {
			v.run(v.last)
		}
	})
	go1 := widget.NewButtonWithIcon("Verify", theme.SearchIcon(), func() { v.submit(v.scan.Text) })
	go1.Importance = widget.HighImportance
	open := widget.NewButtonWithIcon("Open QR image…", theme.FileImageIcon(), v.openImage)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(go1, open), v.scan)
	top := container.NewVBox(heading("Verify a batch"), bar, v.msg, container.NewBorder(nil, nil, v.forward, v.demo))
	v.result.Objects = []fyne.CanvasObject{container.NewPadded(note("Scan a QR label with a barcode scanner, paste a batch ID, or open a photo of a label.\nJejak traces the batch back to its origins and checks every record on the way."))}
	v.obj = container.NewBorder(top, nil, nil, nil, v.result)
	return v
}

func (v *verifyScreen) content() fyne.CanvasObject { return v.obj }

// focus puts the cursor in the scan field, so the next scan lands there.
func (v *verifyScreen) focus() {
	if c := v.u.win.Canvas(); c != nil {
		c.Focus(v.scan)
	}
}

// setDemo offers the demo network's batches as buttons.
func (v *verifyScreen) setDemo(d Demo) {
	v.demo.Objects = nil
	if len(d.Batches) > 0 {
		v.demo.Add(widget.NewLabel("Try:"))
	}
	for _, b := range d.Batches {
		v.demo.Add(widget.NewButton(b.Label, func() { v.run(b.ID) }))
	}
	v.demo.Refresh()
}

// submit reads what was typed or scanned and verifies it.
func (v *verifyScreen) submit(text string) {
	id, err := protocol.ParseBatchID(text)
	if err != nil {
		v.msg.SetText("That is not a batch ID: " + detail(err) + ". A batch ID looks like bafyrei…/0; scan the QR code on the label or copy the ID from the Batches screen.")
		v.msg.Show()
		// The report below was of another batch: it must not look like the
		// answer to this one.
		v.report = nil
		v.result.Objects = nil
		v.result.Refresh()
		v.focus()
		return
	}
	v.msg.Hide()
	v.scan.SetText("")
	v.run(id)
}

// run verifies id and shows the report.
func (v *verifyScreen) run(id protocol.BatchID) {
	v.last = id
	forward := v.forward.Checked
	v.result.Objects = []fyne.CanvasObject{starting("Tracing " + shortBatch(id) + " and checking every record…")}
	v.result.Refresh()
	newest(v.u, &v.runs, "verify batch "+shortBatch(id), func(ctx context.Context) (*provenance.Report, error) {
		return v.u.svc.Verify(ctx, api.VerifyRequest{Batch: id, Forward: forward})
	}, func(r *provenance.Report) {
		v.show(r)
		v.focus()
	}, func(err error) {
		v.report = nil
		if errors.Is(err, api.ErrNotFound) {
			// Not a verdict: nothing could be judged. Amber, not red: its
			// maker may be offline, or the ID mistyped.
			v.result.Objects = []fyne.CanvasObject{notFoundPanel(detail(err))}
		} else {
			v.result.Objects = []fyne.CanvasObject{container.NewPadded(wrapLabel(explain("verify the batch", err)))}
		}
		v.result.Refresh()
		v.focus()
	})
}

// notFoundPanel says a batch was not found, and why that may be.
func notFoundPanel(why string) fyne.CanvasObject {
	bg := canvas.NewRectangle(tint(colUnendorsed))
	bg.CornerRadius = 6
	head := canvas.NewText("NOT FOUND", colUnendorsed)
	head.TextSize = 28
	head.TextStyle.Bold = true
	return container.NewStack(bg, container.NewPadded(container.NewVBox(head, wrapLabel(why+"."))))
}

// show draws a report.
func (v *verifyScreen) show(r *provenance.Report) {
	v.report = r
	export := widget.NewButtonWithIcon("Export report as JSON…", theme.DocumentSaveIcon(), v.export)
	tabs := container.NewAppTabs(
		container.NewTabItem("Checks", container.NewVScroll(checksView(r))),
		container.NewTabItem("Graph", newGraphView(r.Graph)),
		container.NewTabItem("Origins", container.NewVScroll(originsView(r))),
		container.NewTabItem("Signers", container.NewVScroll(signersView(r))),
	)
	actions := container.NewVBox(export, v.u.copyButton("Copy batch ID", func() string { return r.Batch.String() }))
	v.result.Objects = []fyne.CanvasObject{container.NewBorder(banner(r, actions), nil, nil, nil, tabs)}
	v.result.Refresh()
}

// openImage decodes a QR code from an image file and verifies it.
func (v *verifyScreen) openImage() {
	v.u.files.open("Open a photo or scan of a label", []string{".png", ".jpg", ".jpeg", ".gif"}, func(path string) {
		background(v.u, "read the QR code", func(context.Context) (protocol.BatchID, error) {
			return decodeQRFile(path)
		}, v.run, func(err error) {
			v.msg.SetText(err.Error())
			v.msg.Show()
		})
	})
}

// export saves the report as JSON, as the command line's --json prints it.
func (v *verifyScreen) export() {
	r := v.report
	if r == nil {
		return
	}
	name := fmt.Sprintf("jejak-report-%s-%d.json", shortCID(r.Batch.Record)[len("…"):], r.Batch.Index)
	v.u.files.save("Export the report", name, func(path string) {
		data, err := json.MarshalIndent(r, "", "  ")
		if err == nil {
			err = atomicfile.Write(path, append(data, '\n'), 0o644)
		}
		if err != nil {
			v.u.showError("export the report", err)
			return
		}
		v.u.info("Report exported", "The report is saved as "+path+".")
	})
}
