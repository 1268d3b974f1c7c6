package gui

import (
	"os"

	"github.com/jejak/jejak/i18n"
)

// langPref is the preference key that holds the language the person chose
// (an i18n.Lang); empty until they choose one.
const langPref = "language"

// chosenLang is the language the person chose, or the environment's when
// they have not chosen yet.
func (u *UI) chosenLang() i18n.Lang {
	if l := i18n.Lang(u.app.Preferences().String(langPref)); l.Valid() {
		return l
	}
	if u.opts.Lang.Valid() {
		return u.opts.Lang
	}
	return i18n.FromEnv(os.Getenv)
}

// t renders a catalog message in the window's language, with parameters as
// name, value pairs: u.t("verify.records", "n", 3). Every text a person
// sees goes through it.
func (u *UI) t(key string, kv ...any) string { return i18n.T(u.lang, key, kv...) }
