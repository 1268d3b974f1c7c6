package p2p

import (
	"fmt"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/network"
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

// TestRestartsAreNotMisconduct: a peer whose score fell below the graylist
// threshold only for pubsub's behaviour penalty (what a node that crashed
// and came straight back earns, by grafting during the prune backoff) or
// for IP colocation stays connected, so sync still brings its records; a
// peer that sent invalid records is cut off. The snapshots are what pubsub
// hands the engine's score inspector.
func TestRestartsAreNotMisconduct(t *testing.T) {
	nodes := startNodes(t, "shun", 2, nil)
	victim, other := nodes[0], nodes[1]
	connect(t, victim, other)
	p := other.host.ID()
	topic := victim.protos.topic

	restarted := map[peer.ID]*pubsub.PeerScoreSnapshot{p: {
		Score: -1150, BehaviourPenalty: 16.7,
		Topics: map[string]*pubsub.TopicScoreSnapshot{topic: {}},
	}}
	victim.onScores(restarted)
	if victim.shun.blocked(p, time.Now()) {
		t.Fatal("a peer graylisted for its behaviour penalty alone was cut off")
	}
	if victim.host.Network().Connectedness(p) != network.Connected {
		t.Fatal("a peer graylisted for its behaviour penalty alone was disconnected")
	}
	crowded := map[peer.ID]*pubsub.PeerScoreSnapshot{p: {Score: -1200, IPColocationFactor: 11}}
	victim.onScores(crowded)
	if victim.shun.blocked(p, time.Now()) {
		t.Fatal("a peer graylisted for IP colocation alone was cut off")
	}

	forger := map[peer.ID]*pubsub.PeerScoreSnapshot{p: {
		Score:  -1600,
		Topics: map[string]*pubsub.TopicScoreSnapshot{topic: {InvalidMessageDeliveries: 4}},
	}}
	victim.onScores(forger)
	if !victim.shun.blocked(p, time.Now()) {
		t.Fatal("a peer that sent four invalid records was not cut off")
	}
	waitFor(t, "the forger is disconnected", func() bool {
		return victim.host.Network().Connectedness(p) != network.Connected
	})
}
