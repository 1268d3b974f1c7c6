package gui

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
)

// langSelect is a choice of the languages Jejak speaks, each named in
// itself, showing the window's language; changed calls back with the
// language chosen.
func (u *UI) langSelect(changed func(i18n.Lang)) *widget.Select {
	names := make([]string, len(i18n.Langs))
	for i, l := range i18n.Langs {
		names[i] = l.Name()
	}
	s := widget.NewSelect(names, nil)
	s.SetSelected(u.lang.Name())
	s.OnChanged = func(name string) {
		for _, l := range i18n.Langs {
			if l.Name() == name {
				changed(l)
			}
		}
	}
	return s
}

// showSettings is File → Settings…: the language, saved as the person's
// choice and applied to every screen when they press Save.
func (u *UI) showSettings() {
	chosen := u.lang
	sel := u.langSelect(func(l i18n.Lang) { chosen = l })
	items := []*widget.FormItem{
		widget.NewFormItem(u.t("shell.settings.language"), sel),
		widget.NewFormItem("", wrapLabel(u.t("shell.settings.language_hint"))),
	}
	d := dialog.NewForm(u.t("shell.settings.title"), u.t("common.save"), u.t("common.cancel"), items, func(ok bool) {
		if ok {
			u.setLang(chosen)
		}
	}, u.win)
	d.Resize(fyne.NewSize(480, 0))
	d.Show()
}

// setLang saves l as the person's language and shows every screen in it.
// The screens are built anew, as when the window moves to the demo
// network: what a half-filled form held is lost, the screen shown stays.
func (u *UI) setLang(l i18n.Lang) {
	if !l.Valid() {
		return
	}
	u.app.Preferences().SetString(langPref, string(l))
	if l == u.lang {
		return
	}
	u.lang = l
	onFirst := u.onFirstRun
	if u.batches != nil {
		u.svcEnd()
		u.svcCtx, u.svcEnd = context.WithCancel(u.ctx)
		current := u.current
		u.dropScreens()
		u.current = current
		if !onFirst {
			u.showMain()
			return
		}
	}
	u.first = nil
	if onFirst {
		u.showFirstRun()
	}
}
