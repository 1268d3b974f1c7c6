package demo

import (
	"context"
	"log/slog"
	"testing"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol/provenance"
)

// TestDemo starts the demo beside a fresh node and checks what a newcomer
// would: both demo batches arrive, one verifies as trusted and the other
// fails on the double claim.
func TestDemo(t *testing.T) {
	ctx := context.Background()
	user, err := node.New(ctx, node.Config{
		DataDir: t.TempDir(),
		Logger:  slog.New(slog.DiscardHandler),
		Net: p2p.Config{
			Network:      "demo-test",
			ListenAddrs:  []string{"/ip4/127.0.0.1/tcp/0"},
			SyncInterval: -1,
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer user.Close()
	d, err := Start(ctx, "demo-test", user, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()

	// Start returns once the chain is there: verifying right away judges
	// the whole story.
	good, err1 := user.Verify(ctx, api.VerifyRequest{Batch: d.Trusted, Forward: false})
	bad, err2 := user.Verify(ctx, api.VerifyRequest{Batch: d.Failed, Forward: false})
	if err1 != nil || err2 != nil {
		t.Fatal(err1, err2)
	}
	if good.Verdict != provenance.Trusted {
		t.Fatalf("the honest demo batch is %s:\n%s", good.Verdict, good.Text())
	}
	if c := bad.Check("double_claim"); bad.Verdict != provenance.Failed || c == nil || c.Status != provenance.Fail {
		t.Fatalf("the dishonest demo batch does not fail on its double claim:\n%s", bad.Text())
	}
}
