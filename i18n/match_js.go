//go:build js

package i18n

import "strings"

// On js/wasm (the phone page's verifier) Match and formName do without
// golang.org/x/text's tables, which would add some 100 KB to the page;
// for the three languages Jejak speaks they answer as match.go does.

// Match picks the first of a person's preferences, given as BCP 47 tags
// or POSIX locale names ("ms_MY.UTF-8"), whose base language Jejak
// speaks; with none it is English.
func Match(prefs ...string) Lang {
	for _, p := range prefs {
		p = strings.SplitN(strings.SplitN(p, ".", 2)[0], "@", 2)[0]
		for _, q := range strings.Split(p, ":") { // $LANGUAGE is a list
			base := strings.ToLower(strings.SplitN(strings.ReplaceAll(q, "_", "-"), "-", 2)[0])
			if base == "in" { // the old code for Indonesian
				base = "id"
			}
			if l := Lang(base); l.Valid() {
				return l
			}
		}
	}
	return English
}

// formName is the CLDR plural category of n in l: English has "one" and
// "other", Malay and Indonesian only "other".
func formName(l Lang, n int) string {
	if l == English && (n == 1 || n == -1) {
		return "one"
	}
	return "other"
}
