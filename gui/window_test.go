package gui_test

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/gui"
)

func TestMainWindowShowsWelcome(t *testing.T) {
	a := test.NewTempApp(t)
	w := gui.NewMainWindow(a)
	defer w.Close()

	if got, want := w.Title(), "Jejak"; got != want {
		t.Errorf("window title = %q, want %q", got, want)
	}
	if size := w.Canvas().Size(); size.Width < 1000 || size.Height < 700 {
		t.Errorf("window canvas is %v, want at least 1000x700", size)
	}

	const want = "Jejak — supply-chain provenance. Screens coming soon."
	shown := renderedTexts(w.Content())
	for _, s := range shown {
		if s == want {
			return
		}
	}
	t.Errorf("window shows %q, want it to show %q", shown, want)
}

// renderedTexts returns every piece of text that o draws, including the text
// inside widgets, in layout order.
func renderedTexts(o fyne.CanvasObject) []string {
	var texts []string
	for _, obj := range test.LaidOutObjects(o) {
		if t, ok := obj.(*canvas.Text); ok && t.Visible() && t.Text != "" {
			texts = append(texts, t.Text)
		}
	}
	return texts
}
