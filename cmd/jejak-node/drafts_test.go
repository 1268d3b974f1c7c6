package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

// TestDraftExamples: every example of docs/DRAFTS.md reads as "record TYPE
// --file" reads it and passes the record rules, and every record type has
// one.
func TestDraftExamples(t *testing.T) {
	doc, err := os.ReadFile("../../docs/DRAFTS.md")
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile("(?s)## ([a-z]+)\n.*?```json\n(.*?)```")
	seen := map[protocol.Type]bool{}
	c := &cli{}
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		typ := protocol.Type(m[1])
		path := filepath.Join(t.TempDir(), "draft.json")
		if err := os.WriteFile(path, []byte(m[2]), 0o600); err != nil {
			t.Fatal(err)
		}
		body, err := c.readDraft(typ, path)
		if err != nil {
			t.Errorf("the %s example does not read: %v", typ, err)
			continue
		}
		if err := protocol.CheckDraft(body); err != nil {
			t.Errorf("the %s example breaks a rule: %v", typ, err)
		}
		seen[typ] = true
	}
	for _, ty := range protocol.Types() {
		if !seen[ty] {
			t.Errorf("docs/DRAFTS.md has no example of a %s draft", ty)
		}
	}
	if !strings.Contains(string(doc), "--unbacked") {
		t.Error("docs/DRAFTS.md does not say how to record an unbacked draft")
	}
}
