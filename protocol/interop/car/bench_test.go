package car_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// benchFile is a CAR of a bulk ancestry's evidence.
func benchFile(b *testing.B) []byte {
	b.Helper()
	s := scenario.Ancestry(1000)
	_, recs := evidence(b, s, false)
	return export(b, rootsOf(s, recs), recs)
}

// BenchmarkRead reads, checks and opens every record of a file of about a
// thousand records.
func BenchmarkRead(b *testing.B) {
	file := benchFile(b)
	b.SetBytes(int64(len(file)))
	for b.Loop() {
		if _, err := car.Read(bytes.NewReader(file), car.Limits{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite writes the same records again.
func BenchmarkWrite(b *testing.B) {
	f, err := car.Read(bytes.NewReader(benchFile(b)), car.Limits{})
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := car.Write(io.Discard, f.Roots, f.Records); err != nil {
			b.Fatal(err)
		}
	}
}
