//go:build !js

package i18n

import (
	"strings"

	"golang.org/x/text/feature/plural"
	"golang.org/x/text/language"
)

var matcher = language.NewMatcher([]language.Tag{language.English, language.Malay, language.Indonesian})

// Match picks the closest language to a person's preferences, given as
// BCP 47 tags or POSIX locale names ("ms_MY.UTF-8"), best first; empty
// and "C" entries are skipped. With none it is English.
func Match(prefs ...string) Lang {
	var tags []language.Tag
	for _, p := range prefs {
		p = strings.SplitN(strings.SplitN(p, ".", 2)[0], "@", 2)[0]
		for _, q := range strings.Split(p, ":") { // $LANGUAGE is a list
			q = strings.ReplaceAll(q, "_", "-")
			if q == "" || q == "C" || q == "POSIX" {
				continue
			}
			// "in" is the old code for Indonesian, still sent by some systems.
			if strings.EqualFold(q, "in") || strings.HasPrefix(strings.ToLower(q), "in-") {
				q = "id"
			}
			if t, err := language.Parse(q); err == nil {
				tags = append(tags, t)
			}
		}
	}
	if len(tags) == 0 {
		return English
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return English
	}
	return Langs[i]
}

// formName is the CLDR plural category of n in l.
func formName(l Lang, n int) string {
	if n < 0 {
		n = -n
	}
	switch plural.Cardinal.MatchPlural(language.Make(string(l)), n, 0, 0, 0, 0) {
	case plural.One:
		return "one"
	case plural.Two:
		return "two"
	case plural.Few:
		return "few"
	case plural.Many:
		return "many"
	case plural.Zero:
		return "zero"
	}
	return "other"
}
