package protocol_test

import (
	"bytes"
	"crypto/ed25519"
	"slices"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
)

// The signature rule's cost, old and new. Run them with
//
//	go test -run XXX -bench 'SigVerify|Batch256' -count 5 ./protocol
//
// SigVerify* verify the process vector's signature (one record): crypto/
// ed25519 was the rule of the first release, PublicKey.Verify is ZIP-215.
// The *256 benchmarks check 256 record signatures by 256 keys, one by one or
// in a batch; their ns/sig metric is the cost per signature.

func BenchmarkSigVerifyStdlib(b *testing.B) {
	s := benchRecord(b)
	msg, err := s.SigningBytes()
	if err != nil {
		b.Fatal(err)
	}
	pub := ed25519.PublicKey(s.Author[:])
	b.ReportAllocs()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, s.Sig) {
			b.Fatal("signature does not verify")
		}
	}
}

func BenchmarkSigVerifyZIP215(b *testing.B) {
	s := benchRecord(b)
	msg, err := s.SigningBytes()
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if !s.Author.Verify(msg, s.Sig) {
			b.Fatal("signature does not verify")
		}
	}
}

const benchBatch = 256

func reportPerSig(b *testing.B) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/benchBatch, "ns/sig")
}

func BenchmarkSingles256Stdlib(b *testing.B) {
	msgs, sigs, keys := sealedRecords(b, benchBatch)
	b.ReportAllocs()
	for b.Loop() {
		for i := range msgs {
			if !ed25519.Verify(keys[i][:], msgs[i], sigs[i]) {
				b.Fatal("signature does not verify")
			}
		}
	}
	reportPerSig(b)
}

func BenchmarkSingles256ZIP215(b *testing.B) {
	msgs, sigs, keys := sealedRecords(b, benchBatch)
	b.ReportAllocs()
	for b.Loop() {
		for i := range msgs {
			if !keys[i].Verify(msgs[i], sigs[i]) {
				b.Fatal("signature does not verify")
			}
		}
	}
	reportPerSig(b)
}

// BenchmarkBatch256 times a whole batch: 256 Adds and one Verify.
func BenchmarkBatch256(b *testing.B) {
	msgs, sigs, keys := sealedRecords(b, benchBatch)
	b.ReportAllocs()
	for b.Loop() {
		bv := protocol.NewBatchVerifier()
		for i := range msgs {
			bv.Add(keys[i], msgs[i], sigs[i])
		}
		if !bv.Verify() {
			b.Fatal("batch does not verify")
		}
	}
	reportPerSig(b)
}

// BenchmarkBatch256OneBad is the worst case of VerifyEach: one bad
// signature makes the batch fail, and every signature is checked again
// alone.
func BenchmarkBatch256OneBad(b *testing.B) {
	msgs, sigs, keys := sealedRecords(b, benchBatch)
	sigs[benchBatch/2] = bytes.Clone(sigs[benchBatch/2])
	sigs[benchBatch/2][0] ^= 1
	b.ReportAllocs()
	for b.Loop() {
		bv := protocol.NewBatchVerifier()
		for i := range msgs {
			bv.Add(keys[i], msgs[i], sigs[i])
		}
		if ok := bv.VerifyEach(); ok[benchBatch/2] || !ok[0] {
			b.Fatal("VerifyEach is wrong")
		}
	}
	reportPerSig(b)
}

// BenchmarkSigVerifyRatio reports the cost of a ZIP-215 verify as a multiple
// of a crypto/ed25519 one ("zip215/stdlib"), timed back to back in each op so
// that a machine busy with other work slows both alike; the metric is the
// median of the ratios.
func BenchmarkSigVerifyRatio(b *testing.B) {
	s := benchRecord(b)
	msg, err := s.SigningBytes()
	if err != nil {
		b.Fatal(err)
	}
	pub := ed25519.PublicKey(s.Author[:])
	var ratios []float64
	for b.Loop() {
		t0 := time.Now()
		ok1 := ed25519.Verify(pub, msg, s.Sig)
		t1 := time.Now()
		ok2 := s.Author.Verify(msg, s.Sig)
		ratios = append(ratios, float64(time.Since(t1))/float64(t1.Sub(t0)))
		if !ok1 || !ok2 {
			b.Fatal("signature does not verify")
		}
	}
	b.ReportMetric(median(ratios), "zip215/stdlib")
}

// BenchmarkBatch256Ratio reports the cost of a batch of 256 as a multiple of
// 256 single ZIP-215 verifies ("batch/singles"), timed back to back.
func BenchmarkBatch256Ratio(b *testing.B) {
	msgs, sigs, keys := sealedRecords(b, benchBatch)
	var ratios []float64
	for b.Loop() {
		t0 := time.Now()
		for i := range msgs {
			if !keys[i].Verify(msgs[i], sigs[i]) {
				b.Fatal("signature does not verify")
			}
		}
		t1 := time.Now()
		bv := protocol.NewBatchVerifier()
		for i := range msgs {
			bv.Add(keys[i], msgs[i], sigs[i])
		}
		if !bv.Verify() {
			b.Fatal("batch does not verify")
		}
		ratios = append(ratios, float64(time.Since(t1))/float64(t1.Sub(t0)))
	}
	b.ReportMetric(median(ratios), "batch/singles")
}

func median(xs []float64) float64 {
	slices.Sort(xs)
	return xs[len(xs)/2]
}
