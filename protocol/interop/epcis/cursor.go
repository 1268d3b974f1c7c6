package epcis

import (
	"strconv"
	"strings"
	"time"
)

// cur is a node and its JSON path. why holds, for the whole tree, the
// reasons given for nodes left unmapped.
type cur struct {
	n    *node
	path string
	why  map[*node]string
}

func (c cur) child(seg string) string {
	if c.path == "" {
		return strings.TrimPrefix(seg, ".")
	}
	return c.path + seg
}

// get returns member k and marks it used.
func (c cur) get(k string) (cur, bool) {
	m := c.n.member(k)
	if m == nil {
		return cur{}, false
	}
	m.used = true
	return cur{n: m, path: c.child(pathKey(k)), why: c.why}, true
}

// peek returns member k without marking it.
func (c cur) peek(k string) (cur, bool) {
	m := c.n.member(k)
	if m == nil {
		return cur{}, false
	}
	return cur{n: m, path: c.child(pathKey(k)), why: c.why}, true
}

// x returns Jejak extension member k, when the document's @context says
// the prefix is Jejak's.
func (im *importer) x(c cur, k string) (cur, bool) {
	if !im.ours {
		return cur{}, false
	}
	return c.get(k)
}

// skip leaves c unused, with the reason the unmapped list gives.
func (c cur) skip(why string) {
	c.n.used = false
	c.why[c.n] = why
}

func (c cur) want(k kind) error {
	if c.n.kind != k {
		return malformed(c.path, "want %s, not %s", k, c.n.kind)
	}
	return nil
}

func (c cur) str() (string, error) {
	if err := c.want(kString); err != nil {
		return "", err
	}
	return c.n.text, nil
}

// items returns an array's items, each marked used.
func (c cur) items() ([]cur, error) {
	if err := c.want(kArray); err != nil {
		return nil, err
	}
	out := make([]cur, len(c.n.kids))
	for i := range c.n.kids {
		c.n.kids[i].used = true
		out[i] = cur{n: &c.n.kids[i], path: c.path + "[" + strconv.Itoa(i) + "]", why: c.why}
	}
	return out, nil
}

// optStr returns member k as a string, "" when absent.
func (c cur) optStr(k string) (string, bool, error) {
	m, ok := c.get(k)
	if !ok {
		return "", false, nil
	}
	s, err := m.str()
	return s, true, err
}

// optStrCur is optStr that also returns the member.
func (c cur) optStrCur(k string) (string, cur, bool, error) {
	m, ok := c.get(k)
	if !ok {
		return "", cur{}, false, nil
	}
	s, err := m.str()
	return s, m, true, err
}

// reqStr returns member k, which must be a string.
func (c cur) reqStr(k string) (string, cur, error) {
	m, ok := c.get(k)
	if !ok {
		return "", cur{}, malformed(c.child(pathKey(k)), "missing")
	}
	s, err := m.str()
	return s, m, err
}

// timeOf reads a date-time into Unix milliseconds.
func timeOf(c cur) (int64, error) {
	s, err := c.str()
	if err != nil {
		return 0, err
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return 0, malformed(c.path, "%q is not a date-time such as 2024-03-01T05:00:00.000Z", short(s))
	}
	return t.UnixMilli(), nil
}

func short(s string) string {
	if len(s) > 60 {
		return s[:57] + "…"
	}
	return s
}
