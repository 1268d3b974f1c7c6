package bench

import (
	"slices"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
	"google.golang.org/protobuf/proto"

	"github.com/jejak/jejak/protocol"
)

// simTracer counts what one node's router sends and drops, and follows
// its mesh.
type simTracer struct{ nd *simNode }

func (t simTracer) SendRPC(rpc *pubsub.RPC, _ peer.ID) {
	nd := t.nd
	nd.bytes.Add(int64(proto.Size(&rpc.RPC)))
	nd.copies.Add(int64(len(rpc.Publish)))
	if c := rpc.Control; c != nil {
		for _, ih := range c.Ihave {
			nd.ihave.Add(int64(len(ih.MessageIDs)))
		}
		for _, iw := range c.Iwant {
			nd.iwant.Add(int64(len(iw.MessageIDs)))
			for _, id := range iw.MessageIDs {
				if i, ok := nd.s.byID[id]; ok {
					nd.asked[i].Store(true)
				}
			}
		}
	}
}

func (t simTracer) Graft(p peer.ID, _ string) {
	t.nd.mu.Lock()
	defer t.nd.mu.Unlock()
	if !t.nd.mesh[p] {
		t.nd.mesh[p] = true
		t.nd.s.changes.Add(1)
	}
}

func (t simTracer) Prune(p peer.ID, _ string) { t.RemovePeer(p) }

func (t simTracer) RemovePeer(p peer.ID) {
	t.nd.mu.Lock()
	defer t.nd.mu.Unlock()
	if t.nd.mesh[p] {
		delete(t.nd.mesh, p)
		t.nd.s.changes.Add(1)
	}
}

func (t simTracer) DuplicateMessage(*pubsub.Message)            {}
func (t simTracer) DropRPC(*pubsub.RPC, peer.ID)                { t.nd.drops.Add(1) }
func (t simTracer) AddPeer(peer.ID, libp2pproto.ID)             {}
func (t simTracer) OnNewOutboundStream(peer.ID, libp2pproto.ID) {}
func (t simTracer) OnClosedOutboundStream(peer.ID)              {}
func (t simTracer) Join(string)                                 {}
func (t simTracer) Leave(string)                                {}
func (t simTracer) ValidateMessage(*pubsub.Message)             {}
func (t simTracer) DeliverMessage(*pubsub.Message)              {}
func (t simTracer) RejectMessage(*pubsub.Message, string)       {}
func (t simTracer) ThrottlePeer(peer.ID)                        {}

// RecvRPC notes each copy of a record that comes in: when, and from whom.
func (t simTracer) RecvRPC(rpc *pubsub.RPC) {
	if len(rpc.Publish) == 0 {
		return
	}
	nd := t.nd
	at := int64(time.Since(nd.s.start))
	from, ok := nd.s.byPeer[rpc.From()]
	if !ok {
		return
	}
	nd.mu.Lock()
	defer nd.mu.Unlock()
	for _, m := range rpc.Publish {
		i, ok := nd.s.byID[string(protocol.ComputeCID(m.Data).Bytes())]
		if !ok {
			continue
		}
		nd.heard[i].CompareAndSwap(0, at+1)
		nd.sends = append(nd.sends, sendSample{rec: i, from: from, at: at})
	}
}
func (t simTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (t simTracer) UndeliverableMessage(*pubsub.Message)                 {}

// quantile returns the q-quantile of xs (nearest rank), 0 for none.
func quantile[T int | time.Duration | int64](xs []T, q float64) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	i := int(q*float64(len(s))+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}
