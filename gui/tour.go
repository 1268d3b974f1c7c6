package gui

import (
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// drawDelay is how long the tour waits after changing the window before it
// asks for a picture: a few frames, so everything is drawn.
const drawDelay = 700 * time.Millisecond

// Tour shows every screen in turn, for screenshots. For each it changes
// the window on the Fyne goroutine, waits for background loads and for the
// window to be drawn, and calls shot with a file name for the picture
// ("03-record-harvest"); shot returns once the picture is taken. It fills
// forms with example entries, and verifies the first two of the demo's
// batches (Options.Demo, or what StartDemo returned).
//
// Call it from a goroutine other than the Fyne one, after the window is
// shown. It does not publish anything.
func (u *UI) Tour(shot func(name string)) {
	step := func(name string, f func()) {
		fyne.DoAndWait(f)
		u.idle()
		time.Sleep(drawDelay)
		u.idle()
		shot(name)
	}
	fyne.DoAndWait(func() { u.win.Resize(windowSize) })
	u.idle()
	if !u.ident.Ready && u.opts.StartDemo != nil {
		step("01-first-run", func() {})
		fyne.DoAndWait(u.first.startDemo)
		u.idle()
		u.idle()
	} else {
		step("01-first-run", func() {
			f := newFirstRun(u)
			f.name.SetText("Kilang Sawit Bukit Lebam Sdn Bhd")
			f.roles[1].SetChecked(true)
			f.country.SetText("MY")
			f.pass.SetText("short")
			f.fm.touchAll(true)
			f.validate()
			u.setRoot(f.obj)
		})
		fyne.DoAndWait(u.showMain)
	}
	if !u.ident.Ready {
		// A demo without an identity of its own: nothing to record yet.
		u.tourVerify(step)
		step("12-network", func() { u.show(screenNetwork) })
		return
	}
	step("02-batches", func() {
		u.show(screenBatches)
		if len(u.batches.items) > 0 {
			u.batches.list.Select(0)
		}
	})
	step("03-record-harvest", func() {
		u.show(screenRecord)
		u.record.open(tabHarvest)
		f := u.record.origin
		if len(f.places.Options) > 0 {
			f.places.SetSelected(f.places.Options[:1])
		}
		r := f.outs.rows[0]
		r.product.SetText("FFB")
		r.qty.amount.SetText("42.5")
		r.lot.SetText("KSBL-FFB-0402")
		r.scheme.SetText("RSPO")
		r.model.SetSelected("IP")
	})
	step("04-record-process", func() {
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
	step("05-record-ship", func() {
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
	step("06-record-receive", func() { u.record.open(tabReceive) })
	step("07-record-place", func() {
		u.record.open(tabPlace)
		f := u.record.place
		f.name.SetText("Blok 14C")
		f.kind.SetSelected("plot")
		f.area.SetText("3.2")
		f.lat.SetText("1.80412")
		f.lon.SetText("103.95821")
	})
	u.tourVerify(step)
	step("12-network", func() { u.show(screenNetwork) })
	step("13-identity", func() { u.show(screenIdentity) })
}

// tourVerify verifies the demo's batches for the tour.
func (u *UI) tourVerify(step func(string, func())) {
	demo := u.demo.Batches
	if len(demo) > 0 {
		step("08-verify-trusted", func() {
			u.show(screenVerify)
			u.verify.run(demo[0].ID)
		})
		step("09-verify-graph", func() { selectTab(u.verify.result, "Graph") })
		step("10-verify-origins", func() { selectTab(u.verify.result, "Origins") })
	}
	if len(demo) > 1 {
		step("11-verify-failed", func() { u.verify.run(demo[1].ID) })
	}
}

// selectTab selects the tab named title in the first AppTabs under o.
func selectTab(o fyne.CanvasObject, title string) {
	var walk func(fyne.CanvasObject) bool
	walk = func(o fyne.CanvasObject) bool {
		switch x := o.(type) {
		case *container.AppTabs:
			for _, t := range x.Items {
				if t.Text == title {
					x.Select(t)
					return true
				}
			}
		case *fyne.Container:
			for _, c := range x.Objects {
				if walk(c) {
					return true
				}
			}
		case *widget.Card:
			return walk(x.Content)
		}
		return false
	}
	walk(o)
}

// Verdict returns the verdict the Verify screen shows ("trusted",
// "unendorsed", "failed"), or "" when it shows none. Call it on the Fyne
// goroutine.
func (u *UI) Verdict() string {
	if u.verify == nil || u.verify.report == nil {
		return ""
	}
	return string(u.verify.report.Verdict)
}
