package capsule_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// TestNotesIn: a result's notes are in English and, from their messages,
// in Malay and Indonesian.
func TestNotesIn(t *testing.T) {
	s := scenario.HonestPalm()
	data, _ := build(t, s)
	res := capsule.Check(context.Background(), data, capsule.CheckOptions{Batch: s.Batch.String(), Lot: "NO-SUCH-LOT", Now: checkedAt})
	if !res.OK || len(res.Notes) != 2 || len(res.NoteMessages) != 2 {
		t.Fatalf("result %v %q: notes %q, %v", res.OK, res.Error, res.Notes, res.NoteMessages)
	}
	if !strings.HasPrefix(res.Notes[0], "No trust anchors were chosen") || !strings.Contains(res.Notes[1], `"NO-SUCH-LOT" is not the lot`) {
		t.Errorf("English notes %q", res.Notes)
	}
	for l, want := range map[i18n.Lang][]string{
		i18n.English:    res.Notes,
		i18n.Malay:      {"Tiada sauh kepercayaan dipilih", `Kod lot label "NO-SUCH-LOT"`},
		i18n.Indonesian: {"Tidak ada jangkar kepercayaan yang dipilih", `Kode lot pada label "NO-SUCH-LOT"`},
	} {
		got := res.NotesIn(l)
		for i, w := range want {
			if len(got) != 2 || !strings.HasPrefix(got[i], w) {
				t.Errorf("%s: notes %q, want note %d to start %q", l, got, i, w)
			}
		}
	}
}
