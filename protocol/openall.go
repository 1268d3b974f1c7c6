package protocol

import (
	"bytes"
	"runtime"
	"sync"
)

// minOpenChunk is the fewest records OpenAll gives one core: below it a
// batch saves little and a goroutine costs more than it brings.
const minOpenChunk = 32

// OpenAll opens many records at once, as Open opens each one: the same
// checks and, for each record, the same result, error included. It checks
// the signatures of the records that decode in batches (BatchVerifier), a
// batch per core; a batch that fails is checked one signature at a time,
// so a forged record costs the records beside it one extra check each and
// is refused alone. errs[i] is nil exactly when recs[i] is datas[i]
// opened. It is for a sync page or an imported file, where records come
// by the hundred.
func OpenAll(datas [][]byte) (recs []Signed, errs []error) {
	recs, errs = make([]Signed, len(datas)), make([]error, len(datas))
	chunks := min(runtime.GOMAXPROCS(0), (len(datas)+minOpenChunk-1)/minOpenChunk)
	if chunks <= 1 {
		openChunk(datas, recs, errs)
		return recs, errs
	}
	var wg sync.WaitGroup
	size := (len(datas) + chunks - 1) / chunks
	for lo := 0; lo < len(datas); lo += size {
		hi := min(lo+size, len(datas))
		wg.Add(1)
		go func() {
			defer wg.Done()
			openChunk(datas[lo:hi], recs[lo:hi], errs[lo:hi])
		}()
	}
	wg.Wait()
	return recs, errs
}

// openChunk is OpenAll on one core.
func openChunk(datas [][]byte, recs []Signed, errs []error) {
	type pending struct {
		i   int
		r   *Record
		msg []byte
	}
	var todo []pending
	bv := NewBatchVerifier()
	for i, data := range datas {
		r, _, err := decode(data)
		if err != nil {
			// A record that does not decode, or is of a newer version,
			// gets exactly Open's answer; such records are rare.
			recs[i], errs[i] = Open(data)
			continue
		}
		msg, ok := signingBytesOf(data)
		if !ok {
			if msg, err = r.SigningBytes(); err != nil {
				errs[i] = err
				continue
			}
		}
		bv.Add(r.Author, msg, r.Sig)
		todo = append(todo, pending{i, r, msg})
	}
	var ok []bool
	switch len(todo) {
	case 0:
		return
	case 1: // a batch of one costs more than a signature checked alone
		ok = []bool{todo[0].r.verifySig(todo[0].msg) == nil}
	default:
		ok = bv.VerifyEach()
	}
	for k, p := range todo {
		if !ok[k] {
			errs[p.i] = p.r.verifySig(p.msg)
			continue
		}
		b := bytes.Clone(datas[p.i])
		recs[p.i] = Signed{Record: p.r, CID: ComputeCID(b), Bytes: b}
	}
}
