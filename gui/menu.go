package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// The window's keyboard shortcuts: Ctrl (Cmd on a Mac) with a letter.
var (
	shortcutQuit  = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutPrint = &desktop.CustomShortcut{KeyName: fyne.KeyP, Modifier: fyne.KeyModifierShortcutDefault}
	shortcutFind  = &desktop.CustomShortcut{KeyName: fyne.KeyF, Modifier: fyne.KeyModifierShortcutDefault}
)

// menu is the main menu and what its items act on.
type menu struct {
	print *fyne.MenuItem // File → Print…, enabled on the screens that print
	main  *fyne.MainMenu
}

// setMenu gives the window its main menu, in the window's language, and
// its shortcuts. On the first-run screen only what needs no screens is
// offered (settings, about, quit).
func (u *UI) setMenu(full bool) {
	m := &menu{}
	quit := fyne.NewMenuItem(u.t("shell.menu.quit"), u.quit)
	quit.Shortcut = shortcutQuit
	quit.IsQuit = true // else Fyne adds a Quit of its own to the first menu
	settings := fyne.NewMenuItem(u.t("shell.menu.settings"), u.showSettings)
	about := fyne.NewMenuItem(u.t("shell.menu.about"), u.showAbout)
	howTo := fyne.NewMenuItem(u.t("shell.menu.howto"), u.showHowTo)
	help := fyne.NewMenu(u.t("shell.menu.help"), howTo, about)
	m.print = fyne.NewMenuItem(u.t("shell.menu.print"), u.print)
	m.print.Shortcut = shortcutPrint
	m.print.Disabled = true
	if !full {
		m.main = fyne.NewMainMenu(fyne.NewMenu(u.t("shell.menu.file"), settings, fyne.NewMenuItemSeparator(), quit), help)
		u.menu = m
		u.win.SetMainMenu(m.main)
		u.addShortcuts()
		return
	}
	file := fyne.NewMenu(u.t("shell.menu.file"),
		fyne.NewMenuItem(u.t("shell.menu.open_capsule"), func() { u.show(screenVerify); u.verify.openCapsule() }),
		fyne.NewMenuItem(u.t("shell.menu.open_qr"), func() { u.show(screenVerify); u.verify.openImage() }),
		fyne.NewMenuItemSeparator(),
		m.print,
		fyne.NewMenuItemSeparator(),
		settings,
		fyne.NewMenuItemSeparator(),
		quit,
	)
	record := fyne.NewMenu(u.t("shell.menu.record"))
	for _, tab := range []struct{ key, tab string }{
		{"shell.menu.harvest", tabHarvest}, {"shell.menu.process", tabProcess}, {"shell.menu.ship", tabShip},
		{"shell.menu.receive", tabReceive}, {"shell.menu.place", tabPlace},
	} {
		record.Items = append(record.Items, fyne.NewMenuItem(u.t(tab.key), func() { u.openRecord(tab.tab) }))
	}
	scan := fyne.NewMenuItem(u.t("shell.menu.scan"), u.findBatch)
	scan.Shortcut = shortcutFind
	verify := fyne.NewMenu(u.t("shell.menu.verify"), scan,
		fyne.NewMenuItem(u.t("shell.menu.open_qr"), func() { u.show(screenVerify); u.verify.openImage() }),
		fyne.NewMenuItem(u.t("shell.menu.open_capsule"), func() { u.show(screenVerify); u.verify.openCapsule() }))
	m.main = fyne.NewMainMenu(file, record, verify, help)
	u.menu = m
	u.win.SetMainMenu(m.main)
	u.addShortcuts()
	u.updateMenu()
}

// addShortcuts puts the shortcuts on the window's canvas too: the desktop
// driver runs a main menu item's shortcut itself, but a window without a
// native menu bar (and Fyne's test driver) needs them on the canvas.
func (u *UI) addShortcuts() {
	c := u.win.Canvas()
	for _, s := range []*desktop.CustomShortcut{shortcutQuit, shortcutPrint, shortcutFind} {
		c.RemoveShortcut(s)
	}
	c.AddShortcut(shortcutQuit, func(fyne.Shortcut) { u.quit() })
	c.AddShortcut(shortcutPrint, func(fyne.Shortcut) {
		if u.menu != nil && !u.menu.print.Disabled {
			u.print()
		}
	})
	c.AddShortcut(shortcutFind, func(fyne.Shortcut) {
		if u.verify != nil {
			u.findBatch()
		}
	})
}

// updateMenu enables File → Print… when the screen shown has something to
// print: a report on the Verify screen, a batch in the batch detail.
func (u *UI) updateMenu() {
	if u.menu == nil || u.menu.main == nil || u.verify == nil {
		return
	}
	can := u.current == screenVerify && u.verify.report != nil ||
		u.current == screenBatches && u.ident.Ready && !u.batches.detail.b.ID.IsZero()
	if u.menu.print.Disabled == !can {
		return
	}
	u.menu.print.Disabled = !can
	u.menu.main.Refresh()
}

// print prints what the current screen shows.
func (u *UI) print() {
	switch u.current {
	case screenVerify:
		u.verify.print()
	case screenBatches:
		if u.ident.Ready {
			u.batches.detail.print()
		}
	}
}

// quit ends the app (Ctrl+Q, File → Quit).
func (u *UI) quit() {
	if u.quitHook != nil {
		u.quitHook()
		return
	}
	u.app.Quit()
}

// findBatch opens the Verify screen with the cursor in its scan field
// (Ctrl+F).
func (u *UI) findBatch() {
	if u.verify == nil {
		return
	}
	u.show(screenVerify)
	u.verify.focus()
}

// openRecord opens the Record screen on one of its forms.
func (u *UI) openRecord(tab string) {
	u.show(screenRecord)
	if u.ident.Ready {
		u.record.open(tab)
	}
}

// showAbout says which Jejak this is and where it keeps its data.
func (u *UI) showAbout() {
	md := u.app.Metadata()
	version := md.Version
	if version == "" {
		version = "dev"
	}
	dir := u.opts.DataDir
	if dir == "" {
		dir = u.t("shell.about.no_folder")
	}
	box := container.NewVBox(
		heading("Jejak"),
		wrapLabel(u.t("shell.about.version", "version", version)),
		wrapLabel(u.t("shell.about.folder", "folder", dir)),
		wrapLabel(u.t("shell.about.what")),
	)
	d := dialog.NewCustom(u.t("shell.menu.about"), u.t("common.close"), box, u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// showHowTo is a short guide to verifying a batch.
func (u *UI) showHowTo() {
	steps := widget.NewRichTextFromMarkdown(u.t("shell.howto.text"))
	steps.Wrapping = fyne.TextWrapWord
	d := dialog.NewCustom(u.t("shell.menu.howto"), u.t("common.close"), container.NewVScroll(steps), u.win)
	d.Resize(fyne.NewSize(560, 420))
	d.Show()
}
