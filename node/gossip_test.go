package node

import (
	"context"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// TestTenNodesGossip: a record published on one of ten nodes (a ring with
// two chords) is stored, verified, on all of them, and each reports it as
// a new record on Watch.
func TestTenNodesGossip(t *testing.T) {
	nodes := startNodes(t, "ten", 10, nil)
	for i := range nodes {
		connect(t, nodes[i], nodes[(i+1)%len(nodes)])
	}
	connect(t, nodes[0], nodes[5])
	connect(t, nodes[2], nodes[7])
	watches := make([]<-chan api.Event, len(nodes))
	for i, n := range nodes {
		watches[i] = watch(t, n)
	}
	waitForMesh(t, nodes)

	rec := publish(t, nodes[3], 1)
	for i, n := range nodes {
		waitEvent(t, watches[i], "record added on node "+string(rune('0'+i)), func(ev api.Event) bool {
			return ev.Kind == api.EventRecordAdded && ev.CID == rec.CID
		})
		got, err := n.store.Get(context.Background(), rec.CID)
		if err != nil {
			t.Fatalf("node %d: Get: %v", i, err)
		}
		if _, err := protocol.Open(got.Bytes); err != nil {
			t.Fatalf("node %d stored a record that does not verify: %v", i, err)
		}
	}
}

// TestGetFetchesFromPeers: Get finds a record a peer holds but this node
// does not, verifies and keeps it.
func TestGetFetchesFromPeers(t *testing.T) {
	a := startNode(t, testConfig(t, "holder"))
	rec := publish(t, a, 1)
	b := startNode(t, testConfig(t, "asker"))
	// Sync on connect may bring the record over first; either way Get
	// must return it.
	connect(t, b, a)
	got, err := b.Get(context.Background(), rec.CID)
	if err != nil || got.CID != rec.CID {
		t.Fatalf("Get: %v %v", got.CID, err)
	}
	if !has(t, b, rec.CID) {
		t.Fatal("fetched record not stored")
	}
}
