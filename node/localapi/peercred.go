package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"

	"github.com/jejak/jejak/node/api"
)

// The socket's file mode (0600) is the first check; the second is the
// caller's user, which the kernel gives for every accepted connection
// (SO_PEERCRED). A caller is served when it runs as the user the node runs
// as, or as root (who can read the data folder, keys and all, anyway).
// Anyone else is answered with an error that says who the socket serves,
// and nothing else: not even Status.

// errWrongUser is the kind of a refusal: the caller may not use this
// socket.
var errWrongUser = errors.New("refused: this local API serves only the user running the node")

// peerKey is the context key of a connection's caller check.
type peerKey struct{}

// peerCheck is what the check of one connection found: nil to serve, or
// why not.
type peerCheck struct{ err error }

// checkPeer returns the context of a new connection, holding whether its
// caller may be served (see allowUID).
func checkPeer(ctx context.Context, c net.Conn) context.Context {
	return context.WithValue(ctx, peerKey{}, peerCheck{err: callerAllowed(c, os.Getuid())})
}

// callerAllowed says whether the caller at the other end of c may use the
// socket of a node running as uid: nil, or an error naming both users.
func callerAllowed(c net.Conn, uid int) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return fmt.Errorf("%w: not a Unix socket connection", errWrongUser)
	}
	peer, err := peerUID(uc)
	if err != nil {
		return fmt.Errorf("%w: cannot read the caller's user: %v", errWrongUser, err)
	}
	if !allowUID(peer, uid) {
		return fmt.Errorf("%w (uid %d); the caller runs as uid %d: run the command as the node's user", errWrongUser, uid, peer)
	}
	return nil
}

// allowUID is the rule: the node's own user, or root.
func allowUID(peer, server int) bool { return peer == server || peer == 0 }

// refuseStrangers answers every request on a connection whose caller
// failed the check with that refusal.
func refuseStrangers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		pc, ok := r.Context().Value(peerKey{}).(peerCheck)
		if !ok {
			pc.err = fmt.Errorf("%w: the connection was not checked", errWrongUser)
		}
		if pc.err != nil {
			w.Header().Set("Connection", "close")
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusForbidden)
			json.NewEncoder(w).Encode(encodeError(api.E("local API", api.ErrUnavailable, pc.err)))
			return
		}
		h.ServeHTTP(w, r)
	})
}
