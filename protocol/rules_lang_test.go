package protocol_test

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// ruleCall is one call of protocol's invalid(field, key, name, value, ...)
// as the source writes it.
type ruleCall struct {
	at     string
	key    string
	params []string
}

// ruleCalls finds every call of invalid in the package's source.
func ruleCalls(t *testing.T) []ruleCall {
	t.Helper()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var calls []ruleCall
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			c, ok := n.(*ast.CallExpr)
			if !ok {
				return true
			}
			if id, ok := c.Fun.(*ast.Ident); !ok || id.Name != "invalid" {
				return true
			}
			at := fset.Position(c.Pos()).String()
			lit := func(e ast.Expr) string {
				b, ok := e.(*ast.BasicLit)
				if !ok || b.Kind != token.STRING {
					t.Errorf("%s: invalid's key and parameter names must be string literals, so this test can check them", at)
					return ""
				}
				s, _ := strconv.Unquote(b.Value)
				return s
			}
			if len(c.Args) < 2 || len(c.Args)%2 != 0 {
				t.Errorf("%s: invalid takes a field, a key and name, value pairs; has %d arguments", at, len(c.Args))
				return true
			}
			rc := ruleCall{at: at, key: lit(c.Args[1])}
			for i := 2; i < len(c.Args); i += 2 {
				rc.params = append(rc.params, lit(c.Args[i]))
			}
			calls = append(calls, rc)
			return true
		})
	}
	return calls
}

// TestRuleKeysInCatalog checks every rule the package can break: its key
// is in the catalog, and in each language the message uses exactly the
// parameters the call gives, so nothing shows as "{name}" to a person.
func TestRuleKeysInCatalog(t *testing.T) {
	calls := ruleCalls(t)
	if len(calls) < 80 {
		t.Fatalf("found %d calls of invalid, want the package's 100 or so", len(calls))
	}
	for _, c := range calls {
		if !i18n.Has(c.key) {
			t.Errorf("%s: key %q is not in i18n/text/rule.en.json", c.at, c.key)
			continue
		}
		fe := &protocol.FieldError{Key: c.key, Params: map[string]string{}}
		for _, p := range c.params {
			if strings.HasSuffix(p, "_key") {
				fe.Params[p] = "rule.place_a." + protocol.PlaceEstate
				continue
			}
			fe.Params[p] = "«" + p + "»"
		}
		for _, l := range i18n.Langs {
			got := fe.RuleIn(l)
			if strings.ContainsAny(got, "{}") || got == c.key {
				t.Errorf("%s: %s in %s renders as %q", c.at, c.key, l, got)
			}
			for _, p := range c.params {
				if !strings.HasSuffix(p, "_key") && !strings.Contains(got, fe.Params[p]) {
					t.Errorf("%s: %s in %s does not say parameter %q: %q", c.at, c.key, l, p, got)
				}
			}
		}
	}
	// The one "_key" parameter names a kind of place with its article.
	for _, kind := range protocol.PlaceKinds() {
		if !i18n.Has("rule.place_a." + kind) {
			t.Errorf("no message rule.place_a.%s for the kind of place %q", kind, kind)
		}
	}
}

// TestBadInputRulesInEveryLanguage opens every bad record of the
// bad-input table that breaks a rule and checks the rule says itself in
// Malay and Indonesian, in words of those languages, and in English as
// the FieldError's Rule.
func TestBadInputRulesInEveryLanguage(t *testing.T) {
	n := 0
	for _, tc := range badCases(t) {
		if tc.kind != protocol.ErrInvalid {
			continue
		}
		_, err := protocol.Open(tc.data)
		var fe *protocol.FieldError
		if !errors.As(err, &fe) {
			t.Errorf("%s: error %v is not a *FieldError", tc.name, err)
			continue
		}
		n++
		if fe.Key == "" {
			t.Errorf("%s: rule %q has no catalog key", tc.name, fe.Rule)
			continue
		}
		if got := fe.RuleIn(i18n.English); got != fe.Rule {
			t.Errorf("%s: in English %q, but Rule is %q", tc.name, got, fe.Rule)
		}
		for _, l := range []i18n.Lang{i18n.Malay, i18n.Indonesian} {
			got := fe.RuleIn(l)
			if got == "" || strings.ContainsAny(got, "{}") || got == fe.Rule {
				t.Errorf("%s: rule %q in %s is %q", tc.name, fe.Rule, l, got)
			}
		}
	}
	if n < 10 {
		t.Fatalf("only %d bad records break a rule, want at least 10", n)
	}
}

// TestRuleInEachLanguage pins one rule in each language, word for word.
func TestRuleInEachLanguage(t *testing.T) {
	err := protocol.Geometry{Type: "MultiPolygon"}.Validate("geo")
	var fe *protocol.FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("Validate(MultiPolygon) = %v, want a *FieldError", err)
	}
	for l, want := range map[i18n.Lang]string{
		i18n.English:    `"MultiPolygon" is not supported (want Point or Polygon)`,
		i18n.Malay:      `"MultiPolygon" tidak disokong (perlu Point atau Polygon)`,
		i18n.Indonesian: `"MultiPolygon" tidak didukung (harus Point atau Polygon)`,
	} {
		if got := fe.RuleIn(l); got != want {
			t.Errorf("in %s: %q, want %q", l, got, want)
		}
	}
}
