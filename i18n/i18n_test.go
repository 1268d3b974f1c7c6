package i18n

import (
	"reflect"
	"testing"
)

// TestCatalogComplete: every English key is in every language, with the
// same parameters, and no language has a key English lacks.
func TestCatalogComplete(t *testing.T) {
	c, err := load()
	if err != nil {
		t.Fatal(err)
	}
	if len(c[English]) == 0 {
		t.Fatal("the English catalog is empty")
	}
	names := func(m message) []string {
		if m.forms == nil {
			return params(m.text)
		}
		return params(m.forms["other"])
	}
	for _, l := range Langs[1:] {
		for k, en := range c[English] {
			m, ok := c[l][k]
			if !ok {
				t.Errorf("%s: no translation of %q (%q)", l, k, en.text+en.forms["other"])
				continue
			}
			if a, b := names(en), names(m); !reflect.DeepEqual(a, b) {
				t.Errorf("%s: %q names parameters %v, English names %v", l, k, b, a)
			}
			if (en.forms == nil) != (m.forms == nil) {
				t.Errorf("%s: %q: plural forms in one language and not the other", l, k)
			}
		}
		for k := range c[l] {
			if _, ok := c[English][k]; !ok {
				t.Errorf("%s: %q is not in the English catalog", l, k)
			}
		}
	}
}

func TestT(t *testing.T) {
	for _, tc := range []struct {
		l    Lang
		key  string
		kv   []any
		want string
	}{
		{English, "common.records", []any{"n", 1}, "1 record"},
		{English, "common.records", []any{"n", 3}, "3 records"},
		{Malay, "common.records", []any{"n", 1}, "1 rekod"},
		{Indonesian, "common.cancel", nil, "Batal"},
		{Malay, "no.such.key", nil, "no.such.key"},
	} {
		if got := T(tc.l, tc.key, tc.kv...); got != tc.want {
			t.Errorf("T(%s, %q, %v) = %q, want %q", tc.l, tc.key, tc.kv, got, tc.want)
		}
	}
	if got := fill("{a} and {b}", map[string]string{"a": "x"}); got != "x and {b}" {
		t.Errorf("fill = %q", got)
	}
}

func TestMatch(t *testing.T) {
	for in, want := range map[string]Lang{
		"": English, "C": English, "C.UTF-8": English, "ms_MY.UTF-8": Malay, "id_ID.UTF-8": Indonesian,
		"in_ID": Indonesian, "en_GB.UTF-8": English, "fr_FR.UTF-8": English, "ms": Malay, "id": Indonesian,
		"de:ms": Malay,
	} {
		if got := Match(in); got != want {
			t.Errorf("Match(%q) = %s, want %s", in, got, want)
		}
	}
	env := map[string]string{"LANG": "en_US.UTF-8", "JEJAK_LANG": "id"}
	if got := FromEnv(func(k string) string { return env[k] }); got != Indonesian {
		t.Errorf("FromEnv = %s", got)
	}
	if _, err := Parse("fr"); err == nil {
		t.Error("Parse(fr) did not fail")
	}
	if l, err := Parse("ms-MY"); err != nil || l != Malay {
		t.Errorf("Parse(ms-MY) = %s, %v", l, err)
	}
}

func TestRendered(t *testing.T) {
	if !Rendered(Malay, T(Malay, "common.records", "n", 7)) {
		t.Error("a Malay rendering is not recognised")
	}
	if Rendered(Malay, "7 records") {
		t.Error("English text passes as Malay")
	}
	if !Rendered(English, "Cancel") || Rendered(English, "Cancelled") {
		t.Error("the match is not anchored")
	}
}
