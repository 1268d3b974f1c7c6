package gui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/gui/fake"
)

// The fake service (package fake) implements every method of api.Service in
// memory, over records signed with real keys: Publish seals drafts with
// protocol.Seal, so a draft the protocol rejects is refused as a node would,
// and Verify runs provenance.Verify over a provenance.MemSource built from
// the palm-oil scenarios. These helpers build the UI on it.

// newTestUI builds the UI on Fyne's test app for svc and waits until it has
// loaded.
func newTestUI(t *testing.T, svc *fake.Service, opts Options) *UI {
	t.Helper()
	a := test.NewTempApp(t)
	opts.noWatch = true // each test that wants events says so
	opts.inline = true
	u := New(a, svc, opts)
	u.files = &fakePicker{}
	t.Cleanup(func() {
		u.Stop()
		u.idle()
	})
	u.idle()
	return u
}

// newMillUI builds the UI as the mill of the honest palm-oil chain.
func newMillUI(t *testing.T) (*UI, *fake.Mill) {
	t.Helper()
	m := fake.NewMill()
	u := newTestUI(t, m.Service, Options{})
	if u.batches == nil {
		t.Fatal("the main screens did not open for an install with an identity")
	}
	return u, m
}

// fakePicker answers file dialogs with set paths.
type fakePicker struct {
	savePath, openPath string
	saved, opened      int
}

func (p *fakePicker) save(title, name string, done func(string)) {
	p.saved++
	if p.savePath != "" {
		done(p.savePath)
	}
}

func (p *fakePicker) open(title string, exts []string, done func(string)) {
	p.opened++
	if p.openPath != "" {
		done(p.openPath)
	}
}

// texts returns every piece of text o draws, in layout order.
func texts(o fyne.CanvasObject) []string {
	var out []string
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok && t.Visible() && t.Text != "" {
			out = append(out, t.Text)
		}
	}
	return out
}

// shows reports whether o draws text containing want.
func shows(o fyne.CanvasObject, want string) bool {
	for _, s := range texts(o) {
		if contains(s, want) {
			return true
		}
	}
	return false
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }

// visibleLabel reports whether l is shown with text containing want.
func visibleLabel(l *widget.Label, want string) bool {
	return l.Visible() && contains(l.Text, want)
}

// tempFile writes data to a file in a test's temporary folder.
func tempFile(t *testing.T, name string, data []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// eventually polls cond until it holds or a deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
