package gui

import (
	"context"
	"slices"
	"testing"
	"time"
)

func TestNetworkShowsTheNodeAndItsPeers(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenNetwork)
	s := u.network
	// Alone: the node's own peer ID and network, what it stores, and no
	// peers.
	if s.peers.Text != "0" || !contains(u.statusLn.text.Text, "No peers connected") {
		t.Errorf("alone, the Network screen shows %s peers and the status line %q", s.peers.Text, u.statusLn.text.Text)
	}
	if want := formatCount(int64(len(m.recs))); s.recs.Text != want || !contains(u.statusLn.text.Text, want+" records stored") {
		t.Errorf("the screens say %s records (status line %q), want the %s the node holds", s.recs.Text, u.statusLn.text.Text, want)
	}
	if !contains(s.self.Text, m.PeerID()) || !contains(s.self.Text, `network "`+testNetwork+`"`) || !contains(s.self.Text, m.Addrs()[0]) {
		t.Errorf("the screen describes this node as %q, want its peer ID %s on %q", s.self.Text, m.PeerID(), testNetwork)
	}
	if s.forks.Text != "0" {
		t.Errorf("%s forks shown in an honest store", s.forks.Text)
	}

	// A peer connects: it shows, with how it is reached.
	peer := startNode(t, nodeConfig{name: "peer"})
	if err := peer.Connect(context.Background(), m.Addrs()[0]); err != nil {
		t.Fatal(err)
	}
	eventually(t, u, "the peer to show on the Network screen", func() bool {
		return s.peers.Text == "1" && len(s.st.Peers) == 1 && s.st.Peers[0].ID == peer.PeerID()
	})
	if got := peerCell(s.st.Peers[0], 1); got == "" {
		t.Errorf("the screen does not say how the peer is reached (%q)", s.st.Peers[0].Via)
	}
	eventually(t, u, "the status line to count the peer", func() bool {
		return contains(u.statusLn.text.Text, "1 peer connected")
	})
}

// TestWrongClockIsShownBeforeRecording: on a computer whose clock was set
// back (a flat BIOS battery), the clerk is told before dating a record by
// it: above the record forms, on the status line and on the Network
// screen.
func TestWrongClockIsShownBeforeRecording(t *testing.T) {
	w := newMillWorld()
	c := millConfig(w)
	c.now = func() time.Time { return testClock().AddDate(-1, 0, 0) }
	m := startNode(t, c)
	u := newTestUI(t, m, Options{})
	eventually(t, u, "the clock warning above the record forms", func() bool {
		return u.record.clock.Visible() && contains(u.record.clock.Text, "earlier than the newest record it signed")
	})
	if !contains(u.statusLn.text.Text, "Check this computer's clock") {
		t.Errorf("the status line says %q, without the clock", u.statusLn.text.Text)
	}
	u.show(screenNetwork)
	if !slices.ContainsFunc(texts(u.network.content()), func(s string) bool { return contains(s, "clock") }) {
		t.Errorf("the Network screen does not mention the clock: %q", texts(u.network.content()))
	}

	// A computer whose clock is right shows none of it.
	right := newTestUI(t, startMill(t), Options{})
	settle(t, right)
	if right.record.clock.Visible() || contains(right.statusLn.text.Text, "clock") {
		t.Errorf("a right clock warns: banner %v %q, status line %q", right.record.clock.Visible(), right.record.clock.Text, right.statusLn.text.Text)
	}
}
