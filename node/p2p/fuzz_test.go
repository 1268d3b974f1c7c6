package p2p

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/storage"
)

// The fuzz targets here drive the engine's real handlers of a peer's bytes:
// the sync and fetch responders (answerSync, answerFetch) read the input
// as the stream from a requester, the sync requester (syncWith, and the
// fetch of forks it starts) reads it as the stream from a responder over a
// real libp2p connection on 127.0.0.1, and the gossip validator judges it
// as a message's data. Each engine keeps a real Badger store holding a few
// feeds and a fork, so the responders have something to send.

// fuzzStream is a network.Stream over bytes, for the responders: reads
// come from the input, writes are kept. Methods the handlers do not use
// are the nil embedded interface's and would panic.
type fuzzStream struct {
	network.Stream
	r     io.Reader
	out   bytes.Buffer
	proto libp2pproto.ID
}

func (s *fuzzStream) Read(b []byte) (int, error)                   { return s.r.Read(b) }
func (s *fuzzStream) Write(b []byte) (int, error)                  { return s.out.Write(b) }
func (s *fuzzStream) Close() error                                 { return nil }
func (s *fuzzStream) CloseWrite() error                            { return nil }
func (s *fuzzStream) CloseRead() error                             { return nil }
func (s *fuzzStream) Reset() error                                 { return nil }
func (s *fuzzStream) SetDeadline(time.Time) error                  { return nil }
func (s *fuzzStream) SetReadDeadline(time.Time) error              { return nil }
func (s *fuzzStream) SetWriteDeadline(time.Time) error             { return nil }
func (s *fuzzStream) Protocol() libp2pproto.ID                     { return s.proto }
func (s *fuzzStream) SetProtocol(libp2pproto.ID) error             { return nil }
func (s *fuzzStream) ID() string                                   { return "fuzz" }
func (s *fuzzStream) Stat() network.Stats                          { return network.Stats{} }
func (s *fuzzStream) Scope() network.StreamScope                   { return nil }
func (s *fuzzStream) Conn() network.Conn                           { return nil }
func (s *fuzzStream) ResetWithError(network.StreamErrorCode) error { return nil }

// fuzzWorld is what the fuzz targets of one process share: records that
// are valid, some held by the responder, and the engines.
type fuzzWorld struct {
	valid map[protocol.CID]bool // every valid record any seed carries
	held  []protocol.Signed     // what the responder's store holds
	fork  protocol.Signed       // a second record at a seq of a held feed, not held
	extra []protocol.Signed     // valid records nobody holds
}

// fuzzRecords seals three feeds of places (the last with a fork at seq 2)
// and a few records that no store holds.
func fuzzRecords(tb testing.TB) *fuzzWorld {
	tb.Helper()
	w := &fuzzWorld{valid: map[protocol.CID]bool{}}
	seal := func(key protocol.PrivateKey, seq uint64, prev protocol.CID, i int) protocol.Signed {
		r := &protocol.Record{Seq: seq, Prev: prev, Time: 1_764_460_800_000 + int64(seq), Body: orgBody(i)}
		// Format 2: the seed corpus in testdata carries these records as
		// they were signed then, and must find them valid.
		rec, err := protocol.SealVersion(r, key, protocol.Version2)
		if err != nil {
			tb.Fatalf("seal: %v", err)
		}
		w.valid[rec.CID] = true
		return rec
	}
	for f := range 3 {
		key := prototest.Key(fmt.Sprintf("fuzz-feed-%d", f))
		var prev protocol.CID
		for seq := uint64(1); seq <= 3; seq++ {
			rec := seal(key, seq, prev, 10*f+int(seq))
			w.held = append(w.held, rec)
			prev = rec.CID
			if f == 2 && seq == 1 {
				w.fork = seal(key, 2, prev, 99)
			}
		}
	}
	key := prototest.Key("fuzz-stranger")
	var prev protocol.CID
	for seq := uint64(1); seq <= 2; seq++ {
		rec := seal(key, seq, prev, 50+int(seq))
		w.extra = append(w.extra, rec)
		prev = rec.CID
	}
	return w
}

