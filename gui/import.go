package gui

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol/interop/places"
)

// importButton opens a file of places (GeoJSON or CSV) or harvests (CSV)
// and records what it holds, all or nothing, with a progress bar: what
// the command line's "import places" and "import harvests" do.
func (u *UI) importButton(what string) *widget.Button {
	label := u.t("import.places_button")
	if what == "harvests" {
		label = u.t("import.harvests_button")
	}
	return widget.NewButton(label, func() { u.importFile(what) })
}

// importing is the progress dialog of an import.
type importing struct {
	u     *UI
	d     dialog.Dialog
	phase *widget.Label
	bar   *widget.ProgressBar
}

// step returns the progress callback of one step of the import (checking
// the file, recording its rows), which may be called from the import's
// goroutine: it draws on the window's, and only when the bar moves by a
// percent, so that a large file does not redraw ten thousand times. Each
// step has its own: the bar starts again at the next step.
func (p *importing) step(label func(done, total int64) string) func(done, total int64) {
	shown := -1.0
	return func(done, total int64) {
		if total <= 0 {
			return
		}
		f := float64(done) / float64(total)
		if f < 1 && f-shown < 0.01 {
			return
		}
		shown = f
		text := label(done, total)
		p.u.run(func() {
			p.phase.SetText(text)
			p.bar.SetValue(f)
		})
	}
}

func (u *UI) importFile(what string) {
	exts := []string{".csv"}
	if what == "places" {
		exts = []string{".geojson", ".json", ".csv"}
	}
	u.files.open(u.t("import.open_"+what), exts, func(path string) {
		name := filepath.Base(path)
		p := &importing{u: u, phase: widget.NewLabel(u.t("import.checking", "file", name)), bar: widget.NewProgressBar()}
		p.d = dialog.NewCustomWithoutButtons(u.t("import.importing_"+what), container.NewVBox(p.phase, p.bar), u.win)
		p.d.Resize(fyne.NewSize(460, 0))
		p.d.Show()
		checking := p.step(func(int64, int64) string { return u.t("import.checking", "file", name) })
		recording := p.step(func(done, total int64) string { return u.t("import.recording", "done", done, "total", total) })
		country := u.ident.Country
		background(u, u.t("import.op_"+what), func(ctx context.Context) (api.PlaceImportResult, error) {
			return importPlaces(ctx, u.svc, what, path, country, checking, recording)
		}, func(res api.PlaceImportResult) {
			p.d.Hide()
			msg := u.t("import.places_done", "n", len(res.Places), "file", filepath.Base(path))
			if what == "harvests" {
				msg = u.t("import.harvests_done", "n", len(res.Origins), "file", filepath.Base(path))
			}
			u.info(u.t("import.done_title"), msg)
		}, func(err error) {
			p.d.Hide()
			u.showImportError(what, path, err)
		})
	})
}

// importPlaces reads the file and hands it to the node.
func importPlaces(ctx context.Context, svc api.Service, what, path, country string, checking, recording func(done, total int64)) (api.PlaceImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return api.PlaceImportResult{}, err
	}
	data, err := io.ReadAll(io.LimitReader(f, places.MaxFileSize+1))
	f.Close()
	if err != nil {
		return api.PlaceImportResult{}, err
	}
	file, err := places.ReadFile(what, path, data, places.Options{Country: country, Progress: checking})
	if err != nil {
		return api.PlaceImportResult{}, err
	}
	return svc.ImportPlaces(ctx, api.PlaceImport{Source: file.Source, Places: file.Places, Harvests: file.Harvests}, recording)
}

// showImportError lists what is wrong with a file, one problem a line,
// scrollable, and says that nothing was recorded.
func (u *UI) showImportError(what, path string, err error) {
	text := detail(err)
	var pe *places.Error
	if errors.As(err, &pe) {
		var lines []string
		for _, p := range pe.Problems {
			lines = append(lines, p.String())
		}
		if pe.Truncated {
			lines = append(lines, u.t("import.more_problems", "n", len(pe.Problems)))
		}
		text = strings.Join(lines, "\n")
	}
	head := wrapLabel(u.t("import.nothing_recorded", "file", filepath.Base(path)))
	list := widget.NewLabel(text)
	list.Wrapping = fyne.TextWrapWord
	scroll := container.NewVScroll(list)
	scroll.SetMinSize(fyne.NewSize(560, 240))
	d := dialog.NewCustom(u.t("import.failed_"+what), u.t("common.ok"), container.NewBorder(head, nil, nil, nil, scroll), u.win)
	d.Resize(fyne.NewSize(620, 420))
	d.Show()
}
