package p2p

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/storage"
)

// Fetch protocol (/jejak/<network>/fetch/1.0.0), one request per stream:
//
//	requester: fetchRequest{CIDs}   (at most maxFetch)
//	responder: record… (those it holds, in request order), fetchEnd{Missing}
//
// Every record received goes through examine, like gossip, and must be one
// of the CIDs asked for.

// fetch asks p for records by CID, verifies and stores the ones it sends,
// and returns them (records the node already had are not returned).
func (e *Engine) fetch(ctx context.Context, p peer.ID, cids []protocol.CID) ([]protocol.Signed, error) {
	if len(cids) > maxFetch {
		return nil, fmt.Errorf("fetch %d records: at most %d at once", len(cids), maxFetch)
	}
	timeout := e.cfg.Limits.SyncTimeout
	sctx, cancel := context.WithTimeout(network.WithNoDial(ctx, "fetch"), timeout)
	defer cancel()
	s, err := e.host.NewStream(sctx, p, e.protos.fetch)
	if err != nil {
		return nil, fmt.Errorf("open fetch stream: %w", err)
	}
	defer s.Close()
	stop := context.AfterFunc(sctx, func() { s.Reset() })
	defer stop()
	if err := s.SetDeadline(time.Now().Add(timeout)); err != nil {
		s.Reset()
		return nil, err
	}
	req := fetchRequest{CIDs: make([][]byte, len(cids))}
	want := make(map[protocol.CID]bool, len(cids))
	for i, c := range cids {
		req.CIDs[i] = c.Bytes()
		want[c] = true
	}
	bw := bufio.NewWriter(s)
	if err := writeCBOR(bw, frameFetch, &req); err != nil {
		s.Reset()
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		s.Reset()
		return nil, fmt.Errorf("send fetch request: %w", err)
	}
	_ = s.CloseWrite()
	recs, _, rejects, err := e.readRecords(ctx, newFrameReader(s), frameFetchEnd, len(cids), p)
	if err != nil {
		s.Reset()
		return nil, err
	}
	var got []protocol.Signed
	for _, r := range recs {
		if !want[r.CID] {
			// A valid record, but not one we asked for: keep the
			// exchange honest.
			e.penaliseProtocol(p, "fetch", violation(fmt.Errorf("unrequested record %s", r.CID)))
			continue
		}
		got = append(got, r)
	}
	if _, err := e.storeRecords(ctx, got, p, false); err != nil {
		return nil, err
	}
	if rejects > 0 {
		return got, fmt.Errorf("peer sent %d invalid records", rejects)
	}
	return got, nil
}

// serveFetch answers a fetch request.
func (e *Engine) serveFetch(s network.Stream) {
	defer s.Close()
	stop := context.AfterFunc(e.ctx, func() { s.Reset() })
	defer stop()
	if err := e.answerFetch(e.ctx, s); err != nil {
		s.Reset()
		if e.ctx.Err() == nil {
			e.log.Debug("serve fetch", "peer", s.Conn().RemotePeer(), "err", err)
			e.penaliseProtocol(s.Conn().RemotePeer(), "fetch request", err)
		}
	}
}

func (e *Engine) answerFetch(ctx context.Context, s network.Stream) error {
	if err := s.SetDeadline(time.Now().Add(e.cfg.Limits.SyncTimeout)); err != nil {
		return err
	}
	var req fetchRequest
	if err := newFrameReader(s).nextCBOR(frameFetch, &req); err != nil {
		return err
	}
	bw := bufio.NewWriter(s)
	if len(req.CIDs) > maxFetch {
		why := fmt.Sprintf("%d CIDs, at most %d", len(req.CIDs), maxFetch)
		return refuse(bw, why, violation(errors.New(why)))
	}
	missing := 0
	for _, b := range req.CIDs {
		c, err := protocol.CIDFromBytes(b)
		if err != nil {
			missing++
			continue
		}
		rec, err := e.store.Get(ctx, c)
		if errors.Is(err, storage.ErrNotFound) {
			missing++
			continue
		}
		if err != nil {
			return err
		}
		if err := writeFrame(bw, frameRecord, rec.Bytes); err != nil {
			return err
		}
	}
	if err := writeCBOR(bw, frameFetchEnd, &fetchEnd{Missing: missing}); err != nil {
		return err
	}
	return bw.Flush()
}
