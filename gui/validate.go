package gui

import (
	"errors"
	"strings"
	"time"
	"unicode"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// checkBody checks body against the protocol's rules as the node will
// when it publishes it (protocol.CheckDraft: field rules and size). It
// returns the broken rule (Field is a path such as "body.out[0].qty.n"),
// or nil when the node would accept the draft.
func checkBody(body protocol.Body) *protocol.FieldError {
	err := protocol.CheckDraft(body)
	if err == nil {
		return nil
	}
	var fe *protocol.FieldError
	if errors.As(err, &fe) {
		return fe
	}
	return &protocol.FieldError{Field: "body", Rule: err.Error()}
}

// ruleText turns a broken protocol rule into a sentence for the form, in
// the form's language: the rule's catalog message (FieldError.RuleIn), or
// its Rule when it has none. That a field is missing is said the forms'
// way.
func (fm *form) ruleText(fe *protocol.FieldError) string {
	if fe.Key == "rule.missing" || fe.Rule == "missing" {
		return fm.t("forms.required")
	}
	l := i18n.English
	if fm.u != nil {
		l = fm.u.lang
	}
	return sentence(fe.RuleIn(l))
}

// sentence makes s a sentence: a capital first letter, a full stop.
func sentence(rule string) string {
	r := []rune(rule)
	if len(r) == 0 {
		return rule
	}
	r[0] = unicode.ToUpper(r[0])
	s := string(r)
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, ")") {
		s += "."
	}
	return s
}

// checkDraft runs checkBody and files its finding on the form.
func (fm *form) checkDraft(body protocol.Body) {
	if fe := checkBody(body); fe != nil {
		fm.fail(fe.Field, fm.ruleText(fe))
	}
}

// checkEach files every broken rule of body, not just the first: after
// each finding, fix patches the body (a copy the form made for checking)
// so that the rule holds, and the body is checked again. fix returns false
// when it cannot patch that field, which ends the search.
func (fm *form) checkEach(body protocol.Body, fix func(field string) bool) {
	for range 10 {
		fe := checkBody(body)
		if fe == nil {
			return
		}
		fm.fail(fe.Field, fm.ruleText(fe))
		if !fix(fe.Field) {
			return
		}
	}
}

// parentPath returns the path above p: "body.out[0].qty.n" →
// "body.out[0].qty" → "body.out[0]" → "body.out" → "body" → "".
func parentPath(p string) string {
	i := strings.LastIndexAny(p, ".[")
	if i < 0 {
		return ""
	}
	return p[:i]
}

// parseAmount reads an amount typed by a person ("12,5", "12.5", "1 250")
// into thousandths, by protocol.ParseAmount, the one reading the app and
// jejak-node share. It returns a message for the form when it cannot: for
// an amount that could mean two things ("1.250": 1250 or 1.25?), the
// question, with both ways to write it.
func (u *UI) parseAmount(s string) (int64, string) {
	if strings.TrimSpace(s) == "" {
		return 0, u.t("forms.enterQty")
	}
	m, err := protocol.ParseAmount(s)
	if err != nil {
		if u.lang == i18n.English {
			// The protocol's own words say exactly what is wrong.
			return 0, sentence(strings.TrimPrefix(err.Error(), "protocol: amount "))
		}
		return 0, u.t("forms.bad_amount", "typed", strings.TrimSpace(s))
	}
	if m <= 0 {
		return 0, u.t("forms.moreThanZero")
	}
	return m, ""
}

// readsAs says how an amount was read, in the unit given ("reads as
// 12.5 t"), when it was typed otherwise than Jejak writes it (with a
// decimal comma, or grouped digits); "" when it was typed the same way.
func (u *UI) readsAs(typed string, q protocol.Quantity) string {
	if strings.TrimSpace(typed) == protocol.FormatMilli(q.Milli) {
		return ""
	}
	return u.t("forms.readsAs", "qty", formatQty(q))
}

// dayLayout is how dates are typed in forms.
const dayLayout = "2006-01-02"

// parseDay reads a date typed as YYYY-MM-DD, in local time, or says how
// to type it.
func (u *UI) parseDay(s string) (time.Time, string) {
	t, ok := readDay(s)
	if !ok {
		return time.Time{}, u.t("forms.enterDate")
	}
	return t, ""
}

// readDay reads a date typed as YYYY-MM-DD, in local time.
func readDay(s string) (time.Time, bool) {
	t, err := time.ParseInLocation(dayLayout, strings.TrimSpace(s), time.Local)
	return t, err == nil
}

// clean trims what a person typed, as records allow no surrounding space.
func clean(s string) string { return strings.TrimSpace(s) }
