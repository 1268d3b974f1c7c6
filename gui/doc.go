// Package gui builds the screens of the Jejak desktop app with Fyne.
//
// The package takes a fyne.App from its caller and never imports
// fyne.io/fyne/v2/app, so every screen can be built and checked in tests on
// the in-memory driver of fyne.io/fyne/v2/test, without cgo or a display. It
// talks to the node only through node/api; a dependency test keeps libp2p,
// Badger, storage and the node's internals out of it.
package gui
