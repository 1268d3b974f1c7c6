// Command jejak is the Jejak desktop app: a window onto a peer-to-peer
// provenance network for palm oil and electronics supply chains.
//
// This is the only package that imports fyne.io/fyne/v2/app, and so the only
// one that needs cgo and the OpenGL and X11 development libraries to build.
// The screens live in package gui.
package main

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"

	"github.com/jejak/jejak/assets"
	"github.com/jejak/jejak/gui"
)

// appID is the app's unique ID, as in FyneApp.toml. Fyne uses it to name the
// folder that holds the app's preferences and storage.
const appID = "org.jejak.app"

func main() {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	gui.NewMainWindow(a).ShowAndRun()
}
