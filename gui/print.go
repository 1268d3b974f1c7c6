package gui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol/interop/printout"
	"github.com/jejak/jejak/protocol/provenance"
)

// Printing goes through the system: on Linux and macOS the CUPS commands
// (lpstat lists the printers, lp prints a PDF, or ZPL as it is with
// "-o raw" for a thermal label printer); with no CUPS or no printer the
// person saves the file or opens it in the desktop's PDF viewer, which
// prints it.

// printFormat is one way to print a job.
type printFormat struct {
	title string // in the dialog's format list
	ext   string // ".pdf" or ".zpl"
	raw   bool   // sent to the printer as it is (ZPL), not through a driver
	make  func() ([]byte, error)
}

// printJob is something to print, in the formats it can be printed in,
// the first being the one offered first.
type printJob struct {
	what    string // "the label of CPO · lot KSBL-CPO-0307", for the dialog's title
	name    string // the file name without its extension
	formats []printFormat
}

// The ZPL sizes offered: the common thermal labels at the common
// resolutions.
var zplSizes = []struct {
	w, h float64
	dpi  int
}{{50, 30, 203}, {50, 30, 300}, {100, 50, 203}, {100, 50, 300}}

// labelJob prints labels: as a PDF on any sheet (a roll of single labels
// first for one label, a sheet of A4 labels first for many), or as ZPL.
func (u *UI) labelJob(labels []printout.Label, what, name string) printJob {
	j := printJob{what: what, name: name}
	sheets := printout.Sheets()
	if len(labels) > 1 {
		// A sheet first: many labels are printed on an office printer.
		for i, s := range sheets {
			if s.Name == printout.A4x3x8.Name {
				sheets = append([]printout.Sheet{s}, append(sheets[:i:i], sheets[i+1:]...)...)
				break
			}
		}
	}
	for _, s := range sheets {
		j.formats = append(j.formats, printFormat{
			title: u.t("print.format.pdf", "sheet", u.t("print.sheet."+strings.ReplaceAll(s.Name, "-", "_"))),
			ext:   ".pdf",
			make:  func() ([]byte, error) { return printout.LabelsPDF(labels, s) },
		})
	}
	for _, z := range zplSizes {
		j.formats = append(j.formats, printFormat{
			title: u.t("print.format.zpl", "size", fmt.Sprintf("%g × %g mm", z.w, z.h), "dpi", z.dpi),
			ext:   ".zpl", raw: true,
			make: func() ([]byte, error) {
				s, err := printout.LabelsZPL(labels, z.dpi, z.w, z.h)
				return []byte(s), err
			},
		})
	}
	return j
}

// reportJob prints a verification report as an A4 PDF.
func (u *UI) reportJob(r *provenance.Report) printJob {
	return printJob{
		what: u.t("print.what.report", "batch", shortBatch(r.Batch)),
		name: fmt.Sprintf("jejak-report-%s-%d", strings.TrimPrefix(shortCID(r.Batch.Record), "…"), r.Batch.Index),
		formats: []printFormat{{title: u.t("print.format.report"), ext: ".pdf", make: func() ([]byte, error) {
			return printout.ReportPDF(r, u.lang)
		}}},
	}
}

// printLabel is the printed label of batch b: what the label on the
// batch's detail shows, with its date, in the window's language.
func (u *UI) printLabel(b api.Batch) printout.Label {
	l := labelOf(u, b)
	return printout.Label{ID: l.ID, Payload: l.Text, Product: l.Product, Qty: l.Qty, Lot: l.Lot, Org: l.Org, Date: b.Made, Lang: u.lang}
}

// fileName makes a string safe in a file name.
func fileName(s string) string {
	return strings.Map(func(r rune) rune {
		if strings.ContainsRune(`/\:*?"<>| `, r) {
			return '-'
		}
		return r
	}, s)
}

