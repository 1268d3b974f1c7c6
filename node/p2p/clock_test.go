package p2p

import (
	"strings"
	"testing"
	"time"
)

// TestClockFarFromPeers: a computer whose clock is three hours slow meets
// two peers with the right time: it says its clock is behind theirs; they,
// with one right and one wrong peer each, say nothing.
func TestClockFarFromPeers(t *testing.T) {
	nodes := startNodes(t, "clock", 3, func(i int, c *testCfg) {
		if i == 0 {
			c.Now = func() time.Time { return time.Now().Add(-3 * time.Hour) }
		}
	})
	slow, a, b := nodes[0], nodes[1], nodes[2]
	connect(t, slow, a)
	connect(t, slow, b)
	connect(t, a, b)
	waitFor(t, "the slow computer hears both peers' clocks", func() bool {
		_, n := slow.clocks.median()
		return n == 2
	})
	if note := slow.Engine.Status().Clock; !strings.Contains(note, "3 h 0 min behind the clocks of the 2 peers") {
		t.Errorf("the slow computer says %q", note)
	}
	waitFor(t, "the others hear both clocks", func() bool {
		_, na := a.clocks.median()
		_, nb := b.clocks.median()
		return na == 2 && nb == 2
	})
	for _, n := range []*testNode{a, b} {
		if note := n.Engine.Status().Clock; note != "" {
			t.Errorf("a computer with the right time says %q", note)
		}
	}
}
