package assets_test

import (
	"bytes"
	"image/png"
	"os/exec"
	"strings"
	"testing"

	"github.com/jejak/jejak/assets"
)

func TestIconIsSquarePNG(t *testing.T) {
	img, err := png.Decode(bytes.NewReader(assets.Icon))
	if err != nil {
		t.Fatalf("decode icon: %v", err)
	}
	if got := img.Bounds().Size(); got.X != 256 || got.Y != 256 {
		t.Errorf("icon is %dx%d, want 256x256", got.X, got.Y)
	}
}

// TestStandardLibraryOnly keeps assets usable from every binary: it may
// import only the standard library.
func TestStandardLibraryOnly(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-f", "{{if not .Standard}}{{.ImportPath}}{{end}}", ".")
	cmd.Stderr = new(strings.Builder)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list -deps: %v\n%s", err, cmd.Stderr)
	}
	for _, dep := range strings.Fields(string(out)) {
		if dep != "github.com/jejak/jejak/assets" {
			t.Errorf("assets depends on %s; it may import only the standard library", dep)
		}
	}
}