// startFuzzNode starts an engine on 127.0.0.1 (no mDNS, no DHT, no sync
// on connect, no periodic sync) over a Badger store holding recs, closed
// when the fuzz run ends.
func startFuzzNode(tb testing.TB, name string, recs []protocol.Signed) *testNode {
	tb.Helper()
	dir := tb.TempDir()
	st, err := storage.Open(filepath.Join(dir, "store"), storage.Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	ctx := context.Background()
	if len(recs) > 0 {
		if _, err := st.PutBatch(ctx, recs); err != nil {
			tb.Fatalf("put: %v", err)
		}
	}
	ev := &testEvents{}
	e, err := New(ctx, Config{
		DataDir:         dir,
		Network:         "fuzz",
		ListenAddrs:     []string{"/ip4/127.0.0.1/tcp/0"},
		SyncInterval:    -1,
		NoSyncOnConnect: true,
		Limits:          Limits{SyncTimeout: 20 * time.Second, SyncPage: 4},
		Logger:          testLogger(name),
		Store:           st,
		Events:          ev,
	})
	if err != nil {
		st.Close()
		tb.Fatalf("New: %v", err)
	}
	n := &testNode{Engine: e, store: st, key: prototest.Key(name), ev: ev}
	tb.Cleanup(func() { _ = n.Close() })
	return n
}

// heldWithFork is what the responder holds: the feeds and the fork.
func (w *fuzzWorld) heldWithFork() []protocol.Signed {
	return append(append([]protocol.Signed{}, w.held...), w.fork)
}

// syncRequestSeeds are requests as requesters send them: empty, every
// head, heads behind, a head on the other side of the fork, a targeted
// sync, paging, a digest that matches and one that does not.
func syncRequestSeeds(tb testing.TB, w *fuzzWorld, responder *testNode) [][]byte {
	tb.Helper()
	ctx := context.Background()
	heads, err := responder.store.Heads(ctx)
	if err != nil {
		tb.Fatal(err)
	}
	var all, behind []wireHead
	for a, h := range heads {
		all = append(all, toWireHead(a, h))
		behind = append(behind, wireHead{Author: a[:], Seq: 1, CID: w.held[0].CID.Bytes()})
	}
	forkHead := wireHead{Author: w.fork.Author[:], Seq: 2, CID: w.fork.CID.Bytes()}
	digest, err := responder.digestIfComplete(ctx, heads)
	if err != nil || digest == nil {
		// The responder holds a fork, so its records are more than
		// its heads: no digest of its own. Make one that cannot match.
		digest = &headsDigest{Heads: make([]byte, 32), Feeds: len(heads), Records: 10}
	}
	frames := func(parts ...func(*bytes.Buffer)) []byte {
		var b bytes.Buffer
		for _, p := range parts {
			p(&b)
		}
		return b.Bytes()
	}
	req := func(r syncRequest) func(*bytes.Buffer) {
		return func(b *bytes.Buffer) { _ = writeCBOR(b, frameSyncRequest, &r) }
	}
	dig := func(d headsDigest) func(*bytes.Buffer) {
		return func(b *bytes.Buffer) { _ = writeCBOR(b, frameHeadsDigest, &d) }
	}
	return [][]byte{
		frames(req(syncRequest{})),
		frames(req(syncRequest{Heads: all, Limit: 100})),
		frames(req(syncRequest{Heads: behind, Limit: 2}), req(syncRequest{Limit: 2}), req(syncRequest{Limit: 2})),
		frames(req(syncRequest{Heads: []wireHead{forkHead}, Only: true})),
		frames(req(syncRequest{Heads: []wireHead{{Author: make([]byte, 32)}}, Only: true, ForkDigest: []byte{1}})),
		frames(req(syncRequest{Heads: []wireHead{{Author: []byte{1, 2}}}})),
		frames(dig(*digest)),
		frames(dig(headsDigest{Heads: []byte{1}}), req(syncRequest{Heads: behind})),
		{0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02},
		{3, frameSyncRequest, 0x81, 0x80},
	}
}

// FuzzAnswerSync feeds the sync responder (both sync protocols) a
// requester's stream. Whatever it reads, it answers with well-formed
// frames in the protocol's order, sends only records its store holds, at
// most a page at a time, and when it fails it says why in a way that
// either counts against the peer (a violation), is the stream ending, or
// was told to the peer in an error frame.
func FuzzAnswerSync(f *testing.F) {
	w := fuzzRecords(f)
	n := startFuzzNode(f, "fuzz-responder", w.heldWithFork())
	for _, seed := range syncRequestSeeds(f, w, n) {
		f.Add(seed, false)
		f.Add(seed, true)
	}
	f.Fuzz(func(t *testing.T, data []byte, heads bool) {
		s := &fuzzStream{r: bytes.NewReader(data), proto: n.protos.sync}
		if heads {
			s.proto = n.protos.syncHeads
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		err := n.answerSync(ctx, s)
		refused := checkSyncAnswer(t, n, w, s.out.Bytes(), heads)
		if err != nil && !expectedFailure(err) && !refused {
			t.Fatalf("the responder failed with %v: not a violation, not the stream ending, and not told to the peer", err)
		}
		if err != nil && err.Error() == "" {
			t.Fatal("an error without a message")
		}
	})
}

// checkSyncAnswer reads what the responder sent: an optional headsAnswer
// (sync 1.1.0), then pages of a summary (first page only), records and a
// syncEnd, or an error frame anywhere. It reports whether the answer ended
// with an error frame.
func checkSyncAnswer(t *testing.T, n *testNode, w *fuzzWorld, out []byte, heads bool) bool {
	t.Helper()
	held := map[protocol.CID]bool{}
	for _, r := range w.heldWithFork() {
		held[r.CID] = true
	}
	fr := newFrameReader(bytes.NewReader(out))
	first := true
	if heads {
		kind, payload, err := fr.next(maxControlFrame)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			t.Fatalf("the answer's first frame: %v", err)
		}
		if kind == frameError {
			return true
		}
		if kind != frameHeadsAnswer {
			t.Fatalf("sync 1.1.0 answered with frame %d first, want a heads answer", kind)
		}
		var ans headsAnswer
		if err := cborDec.Unmarshal(payload, &ans); err != nil {
			t.Fatalf("the heads answer does not decode: %v", err)
		}
		if ans.Same {
			if _, _, err := fr.next(maxControlFrame); !errors.Is(err, io.EOF) {
				t.Fatalf("frames after a heads answer of Same: %v", err)
			}
			return false
		}
	}
	for {
		kind, payload, err := fr.next(maxControlFrame)
		if errors.Is(err, io.EOF) {
			return false
		}
		if err != nil {
			t.Fatalf("the answer holds a broken frame: %v", err)
		}
		if kind == frameError {
			if len(payload) == 0 {
				t.Fatal("an error frame that says nothing")
			}
			if _, _, err := fr.next(maxControlFrame); !errors.Is(err, io.EOF) {
				t.Fatalf("frames after an error frame: %v", err)
			}
			return true
		}
		if first {
			if kind != frameSummary {
				t.Fatalf("the first page starts with frame %d, want a summary", kind)
			}
			var sum syncSummary
			if err := cborDec.Unmarshal(payload, &sum); err != nil || sum.Expected < 0 {
				t.Fatalf("summary %+v, %v", sum, err)
			}
			first = false
			continue
		}
		records := 0
		for kind == frameRecord {
			rec, err := protocol.Open(payload)
			if err != nil {
				t.Fatalf("the responder sent a record that does not open: %v", err)
			}
			if !held[rec.CID] {
				t.Fatalf("the responder sent a record it does not hold: %s", rec.CID)
			}
			if records++; records > n.cfg.Limits.SyncPage+1 {
				t.Fatalf("more than a page (%d) of records", n.cfg.Limits.SyncPage)
			}
			if kind, payload, err = fr.next(maxControlFrame); err != nil {
				t.Fatalf("a page without its end: %v", err)
			}
		}
		if kind != frameSyncEnd {
			t.Fatalf("a page ends with frame %d, want a sync end", kind)
		}
		var end syncEnd
		if err := cborDec.Unmarshal(payload, &end); err != nil {
			t.Fatalf("the sync end does not decode: %v", err)
		}
		if !end.More {
			if _, _, err := fr.next(maxControlFrame); !errors.Is(err, io.EOF) {
				t.Fatalf("frames after the last page: %v", err)
			}
			return false
		}
	}
}

// FuzzAnswerFetch feeds the fetch responder a requester's stream. It
// answers a request it can read with, for each CID asked for, the record
// or one count more of missing, in request order; a request too large
// with an error frame; and anything else with a violation or the
// stream's end.
func FuzzAnswerFetch(f *testing.F) {
	w := fuzzRecords(f)
	n := startFuzzNode(f, "fuzz-fetch-responder", w.heldWithFork())
	req := func(cids ...[]byte) []byte {
		var b bytes.Buffer
		_ = writeCBOR(&b, frameFetch, &fetchRequest{CIDs: cids})
		return b.Bytes()
	}
	f.Add(req())
	f.Add(req(w.held[0].CID.Bytes(), w.extra[0].CID.Bytes(), w.fork.CID.Bytes(), w.held[4].CID.Bytes()))
	f.Add(req([]byte{1, 2, 3}, w.held[1].CID.Bytes(), append(w.held[2].CID.Bytes(), 0)))
	f.Add(req(make([][]byte, maxFetch+1)...))
	f.Add([]byte{2, frameSyncRequest, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		s := &fuzzStream{r: bytes.NewReader(data), proto: n.protos.fetch}
		err := n.answerFetch(context.Background(), s)
		var asked fetchRequest
		if rerr := newFrameReader(bytes.NewReader(data)).nextCBOR(frameFetch, &asked); rerr != nil {
			if err == nil {
				t.Fatalf("a request that does not read (%v) was answered", rerr)
			}
			if !expectedFailure(err) {
				t.Fatalf("the responder failed with %v: not a violation and not the stream ending", err)
			}
			if s.out.Len() > 0 {
				t.Fatalf("%d bytes answered to a request that does not read", s.out.Len())
			}
			return
		}
		fr := newFrameReader(bytes.NewReader(s.out.Bytes()))
		if len(asked.CIDs) > maxFetch {
			// Too large: refused with an error frame, and a violation
			// that costs the asker.
			if !isViolation(err) {
				t.Fatalf("a request of %d CIDs failed with %v, want a violation", len(asked.CIDs), err)
			}
			if kind, _, ferr := fr.next(maxControlFrame); ferr != nil || kind != frameError {
				t.Fatalf("a request of %d CIDs answered with frame %d (%v), want an error frame", len(asked.CIDs), kind, ferr)
			}
			return
		}
		if err != nil {
			t.Fatalf("a request that reads failed: %v", err)
		}
		i, missing := 0, 0
		for {
			kind, payload, err := fr.next(maxControlFrame)
			if err != nil {
				t.Fatalf("the answer holds a broken frame: %v", err)
			}
			if kind == frameFetchEnd {
				var end fetchEnd
				if err := cborDec.Unmarshal(payload, &end); err != nil {
					t.Fatalf("the fetch end does not decode: %v", err)
				}
				for ; i < len(asked.CIDs); i++ {
					missing++
				}
				if end.Missing != missing {
					t.Fatalf("the fetch end says %d missing, want %d", end.Missing, missing)
				}
				return
			}
			if kind != frameRecord {
				t.Fatalf("frame %d in a fetch answer", kind)
			}
			rec, err := protocol.Open(payload)
			if err != nil {
				t.Fatalf("the responder sent a record that does not open: %v", err)
			}
			for ; i < len(asked.CIDs) && !bytes.Equal(asked.CIDs[i], rec.CID.Bytes()); i++ {
				missing++
			}
			if i == len(asked.CIDs) {
				t.Fatalf("the responder sent %s, not asked for (or out of order)", rec.CID)
			}
			i++
		}
	})
}

// expectedFailure reports whether a responder's error is one the
// protocol expects from a requester's bytes: a violation (which costs the
// peer), the stream ending, or the requester's own error frame.
func expectedFailure(err error) bool {
	return isViolation(err) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
		strings.HasPrefix(err.Error(), "peer refused: ")
}

// fuzzPeer is a peer whose sync and fetch handlers answer with whatever
// the current input says, for FuzzSyncWith.
type fuzzPeer struct {
	*testNode
	mu          sync.Mutex
	sync, fetch []byte
}

func (p *fuzzPeer) set(sync, fetch []byte) {
	p.mu.Lock()
	p.sync, p.fetch = sync, fetch
	p.mu.Unlock()
}

// serve writes the input for the stream's protocol, then reads what the
// requester sends until it closes, so the requester is never blocked on
// writing.
func (p *fuzzPeer) serve(fetch bool) network.StreamHandler {
	return func(s network.Stream) {
		defer s.Close()
		_ = s.SetDeadline(time.Now().Add(30 * time.Second))
		p.mu.Lock()
		data := p.sync
		if fetch {
			data = p.fetch
		}
		p.mu.Unlock()
		if _, err := s.Write(data); err != nil {
			s.Reset()
			return
		}
		_ = s.CloseWrite()
		_, _ = io.Copy(io.Discard, s)
	}
}

// responderSeeds are what honest responders send: the real responder's
// answers to the requester's own requests, on both protocols, and the
// answer to a fetch of the fork.
func responderSeeds(tb testing.TB, w *fuzzWorld, requester, responder *testNode) [][2][]byte {
	tb.Helper()
	ctx := context.Background()
	var out [][2][]byte
	answer := func(proto libp2pproto.ID, in []byte) []byte {
		s := &fuzzStream{r: bytes.NewReader(in), proto: proto}
		_ = responder.answerSync(ctx, s)
		return s.out.Bytes()
	}
	heads, hd, err := requester.requestHeads(ctx, &syncJob{full: true})
	if err != nil {
		tb.Fatal(err)
	}
	var req bytes.Buffer
	_ = writeCBOR(&req, frameSyncRequest, &syncRequest{Heads: heads, Limit: 4})
	for range 4 {
		_ = writeCBOR(&req, frameSyncRequest, &syncRequest{Limit: 4})
	}
	var fetch bytes.Buffer
	_ = writeFrame(&fetch, frameRecord, w.fork.Bytes)
	_ = writeCBOR(&fetch, frameFetchEnd, &fetchEnd{})
	out = append(out, [2][]byte{answer(responder.protos.sync, req.Bytes()), fetch.Bytes()})
	if hd != nil {
		var dig bytes.Buffer
		_ = writeCBOR(&dig, frameHeadsDigest, hd)
		out = append(out, [2][]byte{answer(responder.protos.syncHeads, append(dig.Bytes(), req.Bytes()...)), fetch.Bytes()})
	}
	// A page of records nobody asked for, an invalid one among them, and
	// a fork list that names a record the responder then does not send.
	var odd bytes.Buffer
	_ = writeCBOR(&odd, frameSummary, &syncSummary{Expected: -5})
	_ = writeFrame(&odd, frameRecord, w.extra[1].Bytes)
	_ = writeFrame(&odd, frameRecord, w.extra[0].Bytes[:len(w.extra[0].Bytes)-1])
	_ = writeCBOR(&odd, frameSyncEnd, &syncEnd{Forks: []wireFork{{Author: w.fork.Author[:], Seq: 2, CIDs: [][]byte{w.fork.CID.Bytes(), {1}}}}})
	var unasked bytes.Buffer
	_ = writeFrame(&unasked, frameRecord, w.extra[0].Bytes)
	_ = writeCBOR(&unasked, frameFetchEnd, &fetchEnd{Missing: 3})
	out = append(out, [2][]byte{odd.Bytes(), unasked.Bytes()})
	var ans bytes.Buffer
	_ = writeCBOR(&ans, frameHeadsAnswer, &headsAnswer{Same: true})
	out = append(out, [2][]byte{ans.Bytes(), nil})
	return out
}

// FuzzSyncWith runs the sync requester, over a real connection, against
// a peer that answers its sync stream and any fetch of forks with the
// input. Whatever the peer sends, the sync ends (with an error or not),
// and the requester's store holds nothing but valid records: every record
// it holds is one of those the seeds carry, signed in this test.
func FuzzSyncWith(f *testing.F) {
	w := fuzzRecords(f)
	// The requester starts with the first feed, up to seq 2, so that it
	// asks by digest (sync 1.1.0) and by heads.
	requester := startFuzzNode(f, "fuzz-requester", w.held[:2])
	responder := startFuzzNode(f, "fuzz-honest", w.heldWithFork())
	seeds := responderSeeds(f, w, requester, responder)
	peerNode := startFuzzNode(f, "fuzz-liar", nil)
	liar := &fuzzPeer{testNode: peerNode}
	liar.host.SetStreamHandler(liar.protos.sync, liar.serve(false))
	liar.host.SetStreamHandler(liar.protos.syncHeads, liar.serve(false))
	liar.host.SetStreamHandler(liar.protos.fetch, liar.serve(true))
	connectTB(f, requester, liar.testNode)
	for _, s := range seeds {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, sync, fetch []byte) {
		liar.set(sync, fetch)
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		if requester.host.Network().Connectedness(liar.host.ID()) != network.Connected {
			connectTB(t, requester, liar.testNode)
		}
		_, err := requester.syncWith(ctx, liar.host.ID(), &syncJob{full: true})
		if ctx.Err() != nil {
			t.Fatalf("the sync did not end in time (%v)", err)
		}
		c, cerr := requester.store.Counts(ctx)
		if cerr != nil {
			t.Fatal(cerr)
		}
		if c.Records > int64(len(w.valid)) {
			t.Fatalf("the requester holds %d records; only %d valid ones exist", c.Records, len(w.valid))
		}
		for _, ty := range protocol.Types() {
			cs, err := requester.store.ByType(ctx, ty, protocol.PublicKey{})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range cs {
				if !w.valid[c] {
					t.Fatalf("the requester stored %s, which nobody signed here", c)
				}
			}
		}
	})
}

