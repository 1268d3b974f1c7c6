package p2p

import (
	"fmt"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
)

// TestShunListIsBounded: an attacker who makes up identity after identity
// cannot grow the list of refused peers past maxShunned; the block that
// runs out first goes, and the newest is kept.
func TestShunListIsBounded(t *testing.T) {
	var l shunList
	start := time.Unix(1_700_000_000, 0)
	for i := 0; i < maxShunned+100; i++ {
		l.add(peer.ID(fmt.Sprintf("peer-%d", i)), -1000, nil, start.Add(time.Duration(i)*time.Millisecond))
	}
	now := start.Add(time.Duration(maxShunned+100) * time.Millisecond)
	if n := len(l.peers); n != maxShunned {
		t.Fatalf("%d peers kept, want at most %d", n, maxShunned)
	}
	if !l.blocked(peer.ID(fmt.Sprintf("peer-%d", maxShunned+99)), now) {
		t.Fatal("the newest block was dropped")
	}
	if l.blocked(peer.ID("peer-0"), now) {
		t.Fatal("the oldest block was kept past the bound")
	}
	if _, total := l.list(now); total != maxShunned+100 {
		t.Fatalf("total cut off %d, want %d", total, maxShunned+100)
	}
	// Blocks that have run out make room before any live one goes.
	later := now.Add(shunFor)
	l.add(peer.ID("late"), -1000, nil, later)
	if len(l.peers) != 1 {
		t.Fatalf("%d peers kept after every other block ran out, want 1", len(l.peers))
	}
}
