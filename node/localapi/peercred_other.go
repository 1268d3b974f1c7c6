//go:build !linux && !darwin && !freebsd

package localapi

import (
	"errors"
	"net"
)

// peerUID cannot tell the caller's user on this system, so every caller is
// refused: the socket fails closed.
func peerUID(*net.UnixConn) (int, error) {
	return 0, errors.New("this system does not tell a socket's peer credentials")
}
