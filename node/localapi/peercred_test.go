package localapi_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/localapi"
)

// childEnv names the data folder a re-run of this test binary asks the
// node of, as a client in another process (see TestMain).
const childEnv = "JEJAK_LOCALAPI_CLIENT_OF"

// TestMain runs the tests, or, in a child started by
// TestPeerCredentials, one client call.
func TestMain(m *testing.M) {
	if dir := os.Getenv(childEnv); dir != "" {
		os.Exit(clientChild(dir))
	}
	os.Exit(m.Run())
}

// clientChild asks the node serving dir for its status, as the CLI does,
// and prints the answer or the error: exit 0 when served.
func clientChild(dir string) int {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := localapi.Dial(ctx, dir)
	if err == nil {
		defer c.Close()
		var st api.Status
		if st, err = c.Status(ctx); err == nil {
			fmt.Printf("served: peer %s\n", st.PeerID)
			return 0
		}
	}
	fmt.Printf("error: %v (unavailable %v)\n", err, errors.Is(err, api.ErrUnavailable))
	return 3
}

// TestPeerCredentials: with the socket's file mode opened to everyone
// (0666), a client running as another user is still refused, with an
// error that says why, and one running as the node's user is served.
func TestPeerCredentials(t *testing.T) {
	if os.Getuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("CI runs as root, where a client can run as another user; this run is not root")
		}
		t.Skip("needs root to start a client as another user (uid 65534)")
	}
	_, _, dir := serve(t)
	// Open every door the file system has: the folders and the socket.
	for d := dir; d != filepath.Dir(os.TempDir()) && d != "/"; d = filepath.Dir(d) {
		if strings.HasPrefix(d, os.TempDir()) && d != os.TempDir() {
			if err := os.Chmod(d, 0o755); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := os.Chmod(localapi.SocketPath(dir), 0o666); err != nil {
		t.Fatal(err)
	}
	// A copy of this binary another user can run.
	bin := filepath.Join(t.TempDir(), "client")
	if err := os.Chmod(filepath.Dir(bin), 0o755); err != nil {
		t.Fatal(err)
	}
	copyFile(t, bin)

	run := func(cred *syscall.Credential) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin)
		cmd.Env = append(os.Environ(), childEnv+"="+dir)
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
		cmd.Dir = "/"
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	out, err := run(&syscall.Credential{Uid: 65534, Gid: 65534})
	if err == nil || !strings.Contains(out, "refused") || !strings.Contains(out, "uid 65534") || !strings.Contains(out, "uid 0") || !strings.Contains(out, "unavailable true") {
		t.Fatalf("a client as uid 65534: %v, %q; want it refused, naming both users", err, out)
	}
	t.Logf("refused: %s", out)
	if out, err := run(nil); err != nil || !strings.HasPrefix(out, "served") {
		t.Fatalf("a client as the node's own user: %v, %q; want it served", err, out)
	}
}

// copyFile copies this test binary to path, executable by everyone.
func copyFile(t *testing.T, path string) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	in, err := os.Open(exe)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	out, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
		t.Fatal(err)
	}
}
