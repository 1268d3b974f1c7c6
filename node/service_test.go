package node

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
)

func TestPublishFillsEnvelopeAndRestartKeepsFeed(t *testing.T) {
	ctx := context.Background()
	now := prototest.BaseTime + 3_600_000
	cfg := testConfig(t, "publisher")
	cfg.Now = func() time.Time { return time.UnixMilli(now) }
	n := startNode(t, cfg)

	first := publish(t, n, 1)
	if first.Author != cfg.DeviceKey.Public() || first.Seq != 1 || !first.Prev.IsZero() || first.Time != now {
		t.Fatalf("first record: author %s seq %d prev %q time %d; want %s, 1, none, %d",
			first.Author.Short(), first.Seq, first.Prev, first.Time, cfg.DeviceKey.Public().Short(), now)
	}
	// The clock goes back: the record time must not.
	now -= 60_000
	second := publish(t, n, 2)
	if second.Seq != 2 || second.Prev != first.CID || second.Time != first.Time {
		t.Fatalf("second record: seq %d prev %s time %d; want 2, %s, %d", second.Seq, second.Prev, second.Time, first.CID, first.Time)
	}
	if _, err := protocol.Open(second.Bytes); err != nil {
		t.Fatalf("published record does not open: %v", err)
	}
	got, err := n.Get(ctx, second.CID)
	if err != nil || got.CID != second.CID {
		t.Fatalf("Get: %v, %v", got.CID, err)
	}

	// Restart on the same data folder, without the store handed in: the
	// feed goes on at seq 3 and the peer ID is the same.
	id := n.PeerID()
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	if err := n.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := n.Publish(ctx, api.Draft{Body: orgBody(9)}); !errors.Is(err, api.ErrUnavailable) {
		t.Fatalf("Publish after Close: %v, want ErrUnavailable", err)
	}
	now += 120_000
	n2 := startNode(t, cfg)
	if n2.PeerID() != id {
		t.Errorf("peer ID changed across restart: %s, then %s", id, n2.PeerID())
	}
	third := publish(t, n2, 3)
	if third.Seq != 3 || third.Prev != second.CID {
		t.Fatalf("after restart: seq %d prev %s; want 3, %s", third.Seq, third.Prev, second.CID)
	}
	page, err := n2.List(ctx, api.Filter{Author: cfg.DeviceKey.Public(), Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Records) != 2 || page.Records[0].Seq != 1 || page.Next == "" {
		t.Fatalf("List page 1: %d records, next %q", len(page.Records), page.Next)
	}
	page, err = n2.List(ctx, api.Filter{Author: cfg.DeviceKey.Public(), Cursor: page.Next})
	if err != nil || len(page.Records) != 1 || page.Records[0].Seq != 3 || page.Next != "" {
		t.Fatalf("List page 2: %v records, next %q, err %v", len(page.Records), page.Next, err)
	}
	st, err := n2.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Records != 3 || st.Network != "test" || st.Author != cfg.DeviceKey.Public() {
		t.Errorf("Status: %d records, network %q, author %s", st.Records, st.Network, st.Author.Short())
	}
}

func TestPublishErrors(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t, "relay")
	cfg.DeviceKey = protocol.PrivateKey{}
	relay := startNode(t, cfg)
	if _, err := relay.Publish(ctx, api.Draft{Body: orgBody(1)}); !errors.Is(err, api.ErrUnavailable) {
		t.Errorf("Publish without a device key: %v, want ErrUnavailable", err)
	}
	n := startNode(t, testConfig(t, "desk"))
	if _, err := n.Publish(ctx, api.Draft{Body: &protocol.Place{Kind: protocol.PlaceMill, Country: "MY", Geo: protocol.PointGeometry(protocol.Pos(101.45, 2.95))}}); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("Publish of an invalid body: %v, want ErrInvalid", err)
	}
	if _, err := n.Publish(ctx, api.Draft{}); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("Publish of no body: %v, want ErrInvalid", err)
	}
	if _, err := n.Get(ctx, protocol.ComputeCID([]byte("nothing"))); !errors.Is(err, api.ErrNotFound) {
		t.Errorf("Get of a missing record: %v, want ErrNotFound", err)
	}
	if _, err := n.List(ctx, api.Filter{Cursor: "!!"}); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("List with a bad cursor: %v, want ErrInvalid", err)
	}
}
