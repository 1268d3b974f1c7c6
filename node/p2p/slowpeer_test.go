package p2p

import (
	"context"
	"fmt"
	"net"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// throttle is a TCP proxy on 127.0.0.1 to target that passes at most rate
// bytes a second each way: a slow link.
func throttle(t *testing.T, target string, rate int) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	pipe := func(dst, src net.Conn) {
		defer dst.Close()
		defer src.Close()
		buf := make([]byte, 256)
		for {
			n, err := src.Read(buf)
			if n > 0 {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
				time.Sleep(time.Duration(n) * time.Second / time.Duration(rate)) // the link's pace
			}
			if err != nil {
				return
			}
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			go pipe(up, c)
			go pipe(c, up)
		}
	}()
	return l.Addr().String()
}

// TestHonestSlowPeer: an honest engine behind a slow link (16 KiB/s),
// whose every sync page still arrives within the victim's SyncTimeout
// (the whole sync takes longer than that), is synced from in full, keeps a
// clean score and its records are taken: slowness is not a violation.
func TestHonestSlowPeer(t *testing.T) {
	ctx := context.Background()
	count := scaled(150, 600)
	cfg := testConfig(t, "patient")
	cfg.NoSyncOnConnect = true
	cfg.Limits.SyncTimeout = 3 * time.Second // less than the whole sync takes: the bound is a page's
	cfg.Limits.SyncPage = 25
	victim := startNode(t, cfg)
	scfg := testConfig(t, "slow")
	scfg.NoSyncOnConnect = true
	slow := startNode(t, scfg)
	for i := range count {
		if _, err := slow.publishBody(ctx, orgBody(i)); err != nil {
			t.Fatal(err)
		}
	}
	var target string
	for _, a := range slow.host.Addrs() {
		if port, err := a.ValueForProtocol(ma.P_TCP); err == nil {
			target = "127.0.0.1:" + port
		}
	}
	proxy := throttle(t, target, 16<<10)
	host, port, _ := net.SplitHostPort(proxy)
	addr := ma.StringCast(fmt.Sprintf("/ip4/%s/tcp/%s", host, port))
	if err := victim.host.Connect(ctx, peer.AddrInfo{ID: slow.ID(), Addrs: []ma.Multiaddr{addr}}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	st, err := victim.SyncWith(ctx, slow.ID())
	took := time.Since(start)
	if err != nil {
		t.Fatalf("sync over the slow link: %v", err)
	}
	t.Logf("slow peer: %d records in %d round trips, %d bytes, over %v at 16 KiB/s", st.Added, st.RoundTrips, st.BytesIn, took.Round(time.Millisecond))
	if st.Added != count {
		t.Errorf("took %d records from the slow peer, want %d", st.Added, count)
	}
	if pen, why := victim.scores.penaltyOf(slow.ID(), time.Now()); pen != 0 {
		t.Errorf("the slow peer was penalised %v: %q", pen, why)
	}
	if s := freshScore(t, victim, slow.ID()); s < 0 {
		t.Errorf("the slow peer's score is %v", s)
	}
	if blockedIn(victim.Engine.Status(), slow.ID()) {
		t.Error("the slow peer was blocked")
	}
}
