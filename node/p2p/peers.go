package p2p

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/internal/atomicfile"
)

// peersFile is the remembered peers' file name in the data folder.
const peersFile = "peers.json"

// Bounds on what is remembered.
const (
	maxRemembered     = 64
	maxRememberedAddr = 8
)

// peerBook remembers peers the node synced with, so it can dial them again
// at the next start without waiting for discovery. It is kept in
// DataDir/peers.json; with no DataDir it remembers nothing.
type peerBook struct {
	path string
	now  func() time.Time

	mu    sync.Mutex
	peers map[peer.ID]rememberedPeer
	dirty bool
}

// rememberedPeer is one entry of peers.json.
type rememberedPeer struct {
	ID    string    `json:"id"`
	Addrs []string  `json:"addrs"`
	Seen  time.Time `json:"seen"` // when a sync with it last finished
}

func newPeerBook(dir string, now func() time.Time) *peerBook {
	b := &peerBook{now: now, peers: map[peer.ID]rememberedPeer{}}
	if dir != "" {
		b.path = filepath.Join(dir, peersFile)
	}
	return b
}

// load reads the file; a missing file is an empty book.
func (b *peerBook) load() error {
	if b.path == "" {
		return nil
	}
	data, err := os.ReadFile(b.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var list []rememberedPeer
	if err := json.Unmarshal(data, &list); err != nil {
		return err
	}
	// The file may have been edited or come from elsewhere: keep what the
	// book would have kept, the most recently seen peers, each with its
	// first addresses.
	slices.SortStableFunc(list, func(x, y rememberedPeer) int { return y.Seen.Compare(x.Seen) })
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range list {
		if len(b.peers) == maxRemembered {
			break
		}
		id, err := peer.Decode(r.ID)
		if err != nil {
			continue
		}
		if _, dup := b.peers[id]; dup {
			continue
		}
		r.Addrs = r.Addrs[:min(len(r.Addrs), maxRememberedAddr)]
		b.peers[id] = r
	}
	return nil
}

// add remembers p with its current addresses. A peer seen for the first time
// is written to disk at once; others at Close.
func (b *peerBook) add(p peer.ID, addrs []ma.Multiaddr) {
	if b.path == "" || len(addrs) == 0 {
		return
	}
	r := rememberedPeer{ID: p.String(), Seen: b.now().UTC()}
	for _, a := range addrs[:min(len(addrs), maxRememberedAddr)] {
		r.Addrs = append(r.Addrs, a.String())
	}
	b.mu.Lock()
	_, known := b.peers[p]
	b.peers[p] = r
	b.dirty = true
	if len(b.peers) > maxRemembered {
		oldest, first := peer.ID(""), time.Time{}
		for id, x := range b.peers {
			if oldest == "" || x.Seen.Before(first) {
				oldest, first = id, x.Seen
			}
		}
		delete(b.peers, oldest)
	}
	b.mu.Unlock()
	if !known {
		_ = b.save()
	}
}

// list returns the remembered peers, most recently seen first.
func (b *peerBook) list() []peer.AddrInfo {
	b.mu.Lock()
	rs := make([]rememberedPeer, 0, len(b.peers))
	for _, r := range b.peers {
		rs = append(rs, r)
	}
	b.mu.Unlock()
	slices.SortFunc(rs, func(x, y rememberedPeer) int { return y.Seen.Compare(x.Seen) })
	var out []peer.AddrInfo
	for _, r := range rs {
		id, err := peer.Decode(r.ID)
		if err != nil {
			continue
		}
		info := peer.AddrInfo{ID: id}
		for _, s := range r.Addrs {
			if a, err := ma.NewMultiaddr(s); err == nil {
				info.Addrs = append(info.Addrs, a)
			}
		}
		if len(info.Addrs) > 0 {
			out = append(out, info)
		}
	}
	return out
}

// save writes the book if it changed.
func (b *peerBook) save() error {
	if b.path == "" {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.dirty {
		return nil
	}
	list := make([]rememberedPeer, 0, len(b.peers))
	for _, r := range b.peers {
		list = append(list, r)
	}
	slices.SortFunc(list, func(x, y rememberedPeer) int { return y.Seen.Compare(x.Seen) })
	data, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if err := atomicfile.Write(b.path, data, 0o600); err != nil {
		return err
	}
	b.dirty = false
	return nil
}
