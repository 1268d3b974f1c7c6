package gui

import (
	"fmt"
	"strings"
	"time"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// unitOptions returns the unit choices for a Select: each unit's symbol,
// as every screen writes it (protocol.Unit.Symbol).
func unitOptions() []string {
	var out []string
	for _, u := range protocol.Units() {
		out = append(out, u.Symbol())
	}
	return out
}

// unitByName returns the unit a Select choice names.
func unitByName(s string) (protocol.Unit, bool) {
	for _, u := range protocol.Units() {
		if u.Symbol() == s {
			return u, true
		}
	}
	return "", false
}

// unitSymbol returns the short name of u ("t"): protocol.Unit.Symbol.
func unitSymbol(u protocol.Unit) string { return u.Symbol() }

// formatQty formats q for people, "15,750 t", "0.945 t", as every screen,
// command and reason does: protocol.Quantity.Text.
func formatQty(q protocol.Quantity) string { return q.Text() }

// groupDigits puts thousands separators into a decimal number.
func groupDigits(s string) string { return protocol.GroupDigits(s) }

// formatCount formats a count with thousands separators.
func formatCount(n int64) string { return groupDigits(fmt.Sprint(n)) }

// formatDay formats a date as people in the supply chain write it in
// documents: ISO 8601, 2024-03-07.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02")
}

// formatTime formats a time to the minute.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.Local().Format("2006-01-02 15:04")
}

// shortBatch is a batch ID short enough for a list: "…k3m2q7fa/0".
func shortBatch(id protocol.BatchID) string {
	return shortCID(id.Record) + fmt.Sprintf("/%d", id.Index)
}

// shortCID is the last eight characters of a CID, as reports name records.
func shortCID(c protocol.CID) string {
	s := c.String()
	if len(s) > 8 {
		s = s[len(s)-8:]
	}
	return "…" + s
}

// claimText describes a certification claim: "RSPO SG", or "no claim".
func claimText(c *protocol.Claim) string {
	if c == nil {
		return "no claim"
	}
	return c.Scheme + " " + c.Model
}

// rolesText lists roles in words.
func (u *UI) rolesText(rs []protocol.Role) string {
	var s []string
	for _, r := range rs {
		s = append(s, u.roleName(string(r)))
	}
	if len(s) == 0 {
		return "—"
	}
	return strings.Join(s, ", ")
}

// roleName is a role (a record's code, "mill") in the window's language.
func (u *UI) roleName(r string) string {
	if key := "report.role." + r; i18n.Has(key) {
		return u.t(key)
	}
	return r
}

// kindName is a kind of place (a record's code, "plot") in the window's
// language.
func (u *UI) kindName(k string) string {
	if key := "reason.place." + k; i18n.Has(key) {
		return u.t(key)
	}
	return k
}

// truncate shortens s to at most n characters, with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// countOf says how many: "1 place", "1,204 places".
func countOf(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return formatCount(int64(n)) + " " + many
}