// connectTB connects a to b and waits until a sees b speak sync.
func connectTB(tb testing.TB, a, b *testNode) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	defer cancel()
	if err := a.host.Connect(ctx, peer.AddrInfo{ID: b.host.ID(), Addrs: b.host.Addrs()}); err != nil {
		tb.Fatalf("connect: %v", err)
	}
	deadline := time.Now().Add(testTimeout)
	for !supports(a, b.host.ID()) {
		if time.Now().After(deadline) {
			tb.Fatal("timed out waiting for identify")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// FuzzValidateGossip runs the gossip topic validator on a message from a
// peer. Accept means protocol.Open takes the bytes and the record is then
// stored; reject means it does not, and nothing is stored; ignore means
// the store has the record already or it is of a newer format.
func FuzzValidateGossip(f *testing.F) {
	w := fuzzRecords(f)
	n := startFuzzNode(f, "fuzz-gossip", w.held[:3])
	for _, r := range append(append([]protocol.Signed{}, w.held...), w.extra...) {
		f.Add(r.Bytes)
	}
	f.Add(w.fork.Bytes)
	f.Add(bytes.Repeat([]byte{0xa1}, protocol.MaxRecordSize+1))
	from := peer.ID("fuzz-sender")
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx := context.Background()
		m := &pubsub.Message{Message: &pb.Message{Data: data}, ReceivedFrom: from}
		m.ID = msgID(m.Message)
		c := protocol.ComputeCID(data)
		had, err := n.store.Has(ctx, c)
		if err != nil {
			t.Fatal(err)
		}
		got := n.validateGossip(ctx, from, m)
		rec, oerr := protocol.Open(data)
		switch got {
		case pubsub.ValidationAccept:
			if oerr != nil || had {
				t.Fatalf("accepted bytes that Open refuses (%v) or the store had (%v)", oerr, had)
			}
			deadline := time.Now().Add(testTimeout)
			for !has(t, n, rec.CID) {
				if time.Now().After(deadline) {
					t.Fatal("an accepted record was never stored")
				}
				time.Sleep(5 * time.Millisecond)
			}
		case pubsub.ValidationReject:
			if oerr == nil && len(data) <= protocol.MaxRecordSize {
				t.Fatal("rejected a record Open accepts")
			}
			if has(t, n, c) {
				t.Fatal("a rejected record is in the store")
			}
		case pubsub.ValidationIgnore:
			if !had && !errors.Is(oerr, protocol.ErrNewerVersion) {
				t.Fatalf("ignored bytes the store did not have: %v", oerr)
			}
		default:
			t.Fatalf("validation result %v", got)
		}
	})
}

