package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"image"
	_ "image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/protocol"
)

// TestAppServesTheCommandLine runs the real desktop app binary in a real X
// server (Xvfb) on a data folder whose config keeps it on 127.0.0.1 (no
// mDNS, no DHT), and uses jejak-node on the same folder while the window is
// open: status, record and batches work through the app's local API
// socket (the store is the app's, so they could not open it themselves).
// Then the app is killed with SIGKILL and every record it acknowledged is
// still there when jejak-node opens the store itself.
func TestAppServesTheCommandLine(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the desktop app")
	}
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed (make deps installs it)")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	app, node := buildBoth(t, ctx, dir)
	data := filepath.Join(dir, "data")
	if err := os.MkdirAll(data, 0o700); err != nil {
		t.Fatal(err)
	}
	config := fmt.Sprintf(`{"network": "app-e2e", "listen": ["/ip4/127.0.0.1/tcp/0"], "mdns": false, "dht": false, "key_work_factor": %d}`, protocol.MinScryptWorkFactor)
	if err := os.WriteFile(filepath.Join(data, "config.json"), []byte(config), 0o600); err != nil {
		t.Fatal(err)
	}
	cli := func(args ...string) (string, error) {
		t.Helper()
		cmd := exec.CommandContext(ctx, node, append([]string{"--data", data}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir, p2p.LoopbackOnlyEnv+"=1", "JEJAK_ORG_PASSPHRASE=the mill organisation")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	mustCLI := func(args ...string) string {
		t.Helper()
		out, err := cli(args...)
		if err != nil {
			t.Fatalf("jejak-node %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return out
	}
	// The organisation is set up before the window opens, so it opens on
	// the Batches screen.
	mustCLI("init", "--name", "Kilang Sawit Bukit Lebam", "--role", "mill", "--country", "MY")

	display := startXvfb(t, ctx, xvfb)
	cmd := exec.CommandContext(ctx, app)
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JEJAK_DATA="+data, "HOME="+dir, p2p.LoopbackOnlyEnv+"=1")
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()

	// The app serves the local API once its node is up: wait for its
	// socket, so that this test's own commands do not take the store
	// first.
	waitForSocket(t, data, exited, &stderr)
	var st struct {
		Agent    string `json:"agent"`
		Network  string `json:"network"`
		LocalAPI string `json:"local_api"`
		Addrs    []string
	}
	deadline := time.Now().Add(2 * time.Minute)
	for {
		select {
		case err := <-exited:
			t.Fatalf("the app exited: %v\n%s", err, stderr.String())
		default:
		}
		out, err := cli("--json", "status")
		if err == nil && json.Unmarshal([]byte(out), &st) == nil && st.Agent == "jejak-desktop" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("jejak-node status never reached the app: %v\n%s\napp: %s", err, out, stderr.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	if st.Network != "app-e2e" || !strings.HasSuffix(st.LocalAPI, "jejak.sock") {
		t.Errorf("status through the app: network %q, local API %q", st.Network, st.LocalAPI)
	}
	for _, a := range st.Addrs {
		if !strings.HasPrefix(a, "/ip4/127.0.0.1/") {
			t.Errorf("the app listens on %s; its config keeps it on 127.0.0.1", a)
		}
	}

	var rec struct {
		CID     string `json:"cid"`
		Batches []struct {
			ID string `json:"id"`
		} `json:"batches"`
	}
	out := mustCLI("--json", "record", "place", "--name", "Blok A", "--kind", "plot", "--country", "MY", "--point", "1.70,103.90", "--area", "20000")
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.CID == "" {
		t.Fatalf("record place: %q, %v", out, err)
	}
	out = mustCLI("--json", "record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "12.5 TNE", "--lot", "H-1", "--from", "2026-01-01", "--until", "2026-01-02")
	if err := json.Unmarshal([]byte(out), &rec); err != nil || len(rec.Batches) != 1 {
		t.Fatalf("record origin: %q, %v", out, err)
	}
	batch := rec.Batches[0].ID
	var batches []struct {
		ID   string `json:"id"`
		Left struct {
			Milli int64 `json:"milli"`
		} `json:"left"`
	}
	out = mustCLI("--json", "batches")
	if err := json.Unmarshal([]byte(out), &batches); err != nil || len(batches) != 1 || batches[0].ID != batch || batches[0].Left.Milli != 12500 {
		t.Fatalf("batches through the app: %q, %v; want %s with 12.5 TNE left", out, err, batch)
	}

	// The window is drawn (not blank). Set JEJAK_TEST_SHOTS to a folder
	// to keep the picture for a person to look at.
	if shot, ok := screenshot(t, ctx, display, dir); ok {
		if keep := os.Getenv("JEJAK_TEST_SHOTS"); keep != "" {
			if b, err := os.ReadFile(shot); err == nil && os.WriteFile(filepath.Join(keep, "app-e2e.png"), b, 0o644) == nil {
				t.Logf("screenshot of the app: %s", filepath.Join(keep, "app-e2e.png"))
			}
		}
	}

	// kill -9: what the app acknowledged is on disk.
	cmd.Process.Signal(syscall.SIGKILL)
	<-exited
	exited <- nil
	out = mustCLI("batches", "--search", "H-1")
	if !strings.Contains(out, batch) {
		t.Fatalf("after SIGKILL of the app, batches says %q; the batch %s is lost", out, batch)
	}
	if out := mustCLI("check"); !strings.Contains(strings.ToLower(out), "sound") && strings.TrimSpace(out) != "" && !strings.Contains(out, "match") {
		t.Logf("check after SIGKILL: %s", out)
	}
}

// buildBoth builds the desktop app and jejak-node (without cgo, as
// released) into dir.
func buildBoth(t *testing.T, ctx context.Context, dir string) (app, node string) {
	t.Helper()
	app, node = filepath.Join(dir, "jejak"), filepath.Join(dir, "jejak-node")
	for _, b := range []struct{ out, pkg, cgo string }{{app, ".", "1"}, {node, "./cmd/jejak-node", "0"}} {
		build := exec.CommandContext(ctx, "go", "build", "-o", b.out, b.pkg)
		build.Env = append(os.Environ(), "CGO_ENABLED="+b.cgo)
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("build %s: %v\n%s", b.pkg, err, out)
		}
	}
	return app, node
}

// waitForSocket waits until the app serves its data folder's socket, or
// fails when the app exits first.
func waitForSocket(t *testing.T, data string, exited <-chan error, stderr fmt.Stringer) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if _, err := os.Stat(filepath.Join(data, "jejak.sock")); err == nil {
			return
		}
		select {
		case err := <-exited:
			t.Fatalf("the app exited: %v\n%s", err, stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app made no socket in two minutes\n%s", stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAppStartsOffline runs the real app on a computer with no network but
// loopback: in a network namespace of the test's own that holds only lo,
// with the desktop's defaults (mDNS and the DHT on, listening on every
// interface). It starts, serves the command line, records a harvest, and
// says that finding peers is off, rather than refusing to start.
func TestAppStartsOffline(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the desktop app")
	}
	xvfb, err := exec.LookPath("Xvfb")
	if err != nil {
		t.Skip("Xvfb is not installed (make deps installs it)")
	}
	if out, err := exec.Command("unshare", "-n", "ip", "link", "set", "lo", "up").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("cannot make a network namespace (unshare -n, iproute2): %v\n%s", err, out)
		}
		t.Skipf("cannot make a network namespace here (unshare -n needs root or user namespaces): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir := t.TempDir()
	app, node := buildBoth(t, ctx, dir)
	data := filepath.Join(dir, "data")
	cli := func(args ...string) string {
		t.Helper()
		cmd := exec.CommandContext(ctx, node, append([]string{"--data", data}, args...)...)
		cmd.Env = append(os.Environ(), "HOME="+dir, p2p.LoopbackOnlyEnv+"=1", "JEJAK_ORG_PASSPHRASE=the mill organisation")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("jejak-node %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	cli("init", "--name", "Kilang Sawit Pedalaman", "--role", "mill", "--country", "MY")

	display := startXvfb(t, ctx, xvfb)
	// Only loopback, brought up as a computer brings it up; the X display
	// is reached through its socket file.
	cmd := exec.CommandContext(ctx, "unshare", "-n", "sh", "-c", `ip link set lo up && exec "$0"`, app)
	// The namespace holds nothing but lo: the desktop's defaults (every
	// interface, mDNS, the DHT) reach no further, so the guard is off.
	cmd.Env = append(os.Environ(), "DISPLAY="+display, "LANG=en_US.UTF-8", "JEJAK_DATA="+data, "HOME="+dir, p2p.LoopbackOnlyEnv+"=0")
	var stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stderr, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	defer func() {
		cmd.Process.Kill()
		<-exited
	}()
	waitForSocket(t, data, exited, &stderr)

	var st struct {
		Agent string   `json:"agent"`
		Notes []string `json:"notes"`
		Peers []any    `json:"peers"`
	}
	if err := json.Unmarshal([]byte(cli("--json", "status")), &st); err != nil || st.Agent != "jejak-desktop" {
		t.Fatalf("status through the offline app: %+v, %v", st, err)
	}
	if len(st.Peers) != 0 || !strings.Contains(strings.Join(st.Notes, "\n"), "local network is off") {
		t.Errorf("the offline app says peers %v, notes %q; want none and a note that finding peers on the network is off", st.Peers, st.Notes)
	}
	out := cli("--json", "record", "place", "--name", "Blok Hulu", "--kind", "plot", "--country", "MY", "--point", "4.20,117.30", "--area", "20000")
	var rec struct {
		CID string `json:"cid"`
	}
	if err := json.Unmarshal([]byte(out), &rec); err != nil || rec.CID == "" {
		t.Fatalf("record place offline: %q, %v", out, err)
	}
	cli("record", "origin", "--place", rec.CID, "--product", "FFB", "--qty", "7,5 TNE", "--lot", "HULU-1", "--from", "2026-11-30", "--until", "2026-12-01")
	if out := cli("batches", "--search", "HULU-1"); !strings.Contains(out, "7.5 TNE") {
		t.Fatalf("batches offline: %q", out)
	}
}

// startXvfb starts an X server on a free display and returns its name.
func startXvfb(t *testing.T, ctx context.Context, xvfb string) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	x := exec.CommandContext(ctx, xvfb, "-displayfd", "3", "-screen", "0", "1280x800x24", "-nolisten", "tcp")
	x.ExtraFiles = []*os.File{w}
	if err := x.Start(); err != nil {
		t.Fatalf("start Xvfb: %v", err)
	}
	w.Close()
	t.Cleanup(func() { x.Process.Kill(); x.Wait() })
	display, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}
	return ":" + strings.TrimSpace(display)
}

// screenshot takes a picture of the whole X display with xwd and convert
// (Debian's x11-apps and imagemagick), when they are installed, and checks
// that the window drew something: a blank screen has one colour.
func screenshot(t *testing.T, ctx context.Context, display, dir string) (string, bool) {
	t.Helper()
	if _, err := exec.LookPath("xwd"); err != nil {
		return "", false
	}
	if _, err := exec.LookPath("convert"); err != nil {
		return "", false
	}
	path := filepath.Join(dir, "app.png")
	deadline := time.Now().Add(time.Minute)
	for {
		sh := exec.CommandContext(ctx, "sh", "-c", fmt.Sprintf("xwd -root -display %s | convert xwd:- %s", display, path))
		if out, err := sh.CombinedOutput(); err != nil {
			t.Fatalf("screenshot: %v\n%s", err, out)
		}
		if colours(t, path) > 8 {
			return path, true
		}
		if time.Now().After(deadline) {
			t.Fatalf("the app's window is blank after a minute (%s)", path)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// colours counts the distinct colours of a PNG, up to a few hundred.
func colours(t *testing.T, path string) int {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		t.Fatalf("decode %s: %v", path, err)
	}
	seen := map[[4]uint32]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y && len(seen) < 300; y += 4 {
		for x := b.Min.X; x < b.Max.X && len(seen) < 300; x += 4 {
			r, g, bl, a := img.At(x, y).RGBA()
			seen[[4]uint32{r, g, bl, a}] = true
		}
	}
	return len(seen)
}
