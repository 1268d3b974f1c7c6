// Package node is a Jejak install: the application layer between the user
// interfaces and the network. A Node owns the record store and the install's
// identity (organisation and device keys), keeps the user's trust anchors
// and conversion bounds, signs and publishes records, verifies batches and
// lists the organisation's batches, and serves all of that to the desktop
// app and the command line as api.Service, in its own process and over the
// local API socket (DATA/jejak.sock) to other processes.
//
// The network engine it runs (package node/p2p) knows nothing of any of
// that: it verifies records from peers, stores them and tells the node
// what happened; the node publishes what it signs through it.
//
// Every business rule a screen or a command shows (who owns a device key,
// what an organisation holds of a batch and how much is left, the outputs
// of a record) comes from protocol and protocol/provenance, the same code
// verification runs; the store only indexes raw facts (uses, receipts,
// delegations).
package node
