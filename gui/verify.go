package gui

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/interop/epcis"
	exportpkg "github.com/jejak/jejak/protocol/interop/export"
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
	v.scan.SetPlaceHolder(u.t("verify.scan_hint"))
	v.scan.TextStyle.Monospace = true
	v.scan.OnSubmitted = v.submit
	v.forward = widget.NewCheck(u.t("verify.forward"), func(bool) {
		if !v.last.IsZero() {
			v.run(v.last)
		}
	})
	go1 := widget.NewButtonWithIcon(u.t("verify.verify"), theme.SearchIcon(), func() { v.submit(v.scan.Text) })
	go1.Importance = widget.HighImportance
	open := widget.NewButtonWithIcon(u.t("verify.open_qr"), theme.FileImageIcon(), v.openImage)
	openExport := widget.NewButtonWithIcon(u.t("verify.open_export"), theme.FolderOpenIcon(), v.openExport)
	openCapsule := widget.NewButtonWithIcon(u.t("verify.open_capsule"), theme.FolderOpenIcon(), v.openCapsule)
	bar := container.NewBorder(nil, nil, nil, container.NewHBox(go1, open, openExport, openCapsule), v.scan)
	top := container.NewVBox(heading(u.t("verify.title")), bar, v.msg, container.NewBorder(nil, nil, v.forward, v.demo))
	v.result.Objects = []fyne.CanvasObject{container.NewPadded(note(u.t("verify.intro")))}
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
		v.demo.Add(widget.NewLabel(v.u.t("verify.try")))
	}
	for _, b := range d.Batches {
		v.demo.Add(widget.NewButton(b.Label, func() { v.run(b.ID) }))
	}
	v.demo.Refresh()
}

// submit reads what was typed or scanned and verifies it.
func (v *verifyScreen) submit(text string) {
	id, err := protocol.ParseLabel(text)
	if err != nil {
		v.fail(v.u.t("verify.bad_id", "detail", v.u.detail(err)))
		v.focus()
		return
	}
	v.scan.SetText("")
	v.run(id)
}

// fail says what went wrong with what the person asked for, and clears
// the result below: a report of another batch must not look like the
// answer to this request. A verification still under way is dropped.
func (v *verifyScreen) fail(msg string) {
	v.runs.n++ // an answer still on its way is of another request
	v.report, v.last = nil, protocol.BatchID{}
	v.msg.Importance = widget.DangerImportance
	v.msg.SetText(msg)
	v.msg.Show()
	v.result.Objects = nil
	v.result.Refresh()
	v.u.updateMenu()
}

// clear hides the message of an earlier request (an error, or what a
// capsule can show), as a new request begins.
func (v *verifyScreen) clear() {
	v.msg.Hide()
	v.msg.SetText("")
	v.msg.Importance = widget.DangerImportance
}

// run verifies id and shows the report.
func (v *verifyScreen) run(id protocol.BatchID) {
	v.last = id
	v.clear()
	forward := v.forward.Checked
	v.report = nil
	v.u.updateMenu()
	v.result.Objects = []fyne.CanvasObject{starting(v.u.t("verify.tracing", "batch", shortBatch(id)))}
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
			v.result.Objects = []fyne.CanvasObject{notFoundPanel(v.u, detail(err))}
		} else {
			v.result.Objects = []fyne.CanvasObject{container.NewPadded(wrapLabel(v.u.explain("verify the batch", err)))}
		}
		v.result.Refresh()
		v.focus()
	})
}

// notFoundPanel says a batch was not found, and why that may be.
func notFoundPanel(u *UI, why string) fyne.CanvasObject {
	bg := canvas.NewRectangle(tint(colUnendorsed))
	bg.CornerRadius = 6
	head := canvas.NewText(u.t("verify.not_found"), colUnendorsed)
	head.TextSize = 28
	head.TextStyle.Bold = true
	return container.NewStack(bg, container.NewPadded(container.NewVBox(head, wrapLabel(why+"."))))
}

