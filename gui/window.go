package gui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

const (
	// title is the main window's title.
	title = "Jejak"
	// welcomeText is shown until the real screens exist.
	welcomeText = "Jejak — supply-chain provenance. Screens coming soon."
)

// windowSize is the main window's initial size. Under a display server
// without a window manager, such as Xvfb, a window opens at its minimum size
// unless it is resized, so the size is always set.
var windowSize = fyne.NewSize(1000, 700)

// NewMainWindow creates the app's main window on a, with its content laid
// out and its size set, and makes it the master window, so that closing it
// quits the app. The caller shows it, usually with ShowAndRun.
//
// If a has an icon, the welcome screen shows it above the welcome text.
func NewMainWindow(a fyne.App) fyne.Window {
	w := a.NewWindow(title)
	w.SetContent(newWelcome(a.Icon()))
	w.Resize(windowSize)
	w.CenterOnScreen()
	w.SetMaster()
	return w
}

// newWelcome returns the placeholder screen: the icon, if there is one, and
// the welcome text, centred in the window.
func newWelcome(icon fyne.Resource) fyne.CanvasObject {
	text := widget.NewLabelWithStyle(welcomeText, fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	box := container.NewVBox()
	if icon != nil {
		img := canvas.NewImageFromResource(icon)
		img.FillMode = canvas.ImageFillContain
		img.SetMinSize(fyne.NewSize(128, 128))
		box.Add(img)
	}
	box.Add(text)
	return container.NewCenter(box)
}
