// Package localapi serves an api.Service over a Unix socket in the node's
// data folder, and offers a client that implements api.Service by talking to
// that socket. It is how the command line reaches a running node, which owns
// the store: "jejak-node status" asks the node instead of opening the store.
//
// The wire is HTTP/1.1 over the socket, one POST /v1/<method> per Service
// method, with JSON requests and responses. Records travel as their exact
// CBOR bytes (protocol.Signed.Bytes), opened and verified again by the
// client; drafts travel as {"type", "body"} with the body in its JSON form.
// Watch and Reindex answer with a stream of JSON lines. Errors keep their
// api kind (ErrNotFound, ErrInvalid, ErrUnavailable, ErrConflict), their
// operation and their message across the socket.
//
// The socket is DataDir/jejak.sock, readable and writable by its owner only.
package localapi
