//go:build screenshots

package gui

// The screenshot tour drives the real app's screens in a real window (the
// GLFW driver, on the X display in $DISPLAY) on real nodes on 127.0.0.1, in
// every language and at 800×600 as well as the usual size, records a
// harvest through the form and takes a picture of every screen with xwd
// and ImageMagick's convert. What it checks is what a person would: the
// harvest is recorded, the verdicts are the demo's, each window is in its
// language. scripts/screenshots runs it under Xvfb in a network namespace
// with only loopback (make screenshots):
//
//	JEJAK_SCREENSHOTS=docs/screenshots go test -tags screenshots -run TestScreenshots -count=1 ./gui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
)

// realApp is the Fyne app with the real driver; it runs on the main
// goroutine, as GLFW needs, and the tests on another.
var realApp fyne.App

func TestMain(m *testing.M) {
	realApp = app.NewWithID("org.jejak.app.screenshots")
	code := 0
	go func() {
		code = m.Run()
		fyne.Do(realApp.Quit)
	}()
	realApp.Run()
	os.Exit(code)
}

// drawDelay is how long a step waits, once background work is done, for
// the window to be drawn (a few frames).
const drawDelay = 700 * time.Millisecond

// shotSizes are the window sizes of the tour: the usual one, the smallest
// screen the app is made for, and a large one. The folder of each is its
// name under the language's folder ("" is the usual size).
var shotSizes = []struct {
	dir  string
	size fyne.Size
}{{"", windowSize}, {"800x600", fyne.NewSize(800, 600)}, {"1920x1080", fyne.NewSize(1920, 1080)}}

// tour takes pictures of one UI.
type tour struct {
	t    *testing.T
	u    *UI
	dir  string
	size fyne.Size
	data []string // the records' own words (names of organisations and places)
}

