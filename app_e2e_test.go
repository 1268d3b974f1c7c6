package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestAppUnderXvfb runs the real app binary in a real X server (Xvfb) on a
// fresh data folder, lets it start the demo network the way a newcomer
// would, and checks what the Verify screen shows for the demo's batches:
// the honest one trusted, the one whose CPO was sold twice failed.
func TestAppUnderXvfb(t *testing.T) {
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
	bin := filepath.Join(dir, "jejak")
	build := exec.CommandContext(ctx, "go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the app: %v\n%s", err, out)
	}

	// Xvfb picks a free display and writes its number to a pipe.
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
	defer func() { x.Process.Kill(); x.Wait() }()
	display, err := bufio.NewReader(r).ReadString('\n')
	if err != nil {
		t.Fatalf("Xvfb did not say its display: %v", err)
	}

	app := exec.CommandContext(ctx, bin)
	app.Env = append(os.Environ(), "DISPLAY=:"+strings.TrimSpace(display), "LANG=en_US.UTF-8",
		"JEJAK_DATA="+filepath.Join(dir, "data"), "JEJAK_SCREENSHOT_TOUR=1")
	stdin, _ := app.StdinPipe()
	stdout, _ := app.StdoutPipe()
	var stderr strings.Builder
	app.Stderr = &stderr
	if err := app.Start(); err != nil {
		t.Fatalf("start the app: %v", err)
	}
	verdicts := map[string]string{}
	screens := 0
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		switch {
		case len(f) == 3 && f[0] == "verdict":
			verdicts[f[1]] = f[2]
		case len(f) == 2 && f[0] == "screenshot":
			screens++
			fmt.Fprintln(stdin, "next")
		}
	}
	io.Copy(io.Discard, stdout)
	if err := app.Wait(); err != nil {
		t.Fatalf("the app failed: %v\n%s", err, stderr.String())
	}
	if screens < 5 {
		t.Fatalf("the app drew %d screens, want the whole tour\n%s", screens, stderr.String())
	}
	if v := verdicts["08-verify-trusted"]; v != "trusted" {
		t.Errorf("honest demo batch: the window shows %q, want trusted (all: %v)", v, verdicts)
	}
	if v := verdicts["11-verify-failed"]; v != "failed" {
		t.Errorf("demo batch sold twice: the window shows %q, want failed (all: %v)", v, verdicts)
	}
}
