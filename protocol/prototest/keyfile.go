package prototest

import (
	"bytes"
	"io"
	"strconv"
	"strings"

	"filippo.io/age/armor"
)

// ScryptWorkFactor returns the highest scrypt work factor (log2 N) that an
// age file, in ASCII armour or not, asks for in its header, or 0 when it
// names none. Fuzz targets of key files skip inputs above a small factor:
// each step doubles the time and memory an honest file takes to open, and
// a factor of 22 takes seconds and 4 GiB.
func ScryptWorkFactor(data []byte) int {
	best := 0
	text := string(data)
	for {
		i := strings.Index(text, "scrypt ")
		if i < 0 {
			break
		}
		text = text[i+len("scrypt "):]
		f := strings.Fields(text)
		if len(f) < 2 {
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			// age reads the factor with strconv.Atoi too, after a
			// check of the digits; anything else fails to parse.
			continue
		}
		best = max(best, n)
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		plain, _ := io.ReadAll(io.LimitReader(armor.NewReader(bytes.NewReader(data)), 1<<20))
		if len(plain) > 0 && !bytes.Contains(plain, []byte("-----BEGIN")) {
			best = max(best, ScryptWorkFactor(plain))
		}
	}
	return best
}