// idle waits until no background work is in flight.
func (tr *tour) idle() {
	deadline := time.Now().Add(2 * time.Minute)
	for tr.u.inflight.Load() > 0 {
		if time.Now().After(deadline) {
			tr.t.Fatal("background work did not finish in two minutes")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// step changes the window on the Fyne goroutine, waits for the work it
// starts and for the window to be drawn, and takes the picture.
func (tr *tour) step(name string, f func()) {
	tr.t.Helper()
	fyne.DoAndWait(f)
	tr.idle()
	time.Sleep(drawDelay)
	tr.idle()
	if err := os.MkdirAll(tr.dir, 0o755); err != nil {
		tr.t.Fatal(err)
	}
	file := filepath.Join(tr.dir, name+".png")
	crop := fmt.Sprintf("%dx%d+0+0", int(tr.size.Width), int(tr.size.Height))
	sh := exec.Command("sh", "-c", fmt.Sprintf("xwd -root -display %q | convert xwd:- -crop %s +repage -colors 256 PNG8:%q", os.Getenv("DISPLAY"), crop, file))
	if out, err := sh.CombinedOutput(); err != nil {
		tr.t.Fatalf("screenshot %s: %v\n%s", name, err, out)
	}
	tr.t.Logf("  %s", file)
	if tr.u.lang == i18n.English {
		return
	}
	var bad []string
	fyne.DoAndWait(func() {
		bad = untranslated(tr.u.win.Content(), tr.u.lang, tr.data...)
		if o := tr.u.win.Canvas().Overlays().Top(); o != nil {
			bad = append(bad, untranslated(o, tr.u.lang, tr.data...)...)
		}
	})
	if len(bad) > 0 {
		tr.t.Errorf("%s shows text in no %s message of the catalog: %q", name, tr.u.lang, bad)
	}
}

// recordWords are the names the records hold (organisations, places):
// what a window shows untranslated, in every language.
func recordWords(recs []protocol.Signed) []string {
	var out []string
	for _, r := range recs {
		switch b := r.Body.(type) {
		case *protocol.Org:
			out = append(out, b.Name)
		case *protocol.Place:
			out = append(out, b.Name)
		}
	}
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// open builds a UI for svc in the real app, in language l, and shows its
// window at size.
func open(t *testing.T, n *testNode, opts Options, l i18n.Lang, size fyne.Size) *UI {
	t.Helper()
	var u *UI
	opts.Lang = l
	fyne.DoAndWait(func() {
		realApp.Preferences().SetString(langPref, string(l))
		u = newUI(realApp, n, opts, fyne.DoAndWait)
		u.win.Show()
		u.win.Resize(size)
	})
	t.Cleanup(func() {
		u.Stop()
		// Hidden, not closed: the window is the master, and closing it
		// would quit the app under the next tour.
		fyne.DoAndWait(func() { u.win.Hide() })
	})
	return u
}

func shotsDir(t *testing.T) string {
	dir := os.Getenv("JEJAK_SCREENSHOTS")
	if dir == "" || os.Getenv("DISPLAY") == "" {
		t.Skip("set JEJAK_SCREENSHOTS to a folder and DISPLAY to an X display (make screenshots does)")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

// eachWindow runs f for every language at every size, each in a subtest
// with its own folder of pictures.
func eachWindow(t *testing.T, f func(t *testing.T, l i18n.Lang, tr *tour)) {
	dir := shotsDir(t)
	for _, l := range i18n.Langs {
		for _, sz := range shotSizes {
			if sz.dir == "1920x1080" && l != i18n.English {
				continue // one language shows the large window
			}
			t.Run(string(l)+"/"+sz.dir, func(t *testing.T) {
				f(t, l, &tour{t: t, dir: filepath.Join(dir, string(l), sz.dir), size: sz.size})
			})
		}
	}
}

// tapText taps the visible button under o that says text.
func tapText(t *testing.T, o fyne.CanvasObject, text string) {
	t.Helper()
	for _, obj := range test.LaidOutObjects(o) {
		if b, ok := obj.(*widget.Button); ok && b.Visible() && b.Text == text {
			b.OnTapped()
			return
		}
	}
	t.Fatalf("no button %q", text)
}

// closeDialogs takes every dialog off the window.
func closeDialogs(u *UI) {
	for o := u.win.Canvas().Overlays().Top(); o != nil; o = u.win.Canvas().Overlays().Top() {
		u.win.Canvas().Overlays().Remove(o)
	}
}

// scrollDown scrolls every scroll under o to its end.
func scrollDown(o fyne.CanvasObject) {
	for _, obj := range test.LaidOutObjects(o) {
		if s, ok := obj.(*container.Scroll); ok {
			s.ScrollToBottom()
		}
	}
}

// TestScreenshotsMill: the mill of the palm-oil chain, with its batches,
// every record form filled in, a harvest recorded through the form and its
// batch with its origins on a map, a correction, and its identity.
func TestScreenshotsMill(t *testing.T) {
	eachWindow(t, func(t *testing.T, l i18n.Lang, tr *tour) {
		m := startMill(t)
		u := open(t, m.testNode, Options{DataDir: "/home/clerk/.local/share/jejak"}, l, tr.size)
		tr.u, tr.data = u, append(recordWords(m.recs), anchorName) // the anchor's name is the clerk's
		tr.idle()
		tr.step("02-batches", func() {
			u.show(screenBatches)
			if len(u.batches.items) > 0 {
				u.batches.list.Select(0)
			}
		})
		tr.step("03-record-harvest", func() {
			u.show(screenRecord)
			u.record.open(tabHarvest)
			f := u.record.origin
			if len(f.places.Options) > 0 {
				f.places.SetSelected(f.places.Options[:1])
			}
			r := f.outs.rows[0]
			r.product.SetText("FFB")
			r.qty.amount.SetText("42,5")
			r.lot.SetText("KSBL-FFB-0402")
			r.scheme.SetText("RSPO")
			r.model.SetSelected("IP")
			f.validate()
		})
		before := len(feed(t, m, millDevice.Public()))
		fyne.DoAndWait(u.record.origin.submit)
		tr.idle()
		recs := feed(t, m, millDevice.Public())
		if len(recs) != before+1 {
			t.Fatalf("the harvest was not recorded: %d new records", len(recs)-before)
		}
		harvest := protocol.BatchID{Record: recs[len(recs)-1].CID}
		tr.step("03b-harvest-recorded", func() {}) // the dialog that says it is saved
		tr.step("03c-harvest-batch", func() {
			closeDialogs(u)
			u.show(screenBatches)
			for i, b := range u.batches.items {
				if b.ID == harvest {
					u.batches.list.Select(i)
				}
			}
		})
		fyne.DoAndWait(func() {
			if u.batches.detail.b.ID != harvest {
				t.Errorf("the batch list does not show the harvest just recorded")
			}
		})
		fyne.DoAndWait(func() { tapText(t, u.batches.detail.content(), u.t("map.show_origins")) })
		tr.idle()
		tr.step("03d-harvest-map", func() { scrollDown(u.batches.detail.content()) })
		tr.step("04-record-process", func() {
			u.show(screenRecord)
			u.record.open(tabProcess)
			f := u.record.process
			if len(f.place.Options) > 1 {
				f.place.SetSelected(f.place.Options[1])
			}
			if in := f.ins[0]; len(in.batch.Options) > 0 {
				in.batch.SetSelected(in.batch.Options[0])
			}
			f.outs.rows[0].product.SetText("CPO")
			f.outs.rows[0].qty.amount.SetText("18.9")
			f.outs.rows[0].lot.SetText("KSBL-CPO-0402")
			f.outs.add()
			f.outs.rows[1].product.SetText("PK")
			f.outs.rows[1].qty.amount.SetText("4.6")
			f.validate()
		})
		tr.step("04b-record-errors", func() {
			f := u.record.process
			f.outs.rows[0].qty.amount.SetText("18,9,0")
			f.fm.touchAll(true)
			f.validate()
		})
		tr.step("05-record-ship", func() {
			u.record.open(tabShip)
			f := u.record.ship
			if len(f.batch.Options) > 0 {
				f.batch.SetSelected(f.batch.Options[0])
			}
			f.amount.SetText("120")
			for _, o := range f.to.Options {
				if strings.Contains(o, "Pasir Gudang") {
					f.to.SetSelected(o)
				}
			}
			f.docs[0].ref.SetText("INV-KSBL-24-0402")
		})
		tr.step("06-record-receive", func() { u.record.open(tabReceive) })
		tr.step("07-record-place", func() {
			u.record.open(tabPlace)
			f := u.record.place
			f.name.SetText("Blok 14C")
			f.kind.SetSelected(u.kindName(protocol.PlacePlot))
			f.area.SetText("3.2")
			f.lat.SetText("1.80412")
			f.lon.SetText("103.95821")
		})
		tr.step("13-identity", func() { u.show(screenIdentity) })
		tr.step("14-settings", func() { u.showSettings() })
	})
}

// TestScreenshotsDemo: a first run, the demo network started from it, its
// two verdicts with the graph and the origins on a map, and the network.
func TestScreenshotsDemo(t *testing.T) {
	eachWindow(t, func(t *testing.T, l i18n.Lang, tr *tour) {
		install := startNode(t, nodeConfig{name: "install"})
		d := newDemoStarter(t)
		u := open(t, install, Options{StartDemo: d.start}, l, tr.size)
		tr.u = u
		tr.idle()
		tr.step("01-first-run", func() {})
		fyne.DoAndWait(u.first.startDemo)
		tr.idle()
		tr.idle()
		if d.node() == nil {
			t.Fatal("the demo did not start")
		}
		demo := u.demo.Batches
		tr.data = recordWords(scenario.All()[0].Records)
		for _, s := range scenario.All() {
			tr.data = append(tr.data, recordWords(s.Records)...)
		}
		for _, b := range demo {
			tr.data = append(tr.data, b.Label) // the demo's own names for its batches
		}
		tr.data = append(tr.data, "You (demo buyer)") // the name the demo buyer's records give it
		tr.step("08-verify-trusted", func() {
			u.show(screenVerify)
			u.verify.run(demo[0].ID)
		})
		tr.step("09-verify-graph", func() { selectTab(u.verify.result, u.t("verify.tab.graph")) })
		tr.step("10-verify-origins", func() { selectTab(u.verify.result, u.t("verify.tab.origins")) })
		tr.step("11-verify-failed", func() { u.verify.run(demo[1].ID) })
		var verdict string
		fyne.DoAndWait(func() { verdict = string(u.verify.report.Verdict) })
		if verdict != "failed" {
			t.Errorf("the demo's double claim shows %q", verdict)
		}
		tr.step("12-network", func() { u.show(screenNetwork) })
	})
}