// FuzzPeerBook reads DATA/peers.json, the peers a node remembers. What it
// loads is bounded as what it remembers is (at most maxRemembered peers,
// maxRememberedAddr addresses each), whatever the file holds, and a file
// it cannot read is an error, not a panic.
func FuzzPeerBook(f *testing.F) {
	now := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	dir := f.TempDir()
	b := newPeerBook(dir, func() time.Time { return now })
	for i := range 3 {
		k := prototest.Key(fmt.Sprintf("peer-%d", i))
		pk, err := libp2pKeyOf(k)
		if err != nil {
			f.Fatal(err)
		}
		id, err := peer.IDFromPrivateKey(pk)
		if err != nil {
			f.Fatal(err)
		}
		addr := fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", 4001+i)
		b.add(id, []ma.Multiaddr{ma.StringCast(addr), ma.StringCast("/ip4/127.0.0.1/udp/4001/quic-v1")})
	}
	good, err := os.ReadFile(filepath.Join(dir, peersFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good, uint8(1))
	f.Add(good, uint8(maxRemembered+5))
	f.Add([]byte(`[{"id":"x","addrs":["/ip4/1.2.3.4"],"seen":"2026-01-01T00:00:00Z"}]`), uint8(0))
	f.Add([]byte(`{}`), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, copies uint8) {
		// copies repeats the entries (under fresh peer IDs when the
		// input has some), to reach the bounds.
		data = repeatPeers(data, int(copies))
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, peersFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		b := newPeerBook(dir, func() time.Time { return now })
		if err := b.load(); err != nil {
			return
		}
		list := b.list()
		if len(list) > maxRemembered {
			t.Fatalf("loaded %d peers, at most %d are remembered", len(list), maxRemembered)
		}
		for _, p := range list {
			if len(p.Addrs) > maxRememberedAddr || len(p.Addrs) == 0 {
				t.Fatalf("peer %s with %d addresses", p.ID, len(p.Addrs))
			}
		}
	})
}

