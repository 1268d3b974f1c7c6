// Package api is the one door between Jejak's user interfaces (the desktop
// GUI and the jejak-node command line) and the node that runs the network.
//
// It holds plain types and one interface, Service: a status snapshot, a few
// commands (publish a record from a draft, get a record, list records) and a
// stream of events to watch. Nothing here names libp2p, Badger or the
// storage package, so a user interface that imports only this package and
// protocol cannot reach into the engine. The node package implements Service;
// a local API client for a node running in another process can implement it
// too.
package api
