package p2p

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

// netnsEnv names the test a child test binary runs inside a network
// namespace of its own (see inOwnNetns).
const netnsEnv = "JEJAK_TEST_NETNS"

// inOwnNetns runs the calling top-level test again in a child test binary
// inside a network namespace that holds only lo, made for it with unshare,
// with the loopback guard set to guard ("0" off, "1" on) there. It reports
// true in that child, where the test goes on; in the parent it waits for
// the child, fails the test if the child failed, and reports false. Where
// namespaces cannot be made (not root, no unshare) the test is skipped,
// except under CI=true, where it fails.
func inOwnNetns(t *testing.T, guard string) bool {
	t.Helper()
	if os.Getenv(netnsEnv) == t.Name() {
		return true
	}
	if out, err := exec.Command("unshare", "-n", "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot make a network namespace (unshare -n, iproute2): %v\n%s", err, out)
		}
		t.Skipf("cannot make a network namespace here (unshare -n needs root): %v", err)
	}
	cmd := exec.Command("unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0" "$@"`,
		os.Args[0], "-test.run=^"+t.Name()+"$", "-test.count=1", "-test.v", "-test.timeout=10m")
	cmd.Env = append(os.Environ(), netnsEnv+"="+t.Name(), LoopbackOnlyEnv+"="+guard)
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("%s in a network namespace of its own: %v\n%s", t.Name(), err, out)
	}
	return false
}
