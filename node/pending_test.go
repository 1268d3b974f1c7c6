package node

import (
	"context"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// TestPendingJudgedAfterUpgrade: a record that an older release kept
// unjudged (its version was newer than it could read) is judged and stored
// when this release opens the store; one still too new stays kept.
func TestPendingJudgedAfterUpgrade(t *testing.T) {
	ctx := context.Background()
	st, err := storage.OpenMemory(storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := prototest.NewFeed(prototest.Key("pending-author")).MustAdd(orgBody(1)) // today's version
	future, err := protocol.SealVersion(&protocol.Record{Seq: 1, Time: prototest.BaseTime, Body: orgBody(2)}, prototest.Key("other-author"), protocol.Version+1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutPending(ctx, future.CID, future.Bytes); err != nil {
		t.Fatal(err)
	}
	if _, err := st.PutPending(ctx, now.CID, now.Bytes); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "upgraded")
	cfg.DataDir, cfg.Store = "", st
	n := startNode(t, cfg)
	if !has(t, n, now.CID) {
		t.Fatal("the kept record was not stored after the upgrade")
	}
	var kept []protocol.CID
	st.Pending(ctx, func(c protocol.CID, _ []byte) error { kept = append(kept, c); return nil })
	if len(kept) != 1 || kept[0] != future.CID {
		t.Fatalf("kept after the upgrade: %v; want only the record still too new", kept)
	}
}
