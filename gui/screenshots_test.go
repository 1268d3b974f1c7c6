//go:build screenshots

package gui

// The screenshot tour drives the real app's screens in a real window (the
// GLFW driver, on the X display in $DISPLAY) on real nodes, and takes a
// picture of every screen with xwd and ImageMagick's convert. It is not a
// test of the app (the other tests are); make screenshots runs it under
// Xvfb:
//
//	JEJAK_SCREENSHOTS=docs/screenshots go test -tags screenshots -run TestScreenshots -count=1 ./gui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

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

// shotSize is the part of the screen the window occupies (it opens at the
// top left: Xvfb has no window manager).
var shotSize = windowSize

// tour takes pictures of one UI.
type tour struct {
	t      *testing.T
	u      *UI
	dir    string
	prefix string
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
	file := filepath.Join(tr.dir, tr.prefix+name+".png")
	crop := fmt.Sprintf("%dx%d+0+0", int(shotSize.Width), int(shotSize.Height))
	sh := exec.Command("sh", "-c", fmt.Sprintf("xwd -root -display %q | convert xwd:- -crop %s +repage %q", os.Getenv("DISPLAY"), crop, file))
	if out, err := sh.CombinedOutput(); err != nil {
		tr.t.Fatalf("screenshot %s: %v\n%s", name, err, out)
	}
	tr.t.Logf("  %s", file)
}

// open builds a UI for svc in the real app and shows its window.
func open(t *testing.T, n *testNode, opts Options) *UI {
	t.Helper()
	var u *UI
	fyne.DoAndWait(func() {
		u = newUI(realApp, n, opts, fyne.DoAndWait)
		u.win.Show()
		u.win.Resize(windowSize)
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

// TestScreenshotsMill: the mill of the palm-oil chain, with its batches,
// every record form filled in (nothing is published), and its identity.
func TestScreenshotsMill(t *testing.T) {
	dir := shotsDir(t)
	m := startMill(t)
	u := open(t, m.testNode, Options{DataDir: "/home/clerk/.local/share/jejak"})
	tr := &tour{t: t, u: u, dir: dir}
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
	})
	tr.step("04-record-process", func() {
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
		f.kind.SetSelected("plot")
		f.area.SetText("3.2")
		f.lat.SetText("1.80412")
		f.lon.SetText("103.95821")
	})
	tr.step("13-identity", func() { u.show(screenIdentity) })
}

// TestScreenshotsDemo: a first run, the demo network started from it, its
// two verdicts with the graph and the origins, and the network.
func TestScreenshotsDemo(t *testing.T) {
	dir := shotsDir(t)
	install := startNode(t, nodeConfig{name: "install"})
	d := newDemoStarter(t)
	u := open(t, install, Options{StartDemo: d.start})
	tr := &tour{t: t, u: u, dir: dir, prefix: "demo-"}
	tr.idle()
	tr.step("01-first-run", func() {})
	fyne.DoAndWait(u.first.startDemo)
	tr.idle()
	tr.idle()
	if d.node() == nil {
		t.Fatal("the demo did not start")
	}
	demo := u.demo.Batches
	tr.step("08-verify-trusted", func() {
		u.show(screenVerify)
		u.verify.run(demo[0].ID)
	})
	tr.step("09-verify-graph", func() { selectTab(u.verify.result, "Graph") })
	tr.step("10-verify-origins", func() { selectTab(u.verify.result, "Origins") })
	tr.step("11-verify-failed", func() { u.verify.run(demo[1].ID) })
	var verdict string
	fyne.DoAndWait(func() { verdict = string(u.verify.report.Verdict) })
	if verdict != "failed" {
		t.Errorf("the demo's double claim shows %q", verdict)
	}
	tr.step("12-network", func() { u.show(screenNetwork) })
}
