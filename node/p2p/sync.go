package p2p

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/event"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	libp2pproto "github.com/libp2p/go-libp2p/core/protocol"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Sync protocol (/jejak/<network>/sync/1.0.0), on one stream:
//
//	requester: syncRequest{Heads, Only, Limit, ForkDigest}
//	responder: syncSummary{Expected}, record…, syncEnd{More, Forks}
//	requester: syncRequest{Limit}            (only while More)
//	responder: record…, syncEnd{More, Forks}
//
// The first request carries the requester's contiguous feed heads (author,
// seq, CID). The responder walks its own feeds in author byte order and
// sends, for each, every record it holds above the requester's head
// (records beyond a gap in its own feed included), at most Limit records a
// page. When the record it holds at the requester's head seq has another
// CID than the requester's, it sends that record first: the requester then
// holds both and has found a fork. On the last page it lists its forks when
// their digest differs from the requester's, and the requester fetches the
// records of any fork it lacks.
//
// Sync 1.1.0 (/jejak/<network>/sync/1.1.0) opens a full sync with a digest
// instead, so that two nodes holding the same feeds, the common case
// between syncs, spend about a hundred bytes rather than every head:
//
//	requester: headsDigest{Heads, Feeds, Records, ForkDigest}
//	responder: headsAnswer{Same}
//
// When Same, the sync ends there (one round trip); otherwise the exchange
// goes on as in 1.0.0 on the same stream, one round trip more than 1.0.0
// would have taken. A requester asks for 1.1.0 first and 1.0.0 after, so it
// syncs with older peers too; a targeted sync, and a full sync of a node
// holding records beyond its heads (the digest would not stand for them:
// see digestIfComplete), use 1.0.0. A sync where nothing is missing is one
// round trip either way.
//
// Every record received goes through examine, exactly like gossip; a
// record that fails it costs the sender syncPenalty on its gossip score, and
// more than maxRejects in one sync ends it.

// maxRejects is how many invalid records a peer may send in one sync before
// the node gives up on it.
const maxRejects = 8

// maxPages bounds one sync: 20,000 pages of at most 500 records.
const maxPages = 20_000

// maxStalePages is how many pages in a row may bring nothing new before
// the requester ends a sync. An honest responder sends each record once,
// and sends records the requester holds only where they lie beyond a gap
// in its feed (or at a fork), so pages of nothing new come one or two at
// a time; a peer that streams records the node has, page after page,
// gets no more of its time. No penalty: it may be honest and odd.
const maxStalePages = 64

// Bounds on the records a requester holds unjudged: a page is examined
// and stored in chunks of at most chunkRecords records or chunkBytes
// bytes, so a page costs about chunkBytes of memory however many records
// of whatever size the peer packs into it.
const (
	chunkRecords = 128
	chunkBytes   = 4 << 20
)

// maxForkCIDs is how many records of one fork the requester fetches: an
// equivocation needs two; a fork list that names more is read no further.
const maxForkCIDs = 8

// periodicPeers is how many connected peers each periodic round syncs with.
const periodicPeers = 8

// errPageFull stops a Range at the page limit.
var errPageFull = errors.New("page full")

// syncer schedules syncs: one job per peer at a time, merged while queued,
// run by a few workers.
type syncer struct {
	e    *Engine
	kick chan struct{}

	mu       sync.Mutex
	gaps     map[protocol.PublicKey]gap
	queue    []peer.ID
	jobs     map[peer.ID]*syncJob
	running  map[peer.ID]bool
	last     map[peer.ID]time.Time
	progress SyncProgress
}

// gap is a record stored ahead of its predecessor: if the author's
// contiguous head is still below seq-1 at due, the node syncs the author's
// feed from peer.
type gap struct {
	peer peer.ID
	seq  uint64
	due  time.Time
}

// gapDelay is how long a gap may last before the node asks for the missing
// records. Gossip often delivers a feed's records out of order over
// different paths; most gaps close by themselves within moments.
const gapDelay = 2 * time.Second

// syncJob is what to sync with one peer: everything, or some authors.
type syncJob struct {
	full    bool
	authors map[protocol.PublicKey]struct{}
}

