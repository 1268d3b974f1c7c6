package bench

import (
	"fmt"
	"os"
	"testing"
)

// TestMain runs this test binary as a bench child when the memory
// scenario started it as one.
func TestMain(m *testing.M) {
	if ok, err := Child(); ok {
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}
