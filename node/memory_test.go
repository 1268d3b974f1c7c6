package node

import (
	"testing"

	"github.com/jejak/jejak/node/p2p"
)

// TestLibp2pFitsTheMemoryLimit: the resource manager's budget for libp2p
// is at most half the process's Go memory limit, desktop and relay alike,
// so that a node whose connections use all of it still holds the
// store's memtables and caches under the limit.
func TestLibp2pFitsTheMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		name  string
		relay bool
		limit int64
	}{
		{"desktop", false, desktopMemoryLimit},
		{"relay", true, relayMemoryLimit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := p2p.DefaultLimits(tc.relay).Memory; got > tc.limit/2 {
				t.Errorf("libp2p may use %d MiB of a %d MiB process limit; want at most half", got>>20, tc.limit>>20)
			}
		})
	}
}
