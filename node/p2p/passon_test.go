package p2p

import "testing"

// TestSyncedRecordsPassOn: a record written while its author was offline
// reaches a third node through the peer that synced it, by gossip, without
// waiting for the third node's own periodic sync (which is off here).
func TestSyncedRecordsPassOn(t *testing.T) {
	nodes := startNodes(t, "passon", 3, nil)
	author, hub, far := nodes[0], nodes[1], nodes[2]
	connect(t, hub, far)
	waitFor(t, "hub and far node form a gossip mesh", func() bool {
		return hub.mesh.size() > 0 && far.mesh.size() > 0
	})
	rec := publish(t, author, 1) // no peers yet: nobody hears it
	connect(t, author, hub)
	waitFor(t, "the hub syncs the record from its author", func() bool { return has(t, hub, rec.CID) })
	waitFor(t, "the far node hears of it by gossip", func() bool { return has(t, far, rec.CID) })
}