func newSyncer(e *Engine) *syncer {
	return &syncer{
		e:       e,
		kick:    make(chan struct{}, 1),
		jobs:    map[peer.ID]*syncJob{},
		gaps:    map[protocol.PublicKey]gap{},
		running: map[peer.ID]bool{},
		last:    map[peer.ID]time.Time{},
	}
}

// start runs the workers, the periodic round, and the trigger on new peers.
func (s *syncer) start() {
	for range s.e.cfg.Limits.SyncWorkers {
		s.e.spawn(s.work)
	}
	if s.e.cfg.SyncInterval > 0 {
		s.e.spawn(s.periodic)
	}
	s.e.spawn(s.watchGaps)
}

// noteGap records that author's record seq arrived from p before seq-1.
func (s *syncer) noteGap(p peer.ID, author protocol.PublicKey, seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if g, ok := s.gaps[author]; ok {
		g.seq = max(g.seq, seq)
		s.gaps[author] = g
		return
	}
	if len(s.gaps) < maxHeads {
		s.gaps[author] = gap{peer: p, seq: seq, due: time.Now().Add(gapDelay)}
	}
}

// watchGaps syncs the feeds whose gaps outlast gapDelay.
func (s *syncer) watchGaps() {
	t := time.NewTicker(gapDelay / 4)
	defer t.Stop()
	for {
		select {
		case <-s.e.ctx.Done():
			return
		case <-t.C:
		}
		now := time.Now()
		due := map[protocol.PublicKey]gap{}
		s.mu.Lock()
		for a, g := range s.gaps {
			if now.After(g.due) {
				due[a] = g
				delete(s.gaps, a)
			}
		}
		s.mu.Unlock()
		for a, g := range due {
			h, err := s.e.store.Head(s.e.ctx, a)
			if (err == nil || errors.Is(err, storage.ErrNotFound)) && h.Seq+1 < g.seq {
				s.request(g.peer, a)
			}
		}
	}
}

// requestFull queues a full sync with p.
func (s *syncer) requestFull(p peer.ID) { s.enqueue(p, nil) }

// request queues a sync of one author's feed with p.
func (s *syncer) request(p peer.ID, author protocol.PublicKey) { s.enqueue(p, &author) }

