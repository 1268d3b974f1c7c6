package i18n

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Rendered reports whether text is what some message of l renders to,
// whatever its parameters: the tests ask it of every text a screen shows,
// to find the ones that bypass the catalog. A message that is only
// parameters ("{a}: {b}") matches nothing on its own.
func Rendered(l Lang, text string) bool {
	for _, re := range patterns(l) {
		if re.MatchString(text) {
			return true
		}
	}
	return false
}

var (
	patternsMu sync.Mutex
	patternsOf = map[Lang][]*regexp.Regexp{}
)

// patterns are the messages of l as anchored regular expressions, each
// parameter matching any text, longest literal first.
func patterns(l Lang) []*regexp.Regexp {
	patternsMu.Lock()
	defer patternsMu.Unlock()
	if p, ok := patternsOf[l]; ok {
		return p
	}
	c, err := load()
	if err != nil {
		return nil
	}
	var texts []string
	for _, m := range c[l] {
		if m.forms == nil {
			texts = append(texts, m.text)
			continue
		}
		for _, f := range m.forms {
			texts = append(texts, f)
		}
	}
	sort.Slice(texts, func(i, j int) bool { return len(texts[i]) > len(texts[j]) })
	var out []*regexp.Regexp
	for _, t := range texts {
		var b strings.Builder
		literal := false
		b.WriteString(`^`)
		for t != "" {
			i := strings.IndexByte(t, '{')
			j := -1
			if i >= 0 {
				j = strings.IndexByte(t[i:], '}')
			}
			if i < 0 || j < 0 {
				b.WriteString(regexp.QuoteMeta(t))
				literal = literal || strings.Trim(t, " :·,.()–-—→•…/%;\"\n") != ""
				break
			}
			lit := t[:i]
			b.WriteString(regexp.QuoteMeta(lit))
			literal = literal || strings.Trim(lit, " :·,.()–-—→•…/%;\"\n") != ""
			b.WriteString(`(?s:.*)`)
			t = t[i+j+1:]
		}
		b.WriteString(`$`)
		if !literal {
			continue
		}
		if re, err := regexp.Compile(b.String()); err == nil {
			out = append(out, re)
		}
	}
	patternsOf[l] = out
	return out
}