// show draws a report.
func (v *verifyScreen) show(r *provenance.Report) {
	v.report = r
	var export *widget.Button
	export = widget.NewButtonWithIcon(v.u.t("verify.export"), theme.DocumentSaveIcon(), func() {
		items := []*fyne.MenuItem{fyne.NewMenuItem(v.u.t("verify.export_json"), v.export)}
		for _, f := range exportpkg.Formats() {
			items = append(items, fyne.NewMenuItem(f.Title, func() { v.exportAs(f) }))
		}
		c := v.u.win.Canvas()
		widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c,
			fyne.CurrentApp().Driver().AbsolutePositionForObject(export).Add(fyne.NewPos(0, export.Size().Height)))
	})
	shown := r.In(v.u.lang) // every text of the report in the window's language; r stays as exported
	tabs := container.NewAppTabs(
		container.NewTabItem(v.u.t("verify.tab.checks"), container.NewVScroll(v.u.checksView(shown))),
		container.NewTabItem(v.u.t("verify.tab.graph"), newGraphView(v.u, r.Graph)),
		container.NewTabItem(v.u.t("verify.tab.origins"), container.NewVScroll(originsView(v.u, shown))),
		container.NewTabItem(v.u.t("verify.tab.signers"), container.NewVScroll(v.u.signersView(shown))),
	)
	actions := container.NewVBox(export, widget.NewButtonWithIcon(v.u.t("print.button.report"), theme.DocumentPrintIcon(), v.print), v.u.copyButton(v.u.t("verify.copy_id"), func() string { return r.Batch.String() }))
	v.result.Objects = []fyne.CanvasObject{container.NewBorder(v.u.banner(shown, actions), nil, nil, nil, tabs)}
	v.result.Refresh()
	v.u.updateMenu()
}

