package jsonerr

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// FuzzDescribe decodes arbitrary JSON into a struct, as config files and
// drafts are read, and describes the error: a syntax or type error is
// placed at a line and column that exist in the document.
func FuzzDescribe(f *testing.F) {
	f.Add([]byte("{\n  \"name\": 12\n}"))
	f.Add([]byte("{\n  \"list\": [1,\n}"))
	f.Add([]byte(`{"qty": {"milli": "12"}}`))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, data []byte) {
		var v struct {
			Name string                `json:"name"`
			List []int                 `json:"list"`
			Qty  struct{ Milli int64 } `json:"qty"`
		}
		err := json.NewDecoder(bytes.NewReader(data)).Decode(&v)
		if err == nil {
			return
		}
		msg := Describe(data, err)
		if msg == "" {
			t.Fatal("an empty description")
		}
		if strings.HasPrefix(msg, "line ") {
			var line, col int
			if _, err := fmt.Sscanf(msg, "line %d, column %d:", &line, &col); err != nil {
				t.Fatalf("%q: %v", msg, err)
			}
			lines := bytes.Split(data, []byte("\n"))
			if line < 1 || line > len(lines) || col < 1 || col > len(lines[line-1])+1 {
				t.Fatalf("%q points outside the document (%d lines)", msg, len(lines))
			}
		}
	})
}
