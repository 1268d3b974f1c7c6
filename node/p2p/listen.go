package p2p

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"syscall"

	ma "github.com/multiformats/go-multiaddr"
	manet "github.com/multiformats/go-multiaddr/net"
)

// ErrPortInUse means a listen address names a port another process is
// listening on.
var ErrPortInUse = errors.New("port in use by another process")

// CheckListenAddrs checks that every address is a multiaddr Jejak can
// listen on: TCP, or QUIC over UDP, on an IP address. It says which one is
// wrong and why.
func CheckListenAddrs(addrs []string) error {
	for _, s := range addrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			return fmt.Errorf("listen address %q: %w", s, err)
		}
		if _, err := listenTarget(m); err != nil {
			return fmt.Errorf("listen address %q: %w", s, err)
		}
	}
	return nil
}

// target is where a listen address binds.
type target struct {
	network string // "tcp" or "udp"
	addr    string // host:port
	port    int
}

func listenTarget(m ma.Multiaddr) (target, error) {
	var t target
	ip, err := manet.ToIP(m)
	if err != nil {
		return t, errors.New("want /ip4/… or /ip6/… then /tcp/PORT or /udp/PORT/quic-v1")
	}
	if p, err := m.ValueForProtocol(ma.P_TCP); err == nil {
		t.network, t.port = "tcp", atoi(p)
	} else if p, err := m.ValueForProtocol(ma.P_UDP); err == nil {
		if _, err := m.ValueForProtocol(ma.P_QUIC_V1); err != nil {
			return t, errors.New("a UDP address needs /quic-v1 after the port")
		}
		t.network, t.port = "udp", atoi(p)
	} else {
		return t, errors.New("want /tcp/PORT or /udp/PORT/quic-v1 after the IP address")
	}
	t.addr = net.JoinHostPort(ip.String(), strconv.Itoa(t.port))
	return t, nil
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// checkPortsFree refuses listen addresses whose port another process
// holds. go-libp2p binds with SO_REUSEPORT (for hole punching), so without
// this check a second Jejak on the same port would share it with the
// first, and the kernel would hand each connection to either. A port of 0
// is chosen by the system and always free.
func checkPortsFree(addrs []string) error {
	for _, s := range addrs {
		m, err := ma.NewMultiaddr(s)
		if err != nil {
			return err
		}
		t, err := listenTarget(m)
		if err != nil || t.port == 0 {
			continue
		}
		// A plain bind (no SO_REUSEPORT) fails while anyone else holds
		// the port, whether or not they set SO_REUSEPORT.
		var closeIt func() error
		switch t.network {
		case "tcp":
			l, err := net.Listen("tcp", t.addr)
			if err != nil {
				return portError(s, err)
			}
			closeIt = l.Close
		case "udp":
			c, err := net.ListenPacket("udp", t.addr)
			if err != nil {
				return portError(s, err)
			}
			closeIt = c.Close
		}
		closeIt()
	}
	return nil
}

func portError(addr string, err error) error {
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("listen on %s: %w", addr, ErrPortInUse)
	}
	return fmt.Errorf("listen on %s: %w", addr, err)
}

// CheckPeerAddrs checks that every address is a multiaddr of a peer: it
// ends in /p2p/<peer ID>.
func CheckPeerAddrs(addrs []string) error {
	for _, s := range addrs {
		if _, err := parseAddrInfos([]string{s}); err != nil {
			return fmt.Errorf("peer address %q: %w (want a multiaddr ending in /p2p/<peer ID>)", s, err)
		}
	}
	return nil
}
