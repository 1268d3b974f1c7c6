package i18n

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Lang is one of the languages Jejak speaks, as a BCP 47 base tag.
type Lang string

// The languages.
const (
	English    Lang = "en"
	Malay      Lang = "ms"
	Indonesian Lang = "id"
)

// Langs lists every language, English first.
var Langs = []Lang{English, Malay, Indonesian}

// Name is the language's name in itself, for a language menu.
func (l Lang) Name() string {
	switch l {
	case Malay:
		return "Bahasa Melayu"
	case Indonesian:
		return "Bahasa Indonesia"
	}
	return "English"
}

// Valid reports whether l is one of Langs.
func (l Lang) Valid() bool {
	for _, x := range Langs {
		if x == l {
			return true
		}
	}
	return false
}

// Parse reads a language code such as "ms", "ms-MY", "id_ID.UTF-8" or
// "en-GB". It fails on a language Jejak does not speak.
func Parse(s string) (Lang, error) {
	l := Match(s)
	base := strings.ToLower(strings.SplitN(strings.SplitN(strings.SplitN(s, ".", 2)[0], "_", 2)[0], "-", 2)[0])
	if string(l) != base {
		return "", fmt.Errorf("i18n: language %q: Jejak speaks en (English), ms (Bahasa Melayu) and id (Bahasa Indonesia)", s)
	}
	return l, nil
}

// FromEnv picks the language from the environment the way POSIX programs
// do: $JEJAK_LANG, then $LANGUAGE, $LC_ALL, $LC_MESSAGES and $LANG.
func FromEnv(getenv func(string) string) Lang {
	var prefs []string
	for _, k := range []string{"JEJAK_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"} {
		if v := getenv(k); v != "" {
			prefs = append(prefs, v)
		}
	}
	return Match(prefs...)
}

//go:embed text/*.json
var files embed.FS

// message is one entry: a plain text, or plural forms.
type message struct {
	text  string
	forms map[string]string // "one", "other", …
}

func (m *message) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &m.text); err == nil {
		return nil
	}
	if err := json.Unmarshal(b, &m.forms); err != nil {
		return fmt.Errorf("a message is a string or an object of plural forms")
	}
	if m.forms["other"] == "" {
		return fmt.Errorf("plural forms need \"other\"")
	}
	return nil
}

type catalog map[Lang]map[string]message

var (
	loadOnce sync.Once
	loaded   catalog
	loadErr  error
)

// load reads every file of the catalog once.
func load() (catalog, error) {
	loadOnce.Do(func() { loaded, loadErr = parse(files) })
	return loaded, loadErr
}

// parse reads text/<area>.<lang>.json files: no key may appear twice in
// one language.
func parse(fsys fs.FS) (catalog, error) {
	c := catalog{}
	names, err := fs.Glob(fsys, "text/*.json")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		parts := strings.Split(strings.TrimSuffix(strings.TrimPrefix(name, "text/"), ".json"), ".")
		if len(parts) != 2 || !Lang(parts[1]).Valid() {
			return nil, fmt.Errorf("i18n: %s: name a catalog file <area>.<en|ms|id>.json", name)
		}
		l := Lang(parts[1])
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		var m map[string]message
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("i18n: %s: %w", name, err)
		}
		if c[l] == nil {
			c[l] = map[string]message{}
		}
		for k, v := range m {
			if _, dup := c[l][k]; dup {
				return nil, fmt.Errorf("i18n: %s: key %q is already in another %s file", name, k, l)
			}
			c[l][k] = v
		}
	}
	return c, nil
}

// Has reports whether English has the key.
func Has(key string) bool {
	c, err := load()
	if err != nil {
		return false
	}
	_, ok := c[English][key]
	return ok
}

// Keys lists every English key, sorted.
func Keys() []string {
	c, _ := load()
	keys := make([]string, 0, len(c[English]))
	for k := range c[English] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// T renders the message key in l with its parameters, given as name,
// value pairs: T(Malay, "verify.records", "n", 3). A value is formatted
// with fmt's %v. A parameter the message does not name is ignored; one it
// names and is not given stays as "{name}".
func T(l Lang, key string, kv ...any) string {
	return TMap(l, key, pairs(kv))
}

// TMap is T with the parameters in a map, as reasons carry them.
func TMap(l Lang, key string, params map[string]string) string {
	c, err := load()
	if err != nil {
		return key
	}
	m, ok := c[l][key]
	if !ok {
		l = English
		if m, ok = c[English][key]; !ok {
			return key
		}
	}
	text := m.text
	if m.forms != nil {
		text = m.forms["other"]
		if n, err := strconv.Atoi(params["n"]); err == nil {
			if f, ok := m.forms[formName(l, n)]; ok {
				text = f
			}
		}
	}
	return fill(text, params)
}

// pairs turns name, value pairs into a map.
func pairs(kv []any) map[string]string {
	if len(kv) == 0 {
		return nil
	}
	m := make(map[string]string, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		m[fmt.Sprint(kv[i])] = fmt.Sprint(kv[i+1])
	}
	return m
}

// fill replaces each {name} with its parameter.
func fill(text string, params map[string]string) string {
	if !strings.Contains(text, "{") {
		return text
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			b.WriteString(text)
			return b.String()
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			b.WriteString(text)
			return b.String()
		}
		name := text[i+1 : i+j]
		b.WriteString(text[:i])
		if v, ok := params[name]; ok {
			b.WriteString(v)
		} else {
			b.WriteString(text[i : i+j+1])
		}
		text = text[i+j+1:]
	}
}

// Params lists the parameter names a message text uses, sorted.
func params(text string) []string {
	var out []string
	for {
		i := strings.IndexByte(text, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			break
		}
		out = append(out, text[i+1:i+j])
		text = text[i+j+1:]
	}
	sort.Strings(out)
	return out
}