// print prints the label of the batch shown (File → Print… and the
// button beside "Save label").
func (d *batchDetail) print() {
	if d.b.ID.IsZero() {
		d.u.info(d.u.t("print.title"), d.u.t("print.no_batch"))
		return
	}
	what := d.u.t("print.what.label", "batch", d.u.batchTitle(d.b))
	d.u.printDialog(d.u.labelJob([]printout.Label{d.u.printLabel(d.b)}, what, "jejak-label-"+fileName(orDash(d.b.Lot))))
}

// print prints the report shown (File → Print… and the button on the
// verdict banner).
func (v *verifyScreen) print() {
	if v.report == nil {
		v.u.info(v.u.t("print.title"), v.u.t("print.no_report"))
		return
	}
	v.u.printDialog(v.u.reportJob(v.report))
}

// printers are the CUPS destinations, the default one, and whether CUPS
// is there at all.
type printers struct {
	names []string
	def   string
	cups  bool
}

// findPrinters asks CUPS for its printers: "lpstat -e" lists them, one a
// line, "lpstat -d" names the default. No lpstat, or one that fails
// because no scheduler runs, is no CUPS.
func findPrinters(ctx context.Context) printers {
	out, err := exec.CommandContext(ctx, "lpstat", "-e").Output()
	if err != nil {
		return printers{}
	}
	p := printers{cups: true}
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			p.names = append(p.names, l)
		}
	}
	if out, err := exec.CommandContext(ctx, "lpstat", "-d").Output(); err == nil {
		if _, name, ok := strings.Cut(strings.TrimSpace(string(out)), ": "); ok {
			p.def = strings.TrimSpace(name)
		}
	}
	return p
}

