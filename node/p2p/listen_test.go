package p2p

import (
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"

	"github.com/jejak/jejak/storage"
)

func TestCheckListenAddrs(t *testing.T) {
	for addr, want := range map[string]string{
		"/ip4/127.0.0.1/tcp/0":          "",
		"/ip4/0.0.0.0/udp/4001/quic-v1": "",
		"/ip6/::1/tcp/4001":             "",
		"127.0.0.1:4001":                "listen address",
		"/ip4/127.0.0.1/udp/4001":       "needs /quic-v1",
		"/dns4/example.org/tcp/4001":    "want /ip4/",
		"/ip4/127.0.0.1":                "want /tcp/PORT",
		"/ip4/999.0.0.1/tcp/1":          "listen address",
	} {
		err := CheckListenAddrs([]string{addr})
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("%s: %v, want %q", addr, err, want)
		}
	}
}

// TestPortInUse: a port another process listens on is refused, not
// shared.
func TestPortInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	port := l.Addr().(*net.TCPAddr).Port
	cfg := testConfig(t, "second")
	cfg.ListenAddrs = []string{"/ip4/127.0.0.1/tcp/" + strconv.Itoa(port)}
	st, err := storage.OpenMemory(storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	cfg.Store = st
	_, err = New(t.Context(), cfg.Config)
	if !errors.Is(err, ErrPortInUse) || !strings.Contains(err.Error(), strconv.Itoa(port)) {
		t.Fatalf("New on a port in use: %v, want ErrPortInUse naming the port", err)
	}
}
