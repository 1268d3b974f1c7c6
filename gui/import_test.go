package gui

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/protocol"
)

// TestImportPlacesAndHarvests: the clerk imports the plots and then the
// harvests of the template files from the Record screen; each shows what
// was recorded; a file with a bad line records nothing and lists the line.
func TestImportPlacesAndHarvests(t *testing.T) {
	u, m := newMillUI(t)
	mine := feed(t, m, millDevice.Public())
	templates := filepath.Join("..", "docs", "templates")

	u.files.(*stubPicker).openPath = filepath.Join(templates, "places.csv")
	u.importFile("places")
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "2 places recorded from places.csv") {
		t.Fatalf("after importing places: %q", texts(d))
	}
	u.files.(*stubPicker).openPath = filepath.Join(templates, "harvests.csv")
	u.importFile("harvests")
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "2 harvests recorded from harvests.csv") {
		t.Fatalf("after importing harvests: %q", texts(d))
	}
	now := feed(t, m, millDevice.Public())
	if len(now) != len(mine)+4 {
		t.Fatalf("the node stored %d records, want 2 places and 2 harvests", len(now)-len(mine))
	}
	if o, ok := now[len(now)-1].Body.(*protocol.Origin); !ok || len(o.Places) != 2 {
		t.Errorf("the last record is %+v, want the harvest from both plots", now[len(now)-1].Body)
	}

	bad := filepath.Join(t.TempDir(), "season.csv")
	if err := os.WriteFile(bad, []byte("date,places,product,quantity,unit\n2025-03-03,Blok A1,FFB,12.5,TNE\n2025-03-05,Blok A1,FFB,1.250,TNE\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	u.files.(*stubPicker).openPath = bad
	u.importFile("harvests")
	settle(t, u)
	if d := topDialog(t, u); !shows(d, "Nothing was recorded from season.csv") || !shows(d, "line 3") {
		t.Errorf("a file with a bad line: %q", texts(d))
	}
	if n := len(feed(t, m, millDevice.Public())); n != len(now) {
		t.Errorf("a refused import stored %d records", n-len(now))
	}
}

// TestImportProgressEachStep: the bar fills while the file is checked,
// then starts again while its rows are recorded, the slow part.
func TestImportProgressEachStep(t *testing.T) {
	u, _ := newMillUI(t)
	p := &importing{u: u, phase: widget.NewLabel(""), bar: widget.NewProgressBar()}
	checking := p.step(func(int64, int64) string { return "Checking" })
	recording := p.step(func(done, total int64) string { return fmt.Sprintf("Recording: %d of %d", done, total) })
	checking(100, 100)
	settle(t, u)
	if p.bar.Value != 1 || p.phase.Text != "Checking" {
		t.Fatalf("after checking the bar is at %v (%q)", p.bar.Value, p.phase.Text)
	}
	recording(5, 100)
	settle(t, u)
	if p.bar.Value != 0.05 || p.phase.Text != "Recording: 5 of 100" {
		t.Fatalf("while recording the bar is at %v (%q), want 0.05 and the count", p.bar.Value, p.phase.Text)
	}
}