func (s *syncer) enqueue(p peer.ID, author *protocol.PublicKey) {
	s.mu.Lock()
	j := s.jobs[p]
	if j == nil {
		j = &syncJob{authors: map[protocol.PublicKey]struct{}{}}
		s.jobs[p] = j
		s.queue = append(s.queue, p)
	}
	if author == nil {
		j.full = true
	} else if !j.full && len(j.authors) < maxHeads {
		j.authors[*author] = struct{}{}
	}
	s.mu.Unlock()
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

// next takes a queued job whose peer is not being synced already.
func (s *syncer) next() (peer.ID, *syncJob, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, p := range s.queue {
		if s.running[p] {
			continue
		}
		s.queue = slices.Delete(s.queue, i, i+1)
		j := s.jobs[p]
		delete(s.jobs, p)
		s.running[p] = true
		return p, j, true
	}
	return "", nil, false
}

func (s *syncer) done(p peer.ID, ok bool) {
	s.mu.Lock()
	delete(s.running, p)
	if ok {
		s.last[p] = s.e.cfg.Now()
	}
	more := len(s.queue) > 0
	s.mu.Unlock()
	if more {
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

func (s *syncer) work() {
	for {
		p, j, ok := s.next()
		if !ok {
			select {
			case <-s.kick:
				continue
			case <-s.e.ctx.Done():
				return
			}
		}
		_, err := s.e.syncWith(s.e.ctx, p, j)
		if err != nil && s.e.ctx.Err() == nil {
			s.e.log.Debug("sync failed", "peer", p, "err", err)
		}
		s.done(p, err == nil)
		// Pass the token on: another job may be waiting on this peer.
		select {
		case s.kick <- struct{}{}:
		default:
		}
	}
}

// periodic syncs with a few random connected peers every SyncInterval,
// with jitter so that nodes started together do not sync in lockstep.
func (s *syncer) periodic() {
	iv := s.e.cfg.SyncInterval
	t := time.NewTimer(iv/2 + rand.N(iv))
	defer t.Stop()
	for {
		select {
		case <-s.e.ctx.Done():
			return
		case <-t.C:
		}
		peers := s.e.syncPeers()
		rand.Shuffle(len(peers), func(i, j int) { peers[i], peers[j] = peers[j], peers[i] })
		for _, p := range peers[:min(len(peers), periodicPeers)] {
			s.requestFull(p)
		}
		t.Reset(iv/2 + rand.N(iv))
	}
}

func (s *syncer) setProgress(p SyncProgress) {
	s.mu.Lock()
	s.progress = p
	s.mu.Unlock()
}

func (s *syncer) status() (SyncProgress, map[peer.ID]time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	last := make(map[peer.ID]time.Time, len(s.last))
	for p, t := range s.last {
		last[p] = t
	}
	return s.progress, last
}

// syncPeers returns the connected peers that speak the sync protocol.
func (e *Engine) syncPeers() []peer.ID {
	var out []peer.ID
	for _, p := range e.host.Network().Peers() {
		if ok, _ := e.host.Peerstore().SupportsProtocols(p, e.protos.sync); len(ok) > 0 {
			out = append(out, p)
		}
	}
	return out
}

// onIdentified starts a full sync with a peer once identify shows it speaks
// the sync protocol: sync on connect.
func (e *Engine) onIdentified(ev event.EvtPeerIdentificationCompleted) {
	if !e.cfg.NoSyncOnConnect && slices.Contains(ev.Protocols, e.protos.sync) {
		e.syncer.requestFull(ev.Peer)
	}
	if slices.Contains(ev.Protocols, e.protos.time) {
		p := ev.Peer
		e.spawn(func() { e.askTime(p) })
	}
}

// syncStats measure one sync.
type syncStats struct {
	pages    int   // request/response round trips
	records  int   // records received
	added    int   // of those, new ones
	bytesIn  int64 // bytes received
	bytesOut int64 // bytes sent
}

// countingWriter counts bytes written through it.
type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

// syncWith runs one sync with p (the requester side).
func (e *Engine) syncWith(ctx context.Context, p peer.ID, job *syncJob) (stats syncStats, err error) {
	heads, hd, err := e.requestHeads(ctx, job)
	if err != nil {
		return stats, err
	}
	protos := []libp2pproto.ID{e.protos.sync}
	var digest []byte
	if hd != nil {
		digest = hd.ForkDigest
		protos = []libp2pproto.ID{e.protos.syncHeads, e.protos.sync}
	} else if digest, err = e.forkDigest(ctx); err != nil {
		return stats, err
	}
	timeout := e.cfg.Limits.SyncTimeout
	sctx, cancel := context.WithTimeout(network.WithNoDial(ctx, "sync"), timeout)
	s, err := e.host.NewStream(sctx, p, protos...)
	cancel()
	if err != nil {
		return stats, fmt.Errorf("open sync stream: %w", err)
	}
	defer func() {
		if err != nil {
			s.Reset()
		} else {
			s.Close()
		}
	}()
	stop := context.AfterFunc(ctx, func() { s.Reset() })
	defer stop()

	fr := newFrameReader(s)
	cw := &countingWriter{w: s}
	bw := bufio.NewWriter(cw)
	defer func() { stats.bytesIn, stats.bytesOut = fr.n, cw.n }()
	req := syncRequest{Heads: heads, Only: !job.full, Limit: e.cfg.Limits.SyncPage, ForkDigest: digest}
	prog := SyncProgress{Peer: p.String()}
	if s.Protocol() == e.protos.syncHeads {
		same, err := e.compareHeads(s, fr, bw, p, hd)
		if err != nil {
			return stats, err
		}
		stats.pages = 1 // the digests' round trip
		if same {
			e.remember.add(p, e.host.Peerstore().Addrs(p))
			return stats, nil
		}
	}
	report := func() {
		if prog.Expected > 0 || prog.Fetched > 0 {
			e.syncer.setProgress(prog)
			e.events.Synced(prog)
		}
	}
	send := func() error {
		if err := s.SetDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		if err := writeCBOR(bw, frameSyncRequest, &req); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return fmt.Errorf("send sync request: %w", err)
		}
		return nil
	}
	if err := send(); err != nil {
		return stats, err
	}
	rejects, stale := 0, 0
	for page := 0; page < maxPages; page++ {
		if page == 0 {
			var sum syncSummary
			if err := fr.nextCBOR(frameSummary, &sum); err != nil {
				e.penaliseProtocol(p, "sync summary", err)
				return stats, err
			}
			prog.Expected = max(sum.Expected, 0)
			req = syncRequest{Limit: e.cfg.Limits.SyncPage}
		}
		if err := s.SetReadDeadline(time.Now().Add(timeout)); err != nil {
			return stats, err
		}
		added := 0
		judge := func(raw [][]byte) error {
			recs, r, err := e.judgePage(ctx, raw, p)
			rejects += r
			if err != nil {
				return err
			}
			if rejects > maxRejects {
				return fmt.Errorf("peer sent %d invalid records", rejects)
			}
			st, err := e.storeRecords(ctx, recs, p, false)
			if err != nil {
				return err
			}
			added += st.added + st.forks
			prog.Added += int64(st.added)
			stats.added += st.added
			return nil
		}
		raw, end, err := e.readPage(fr, frameSyncEnd, req.Limit+maxFetch, p, func(raw [][]byte) error { return judge(raw) })
		if err != nil {
			return stats, err
		}
		var se syncEnd
		if err := cborDec.Unmarshal(end.payload, &se); err != nil {
			err = violation(fmt.Errorf("decode sync end: %w", err))
			e.penaliseProtocol(p, "sync end", err)
			return stats, err
		}
		if se.More {
			// Ask for the next page before judging this one, so the
			// peer reads and sends it while this node verifies and
			// stores.
			if err := send(); err != nil {
				return stats, err
			}
		}
		if err := judge(raw); err != nil {
			return stats, err
		}
		prog.Fetched += int64(end.received)
		stats.pages++
		stats.records += end.received
		if added > 0 {
			stale = 0
		} else if stale++; stale >= maxStalePages && se.More {
			return stats, fmt.Errorf("sync brought nothing new in %d pages", stale)
		}
		if !se.More {
			prog.Done = true
			report()
			e.remember.add(p, e.host.Peerstore().Addrs(p))
			if len(se.Forks) > 0 {
				if err := e.fetchForks(ctx, p, se.Forks); err != nil {
					return stats, err
				}
			}
			return stats, nil
		}
		report()
	}
	return stats, fmt.Errorf("sync did not finish in %d pages", maxPages)
}

// compareHeads sends the digest of the node's feed heads and forks, and
// reads whether p's are the same (sync 1.1.0).
func (e *Engine) compareHeads(s network.Stream, fr *frameReader, bw *bufio.Writer, p peer.ID, d *headsDigest) (bool, error) {
	if err := s.SetDeadline(time.Now().Add(e.cfg.Limits.SyncTimeout)); err != nil {
		return false, err
	}
	if err := writeCBOR(bw, frameHeadsDigest, d); err != nil {
		return false, err
	}
	if err := bw.Flush(); err != nil {
		return false, fmt.Errorf("send heads digest: %w", err)
	}
	var ans headsAnswer
	if err := fr.nextCBOR(frameHeadsAnswer, &ans); err != nil {
		e.penaliseProtocol(p, "heads answer", err)
		return false, err
	}
	return ans.Same, nil
}

// digestIfComplete returns the headsDigest of the node's heads, forks and
// record count, or nil when the node holds a record beyond its heads (past
// a gap in a feed, or in a feed whose first record it lacks). The digest
// stands for the records only when there are none such: then the records
// are exactly those up to each head, and the fork evidence beside them.
func (e *Engine) digestIfComplete(ctx context.Context, heads map[protocol.PublicKey]storage.Head) (*headsDigest, error) {
	forks, err := e.store.Forks(ctx, protocol.PublicKey{})
	if err != nil {
		return nil, fmt.Errorf("forks: %w", err)
	}
	counts, err := e.store.Counts(ctx)
	if err != nil {
		return nil, fmt.Errorf("count records: %w", err)
	}
	var upTo int64
	for _, h := range heads {
		upTo += int64(h.Seq)
	}
	for _, f := range forks {
		upTo += int64(len(f.CIDs) - 1)
	}
	if counts.Records != upTo {
		return nil, nil
	}
	sum, n := digestHeads(heads)
	return &headsDigest{Heads: sum, Feeds: n, Records: counts.Records, ForkDigest: digestForks(forks)}, nil
}

// digestHeads is the SHA-256 of, for each feed started (seq ≥ 1) in author
// byte order, its author (32 bytes), its contiguous head seq (8 bytes, big
// endian) and the binary CID of its record there, and how many feeds that
// is. Nodes with the same contiguous feeds have the same digest whatever
// else they hold.
func digestHeads(heads map[protocol.PublicKey]storage.Head) ([]byte, int) {
	authors := make([]protocol.PublicKey, 0, len(heads))
	for a, h := range heads {
		if h.Seq > 0 {
			authors = append(authors, a)
		}
	}
	slices.SortFunc(authors, func(a, b protocol.PublicKey) int { return bytes.Compare(a[:], b[:]) })
	sum := sha256.New()
	var seq [8]byte
	for _, a := range authors {
		h := heads[a]
		binary.BigEndian.PutUint64(seq[:], h.Seq)
		sum.Write(a[:])
		sum.Write(seq[:])
		sum.Write(h.CID.Bytes())
	}
	return sum.Sum(nil), len(authors)
}

// endFrame is the control frame that closed a run of record frames.
type endFrame struct {
	payload  []byte
	received int // record frames read
}

// readRecords reads record frames until a control frame of kind end, runs
// examine on each record (in chunks: see examineAll and readPage) and
// returns the accepted ones. It penalises p for each rejected record and
// reports how many there were.
func (e *Engine) readRecords(ctx context.Context, fr *frameReader, end byte, max int, p peer.ID) ([]protocol.Signed, endFrame, int, error) {
	var recs []protocol.Signed
	rejects := 0
	judge := func(raw [][]byte) error {
		got, r, err := e.judgePage(ctx, raw, p)
		recs, rejects = append(recs, got...), rejects+r
		return err
	}
	page, ef, err := e.readPage(fr, end, max, p, judge)
	if err == nil {
		err = judge(page)
	}
	return recs, ef, rejects, err
}

// readPage reads record frames up to the control frame of kind end and
// returns the end frame and the records' bytes not yet judged. Whenever
// chunkRecords records or chunkBytes bytes are waiting it hands them to
// judge first, so a page never holds more than a chunk unjudged.
func (e *Engine) readPage(fr *frameReader, end byte, max int, p peer.ID, judge func([][]byte) error) ([][]byte, endFrame, error) {
	var page [][]byte
	var ef endFrame
	size := 0
	for {
		if len(page) >= chunkRecords || size >= chunkBytes {
			if err := judge(page); err != nil {
				return nil, ef, err
			}
			page, size = nil, 0
		}
		kind, payload, err := fr.next(maxControlFrame)
		if err != nil {
			e.penaliseProtocol(p, "record frames", err)
			return nil, ef, err
		}
		switch kind {
		case frameRecord:
			ef.received++
			if ef.received > max {
				err := violation(fmt.Errorf("peer sent more than %d records in a page", max))
				e.penaliseProtocol(p, "record frames", err)
				return nil, ef, err
			}
			page = append(page, bytes.Clone(payload)) // the reader reuses its buffer
			size += len(payload)
		case end:
			ef.payload = bytes.Clone(payload)
			return page, ef, nil
		case frameError:
			return nil, ef, fmt.Errorf("peer refused: %.200q", payload)
		default:
			err := violation(fmt.Errorf("unexpected frame kind %d", kind))
			e.penaliseProtocol(p, "record frames", err)
			return nil, ef, err
		}
	}
}

// judgePage examines a page of records from p and returns the accepted
// ones, penalising p for each rejected record; past maxRejects it gives up
// on the peer.
func (e *Engine) judgePage(ctx context.Context, page [][]byte, p peer.ID) ([]protocol.Signed, int, error) {
	got, vs, errs := e.examineAll(ctx, page)
	var recs []protocol.Signed
	rejects := 0
	for i := range page {
		switch vs[i] {
		case accept:
			recs = append(recs, got[i])
		case hold:
			e.hold(got[i], p)
		case reject:
			rejects++
			e.scores.penalise(p, "invalid record: "+rejectReason(errs[i]), e.cfg.Now())
			e.log.Debug("sync: rejected record", "peer", p, "err", errs[i])
			if rejects > maxRejects {
				return recs, rejects, fmt.Errorf("peer sent %d invalid records", rejects)
			}
		}
	}
	return recs, rejects, nil
}

// penaliseProtocol counts err against p when it is a protocol violation
// (what reading it found, where); a stream that ended, was reset or timed
// out costs nothing: honest peers disconnect, restart and are slow.
func (e *Engine) penaliseProtocol(p peer.ID, where string, err error) {
	if !isViolation(err) {
		return
	}
	e.log.Debug("protocol violation", "peer", p, "where", where, "err", err)
	e.scores.penalise(p, "protocol violation in "+where+": "+err.Error(), e.cfg.Now())
}

// requestHeads returns the heads to send: every feed for a full sync, or the
// job's authors (seq 0 for a feed the node has not started). For a full
// sync of a node that holds no record beyond its heads it also returns the
// digest that opens sync 1.1.0, its ForkDigest left to the caller; nil
// otherwise, and the sync is a 1.0.0 one.
func (e *Engine) requestHeads(ctx context.Context, job *syncJob) ([]wireHead, *headsDigest, error) {
	if !job.full {
		out := make([]wireHead, 0, len(job.authors))
		for a := range job.authors {
			h, err := e.store.Head(ctx, a)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, nil, fmt.Errorf("feed head: %w", err)
			}
			out = append(out, toWireHead(a, h))
		}
		return out, nil, nil
	}
	heads, err := e.store.Heads(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("feed heads: %w", err)
	}
	hd, err := e.digestIfComplete(ctx, heads)
	if err != nil {
		return nil, nil, err
	}
	out := make([]wireHead, 0, len(heads))
	for a, h := range heads {
		if h.Seq > 0 {
			out = append(out, toWireHead(a, h))
		}
	}
	if len(out) > maxHeads {
		// Too many feeds for one request: send a random sample; the
		// others catch up on later rounds.
		rand.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
		out = out[:maxHeads]
	}
	return out, hd, nil
}

func toWireHead(a protocol.PublicKey, h storage.Head) wireHead {
	w := wireHead{Author: a[:], Seq: h.Seq}
	if h.Seq > 0 {
		w.CID = h.CID.Bytes()
	}
	return w
}

// forkDigest is a digest of every fork CID the store holds, in sorted order.
func (e *Engine) forkDigest(ctx context.Context) ([]byte, error) {
	forks, err := e.store.Forks(ctx, protocol.PublicKey{})
	if err != nil {
		return nil, fmt.Errorf("forks: %w", err)
	}
	return digestForks(forks), nil
}

func digestForks(forks []storage.Fork) []byte {
	if len(forks) == 0 {
		return nil
	}
	var all [][]byte
	for _, f := range forks {
		for _, c := range f.CIDs {
			all = append(all, c.Bytes())
		}
	}
	slices.SortFunc(all, bytes.Compare)
	h := sha256.New()
	for _, b := range all {
		h.Write(b)
	}
	return h.Sum(nil)
}

// fetchForks fetches the records of p's forks that the node lacks.
func (e *Engine) fetchForks(ctx context.Context, p peer.ID, forks []wireFork) error {
	var want []protocol.CID
	for _, f := range forks[:min(len(forks), maxForks)] {
		for _, b := range f.CIDs[:min(len(f.CIDs), maxForkCIDs)] {
			c, err := protocol.CIDFromBytes(b)
			if err != nil {
				err = violation(fmt.Errorf("fork list: %w", err))
				e.penaliseProtocol(p, "fork list", err)
				return err
			}
			has, err := e.store.Has(ctx, c)
			if err != nil {
				return err
			}
			if !has {
				want = append(want, c)
			}
		}
	}
	for len(want) > 0 {
		chunk := want[:min(len(want), maxFetch)]
		want = want[len(chunk):]
		if _, err := e.fetch(ctx, p, chunk); err != nil {
			return err
		}
	}
	return nil
}

// serveSync answers a sync request (the responder side).
func (e *Engine) serveSync(s network.Stream) {
	defer s.Close()
	stop := context.AfterFunc(e.ctx, func() { s.Reset() })
	defer stop()
	if err := e.answerSync(e.ctx, s); err != nil {
		s.Reset()
		if e.ctx.Err() == nil {
			e.log.Debug("serve sync", "peer", s.Conn().RemotePeer(), "err", err)
			e.penaliseProtocol(s.Conn().RemotePeer(), "sync request", err)
		}
	}
}

func (e *Engine) answerSync(ctx context.Context, s network.Stream) error {
	timeout := e.cfg.Limits.SyncTimeout
	fr := newFrameReader(s)
	bw := bufio.NewWriter(s)
	var (
		theirs  map[protocol.PublicKey]wireHead
		authors []protocol.PublicKey
		idx     int
		nextSeq uint64
		digest  []byte
		mine    map[protocol.PublicKey]storage.Head // read for the digests, if sent
	)
	if s.Protocol() == e.protos.syncHeads {
		var same bool
		var err error
		if same, mine, err = e.answerHeads(ctx, s, fr, bw); err != nil || same {
			return err
		}
	}
	for page := 0; ; page++ {
		if err := s.SetDeadline(time.Now().Add(timeout)); err != nil {
			return err
		}
		var req syncRequest
		if err := fr.nextCBOR(frameSyncRequest, &req); err != nil {
			if page > 0 && errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if page == 0 {
			var expected int64
			var err error
			theirs, authors, expected, err = e.planSync(ctx, &req, mine)
			if err != nil {
				return refuse(bw, err.Error(), err)
			}
			digest = req.ForkDigest
			if err := writeCBOR(bw, frameSummary, &syncSummary{Expected: expected}); err != nil {
				return err
			}
		}
		limit := e.cfg.Limits.SyncPage
		if req.Limit > 0 && req.Limit < limit {
			limit = req.Limit
		}
		sent := 0
		for idx < len(authors) && sent < limit {
			a := authors[idx]
			if nextSeq == 0 {
				h := theirs[a]
				nextSeq = h.Seq + 1
				if h.Seq > 0 {
					// Their head may be a record we hold a
					// different one of: send ours so they see
					// the fork.
					c, err := e.store.FeedAt(ctx, a, h.Seq)
					if err == nil && !bytes.Equal(c.Bytes(), h.CID) {
						if rec, err := e.store.Get(ctx, c); err == nil {
							if err := writeFrame(bw, frameRecord, rec.Bytes); err != nil {
								return err
							}
							sent++
						}
					}
				}
			}
			err := e.store.Range(ctx, a, nextSeq, 0, func(rec protocol.Signed) error {
				if sent >= limit {
					return errPageFull
				}
				if err := writeFrame(bw, frameRecord, rec.Bytes); err != nil {
					return err
				}
				sent++
				nextSeq = rec.Seq + 1
				return nil
			})
			if errors.Is(err, errPageFull) {
				break
			}
			if err != nil {
				return fmt.Errorf("read feed: %w", err)
			}
			idx++
			nextSeq = 0
		}
		end := syncEnd{More: idx < len(authors)}
		if !end.More {
			forks, err := e.store.Forks(ctx, protocol.PublicKey{})
			if err != nil {
				return fmt.Errorf("forks: %w", err)
			}
			if !bytes.Equal(digestForks(forks), digest) {
				end.Forks = toWireForks(forks)
			}
		}
		if err := writeCBOR(bw, frameSyncEnd, &end); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
		if !end.More {
			return nil
		}
	}
}

// answerHeads reads a requester's headsDigest and says whether the node's
// heads and forks are the same (sync 1.1.0), and returns the node's heads
// for the sync that follows when they are not.
func (e *Engine) answerHeads(ctx context.Context, s network.Stream, fr *frameReader, bw *bufio.Writer) (bool, map[protocol.PublicKey]storage.Head, error) {
	if err := s.SetDeadline(time.Now().Add(e.cfg.Limits.SyncTimeout)); err != nil {
		return false, nil, err
	}
	var req headsDigest
	if err := fr.nextCBOR(frameHeadsDigest, &req); err != nil {
		return false, nil, err
	}
	heads, err := e.store.Heads(ctx)
	if err != nil {
		return false, nil, refuse(bw, fmt.Sprintf("feed heads: %v", err), err)
	}
	mine, err := e.digestIfComplete(ctx, heads)
	if err != nil {
		return false, nil, refuse(bw, err.Error(), err)
	}
	same := mine != nil && mine.Feeds == req.Feeds && mine.Records == req.Records &&
		bytes.Equal(mine.Heads, req.Heads) && bytes.Equal(mine.ForkDigest, req.ForkDigest)
	if err := writeCBOR(bw, frameHeadsAnswer, &headsAnswer{Same: same}); err != nil {
		return false, nil, err
	}
	return same, heads, bw.Flush()
}

// refuse tells the requester the responder cannot answer (why, for
// people) and returns err.
func refuse(bw *bufio.Writer, why string, err error) error {
	_ = writeFrame(bw, frameError, []byte(why))
	_ = bw.Flush()
	return err
}

// planSync reads a first request: the requester's heads by author, the
// authors to walk in byte order, and how many records the requester lacks
// by the heads. mine are the node's own heads when already read (nil:
// read them).
func (e *Engine) planSync(ctx context.Context, req *syncRequest, mine map[protocol.PublicKey]storage.Head) (map[protocol.PublicKey]wireHead, []protocol.PublicKey, int64, error) {
	if len(req.Heads) > maxHeads {
		return nil, nil, 0, violation(fmt.Errorf("%d heads, at most %d", len(req.Heads), maxHeads))
	}
	theirs := make(map[protocol.PublicKey]wireHead, len(req.Heads))
	for _, h := range req.Heads {
		if len(h.Author) != len(protocol.PublicKey{}) {
			return nil, nil, 0, violation(fmt.Errorf("head author of %d bytes", len(h.Author)))
		}
		if h.Seq == math.MaxUint64 {
			// No feed reaches it, and the next seq would wrap to 0.
			return nil, nil, 0, violation(fmt.Errorf("head at seq %d", h.Seq))
		}
		theirs[protocol.PublicKey(h.Author)] = h
	}
	var authors []protocol.PublicKey
	var expected int64
	if req.Only {
		for a := range theirs {
			h, err := e.store.Head(ctx, a)
			if err != nil && !errors.Is(err, storage.ErrNotFound) {
				return nil, nil, 0, err
			}
			authors = append(authors, a)
			expected += int64(max(h.Seq, theirs[a].Seq) - theirs[a].Seq)
		}
	} else {
		if mine == nil {
			var err error
			if mine, err = e.store.Heads(ctx); err != nil {
				return nil, nil, 0, err
			}
		}
		for a, h := range mine {
			authors = append(authors, a)
			expected += int64(max(h.Seq, theirs[a].Seq) - theirs[a].Seq)
		}
	}
	slices.SortFunc(authors, func(a, b protocol.PublicKey) int { return bytes.Compare(a[:], b[:]) })
	return theirs, authors, expected, nil
}

func toWireForks(forks []storage.Fork) []wireFork {
	out := make([]wireFork, 0, min(len(forks), maxForks))
	for _, f := range forks[:min(len(forks), maxForks)] {
		wf := wireFork{Author: f.Author[:], Seq: f.Seq}
		for _, c := range f.CIDs {
			wf.CIDs = append(wf.CIDs, c.Bytes())
		}
		out = append(out, wf)
	}
	return out
}

// SyncStats says what one sync with a peer cost.
type SyncStats struct {
	RoundTrips int   // request and response pages
	Records    int   // records received
	Added      int   // of those, records the store did not hold
	BytesIn    int64 // bytes received on the sync stream
	BytesOut   int64 // bytes sent on it
}

// SyncWith syncs every feed with the connected peer p now, as the sync
// when a peer connects does, and says what it cost. It is for tools and
// benchmarks that time a sync (with Config.NoSyncOnConnect).
func (e *Engine) SyncWith(ctx context.Context, p peer.ID) (SyncStats, error) {
	st, err := e.syncWith(ctx, p, &syncJob{full: true})
	return SyncStats{RoundTrips: st.pages, Records: st.records, Added: st.added, BytesIn: st.bytesIn, BytesOut: st.bytesOut}, err
}
