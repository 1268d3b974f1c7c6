package p2p

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Clock protocol (/jejak/<network>/time/1.0.0): the responder writes its
// clock, Unix milliseconds as 8 big-endian bytes, and closes the stream.
// An engine asks every peer that speaks it once identify completes, so a
// computer whose clock is plainly wrong says so before records are dated
// by it. Peers of the first release do not speak it; nothing is asked of
// them. A peer's answer is only a hint for the person: records are never
// judged by it.

// clockSkew is how far this computer's clock may be from its peers' before
// Status says so.
const clockSkew = 5 * time.Minute

// maxClockPeers bounds the offsets kept.
const maxClockPeers = 64

// clocks keeps the offset of each peer's clock from this one.
type clocks struct {
	mu      sync.Mutex
	offsets map[peer.ID]time.Duration // peer's clock minus ours
}

func (c *clocks) set(p peer.ID, d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.offsets == nil {
		c.offsets = map[peer.ID]time.Duration{}
	}
	if _, ok := c.offsets[p]; !ok && len(c.offsets) >= maxClockPeers {
		for k := range c.offsets {
			delete(c.offsets, k)
			break
		}
	}
	c.offsets[p] = d
}

// median returns the median offset and how many peers it is of.
func (c *clocks) median() (time.Duration, int) {
	c.mu.Lock()
	ds := make([]time.Duration, 0, len(c.offsets))
	for _, d := range c.offsets {
		ds = append(ds, d)
	}
	c.mu.Unlock()
	if len(ds) == 0 {
		return 0, 0
	}
	slices.Sort(ds)
	return ds[len(ds)/2], len(ds)
}

// serveTime answers a clock request.
func (e *Engine) serveTime(s network.Stream) {
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(5 * time.Second))
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], uint64(e.cfg.Now().UnixMilli()))
	if _, err := s.Write(b[:]); err != nil {
		s.Reset()
	}
}

// askTime asks p for its clock and keeps the offset.
func (e *Engine) askTime(p peer.ID) {
	ctx, cancel := context.WithTimeout(network.WithNoDial(e.ctx, "time"), 10*time.Second)
	defer cancel()
	t0 := e.cfg.Now()
	s, err := e.host.NewStream(ctx, p, e.protos.time)
	if err != nil {
		return
	}
	defer s.Close()
	_ = s.SetDeadline(time.Now().Add(5 * time.Second))
	var b [8]byte
	if _, err := io.ReadFull(s, b[:]); err != nil {
		s.Reset()
		return
	}
	t1 := e.cfg.Now()
	theirs := time.UnixMilli(int64(binary.BigEndian.Uint64(b[:])))
	mid := t0.Add(t1.Sub(t0) / 2)
	e.clocks.set(p, theirs.Sub(mid))
}

// clockNote says when this computer's clock is far from its peers'.
func (e *Engine) clockNote() string {
	d, n := e.clocks.median()
	if n == 0 || (d < clockSkew && d > -clockSkew) {
		return ""
	}
	way := "behind"
	if d < 0 {
		way, d = "ahead of", -d
	}
	if n == 1 {
		return fmt.Sprintf("This computer's clock differs by %s from the clock of the one peer it met (it is %s it): records are dated by this clock. If this computer's date and time are wrong, correct them.",
			roundDuration(d), way)
	}
	return fmt.Sprintf("This computer's clock is %s %s the clocks of the %d peers it met: records are dated by it. Correct the date and time of this computer.",
		roundDuration(d), way, n)
}

// roundDuration writes d for people: "3 h 10 min", "12 min".
func roundDuration(d time.Duration) string {
	d = d.Round(time.Minute)
	switch {
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d.Hours()/24))
	case d >= time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d min", int(d.Minutes()))
}
