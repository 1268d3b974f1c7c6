package provenance_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// unfilled matches a parameter left in a rendering: "{org}".
var unfilled = regexp.MustCompile(`\{[a-z_]+\}`)

// others are the languages besides English.
var others = []i18n.Lang{i18n.Malay, i18n.Indonesian}

// translated asserts that everything the report says renders in Malay and
// Indonesian: every reason, summary, title, missing record and signer, with
// every parameter filled, from a message of that language (not its key, not
// English). English renderings are the Text fields.
func translated(t *testing.T, r *provenance.Report) {
	t.Helper()
	seen := map[string]bool{} // one error per message
	check := func(l i18n.Lang, what, key, en, got string, sameOK bool) {
		t.Helper()
		switch {
		case seen[string(l)+key]:
		case unfilled.MatchString(got):
			t.Errorf("%s: %s %s leaves a parameter: %q", l, what, key, got)
		case key != "" && strings.Contains(got, key):
			t.Errorf("%s: %s %s renders as its key: %q", l, what, key, got)
		case got == en && !sameOK:
			t.Errorf("%s: %s %s is still English: %q", l, what, key, got)
		default:
			return
		}
		seen[string(l)+key] = true
	}
	if r.SummaryKey == "" {
		t.Errorf("the summary %q has no message", r.Summary)
	}
	for _, c := range r.Checks {
		if c.SummaryKey == "" {
			t.Errorf("check %s: the summary %q has no message", c.Name, c.Summary)
		}
		if got := c.SummaryIn(i18n.English); got != c.Summary {
			t.Errorf("check %s: summary in English %q, Summary %q", c.Name, got, c.Summary)
		}
		for _, x := range c.Reasons {
			if x.Key == "" {
				t.Errorf("check %s: reason %s %q has no message", c.Name, x.Code, x.Text)
			}
			if got := x.In(i18n.English); got != x.Text {
				t.Errorf("reason %s in English %q, Text %q", x.Code, got, x.Text)
			}
			for k := range x.Params {
				if unfilled.MatchString(x.Params[k]) {
					t.Errorf("reason %s: parameter %s is %q", x.Code, k, x.Params[k])
				}
			}
		}
	}
	for _, l := range others {
		check(l, "summary", r.SummaryKey, r.Summary, r.SummaryIn(l), false)
		check(l, "banner", string(r.Verdict), r.Verdict.BannerIn(i18n.English), r.Verdict.BannerIn(l), false)
		for _, c := range r.Checks {
			check(l, "title", "report.check."+c.Name, c.Title, c.TitleIn(l), c.Name == "eudr")
			check(l, "summary of "+c.Name, c.SummaryKey, c.Summary, c.SummaryIn(l), false)
			for _, x := range c.Reasons {
				check(l, "reason "+x.Code, x.Key, x.Text, x.In(l), false)
			}
		}
		for _, ms := range r.Missing {
			check(l, "missing", ms.WhatKey, ms.What, ms.WhatIn(l), true)
		}
		for _, s := range r.Signers {
			check(l, "signer", s.WhyKey, s.Why, s.WhyIn(l), false)
		}
		check(l, "text", "", r.Text(), r.TextIn(l), false)
		in := r.In(l)
		for i, c := range in.Checks {
			if c.Title != c.TitleIn(l) || c.Summary != r.Checks[i].SummaryIn(l) {
				t.Errorf("%s: Report.In: check %s reads %q: %q", l, c.Name, c.Title, c.Summary)
			}
			for j, x := range c.Reasons {
				if x.Text != r.Checks[i].Reasons[j].In(l) || r.Checks[i].Reasons[j].Text == x.Text {
					t.Errorf("%s: Report.In: reason %s reads %q", l, x.Code, x.Text)
				}
			}
		}
		if in.Summary != r.SummaryIn(l) || r.Summary == in.Summary {
			t.Errorf("%s: Report.In: summary %q; the report's own became %q", l, in.Summary, r.Summary)
		}
	}
}

// TestReasonsTranslated renders every report of every scenario, backward
// and forward, in Malay and Indonesian. The check tests' reports are
// rendered too, by verify.
func TestReasonsTranslated(t *testing.T) {
	scenarios := append(scenario.All(), scenario.HonestPalm(), scenario.DoubleClaim())
	for _, s := range scenarios {
		for _, forward := range []bool{false, true} {
			translated(t, verifyScenario(t, s, forward))
		}
	}
}

// TestTextIn: the Malay text of a failed report has the Malay banner,
// check titles and reasons, and Text is the English one.
func TestTextIn(t *testing.T) {
	r := verifyScenario(t, scenario.DoubleClaim(), false)
	ms := r.TextIn(i18n.Malay)
	for _, want := range []string{"GAGAL: jangan bergantung pada kelompok ini", "[GAGAL] Tuntutan berganda", "Jangan bergantung pada kelompok ini: tuntutan berganda gagal.", "dituntut"} {
		if !strings.Contains(ms, want) {
			t.Errorf("the Malay text does not say %q:\n%s", want, ms)
		}
	}
	if en := r.Text(); en != r.TextIn(i18n.English) || !strings.Contains(en, "FAILED: do not rely on this batch") || !strings.Contains(en, "double claims failed") {
		t.Errorf("Text is not the English text:\n%s", en)
	}
}

// findingsTranslated asserts that every finding renders in Malay and
// Indonesian, parameters filled, and in English as its Text.
func findingsTranslated(t *testing.T, fs []provenance.Finding) {
	t.Helper()
	for _, f := range fs {
		if f.Key == "" || f.In(i18n.English) != f.Text {
			t.Errorf("finding %s %q: message %q renders %q in English", f.Code, f.Text, f.Key, f.In(i18n.English))
		}
		for _, l := range others {
			if got := f.In(l); unfilled.MatchString(got) || got == f.Text || strings.Contains(got, f.Key) {
				t.Errorf("%s: finding %s %s renders %q", l, f.Code, f.Key, got)
			}
		}
	}
}
