package protocol_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
)

func TestCheckDraft(t *testing.T) {
	place := func(name string) *protocol.Place {
		return &protocol.Place{Name: name, Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(103.94, 1.79))}
	}
	many := &protocol.Origin{Places: []protocol.CID{protocol.ComputeCID(nil)}, From: protocol.MinTime, Until: protocol.MinTime}
	for i := 0; i < protocol.MaxOutputs; i++ {
		many.Out = append(many.Out, protocol.Output{Product: strings.Repeat("P", 190) + string(rune('a'+i%26)) + string(rune('a'+i/26)),
			Qty: protocol.Q(1, protocol.TNE), Lot: strings.Repeat("L", 180) + string(rune('a'+i%26)) + string(rune('a'+i/26))})
	}
	for _, tc := range []struct {
		name  string
		body  protocol.Body
		field string // "" for a valid draft
		msg   string
	}{
		{"valid", place("Kilang Sawit Bukit Lebam"), "", ""},
		{"no body", nil, "body", "missing"},
		{"field rule", place(""), "body.name", "missing"},
		{"too large for one record", many, "body", "split it in two"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := protocol.CheckDraft(tc.body)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("CheckDraft: %v", err)
				}
				return
			}
			var fe *protocol.FieldError
			if !errors.As(err, &fe) || fe.Field != tc.field || !strings.Contains(fe.Rule, tc.msg) {
				t.Fatalf("CheckDraft: %v, want field %s saying %q", err, tc.field, tc.msg)
			}
		})
	}
}