// openImage decodes a QR code from an image file and verifies it.
func (v *verifyScreen) openImage() {
	v.u.files.open(v.u.t("verify.open_image_title"), []string{".png", ".jpg", ".jpeg", ".gif"}, func(path string) {
		v.clear()
		background(v.u, "read the QR code", func(context.Context) (protocol.BatchID, error) {
			return decodeQRFile(path)
		}, v.run, func(err error) {
			v.fail(v.u.t("verify.no_qr", "file", filepath.Base(path), "detail", detail(err)))
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
	v.u.files.save(v.u.t("verify.export_title"), name, func(path string) {
		data, err := json.MarshalIndent(r, "", "  ")
		if err == nil {
			err = atomicfile.Write(path, append(data, '\n'), 0o644)
		}
		if err != nil {
			v.u.showError("export the report", err)
			return
		}
		v.u.info(v.u.t("verify.exported_title"), v.u.t("verify.report_saved", "path", path))
	})
}

// exportAs makes the export f of the batch shown (the node gives the
// records behind the verdict) and asks where to save it. An export of
// several files (the EUDR geolocation file and its summary) is saved
// together, in the folder of the first.
func (v *verifyScreen) exportAs(f exportpkg.Format) {
	r := v.report
	if r == nil {
		return
	}
	req := api.VerifyRequest{Batch: r.Batch, Forward: r.Forward}
	background(v.u, "export "+f.Title, func(ctx context.Context) ([]exportpkg.File, error) {
		ev, err := v.u.svc.Evidence(ctx, req)
		if err != nil {
			return nil, err
		}
		return f.Write(exportpkg.Input{Report: ev.Report, Records: ev.Records, Network: ev.Network, Maker: ev.Maker})
	}, func(files []exportpkg.File) {
		v.u.files.save(v.u.t("verify.export_as", "format", f.Title), files[0].Name, func(path string) {
			// The files can be large (an EUDR export's plots): write them
			// off the window's goroutine.
			background(v.u, "save "+f.Title, func(context.Context) ([]string, error) {
				dir, saved := filepath.Dir(path), []string{path}
				if err := atomicfile.Write(path, files[0].Data, 0o644); err != nil {
					return nil, err
				}
				for _, file := range files[1:] {
					p := filepath.Join(dir, file.Name)
					if err := atomicfile.Write(p, file.Data, 0o644); err != nil {
						return nil, err
					}
					saved = append(saved, p)
				}
				return saved, nil
			}, func(saved []string) {
				v.u.info(v.u.t("verify.exported_title"), v.u.t("verify.export_saved", "format", f.Title, "batch", shortBatch(r.Batch), "files", strings.Join(saved, "\n")))
			}, func(err error) { v.u.showError("export "+f.Title, err) })
		})
	}, func(err error) { v.u.showError("export "+f.Title, err) })
}

// openExport takes the records of an export another install made (a CAR,
// or an EPCIS document carrying signed records), checks each as if a peer
// sent it, and verifies the batch it was made for: an auditor's copy of a
// supplier's evidence, judged on this computer.
func (v *verifyScreen) openExport() {
	v.u.files.open(v.u.t("verify.open_export_title"), []string{".car", ".jsonld", ".json"}, func(path string) {
		background(v.u, "open "+filepath.Base(path), func(ctx context.Context) (exportFile, error) {
			x, err := readExport(path)
			if err != nil {
				return x, err
			}
			if len(x.data) > 0 {
				if _, err := v.u.svc.ImportRecords(ctx, x.data); err != nil {
					return x, err
				}
			}
			return x, nil
		}, func(o exportFile) {
			if o.doc != nil && len(o.doc.Unsigned()) > 0 {
				v.u.reviewDrafts(filepath.Base(path), o.sum, o.doc)
			}
			switch {
			case !o.root.IsZero():
				v.run(o.root)
			case len(o.data) > 0:
				v.u.info(v.u.t("verify.imported_title"), v.u.t("verify.imported"))
			}
		}, nil)
	})
}

// openCapsule verifies a capsule file with nothing else: its records are
// checked here with this install's trust anchors and not stored (a
// capsule is evidence to look at, not records to take).
func (v *verifyScreen) openCapsule() {
	v.u.files.open(v.u.t("verify.open_capsule_title"), []string{".car"}, func(path string) {
		v.clear()
		v.runs.n++ // a verification under way must not replace the capsule's report
		v.last = protocol.BatchID{}
		v.result.Objects = []fyne.CanvasObject{starting(v.u.t("verify.capsule_checking", "file", filepath.Base(path)))}
		v.result.Refresh()
		background(v.u, "open "+filepath.Base(path), func(ctx context.Context) (capsule.Result, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return capsule.Result{}, err
			}
			o := capsule.CheckOptions{}
			if st, err := v.u.svc.Status(ctx); err == nil {
				o.Network = st.Network
			}
			anchors, err := v.u.svc.Anchors(ctx)
			if err != nil {
				return capsule.Result{}, err
			}
			for _, a := range anchors {
				o.Anchors = append(o.Anchors, a.Key.String())
			}
			res := capsule.Check(ctx, data, o)
			if !res.OK {
				return res, errors.New(strings.TrimPrefix(res.Error, "capsule: "))
			}
			return res, nil
		}, func(res capsule.Result) {
			v.show(res.Report)
			m := res.Capsule
			v.msg.Importance = widget.MediumImportance
			v.msg.SetText(v.u.t("verify.capsule_shows", "made", m.Made.Local().Format("2006-01-02 15:04"), "maker", m.Maker, "n", m.Records))
			v.msg.Show()
		}, func(err error) {
			v.fail(v.u.t("verify.capsule_untrusted", "detail", detail(err)))
		})
	})
}

// exportFile is what a CAR or EPCIS file another install made holds: its
// records, the batch it was exported for (zero when it names none), for
// EPCIS the document as drafts, and the SHA-256 of the file's bytes.
type exportFile struct {
	data [][]byte
	root protocol.BatchID
	doc  *epcis.Result
	sum  [sha256.Size]byte
}

// readExport reads a CAR or EPCIS file.
func readExport(path string) (exportFile, error) {
	var x exportFile
	f, err := os.Open(path)
	if err != nil {
		return x, err
	}
	defer f.Close()
	h := sha256.New()
	r := io.TeeReader(f, h)
	if strings.HasSuffix(strings.ToLower(path), ".car") {
		file, err := car.Read(r, car.DefaultLimits())
		if err != nil {
			return x, err
		}
		x.data = file.RecordBytes()
		if len(file.Roots) > 0 {
			// A CAR names the batch's record; which of its outputs was
			// exported is in the file's name ("…-bafyrei…-1.car").
			x.root = protocol.BatchID{Record: file.Roots[0], Index: outputInName(path)}
		}
	} else {
		res, err := epcis.Import(r, epcis.ImportOptions{})
		if err != nil {
			return x, err
		}
		if len(res.Records) == 0 && len(res.Drafts) == 0 {
			return x, errors.New("the document holds no events Jejak can record")
		}
		x.data, x.root, x.doc = res.RecordBytes(), res.Batch, res
	}
	if _, err := io.Copy(io.Discard, r); err != nil {
		return x, err
	}
	h.Sum(x.sum[:0])
	return x, nil
}

// outputInName reads the output number an export's file name ends with,
// before its extension ("KSBL-PK-0307-bafyreic23yv3gm5-1.car" is output 1);
// 0 when it has none.
func outputInName(path string) uint32 {
	name := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	i := strings.LastIndex(name, "-")
	if i < 0 {
		return 0
	}
	n, err := strconv.ParseUint(name[i+1:], 10, 32)
	if err != nil || n >= protocol.MaxOutputs {
		return 0
	}
	return uint32(n)
}
