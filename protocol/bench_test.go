package protocol_test

import (
	"crypto/ed25519"
	"slices"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
)

// The benchmarks use the process vector: a typical process record (FFB in,
// CPO and kernels out, at a mill) of 492 bytes. Run them with
//
//	go test -run XXX -bench . -benchmem -count 5 ./protocol
//
// and compare Open with Ed25519Verify: verifying a record should cost the
// signature check and little else.

func benchRecord(b *testing.B) protocol.Signed {
	b.Helper()
	return vectorByName(b, "process").signed
}

func BenchmarkEncode(b *testing.B) {
	s := benchRecord(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		if _, err := s.Encode(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	s := benchRecord(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		if _, err := protocol.Decode(s.Bytes); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCID(b *testing.B) {
	s := benchRecord(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		protocol.ComputeCID(s.Bytes)
	}
}

// BenchmarkOpen is the whole path for a record from a peer: strict decode,
// validation, signature and CID.
func BenchmarkOpen(b *testing.B) {
	s := benchRecord(b)
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		if _, err := protocol.Open(s.Bytes); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEd25519Verify is the floor for BenchmarkOpen: crypto/ed25519
// alone, over the same signed message Open verifies.
func BenchmarkEd25519Verify(b *testing.B) {
	s := benchRecord(b)
	msg, err := s.SigningBytes()
	if err != nil {
		b.Fatal(err)
	}
	pub := ed25519.PublicKey(s.Author[:])
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		if !ed25519.Verify(pub, msg, s.Sig) {
			b.Fatal("signature does not verify")
		}
	}
}

// BenchmarkSeal is the path for a record the local user creates.
func BenchmarkSeal(b *testing.B) {
	s := benchRecord(b)
	key := vectorByName(b, "process").key
	b.ReportAllocs()
	b.SetBytes(int64(len(s.Bytes)))
	for b.Loop() {
		r := *s.Record
		if _, err := protocol.Seal(&r, key); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpenVsVerify reports the cost of Open as a multiple of a bare
// Ed25519 verify of the same message ("open/verify"). Each op is one Open
// and one verify, timed one right after the other so that a machine busy
// with other work slows both alike; the metric is the median of the ratios.
func BenchmarkOpenVsVerify(b *testing.B) {
	s := benchRecord(b)
	msg, err := s.SigningBytes()
	if err != nil {
		b.Fatal(err)
	}
	pub := ed25519.PublicKey(s.Author[:])
	var ratios []float64
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		if _, err := protocol.Open(s.Bytes); err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if !ed25519.Verify(pub, msg, s.Sig) {
			b.Fatal("signature does not verify")
		}
		ratios = append(ratios, float64(t1.Sub(t0))/float64(time.Since(t1)))
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "open/verify")
}
