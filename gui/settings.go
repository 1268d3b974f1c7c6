package gui

import (
	"context"
	"encoding/json"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	fynelang "fyne.io/fyne/v2/lang"
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
	useFyneLang(l)
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

// fyneTexts are Fyne's own texts (dialog buttons, the file picker, the
// entry's menu), by Fyne's message ID, and the catalog key of each.
var fyneTexts = map[string]string{
	"Advanced": "shell.fyne.advanced", "Cancel": "common.cancel", "Confirm": "shell.fyne.confirm", "Copy": "shell.fyne.copy",
	"Create Folder": "shell.fyne.create_folder", "Cut": "shell.fyne.cut", "Enter filename": "shell.fyne.enter_filename",
	"Error": "shell.fyne.error", "Favourites": "shell.fyne.favourites", "File": "shell.fyne.file", "Folder": "shell.fyne.folder",
	"New Folder": "shell.fyne.new_folder", "No": "shell.fyne.no", "OK": "shell.fyne.ok", "Open": "shell.fyne.open",
	"Paste": "shell.fyne.paste", "Quit": "shell.menu.quit", "Redo": "shell.fyne.redo", "Save": "common.save",
	"Select all": "shell.fyne.select_all", "Show Hidden Files": "shell.fyne.show_hidden", "Undo": "shell.fyne.undo",
	"Yes": "shell.fyne.yes",
}

// useFyneLang makes Fyne's own texts speak l. Fyne picks their language
// from the system's locale, with no way to choose another: l's texts are
// given to Fyne as the translation of the system's language and of
// English (what Fyne falls back to), so whichever it picks speaks l.
func useFyneLang(l i18n.Lang) {
	msgs := map[string]any{}
	for id, key := range fyneTexts {
		msgs[id] = i18n.T(l, key)
	}
	msgs["file.name"] = map[string]string{"other": i18n.T(l, "shell.fyne.name")}
	msgs["file.parent"] = map[string]string{"other": i18n.T(l, "shell.fyne.parent")}
	data, err := json.Marshal(msgs)
	if err != nil {
		return
	}
	locales := []fyne.Locale{"en"}
	if sys := fynelang.SystemLocale(); sys != "" && sys.LanguageString() != "en" {
		locales = append(locales, fyne.Locale(sys.LanguageString()))
	}
	for _, loc := range locales {
		if err := fynelang.AddTranslationsForLocale(data, loc); err != nil {
			fyne.LogError("jejak: Fyne's texts in "+string(l), err)
		}
	}
}
