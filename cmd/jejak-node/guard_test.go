package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/node/p2p"
)

// TestServeLoopbackGuard: the released binary (no test binary, so the
// guard is on only when asked) with JEJAK_LOOPBACK_ONLY=1, as every test
// starts it, refuses to listen beyond loopback or to run mDNS, and says
// which setting stopped it; with the guard on and loopback only it serves.
func TestServeLoopbackGuard(t *testing.T) {
	if testing.Short() {
		t.Skip("builds jejak-node")
	}
	e := newE2E(t)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"every interface", []string{"--listen", "/ip4/0.0.0.0/tcp/0", "--mdns=false"}, `listen address "/ip4/0.0.0.0/tcp/0" is not a loopback address`},
		{"mDNS", []string{"--listen", "/ip4/127.0.0.1/tcp/0", "--mdns=true"}, "mDNS is on"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
			defer cancel()
			args := append([]string{"serve", "--data", cheapDataDir(t), "--network", "e2e", "--dht=false"}, c.args...)
			cmd := exec.CommandContext(ctx, e.bin, args...)
			cmd.Env = append(os.Environ(), p2p.LoopbackOnlyEnv+"=1", "HOME="+t.TempDir())
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ctx.Err() != nil {
				t.Fatalf("jejak-node %s: %v, want it to exit with an error\n%s", strings.Join(args, " "), err, out)
			}
			if !strings.Contains(string(out), c.want) || !strings.Contains(string(out), p2p.LoopbackOnlyEnv+"=1") {
				t.Errorf("jejak-node %s says:\n%s\nwant %q and the setting named", strings.Join(args, " "), out, c.want)
			}
		})
	}
}
