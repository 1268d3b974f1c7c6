package provenance

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/i18n"
)

// Text renders the report as plain English text for the command line:
// TextIn(i18n.English).
func (r *Report) Text() string { return r.TextIn(i18n.English) }

// TextIn renders the report as plain text in l: a verdict banner, each
// check with its reasons, then the origins and the signers. It is written
// for a buyer, not a developer: full sentences, short IDs.
func (r *Report) TextIn(l i18n.Lang) string {
	var w strings.Builder
	t := func(key string, kv ...any) string { return i18n.T(l, key, kv...) }
	banner := r.Verdict.BannerIn(l)
	line := strings.Repeat("=", len([]rune(banner)))
	fmt.Fprintf(&w, "%s\n%s\n%s\n", line, banner, line)
	fmt.Fprintf(&w, "%s\n\n", r.SummaryIn(l))
	fmt.Fprintf(&w, "%s\n", t("report.text.batch", "batch", r.Batch))
	if n := r.startNode(); n != nil {
		desc := n.Product
		if n.Qty != nil {
			desc += ", " + n.Qty.Text()
		}
		if n.Lot != "" {
			desc += ", " + t("report.text.lot", "lot", n.Lot)
		}
		if n.Claim != nil {
			desc += ", " + n.Claim.Scheme + " " + n.Claim.Model
		}
		fmt.Fprintf(&w, "%s\n", t("report.text.product", "product", desc))
		if n.Org != "" {
			fmt.Fprintf(&w, "%s\n", t("report.text.made_by", "org", n.Org))
		}
	}
	dir := "report.text.back"
	if r.Forward {
		dir = "report.text.back_forward"
	}
	when := r.CheckedAt.Format("2006-01-02 15:04 UTC")
	if r.AsOf {
		when = t("report.text.as_of", "time", r.CheckedAt.Format("2006-01-02 15:04:05 UTC"))
	}
	fmt.Fprintf(&w, "%s\n\n", t("report.text.checked", "when", when, "direction", t(dir), "records", r.Stats.Records,
		"context", r.Stats.Context, "anchors", t("report.text.anchors", "n", len(r.Anchors))))

	heading := func(key string) {
		h := t(key)
		fmt.Fprintf(&w, "%s\n%s\n", h, strings.Repeat("-", len([]rune(h))))
	}
	heading("report.text.checks")
	for _, c := range r.Checks {
		fmt.Fprintf(&w, "[%s] %s: %s\n", t("report.status."+string(c.Status)), c.TitleIn(l), c.SummaryIn(l))
		for _, rs := range c.Reasons {
			mark := map[Level]string{LevelFail: "x", LevelWarn: "!", LevelInfo: "-"}[rs.Level]
			fmt.Fprintf(&w, "    %s %s\n", mark, wrap(rs.In(l), 90, "      "))
		}
	}

	w.WriteString("\n")
	heading("report.text.origins")
	if len(r.Origins) == 0 {
		fmt.Fprintf(&w, "    %s\n", t("report.text.no_origins"))
	}
	for _, o := range r.Origins {
		shape := t("reason.geo.point")
		if o.Polygon {
			shape = t("reason.geo.polygon")
		}
		area := ""
		if o.AreaHa > 0 {
			area = ", " + trimFloat(o.AreaHa) + " ha"
		}
		kind := o.Kind
		if i18n.Has("reason.place." + o.Kind) {
			kind = t("reason.place." + o.Kind)
		}
		fmt.Fprintf(&w, "    %s (%s, %s), %.5f, %.5f%s, %s\n", o.Name, kind, o.Country, o.Lat, o.Lon, area, shape)
		fmt.Fprintf(&w, "      %s\n", t("report.text.origin", "products", strings.Join(o.Products, ", "), "org", o.Org,
			"from", o.From.Format("2006-01-02"), "until", o.Until.Format("2006-01-02")))
	}

	w.WriteString("\n")
	heading("report.text.signers")
	for _, s := range r.Signers {
		trust := t("report.text.trusted")
		if !s.Trusted {
			trust = t("report.text.not_trusted")
		}
		var roles []string
		for _, x := range s.Roles {
			if i18n.Has("report.role." + string(x)) {
				roles = append(roles, t("report.role."+string(x)))
			} else {
				roles = append(roles, string(x))
			}
		}
		fmt.Fprintf(&w, "    %s (%s%s), %s\n", s.Name, strings.Join(roles, ", "), countrySuffix(s.Country), s.Key.Short())
		fmt.Fprintf(&w, "      %s: %s; %s\n", trust, s.WhyIn(l), t("common.records", "n", s.Records))
		for _, e := range s.Endorsements {
			if e.Certificate == nil {
				continue
			}
			c := e.Certificate
			state := ""
			if e.RevokedAt != nil {
				state = t("report.text.withdrawn", "date", e.RevokedAt.Format("2006-01-02"))
			}
			if !e.Trusted {
				state += t("report.text.issuer_untrusted")
			}
			fmt.Fprintf(&w, "      %s\n", t("report.text.certificate", "scheme", c.Scheme, "model", c.Model, "number", c.Number,
				"from", c.ValidFrom.Format("2006-01-02"), "until", c.ValidUntil.Format("2006-01-02"), "by", e.ByName, "state", state))
		}
	}
	return w.String()
}

func (r *Report) startNode() *Node {
	for i := range r.Graph.Nodes {
		if r.Graph.Nodes[i].Role == roleStart && r.Graph.Nodes[i].ReplacedBy == "" {
			return &r.Graph.Nodes[i]
		}
	}
	return nil
}

func countrySuffix(c string) string {
	if c == "" {
		return ""
	}
	return ", " + c
}

// wrap breaks text into lines of at most width characters, indenting the
// lines after the first.
func wrap(text string, width int, indent string) string {
	var out strings.Builder
	n := 0
	for i, word := range strings.Fields(text) {
		l := len([]rune(word))
		if i > 0 && n+1+l > width {
			out.WriteString("\n" + indent)
			n = 0
		} else if i > 0 {
			out.WriteByte(' ')
			n++
		}
		out.WriteString(word)
		n += l
	}
	return out.String()
}
