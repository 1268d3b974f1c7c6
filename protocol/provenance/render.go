package provenance

import (
	"strings"

	"github.com/jejak/jejak/i18n"
)

// In renders the reason in l from its message and parameters. A reason
// without a message (made by an older version) is its Text.
func (r Reason) In(l i18n.Lang) string {
	if r.Key == "" {
		return r.Text
	}
	return render(l, r.Key, r.Params)
}

// In renders the finding in l, like Reason.In.
func (f Finding) In(l i18n.Lang) string {
	if f.Key == "" {
		return f.Text
	}
	return render(l, f.Key, f.Params)
}

// checkTitle is the title of the check named name in l, or the name
// itself for a check the catalog does not know.
func checkTitle(l i18n.Lang, name string) string {
	key := "report.check." + name
	if !i18n.Has(key) {
		return name
	}
	return i18n.T(l, key)
}

// TitleIn is the check's title in l ("Double claims").
func (c Check) TitleIn(l i18n.Lang) string {
	if !i18n.Has("report.check." + c.Name) {
		return c.Title
	}
	return checkTitle(l, c.Name)
}

// SummaryIn is the check's one-line summary in l.
func (c Check) SummaryIn(l i18n.Lang) string {
	if c.SummaryKey == "" {
		return c.Summary
	}
	return render(l, c.SummaryKey, c.SummaryParams)
}

// SummaryIn is the report's one-sentence summary in l. For a failed
// verdict, the parameter "checks" names the failed checks (their stable
// names, comma-separated), rendered as their titles in l.
func (r *Report) SummaryIn(l i18n.Lang) string {
	if r.SummaryKey == "" {
		return r.Summary
	}
	p := r.SummaryParams
	if names := p["checks"]; names != "" {
		var titles []string
		for _, n := range strings.Split(names, ",") {
			titles = append(titles, strings.ToLower(checkTitle(l, n)))
		}
		p = map[string]string{"checks": strings.Join(titles, ", ")}
	}
	return render(l, r.SummaryKey, p)
}

// BannerIn is the verdict's banner in l: "FAILED: do not rely on this
// batch".
func (v Verdict) BannerIn(l i18n.Lang) string {
	key := "report.banner." + string(v)
	if !i18n.Has(key) {
		return strings.ToUpper(string(v))
	}
	return i18n.T(l, key)
}

// NameIn is the verdict's one word in l ("Trusted").
func (v Verdict) NameIn(l i18n.Lang) string {
	key := "report.verdict." + string(v) + ".name"
	if !i18n.Has(key) {
		return string(v)
	}
	return i18n.T(l, key)
}

// WhatIn says in l what the missing record was to the record that named
// it ("input", "place of origin").
func (ms Missing) WhatIn(l i18n.Lang) string {
	if ms.WhatKey == "" {
		return ms.What
	}
	return render(l, ms.WhatKey, ms.WhatParams)
}

// WhyIn says in l why the signer is trusted or not.
func (s Signer) WhyIn(l i18n.Lang) string {
	if s.WhyKey == "" {
		return s.Why
	}
	return render(l, s.WhyKey, s.WhyParams)
}

// In returns a copy of the report whose words are in l: the summary, each
// check's title and summary, each reason's text, what each missing record
// was, why each signer is trusted or not. Keys, parameters and everything
// else are as in r: for a front end that shows a report's text fields as
// they are (the phone page).
func (r *Report) In(l i18n.Lang) *Report {
	out := *r
	out.Summary = r.SummaryIn(l)
	out.Checks = make([]Check, len(r.Checks))
	for i, c := range r.Checks {
		c.Title, c.Summary = c.TitleIn(l), c.SummaryIn(l)
		c.Reasons = append([]Reason(nil), c.Reasons...)
		for j := range c.Reasons {
			c.Reasons[j].Text = c.Reasons[j].In(l)
		}
		out.Checks[i] = c
	}
	out.Missing = append([]Missing(nil), r.Missing...)
	for i := range out.Missing {
		out.Missing[i].What = out.Missing[i].WhatIn(l)
	}
	out.Signers = append([]Signer(nil), r.Signers...)
	for i := range out.Signers {
		out.Signers[i].Why = out.Signers[i].WhyIn(l)
	}
	return &out
}
