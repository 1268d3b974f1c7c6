package provenance

import (
	"errors"
	"fmt"
	"sync"

	"github.com/jejak/jejak/protocol"
)

// entry is one record the verification read, or tried to.
type entry struct {
	cid     protocol.CID
	rec     *protocol.Record // decoded from the record's own bytes; nil when unreadable
	bytes   []byte
	problem msg    // why the record cannot be used: missing, wrong CID, malformed, bad signature
	code    string // the integrity reason code for problem
	fetched bool
	asked   []string // for a missing record: the peers the Fetcher asked
	sigDone bool     // the signature has been checked (problem set when bad)

	traced  bool         // part of the trace, not just context
	role    string       // "start", "ancestor" or "descendant" for traced records
	refBy   protocol.CID // the record that first referenced it
	refWhat msg          // what the reference was
}

func (e *entry) ok() bool { return e.rec != nil && e.problem.key == "" }

// load returns the entry for c, reading it from the source (or the
// fetcher) on first use. It returns nil only with v.err set.
func (v *verifier) load(c protocol.CID, refBy protocol.CID, refWhat msg) *entry {
	if e, ok := v.entries[c]; ok {
		return e
	}
	e := &entry{cid: c, refBy: refBy, refWhat: refWhat}
	v.entries[c] = e
	v.order = append(v.order, e)
	s, err := v.src.Get(v.ctx, c)
	switch {
	case err == nil:
		e.bytes = s.Bytes
		if v.opts.SkipSignatures && s.Record != nil && s.CID == c {
			// The source holds only records protocol.Open accepted and
			// has decoded this one from bytes it checked against c
			// (see SkipSignatures): decoding it again proves nothing.
			e.rec = s.Record
			return e
		}
	case errors.Is(err, ErrNotFound):
		if v.opts.Fetch != nil {
			if b, ferr := v.opts.Fetch(v.ctx, c); ferr == nil {
				e.bytes, e.fetched = b, true
				v.stats.Fetched++
			} else if cerr := v.ctx.Err(); cerr != nil {
				v.fail(cerr)
				return nil
			} else {
				var a interface{ Asked() []string }
				if errors.As(ferr, &a) {
					e.asked = a.Asked()
				}
			}
		}
		if e.bytes == nil {
			e.problem, e.code = m("reason.problem.missing"), "missing_record"
			v.stats.Missing++
			return e
		}
	default:
		v.fail(fmt.Errorf("provenance: read record %s: %w", c, err))
		return nil
	}
	if got := protocol.ComputeCID(e.bytes); got != c {
		e.problem, e.code = m("reason.problem.cid_mismatch", "hash", got.Short()), "cid_mismatch"
		return e
	}
	r, err := protocol.Decode(e.bytes)
	if err != nil {
		e.problem, e.code = m("reason.problem.malformed", "error", err.Error()), "malformed_record"
		return e
	}
	e.rec = r
	return e
}

// loadContext loads a record that supports the trace (a key, an
// endorsement, a receipt) and checks its signature at once, so that a
// forged one is never believed.
func (v *verifier) loadContext(c protocol.CID, refBy protocol.CID, refWhat msg) *entry {
	e := v.load(c, refBy, refWhat)
	if e != nil && e.rec != nil && !e.sigDone && (!v.opts.SkipSignatures || e.fetched) {
		verifySig(e)
	}
	return e
}

// fail records an operational failure; the walk stops at the next check.
func (v *verifier) fail(err error) {
	if v.err == nil {
		v.err = err
	}
}

func verifySig(e *entry) {
	e.sigDone = true
	msg, err := e.rec.SigningBytes()
	if err != nil || !e.rec.Author.Verify(msg, e.rec.Sig) {
		e.problem, e.code = m("reason.problem.bad_signature", "author", e.rec.Author.Short()), "bad_signature"
	}
}

// verifyPending checks the signatures not yet checked, on all workers.
func (v *verifier) verifyPending() {
	var todo []*entry
	for _, e := range v.order {
		if e.rec != nil && !e.sigDone && (!v.opts.SkipSignatures || e.fetched) {
			todo = append(todo, e)
		}
	}
	if len(todo) == 0 {
		return
	}
	workers := min(v.opts.Workers, len(todo))
	var wg sync.WaitGroup
	next := make(chan []*entry, workers)
	const chunk = 256
	go func() {
		for i := 0; i < len(todo); i += chunk {
			next <- todo[i:min(i+chunk, len(todo))]
		}
		close(next)
	}()
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for part := range next {
				for _, e := range part {
					verifySig(e)
				}
			}
		}()
	}
	wg.Wait()
}