// lpPrint sends data to printer with lp, copies times; raw sends it as it
// is (ZPL), a PDF is printed at its own size. It returns what lp said
// ("request id is …").
func lpPrint(ctx context.Context, printer string, copies int, raw bool, title, ext string, data []byte) (string, error) {
	f, err := os.CreateTemp("", "jejak-print-*"+ext)
	if err != nil {
		return "", err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	args := []string{"-d", printer, "-n", strconv.Itoa(copies), "-t", title}
	if raw {
		args = append(args, "-o", "raw")
	} else {
		args = append(args, "-o", "print-scaling=none")
	}
	// lp has copied the file to the spooler when it returns.
	cmd := exec.CommandContext(ctx, "lp", append(args, f.Name())...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return "", fmt.Errorf("lp -d %s: %s", printer, msg)
	}
	return strings.TrimSpace(string(out)), nil
}

// printDialog asks how to print job: with CUPS and a printer, which
// printer, how many copies and in which format; without, it says so and
// offers to save the file or open it in the PDF viewer. Both can save and
// open.
func (u *UI) printDialog(job printJob) {
	background(u, u.t("print.op.printers"), func(ctx context.Context) (printers, error) {
		return findPrinters(ctx), nil
	}, func(ps printers) { u.showPrintDialog(job, ps) }, nil)
}

func (u *UI) showPrintDialog(job printJob, ps printers) {
	var titles []string
	for _, f := range job.formats {
		titles = append(titles, f.title)
	}
	chosen := func(sel *widget.Select) printFormat {
		if i := sel.SelectedIndex(); i >= 0 {
			return job.formats[i]
		}
		return job.formats[0]
	}
	format := widget.NewSelect(titles, nil)
	format.SetSelectedIndex(0)
	zplNote := note(u.t("print.dialog.zpl_note"))
	zplNote.Hide()

	var d *dialog.CustomDialog
	save := widget.NewButton(u.t("print.dialog.save_pdf"), func() {
		d.Hide()
		u.savePrint(job, chosen(format))
	})
	open := widget.NewButton(u.t("print.dialog.open"), func() {
		d.Hide()
		u.openPrint(job, chosen(format))
	})
	format.OnChanged = func(string) {
		if chosen(format).raw {
			save.SetText(u.t("print.dialog.save_zpl"))
			open.Disable()
			zplNote.Show()
		} else {
			save.SetText(u.t("print.dialog.save_pdf"))
			open.Enable()
			zplNote.Hide()
		}
	}
	form := container.New(layout.NewFormLayout())
	form.Add(widget.NewLabel(u.t("print.dialog.format")))
	form.Add(format)

	title := u.t("print.dialog.title", "what", job.what)
	if len(ps.names) == 0 {
		why := u.t("print.dialog.no_printer")
		if !ps.cups {
			why = u.t("print.dialog.no_cups")
		}
		msg := wrapLabel(why)
		d = dialog.NewCustomWithoutButtons(title, container.NewVBox(msg, form, zplNote), u.win)
		closeB := widget.NewButton(u.t("common.close"), func() { d.Hide() })
		d.SetButtons([]fyne.CanvasObject{closeB, open, save})
		d.Resize(fyne.NewSize(560, 0))
		d.Show()
		return
	}
	printer := widget.NewSelect(ps.names, nil)
	printer.SetSelectedIndex(0)
	if ps.def != "" {
		printer.SetSelected(ps.def)
	}
	copies := widget.NewEntry()
	copies.SetText("1")
	copies.Validator = func(s string) error {
		if n, err := strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 1 || n > 99 {
			return errors.New(u.t("print.dialog.copies_bad"))
		}
		return nil
	}
	bad := widget.NewLabel("")
	bad.Importance = widget.DangerImportance
	bad.Hide()
	form.Objects = append([]fyne.CanvasObject{widget.NewLabel(u.t("print.dialog.printer")), printer,
		widget.NewLabel(u.t("print.dialog.copies")), copies}, form.Objects...)
	d = dialog.NewCustomWithoutButtons(title, container.NewVBox(form, zplNote, bad), u.win)
	printB := widget.NewButton(u.t("print.dialog.print"), func() {
		if err := copies.Validator(copies.Text); err != nil {
			bad.SetText(err.Error())
			bad.Show()
			return
		}
		n, _ := strconv.Atoi(strings.TrimSpace(copies.Text))
		d.Hide()
		u.sendPrint(job, chosen(format), printer.Selected, n)
	})
	printB.Importance = widget.HighImportance
	cancel := widget.NewButton(u.t("common.cancel"), func() { d.Hide() })
	d.SetButtons([]fyne.CanvasObject{cancel, open, save, printB})
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// sendPrint makes the file and sends it to printer.
func (u *UI) sendPrint(job printJob, f printFormat, printer string, copies int) {
	background(u, u.t("print.op.print"), func(ctx context.Context) (string, error) {
		data, err := f.make()
		if err != nil {
			return "", err
		}
		return lpPrint(ctx, printer, copies, f.raw, job.name, f.ext, data)
	}, func(said string) {
		u.info(u.t("print.sent.title"), u.t("print.sent", "n", copies, "printer", printer, "request", said))
	}, nil)
}

// savePrint asks where to save the file and writes it.
func (u *UI) savePrint(job printJob, f printFormat) {
	u.files.save(u.t("print.dialog.title", "what", job.what), job.name+f.ext, func(path string) {
		background(u, u.t("print.op.save"), func(context.Context) (string, error) {
			data, err := f.make()
			if err != nil {
				return "", err
			}
			return path, atomicfile.Write(path, data, 0o644)
		}, func(path string) {
			key := "print.saved"
			if f.raw {
				key = "print.saved_zpl"
			}
			u.info(u.t("print.saved.title"), u.t(key, "path", path))
		}, nil)
	})
}

// openPrint writes the PDF to Jejak's folder in the temporary folder and
// opens it in the desktop's PDF viewer, whose Print prints it.
func (u *UI) openPrint(job printJob, f printFormat) {
	background(u, u.t("print.op.open"), func(context.Context) (string, error) {
		data, err := f.make()
		if err != nil {
			return "", err
		}
		dir := filepath.Join(os.TempDir(), "jejak-print")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return "", err
		}
		path := filepath.Join(dir, job.name+f.ext)
		return path, atomicfile.Write(path, data, 0o600)
	}, func(path string) {
		if err := u.app.OpenURL(&url.URL{Scheme: "file", Path: path}); err != nil {
			u.showError(u.t("print.op.open"), err)
		}
	}, nil)
}
