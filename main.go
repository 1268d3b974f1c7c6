// Command jejak is the Jejak desktop app: a window onto a peer-to-peer
// provenance network for palm oil and electronics supply chains, with the
// node running inside it.
//
// This is the only package that imports fyne.io/fyne/v2/app, and so the only
// one that needs cgo and the OpenGL and X11 development libraries to build.
// The screens live in package gui; the node in package node.
//
// The data folder is $JEJAK_DATA when set, else $XDG_DATA_HOME/jejak (on
// Linux ~/.local/share/jejak), else the system's per-user configuration
// folder (macOS, Windows). With JEJAK_SCREENSHOT_TOUR set, the app shows
// every screen in turn: before each picture it prints "screenshot NAME" on
// standard output and waits for a line on standard input (make screenshots
// takes the picture in between), then quits. Before the picture of a
// Verify screen it prints "verdict NAME VERDICT".
package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/assets"
	"github.com/jejak/jejak/gui"
)

// appID is the app's unique ID, as in FyneApp.toml. Fyne uses it to name the
// folder that holds the app's preferences and storage.
const appID = "org.jejak.app"

// errInUse is what openService returns, wrapped, when another Jejak
// process has the data folder's store open.
var errInUse = errors.New("data folder in use")

func main() {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	dir, err := dataDir()
	if err != nil {
		fail(a, "Jejak cannot find a folder for its data", err.Error()+"\n\nSet JEJAK_DATA to a folder Jejak may write to.")
		return
	}
	svc, err := openService(context.Background(), dir)
	switch {
	case errors.Is(err, errInUse):
		fail(a, "Jejak is already running with this data folder",
			"Another Jejak window is open on "+dir+". Switch to it, or close it and start Jejak again.")
		return
	case err != nil:
		fail(a, "Jejak could not start its node", err.Error()+"\n\nData folder: "+dir)
		return
	}
	u := gui.New(a, svc.Service, gui.Options{StartDemo: svc.StartDemo, Demo: svc.Demo, DataDir: dir})
	w := u.Window()
	closed := make(chan struct{})
	shutdown := func() {
		select {
		case <-closed:
			return
		default:
			close(closed)
		}
		u.Stop()
		if err := svc.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "jejak: closing the node:", err)
		}
	}
	// Closing the window stops the node cleanly before the app quits;
	// quitting any other way (a signal to the app) stops it too.
	w.SetCloseIntercept(func() {
		w.Hide()
		go func() {
			shutdown()
			fyne.Do(a.Quit)
		}()
	})
	a.Lifecycle().SetOnStopped(shutdown)
	if os.Getenv("JEJAK_SCREENSHOT_TOUR") != "" {
		a.Lifecycle().SetOnStarted(func() { go tour(u) })
	}
	w.ShowAndRun()
}

// tour runs the screenshot tour: see the package comment.
func tour(u *gui.UI) {
	in := bufio.NewScanner(os.Stdin)
	u.Tour(func(name string) {
		var verdict string
		fyne.DoAndWait(func() { verdict = u.Verdict() })
		if verdict != "" {
			// For the end-to-end test: what the Verify screen shows.
			fmt.Printf("verdict %s %s\n", name, verdict)
		}
		fmt.Printf("screenshot %s\n", name)
		in.Scan()
	})
	fmt.Println("tour done")
	fyne.Do(func() { u.Window().Close() })
}

// dataDir returns the data folder: see the package comment.
func dataDir() (string, error) {
	if d := os.Getenv("JEJAK_DATA"); d != "" {
		return filepath.Abs(d)
	}
	if d := os.Getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "jejak"), nil
	}
	if runtime.GOOS != "darwin" && runtime.GOOS != "windows" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		return filepath.Join(home, ".local", "share", "jejak"), nil
	}
	d, err := os.UserConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "Jejak"), nil
}

// fail shows a window that says why Jejak cannot start, and quits when it
// is closed.
func fail(a fyne.App, title, text string) {
	w := a.NewWindow("Jejak")
	head := widget.NewLabel(title)
	head.TextStyle.Bold = true
	msg := widget.NewLabel(text)
	msg.Wrapping = fyne.TextWrapWord
	quit := widget.NewButton("Close", a.Quit)
	quit.Importance = widget.HighImportance
	w.SetContent(container.NewPadded(container.NewBorder(head, container.NewHBox(quit), nil, nil, msg)))
	w.Resize(fyne.NewSize(520, 220))
	w.SetMaster()
	w.ShowAndRun()
}
