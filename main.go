// Command jejak is the Jejak desktop app: a window onto a peer-to-peer
// provenance network for palm oil and electronics supply chains, with the
// node running inside it.
//
// This is the only package that imports fyne.io/fyne/v2/app, and so the only
// one that needs cgo and the OpenGL and X11 development libraries to build.
// The screens live in package gui; the install (store, keys, network) in
// package node, which also serves the local API on DATA/jejak.sock, so
// jejak-node commands work on the same data folder while the app is open.
//
// The data folder is $JEJAK_DATA when set, else $XDG_DATA_HOME/jejak (on
// Linux ~/.local/share/jejak), else the system's per-user application data
// folder (macOS, Windows): node.DefaultDataDir, as for jejak-node. The app
// reads DATA/config.json when there is one (node.FileConfig: listen
// addresses, bootstrap peers and relays, mDNS and the DHT, which are on by
// default).
package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/assets"
	"github.com/jejak/jejak/gui"
	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/storage"
)

// appID is the app's unique ID, as in FyneApp.toml. Fyne uses it to name the
// folder that holds the app's preferences and storage.
const appID = "org.jejak.app"

// userAgent names the desktop app to peers and in Status.
const userAgent = "jejak-desktop"

func main() {
	a := app.NewWithID(appID)
	a.SetIcon(fyne.NewStaticResource("icon.png", assets.Icon))
	dir, err := node.DefaultDataDir(os.Getenv)
	if err != nil {
		fail(a, "Jejak cannot find a folder for its data", err.Error()+"\n\nSet JEJAK_DATA to a folder Jejak may write to.")
		return
	}
	cfg, err := desktopConfig(dir)
	if err != nil {
		fail(a, "Jejak cannot read its settings", err.Error()+"\n\nCorrect the file or move it away, and start Jejak again.")
		return
	}
	node.LimitMemory(false) // the node's and the window's
	n, err := openNode(cfg)
	switch {
	case errors.Is(err, storage.ErrInUse):
		fail(a, "Jejak is already running with this data folder",
			"Another Jejak window or a jejak-node serve is open on "+dir+". Switch to it, or close it and start Jejak again.")
		return
	case err != nil:
		fail(a, "Jejak could not start its node", err.Error()+"\n\nData folder: "+dir)
		return
	}
	d := &demoNet{dir: dir, cfg: cfg}
	u := gui.New(a, n, gui.Options{StartDemo: d.start, DataDir: dir})
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
		if err := errors.Join(d.close(), n.Close()); err != nil {
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
	w.ShowAndRun()
}

// inUseWait is how long the app waits for a data folder another Jejak
// process holds: a jejak-node command run a moment before the window opens
// holds the store for a second or two, and the app should not refuse to
// start because of it.
const inUseWait = 10 * time.Second

// openNode starts the install's node, waiting up to inUseWait while another
// process holds its store.
func openNode(cfg node.Config) (*node.Node, error) {
	deadline := time.Now().Add(inUseWait)
	for {
		n, err := node.New(context.Background(), cfg)
		if !errors.Is(err, storage.ErrInUse) || time.Now().After(deadline) {
			return n, err
		}
		time.Sleep(250 * time.Millisecond)
	}
}

// desktopConfig is the desktop's node configuration: mDNS and the DHT on,
// then whatever DATA/config.json says.
func desktopConfig(dir string) (node.Config, error) {
	cfg := node.Config{
		DataDir: dir,
		Net:     p2p.Config{EnableMDNS: true, EnableDHT: true, UserAgent: userAgent},
	}
	fc, err := node.ReadFileConfig(filepath.Join(dir, node.ConfigFile))
	switch {
	case errors.Is(err, fs.ErrNotExist):
	case err != nil:
		return cfg, err
	default:
		fc.ApplyTo(&cfg)
	}
	return cfg, nil
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