// repeatPeers returns a peers.json list whose entries are those of data
// repeated n times, each copy under another peer ID; data unchanged when
// it is no such list.
func repeatPeers(data []byte, n int) []byte {
	var list []rememberedPeer
	if n <= 1 || json.Unmarshal(data, &list) != nil || len(list) == 0 {
		return data
	}
	var out []rememberedPeer
	for i := range n {
		for j, r := range list {
			pk, err := libp2pKeyOf(prototest.Key(fmt.Sprintf("copy-%d-%d", i, j)))
			if err != nil {
				return data
			}
			id, _ := peer.IDFromPrivateKey(pk)
			r.ID = id.String()
			r.Seen = r.Seen.Add(time.Duration(i) * time.Minute)
			out = append(out, r)
		}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return data
	}
	return b
}

// libp2pKeyOf is k as a libp2p key, for peer IDs in tests.
func libp2pKeyOf(k protocol.PrivateKey) (crypto.PrivKey, error) {
	return crypto.UnmarshalEd25519PrivateKey(ed25519.NewKeyFromSeed(k.Seed()))
}

// FuzzLoadPeerKey reads DATA/peer.key, the key that names the node on the
// network. A file it cannot use gives an error naming the file, and the
// file is left as it was (never replaced by a new key).
func FuzzLoadPeerKey(f *testing.F) {
	dir := f.TempDir()
	if _, err := loadPeerKey(dir); err != nil {
		f.Fatal(err)
	}
	good, err := os.ReadFile(filepath.Join(dir, peerKeyFile))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good)
	f.Add(good[:len(good)/2])
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, peerKeyFile)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		k, err := loadPeerKey(dir)
		after, rerr := os.ReadFile(path)
		if rerr != nil || !bytes.Equal(after, data) {
			t.Fatalf("the peer key file changed (%v)", rerr)
		}
		if err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if _, err := peer.IDFromPrivateKey(k); err != nil {
			t.Fatalf("loaded a key that names no peer: %v", err)
		}
	})
}
