package protocol_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

func TestLabels(t *testing.T) {
	id := protocol.BatchID{Record: protocol.ComputeCID([]byte("a batch")), Index: 2}
	u, err := protocol.LabelURL("verify.example.org", id)
	if err != nil {
		t.Fatal(err)
	}
	if u != strings.ToUpper("https://verify.example.org/b/"+id.String()) {
		t.Fatalf("LabelURL = %q", u)
	}
	gs1, err := protocol.LabelGS1URL("verify.example.org", "9506000134352", "LOT-7", id)
	if err != nil || gs1 != "https://verify.example.org/01/09506000134352/10/LOT-7?jb="+id.String() {
		t.Fatalf("LabelGS1URL = %q, %v", gs1, err)
	}
	for _, in := range []string{id.String(), strings.ToUpper(id.String()), " " + id.String() + "\r\n", u, strings.ToLower(u),
		"https://example.org/jejak/b/" + id.String() + "/?x=1#y", gs1, "https://x.org/01/09506000134352/21/9/10/L?jb=" + id.String(),
		"http://127.0.0.1:8080/B/" + strings.ToUpper(id.String())} {
		got, err := protocol.ParseLabel(in)
		if err != nil || got != id {
			t.Errorf("ParseLabel(%q) = %v, %v", in, got, err)
		}
	}
	for in, says := range map[string]string{
		"https://x.org/01/09506000134352/10/L":                   "no Jejak batch",
		"https://x.org/01/09506000134353/10/L?jb=" + id.String(): "check digit is 3, want 2",
		"https://x.org/about":                                    "not a Jejak label",
		"https://x.org/b/nonsense":                               "batch ID",
		"hello":                                                  "batch ID",
	} {
		_, err := protocol.ParseLabel(in)
		if err == nil || !strings.Contains(err.Error(), says) {
			t.Errorf("ParseLabel(%q) = %v, want an error saying %q", in, err, says)
		}
	}
	if _, err := protocol.ParseLabel("https://x.org/01/09506000134352/10/L"); !errors.Is(err, protocol.ErrNoBatchInLabel) {
		t.Errorf("a GS1 link without a batch: %v", err)
	}
	for _, r := range []string{"https://x.org", "x.org?a=1", "a b.org", "user@x.org"} {
		if err := protocol.CheckResolver(r); err == nil {
			t.Errorf("resolver %q accepted", r)
		}
	}
	if g, err := protocol.CheckGTIN("96385074"); err != nil || g != "00000096385074" {
		t.Errorf("GTIN-8: %q %v", g, err)
	}
}

func FuzzParseLabel(f *testing.F) {
	id := protocol.BatchID{Record: protocol.ComputeCID([]byte("a batch")), Index: 2}
	u, _ := protocol.LabelURL("verify.example.org", id)
	f.Add(u, "verify.example.org")
	f.Add("https://x.org/01/09506000134352/10/L?jb="+id.String(), "x.org/p")
	f.Add(id.String(), "")
	f.Fuzz(func(t *testing.T, text, resolver string) {
		if got, err := protocol.ParseLabel(text); err == nil && got.IsZero() {
			t.Fatalf("ParseLabel(%q) gave the zero batch", text)
		}
		if protocol.CheckResolver(resolver) != nil || resolver == "" {
			return
		}
		u, err := protocol.LabelURL(resolver, id)
		if err != nil {
			t.Fatalf("LabelURL(%q): %v", resolver, err)
		}
		if got, err := protocol.ParseLabel(u); err != nil || got != id {
			t.Fatalf("ParseLabel(LabelURL(%q)) = %v, %v (url %q)", resolver, got, err, u)
		}
	})
}
