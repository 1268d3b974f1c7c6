package p2p

import (
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
)

// meshTracer follows the engine's gossip mesh on the records topic, for
// Status: which peers records are pushed to. It is a pubsub.RawTracer, which
// costs next to nothing, unlike an event tracer, which builds a protobuf for
// every event.
type meshTracer struct {
	mu   sync.Mutex
	mesh map[peer.ID]bool
}

func (m *meshTracer) Graft(p peer.ID, _ string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.mesh == nil {
		m.mesh = map[peer.ID]bool{}
	}
	m.mesh[p] = true
}

func (m *meshTracer) Prune(p peer.ID, _ string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.mesh, p)
}

func (m *meshTracer) RemovePeer(p peer.ID) {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.mesh, p)
}

func (m *meshTracer) AddPeer(peer.ID, libp2pproto.ID)                      {}
func (m *meshTracer) OnNewOutboundStream(peer.ID, libp2pproto.ID)          {}
func (m *meshTracer) OnClosedOutboundStream(peer.ID)                       {}
func (m *meshTracer) Join(string)                                          {}
func (m *meshTracer) Leave(string)                                         {}
func (m *meshTracer) ValidateMessage(*pubsub.Message)                      {}
func (m *meshTracer) DeliverMessage(*pubsub.Message)                       {}
func (m *meshTracer) RejectMessage(*pubsub.Message, string)                {}
func (m *meshTracer) DuplicateMessage(*pubsub.Message)                     {}
func (m *meshTracer) ThrottlePeer(peer.ID)                                 {}
func (m *meshTracer) RecvRPC(*pubsub.RPC)                                  {}
func (m *meshTracer) SendRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (m *meshTracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (m *meshTracer) UndeliverableMessage(*pubsub.Message)                 {}

func (m *meshTracer) size() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.mesh)
}

func (m *meshTracer) has(p peer.ID) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.mesh[p]
}
