package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

// FuzzReadDraft reads a draft as "jejak-node record TYPE --file -" does,
// seeded with every example of docs/DRAFTS.md. A refusal is an input
// error that names the draft (and where JSON breaks, the line and
// column). An accepted draft written back as JSON reads the same; and one
// that passes the record rules (protocol.CheckDraft) can be signed into a
// record that opens as a peer would open it.
func FuzzReadDraft(f *testing.F) {
	doc, err := os.ReadFile("../../docs/DRAFTS.md")
	if err != nil {
		f.Fatal(err)
	}
	types := protocol.Types()
	re := regexp.MustCompile("(?s)## ([a-z]+)\n.*?```json\n(.*?)```")
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		for i, ty := range types {
			if string(ty) == m[1] {
				f.Add(uint8(i), []byte(m[2]))
			}
		}
	}
	f.Add(uint8(0), []byte("{\n  \"name\": 12\n}"))
	f.Add(uint8(0), []byte(`{"name": "a"} {"name": "b"}`))
	f.Add(uint8(1), []byte(`{"colour": "blue"}`))
	key := prototest.Key("fuzz-draft")
	f.Fuzz(func(t *testing.T, which uint8, data []byte) {
		ty := types[int(which)%len(types)]
		c := &cli{stdin: bytes.NewReader(data)}
		body, err := c.readDraft(ty, "-")
		if err != nil {
			var ie *inputError
			if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "draft -: ") {
				t.Fatalf("refused, but not as an input error naming the draft: %v", err)
			}
			return
		}
		if body.Type() != ty {
			t.Fatalf("read a %s draft as %s", ty, body.Type())
		}
		out, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("an accepted draft does not write: %v", err)
		}
		again, err := (&cli{stdin: bytes.NewReader(out)}).readDraft(ty, "-")
		if err != nil {
			t.Fatalf("an accepted draft written back does not read: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(body, again) {
			t.Fatalf("the draft changed when written and read again:\n%#v\n%#v", body, again)
		}
		if protocol.CheckDraft(body) != nil {
			return
		}
		rec, err := protocol.Seal(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: body}, key)
		if err != nil {
			t.Fatalf("a draft that passes the rules does not seal: %v", err)
		}
		if _, err := protocol.Open(rec.Bytes); err != nil {
			t.Fatalf("a sealed draft does not open: %v", err)
		}
	})
}
