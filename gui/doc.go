// Package gui builds the screens of the Jejak desktop app with Fyne: a
// first-run set-up (organisation, keys and their backup, or the demo
// network), and then Batches (with QR labels), Record (harvest, process,
// ship, receive, places), Verify (scan, verdict, checks, graph, origins,
// signers), Network and Identity & trust, with a status line.
//
// New takes a fyne.App and an api.Service, and never imports
// fyne.io/fyne/v2/app, so every screen can be built and checked in tests on
// the in-memory driver of fyne.io/fyne/v2/test against a real node over an
// in-memory store. It talks to the node only through node/api; a
// dependency test keeps libp2p, Badger, storage and the node's internals
// out of it (the tests may use them).
//
// Work that waits on the node runs in goroutines and comes back to the
// screens through fyne.Do. Record forms check their draft as the user types
// with the protocol's own rules ((*protocol.Record).Validate, see
// validate.go) and never hand the node a draft those rules reject.
package gui
