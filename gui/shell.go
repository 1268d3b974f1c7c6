package gui

import (
	"context"
	"sync/atomic"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// title is the main window's title.
const title = "Jejak"

// windowSize is the main window's initial size. Under a display server
// without a window manager, such as Xvfb, a window opens at its minimum size
// unless it is resized, so the size is always set.
var windowSize = fyne.NewSize(1200, 800)

// Options are what the caller of New adds to the app.
type Options struct {
	// StartDemo starts the demo network: a few extra nodes on this
	// computer with a realistic palm-oil chain, and a node of its own for
	// the demo, on a network and in a folder of its own, so that demo
	// records never enter the install's store. When it returns without an
	// error the window moves over to the demo's node (every screen is
	// built anew on Demo.Service) and opens the Verify screen with the
	// demo's batches. Nil hides the "Try the demo network" button.
	StartDemo func(ctx context.Context) (Demo, error)
	// DataDir is the data folder, shown on the Identity & trust screen.
	DataDir string
	// Lang is the language to use until the person chooses one (first run,
	// settings); zero takes it from the environment ($JEJAK_LANG, $LANG).
	Lang i18n.Lang
}

// Demo is a running demo network: the service of the demo's own node and
// the batches it offers a newcomer to verify.
type Demo struct {
	Service api.Service
	Batches []DemoBatch
}

// DemoBatch is one batch of the demo network, with a label that says what
// to expect ("Cooking oil — honest chain").
type DemoBatch struct {
	Label string
	ID    protocol.BatchID
}

// UI is the app's main window and its screens. Create it with New; its
// methods run on the Fyne goroutine unless they say otherwise.
type UI struct {
	app  fyne.App
	win  fyne.Window
	svc  api.Service
	opts Options
	lang i18n.Lang // the language every text is shown in

	draftCards []*draftCard // the drafts of the last imported document under review

	ctx      context.Context // ends when the window closes
	cancel   context.CancelFunc
	svcCtx   context.Context // ends when the window closes or moves to another service
	svcEnd   context.CancelFunc
	run      func(func()) // runs a function on the Fyne goroutine and waits
	inflight atomic.Int64 // background work begun and not yet finished
	files    filePicker

	ident      api.Identity
	demo       Demo
	root       *fyne.Container             // the window's content: starting, first run or main
	body       *fyne.Container             // the current screen
	nav        map[string][]*widget.Button // each screen's buttons, in the wide and the narrow sidebar
	current    string
	menu       *menu
	quitHook   func() // tests replace Quit
	onFirstRun bool   // the first-run screen is shown
	statusLn   *statusLine
	orgLabel   *widget.Label

	batches  *batchesScreen
	record   *recordScreen
	verify   *verifyScreen
	network  *networkScreen
	identity *identityScreen
	first    *firstRun
	watcher  *watcher

	statusLoads latest
}

// Screen names, in the order of the navigation bar.
const (
	screenBatches  = "Batches"
	screenRecord   = "Record"
	screenVerify   = "Verify"
	screenNetwork  = "Network"
	screenIdentity = "Identity & trust"
)

var screenOrder = []string{screenBatches, screenRecord, screenVerify, screenNetwork, screenIdentity}

// screenIcon returns the icon of a screen's navigation button. (Icons are
// looked up when needed: the theme needs the app to exist.)
func screenIcon(name string) fyne.Resource {
	switch name {
	case screenBatches:
		return theme.ListIcon()
	case screenRecord:
		return theme.DocumentCreateIcon()
	case screenVerify:
		return theme.SearchIcon()
	case screenNetwork:
		return theme.ComputerIcon()
	}
	return theme.AccountIcon()
}

// New creates the main window on a for the node svc, sets its size and
// makes it the master window. It starts loading the identity in the
// background: the window shows the first-run screen when there is none
// yet, and the main screens when there is. The caller shows the window.
func New(a fyne.App, svc api.Service, opts Options) *UI {
	return newUI(a, svc, opts, fyne.DoAndWait)
}

// newUI is New with the function that brings background results to the
// Fyne goroutine (fyne.DoAndWait in the app).
func newUI(a fyne.App, svc api.Service, opts Options, run func(func())) *UI {
	u := &UI{app: a, svc: svc, opts: opts, nav: map[string][]*widget.Button{}, run: run}
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.svcCtx, u.svcEnd = context.WithCancel(u.ctx)
	u.files = dialogPicker{u}
	u.lang = u.chosenLang()
	useFyneLang(u.lang)
	u.win = a.NewWindow(title)
	u.root = container.NewStack(starting(u.t("shell.opening")))
	u.win.SetContent(u.root)
	u.win.Resize(windowSize)
	u.win.SetMaster()
	u.win.SetOnClosed(u.cancel)
	u.loadIdentity()
	return u
}

// Window returns the main window.
func (u *UI) Window() fyne.Window { return u.win }

// Stop ends the UI's background work (watching the node, loads in
// flight). It does not close the window or the node.
func (u *UI) Stop() { u.cancel() }

// useDemo moves the window over to the demo network's node: the screens
// are built anew on its service, the watcher follows its events, and the
// Verify screen offers its batches.
func (u *UI) useDemo(d Demo) {
	u.svcEnd()
	u.svcCtx, u.svcEnd = context.WithCancel(u.ctx)
	u.svc, u.demo = d.Service, d
	u.dropScreens()
	u.current = screenVerify
	u.loadIdentity()
}

// dropScreens forgets every screen, to be built anew (on another service,
// in another language), and stops the watcher of the old ones.
func (u *UI) dropScreens() {
	u.batches, u.record, u.verify, u.network, u.identity, u.statusLn, u.body, u.watcher = nil, nil, nil, nil, nil, nil, nil, nil
	u.first = nil
	u.nav = map[string][]*widget.Button{}
}

// starting is a placeholder with a spinner and a message.
func starting(msg string) fyne.CanvasObject {
	act := widget.NewActivity()
	act.Start()
	return container.NewCenter(container.NewVBox(act, widget.NewLabelWithStyle(msg, fyne.TextAlignCenter, fyne.TextStyle{})))
}

// loadIdentity asks the node who this install is and shows the first-run
// or the main screens.
func (u *UI) loadIdentity() {
	background(u, "read this install's identity", u.svc.Identity, func(id api.Identity) {
		u.ident = id
		if !id.Ready && u.demo.Service == nil && !u.app.Preferences().Bool(verifyOnlyPref) {
			u.showFirstRun()
			return
		}
		u.showMain()
	}, func(err error) {
		u.setRoot(u.unavailable(err, u.loadIdentity))
	})
}

// unavailable is the screen shown when the node cannot answer at start.
func (u *UI) unavailable(err error, retry func()) fyne.CanvasObject {
	msg := widget.NewLabel(u.explain("open the node", err))
	msg.Wrapping = fyne.TextWrapWord
	head := widget.NewLabelWithStyle(u.t("shell.unreachable"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	btn := widget.NewButtonWithIcon(u.t("shell.retry"), theme.ViewRefreshIcon(), retry)
	btn.Importance = widget.HighImportance
	box := container.NewVBox(head, msg, container.NewHBox(btn))
	return container.NewCenter(container.New(layout.NewGridWrapLayout(fyne.NewSize(560, 220)), box))
}

func (u *UI) setRoot(o fyne.CanvasObject) {
	u.root.Objects = []fyne.CanvasObject{o}
	u.root.Refresh()
}

// showMain builds the main screens (once) and shows them.
func (u *UI) showMain() {
	u.onFirstRun = false
	if u.batches == nil {
		u.batches = newBatchesScreen(u)
		u.record = newRecordScreen(u)
		u.verify = newVerifyScreen(u)
		u.network = newNetworkScreen(u)
		u.identity = newIdentityScreen(u)
		u.statusLn = newStatusLine(u)
		u.body = container.NewStack()
		u.watcher = startWatcher(u)
	}
	u.orgLabel = widget.NewLabelWithStyle(u.ident.Name, fyne.TextAlignLeading, fyne.TextStyle{Italic: true})
	u.orgLabel.Wrapping = fyne.TextWrapWord
	u.verify.setDemo(u.demo)
	u.nav = map[string][]*widget.Button{}
	wide, narrow := u.sidebar(false), u.sidebar(true)
	u.setRoot(container.New(&shellLayout{}, wide, narrow, u.body, u.statusLn.content()))
	u.setMenu(true)
	u.refreshAll()
	if u.current == "" {
		u.current = screenBatches
		if len(u.demo.Batches) > 0 || !u.ident.Ready {
			u.current = screenVerify
		}
	}
	u.show(u.current)
}

// sidebar is the navigation bar: the app's name and organisation, and a
// button per screen; narrow, it is the screens' icons only (for small
// windows), each saying its name on hover.
func (u *UI) sidebar(narrow bool) fyne.CanvasObject {
	items := []fyne.CanvasObject{canvasTitle("Jejak"), u.orgLabel, widget.NewSeparator()}
	if narrow {
		items = []fyne.CanvasObject{widget.NewSeparator()}
	}
	for _, s := range screenOrder {
		var b *widget.Button
		var o fyne.CanvasObject
		if narrow {
			nb := newNavButton(u.screenTitle(s), screenIcon(s), func() { u.show(s) })
			b, o = &nb.Button, nb
		} else {
			b = widget.NewButtonWithIcon(u.screenTitle(s), screenIcon(s), func() { u.show(s) })
			b.Alignment = widget.ButtonAlignLeading
			o = b
		}
		u.nav[s] = append(u.nav[s], b)
		items = append(items, o)
	}
	bar := container.NewVBox(items...)
	width := float32(200)
	if narrow {
		width = bar.MinSize().Width
	}
	return container.NewHBox(container.New(layout.NewGridWrapLayout(fyne.NewSize(width, bar.MinSize().Height)), bar), widget.NewSeparator())
}

// screenTitle is a screen's name in the window's language.
func (u *UI) screenTitle(s string) string {
	switch s {
	case screenBatches:
		return u.t("shell.nav.batches")
	case screenRecord:
		return u.t("shell.nav.record")
	case screenVerify:
		return u.t("shell.nav.verify")
	case screenNetwork:
		return u.t("shell.nav.network")
	}
	return u.t("shell.nav.identity")
}

// narrowWidth is the window width below which the sidebar shows only the
// screens' icons.
const narrowWidth = 1000

// shellLayout lays out the main window: the sidebar on the left (wide, or
// narrow below narrowWidth), the status line at the bottom, the screen in
// the rest. Its objects are the wide sidebar, the narrow one, the screen
// and the status line.
type shellLayout struct{}

func (shellLayout) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	wide, narrow, body, status := objs[0], objs[1], objs[2], objs[3]
	bar := wide
	if size.Width < narrowWidth {
		bar = narrow
		wide.Hide()
	} else {
		narrow.Hide()
	}
	bar.Show()
	sh := status.MinSize().Height
	bw := bar.MinSize().Width
	bar.Move(fyne.NewPos(0, 0))
	bar.Resize(fyne.NewSize(bw, size.Height-sh))
	body.Move(fyne.NewPos(bw, 0))
	body.Resize(fyne.NewSize(size.Width-bw, size.Height-sh))
	status.Move(fyne.NewPos(0, size.Height-sh))
	status.Resize(fyne.NewSize(size.Width, sh))
}

func (shellLayout) MinSize(objs []fyne.CanvasObject) fyne.Size {
	narrow, body, status := objs[1], objs[2], objs[3]
	w := narrow.MinSize().Width + body.MinSize().Width
	h := max(narrow.MinSize().Height, body.MinSize().Height) + status.MinSize().Height
	return fyne.NewSize(max(w, status.MinSize().Width), h)
}

// show switches to the named screen.
func (u *UI) show(name string) {
	u.current = name
	for s, bs := range u.nav {
		for _, b := range bs {
			b.Importance = widget.LowImportance
			if s == name {
				b.Importance = widget.HighImportance
			}
			b.Refresh()
		}
	}
	var o fyne.CanvasObject
	switch name {
	case screenBatches:
		o = u.batches.content()
		if !u.ident.Ready {
			o = u.needsSetup("shell.setup.batches")
		}
	case screenRecord:
		o = u.record.content()
		if !u.ident.Ready {
			o = u.needsSetup("shell.setup.record")
		}
	case screenVerify:
		o = u.verify.content()
	case screenNetwork:
		o = u.network.content()
	case screenIdentity:
		o = u.identity.content()
	}
	u.body.Objects = []fyne.CanvasObject{container.NewPadded(o)}
	u.body.Refresh()
	u.updateMenu()
	if name == screenVerify {
		u.verify.focus()
	}
}

// verifyOnlyPref is the preference key set when the person chose to
// verify batches without setting up an organisation: the window opens on
// the main screens from then on.
const verifyOnlyPref = "verifyOnly"

// needsSetup stands in for a screen that needs the organisation's keys
// (Batches, Record) on an install that has none: it says what is needed
// and offers to set up or restore the organisation.
func (u *UI) needsSetup(what string) fyne.CanvasObject {
	setUp := widget.NewButtonWithIcon(u.t("shell.setup.button"), theme.ConfirmIcon(), u.showFirstRun)
	setUp.Importance = widget.HighImportance
	verify := widget.NewButtonWithIcon(u.t("shell.setup.verify"), theme.SearchIcon(), func() { u.show(screenVerify) })
	box := container.NewVBox(heading(u.t("shell.setup.title")), wrapLabel(u.t(what)), wrapLabel(u.t("shell.setup.how")),
		container.NewHBox(setUp, verify))
	return container.NewVScroll(container.NewPadded(box))
}

// refreshAll reloads what every screen shows.
func (u *UI) refreshAll() {
	u.refresh(refreshAll)
}

// refresh reloads the parts of the screens that what says changed.
func (u *UI) refresh(what refreshKind) {
	if u.batches == nil {
		return
	}
	if what&refreshStatus != 0 {
		u.loadStatus()
	}
	if what&refreshBatches != 0 {
		u.batches.load()
		u.record.loadBatches()
	}
	if what&refreshIncoming != 0 {
		u.record.receive.load()
	}
	if what&refreshPlaces != 0 {
		u.record.loadPlaces()
	}
	if what&refreshOrgs != 0 {
		u.record.ship.loadOrgs()
	}
	if what&refreshIdentity != 0 {
		u.identity.load()
	}
}

// loadStatus reads the node's status for the status line and the Network
// screen.
func (u *UI) loadStatus() {
	newest(u, &u.statusLoads, "read the node's status", u.svc.Status, func(st api.Status) {
		u.statusLn.set(st)
		u.network.set(st)
		u.record.setClock(st.ClockWarning)
	}, func(err error) { u.statusLn.fail(err) })
}

// canvasTitle is large bold text in the theme's primary colour.
func canvasTitle(s string) fyne.CanvasObject {
	t := canvas.NewText(s, theme.Color(theme.ColorNamePrimary))
	t.TextSize = 26
	t.TextStyle.Bold = true
	return container.NewPadded(t)
}

// navButton is a button of the narrow sidebar: an icon that shows the
// screen's name beside it when pointed at.
type navButton struct {
	widget.Button
	name string
	tip  *widget.PopUp
}

func newNavButton(name string, icon fyne.Resource, tapped func()) *navButton {
	b := &navButton{name: name}
	b.Icon, b.OnTapped = icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// MouseIn shows the screen's name.
func (b *navButton) MouseIn(e *desktop.MouseEvent) {
	b.Button.MouseIn(e)
	c := fyne.CurrentApp().Driver().CanvasForObject(b)
	if c == nil {
		return
	}
	if b.tip == nil {
		b.tip = widget.NewPopUp(widget.NewLabel(b.name), c)
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
	b.tip.ShowAtPosition(pos.Add(fyne.NewPos(b.Size().Width+4, 0)))
}

// MouseOut hides the name.
func (b *navButton) MouseOut() {
	b.Button.MouseOut()
	if b.tip != nil {
		b.tip.Hide()
	}
}

// Tapped hides the name and opens the screen.
func (b *navButton) Tapped(e *fyne.PointEvent) {
	if b.tip != nil {
		b.tip.Hide()
	}
	b.Button.Tapped(e)
}
