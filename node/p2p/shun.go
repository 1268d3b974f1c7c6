package p2p

import (
	"slices"
	"strings"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// shunFor is how long the engine refuses a peer whose score fell below
// the graylist threshold. Pubsub keeps a disconnected peer's score
// (RetainScore, an hour), so a peer that comes back still graylisted is
// refused again at the next score report.
const shunFor = 10 * time.Minute

// maxShunned bounds the peers refused at once, so that an attacker who
// makes up identity after identity cannot grow the list without end: past
// it, the block that runs out first is dropped (its peer is then refused
// again at the next score report if it is still graylisted).
const maxShunned = 4096

// shunList holds the peers the engine cut off: once pubsub graylists a
// peer (its score, gossip and sync penalties together, below
// graylistThreshold) gossip ignores it, and nothing else it could do is
// worth the connection, so the engine closes its connections and refuses
// new ones until shunFor has passed.
type shunList struct {
	mu    sync.Mutex
	peers map[peer.ID]*BlockedPeer
	total int // peers ever cut off, for Status
}

// BlockedPeer is a peer the engine disconnected and refuses, because its
// score fell below the graylist threshold: its score then, why it was
// penalised (sync and fetch violations; gossip's invalid records leave no
// reason), and from when until when it is refused.
type BlockedPeer struct {
	ID    string
	Score float64
	Why   []string
	Since time.Time
	Until time.Time
}

// add cuts p off from now, and reports whether it was not cut off already.
func (l *shunList) add(p peer.ID, score float64, why []string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.peers == nil {
		l.peers = map[peer.ID]*BlockedPeer{}
	}
	if b, ok := l.peers[p]; ok && now.Before(b.Until) {
		return false
	}
	if len(l.peers) >= maxShunned {
		l.evict(now)
	}
	l.peers[p] = &BlockedPeer{ID: p.String(), Score: score, Why: why, Since: now, Until: now.Add(shunFor)}
	l.total++
	return true
}

// evict forgets the blocks that have run out at now, and when none has,
// the one that runs out first. l.mu is held.
func (l *shunList) evict(now time.Time) {
	var first peer.ID
	for id, b := range l.peers {
		if !now.Before(b.Until) {
			delete(l.peers, id)
			continue
		}
		if first == "" || b.Until.Before(l.peers[first].Until) {
			first = id
		}
	}
	if len(l.peers) >= maxShunned && first != "" {
		delete(l.peers, first)
	}
}

// blocked reports whether p is refused at now; a block that has run out is
// forgotten.
func (l *shunList) blocked(p peer.ID, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.peers[p]
	if ok && !now.Before(b.Until) {
		delete(l.peers, p)
		return false
	}
	return ok
}

// list returns the peers refused at now, by ID, and how many were ever cut
// off.
func (l *shunList) list(now time.Time) ([]BlockedPeer, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []BlockedPeer
	for _, b := range l.peers {
		if now.Before(b.Until) {
			out = append(out, *b)
		}
	}
	slices.SortFunc(out, func(a, b BlockedPeer) int { return strings.Compare(a.ID, b.ID) })
	return out, l.total
}

// onScores is pubsub's score inspector: it keeps the scores for Status and
// cuts off every peer below the graylist threshold for what it did wrong:
// invalid records and sync or fetch violations (misconduct). Pubsub's
// behaviour penalty (a GRAFT during a prune backoff, which a node that
// crashed and came straight back sends) and IP colocation (many nodes
// behind one address) can take an honest peer's score below the threshold
// too: pubsub then ignores its gossip until the score recovers, but it is
// not disconnected, so sync still brings its records. Pubsub calls this on
// a goroutine of its own.
func (e *Engine) onScores(snaps map[peer.ID]*pubsub.PeerScoreSnapshot) {
	scores := make(map[peer.ID]float64, len(snaps))
	for p, s := range snaps {
		scores[p] = s.Score
	}
	e.scores.update(scores)
	for p, s := range snaps {
		if s.Score >= graylistThreshold || misconduct(s) >= graylistThreshold || p == e.host.ID() {
			continue
		}
		now := e.cfg.Now() // read only for a peer to cut off, not at every report
		_, why := e.scores.penaltyOf(p, now)
		if !e.shun.add(p, s.Score, why, now) {
			continue
		}
		e.log.Warn("peer graylisted: disconnected and refused for a while", "peer", p, "score", s.Score, "for", shunFor)
		if e.ctx.Err() == nil {
			_ = e.host.Network().ClosePeer(p)
		}
	}
}

// misconduct is the part of a peer's score that comes from what it did
// wrong: the invalid records it sent (the topic's score for them, as
// scoreParams weighs them) and the engine's own penalties for sync and
// fetch violations (the app-specific score, weight 1).
func misconduct(s *pubsub.PeerScoreSnapshot) float64 {
	m := s.AppSpecificScore
	for _, t := range s.Topics {
		m += invalidWeight * t.InvalidMessageDeliveries * t.InvalidMessageDeliveries
	}
	return m
}

// shunGater refuses connections to and from peers on the shun list, and
// asks the configured gater, if any, about the rest.
type shunGater struct {
	e     *Engine
	inner connmgr.ConnectionGater // nil: allow
}

func (g shunGater) InterceptPeerDial(p peer.ID) bool {
	return !g.e.shun.blocked(p, g.e.cfg.Now()) && (g.inner == nil || g.inner.InterceptPeerDial(p))
}

func (g shunGater) InterceptAddrDial(p peer.ID, a ma.Multiaddr) bool {
	return g.inner == nil || g.inner.InterceptAddrDial(p, a)
}

func (g shunGater) InterceptAccept(a network.ConnMultiaddrs) bool {
	return g.inner == nil || g.inner.InterceptAccept(a)
}

func (g shunGater) InterceptSecured(d network.Direction, p peer.ID, a network.ConnMultiaddrs) bool {
	return !g.e.shun.blocked(p, g.e.cfg.Now()) && (g.inner == nil || g.inner.InterceptSecured(d, p, a))
}

func (g shunGater) InterceptUpgraded(c network.Conn) (bool, control.DisconnectReason) {
	if g.inner == nil {
		return true, 0
	}
	return g.inner.InterceptUpgraded(c)
}
