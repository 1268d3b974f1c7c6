package provenance

import (
	"fmt"
	"strings"
)

// Text renders the report as plain text for the command line: a verdict
// banner, each check with its reasons, then the origins and the signers.
// It is written for a buyer, not a developer: full sentences, short IDs.
func (r *Report) Text() string {
	var w strings.Builder
	banner := map[Verdict]string{
		Trusted:    "TRUSTED: this batch's provenance checks out",
		Unendorsed: "UNENDORSED: authentic records, but not every signer is vouched for",
		Failed:     "FAILED: do not rely on this batch",
		Incomplete: "INCOMPLETE: records are missing, so the batch cannot be judged yet",
	}[r.Verdict]
	line := strings.Repeat("=", len([]rune(banner)))
	fmt.Fprintf(&w, "%s\n%s\n%s\n", line, banner, line)
	fmt.Fprintf(&w, "%s\n\n", r.Summary)
	fmt.Fprintf(&w, "Batch:    %s\n", r.Batch)
	if n := r.startNode(); n != nil {
		desc := n.Product
		if n.Qty != nil {
			desc += ", " + n.Qty.String()
		}
		if n.Lot != "" {
			desc += ", lot " + n.Lot
		}
		if n.Claim != nil {
			desc += ", " + n.Claim.Scheme + " " + n.Claim.Model
		}
		fmt.Fprintf(&w, "Product:  %s\n", desc)
		if n.Org != "" {
			fmt.Fprintf(&w, "Made by:  %s\n", n.Org)
		}
	}
	dir := "back to its origins"
	if r.Forward {
		dir = "back to its origins and forward to every product that used it"
	}
	when := r.CheckedAt.Format("2006-01-02 15:04 UTC")
	if r.AsOf {
		when = "as it stood at " + r.CheckedAt.Format("2006-01-02 15:04:05 UTC") + " (records made later left out)"
	}
	fmt.Fprintf(&w, "Checked:  %s, %s; %d records in the trace, %d supporting; %d trust %s\n\n",
		when, dir, r.Stats.Records, r.Stats.Context, len(r.Anchors), pluralWord(len(r.Anchors), "anchor", "anchors"))

	fmt.Fprintf(&w, "Checks\n------\n")
	for _, c := range r.Checks {
		fmt.Fprintf(&w, "[%s] %s: %s\n", strings.ToUpper(string(c.Status)), c.Title, c.Summary)
		for _, rs := range c.Reasons {
			mark := map[Level]string{LevelFail: "x", LevelWarn: "!", LevelInfo: "-"}[rs.Level]
			fmt.Fprintf(&w, "    %s %s\n", mark, wrap(rs.Text, 90, "      "))
		}
	}

	fmt.Fprintf(&w, "\nOrigins\n-------\n")
	if len(r.Origins) == 0 {
		fmt.Fprintf(&w, "    (none reached)\n")
	}
	for _, o := range r.Origins {
		shape := "point"
		if o.Polygon {
			shape = "polygon"
		}
		area := ""
		if o.AreaHa > 0 {
			area = ", " + trimFloat(o.AreaHa) + " ha"
		}
		fmt.Fprintf(&w, "    %s (%s, %s), %.5f, %.5f%s, %s\n", o.Name, o.Kind, o.Country, o.Lat, o.Lon, area, shape)
		fmt.Fprintf(&w, "      %s by %s, %s to %s\n", strings.Join(o.Products, ", "), o.Org, o.From.Format("2006-01-02"), o.Until.Format("2006-01-02"))
	}

	fmt.Fprintf(&w, "\nSigners\n-------\n")
	for _, s := range r.Signers {
		trust := "trusted"
		if !s.Trusted {
			trust = "NOT trusted"
		}
		var roles []string
		for _, x := range s.Roles {
			roles = append(roles, string(x))
		}
		fmt.Fprintf(&w, "    %s (%s%s), %s\n", s.Name, strings.Join(roles, ", "), countrySuffix(s.Country), s.Key.Short())
		fmt.Fprintf(&w, "      %s: %s; %d %s\n", trust, s.Why, s.Records, pluralWord(s.Records, "record", "records"))
		for _, e := range s.Endorsements {
			if e.Certificate == nil {
				continue
			}
			c := e.Certificate
			state := ""
			if e.RevokedAt != nil {
				state = ", withdrawn " + e.RevokedAt.Format("2006-01-02")
			}
			if !e.Trusted {
				state += ", issuer not trusted"
			}
			fmt.Fprintf(&w, "      certificate %s %s %s, valid %s to %s, issued by %s%s\n", c.Scheme, c.Model, c.Number,
				c.ValidFrom.Format("2006-01-02"), c.ValidUntil.Format("2006-01-02"), e.ByName, state)
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

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
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
