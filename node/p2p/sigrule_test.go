package p2p

import (
	"bufio"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
)

// The signature rule's edge cases, built into records by the protocol
// package's tests (protocol/sigrule_records_test.go), each with what
// protocol.Open answers. Every path by which a record reaches a store must
// answer the same: accept exactly what Open accepts, refuse the rest with
// Open's reason.
const sigruleRecordsPath = "../../protocol/testdata/sigrule-records.json"

type sigVector struct {
	Name   string `json:"name"`
	ZIP215 string `json:"zip215"`
	Record string `json:"record"`
	CID    string `json:"cid"`
	Open   string `json:"open"`
	Kind   string `json:"kind"`
	Note   string `json:"note"`

	data []byte
	cid  protocol.CID
}

func (v sigVector) accepted() bool { return v.Open == "accept" }

func loadSigVectors(t *testing.T) []sigVector {
	t.Helper()
	b, err := os.ReadFile(sigruleRecordsPath)
	if err != nil {
		t.Fatal(err)
	}
	var f struct {
		Format  string      `json:"format"`
		Records []sigVector `json:"records"`
	}
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", sigruleRecordsPath, err)
	}
	if f.Format != "jejak-sigrule-records-1" || len(f.Records) < 30 {
		t.Fatalf("%s: format %q with %d records", sigruleRecordsPath, f.Format, len(f.Records))
	}
	for i := range f.Records {
		v := &f.Records[i]
		if v.data, err = hex.DecodeString(v.Record); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		v.cid = protocol.ComputeCID(v.data)
		if v.cid.String() != v.CID {
			t.Fatalf("%s: its bytes hash to %s, the file says %s", v.Name, v.cid, v.CID)
		}
		// The file is Open's answer today.
		if _, err := protocol.Open(v.data); (err == nil) != v.accepted() || (err != nil && err.Error() != v.Open) {
			t.Fatalf("%s: Open says %v, the file %q", v.Name, err, v.Open)
		}
	}
	return f.Records
}

// rejectLog keeps the error of every record an engine logs as rejected
// (gossip, sync and fetch log each one with its error), in order.
type rejectLog struct {
	mu   sync.Mutex
	errs []string
}

func (l *rejectLog) Enabled(context.Context, slog.Level) bool { return true }
func (l *rejectLog) WithAttrs([]slog.Attr) slog.Handler       { return l }
func (l *rejectLog) WithGroup(string) slog.Handler            { return l }
func (l *rejectLog) Handle(_ context.Context, r slog.Record) error {
	if !strings.HasSuffix(r.Message, ": rejected record") {
		return nil
	}
	var why string
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "err" {
			why = a.Value.String()
		}
		return true
	})
	l.mu.Lock()
	l.errs = append(l.errs, why)
	l.mu.Unlock()
	return nil
}

func (l *rejectLog) since(n int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.errs[n:])
}

func (l *rejectLog) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.errs)
}

// judgeNode is an engine whose rejections are kept.
func judgeNode(t *testing.T, name string) (*testNode, *rejectLog) {
	t.Helper()
	log := &rejectLog{}
	cfg := testConfig(t, name)
	cfg.Logger = slog.New(log)
	return startNode(t, cfg), log
}

// expect waits until n has stored v or logged a rejection after the
// mark-th, and checks that this is Open's answer.
func expect(t *testing.T, path string, n *testNode, log *rejectLog, mark int, v sigVector) {
	t.Helper()
	var why []string
	waitFor(t, path+": a verdict on "+v.Name, func() bool {
		why = log.since(mark)
		return len(why) > 0 || has(t, n, v.cid)
	})
	stored := has(t, n, v.cid)
	switch {
	case v.accepted() && (!stored || len(why) > 0):
		t.Errorf("%s: %s: refused (%q); Open accepts it", path, v.Name, why)
	case !v.accepted() && stored:
		t.Errorf("%s: %s: stored; Open refuses it: %s", path, v.Name, v.Open)
	case !v.accepted() && why[0] != v.Open:
		t.Errorf("%s: %s: refused for %q; Open's reason is %q", path, v.Name, why[0], v.Open)
	}
}

// TestSignatureRuleOnEveryPath sends every edge case of the signature rule
// to real engines on loopback by each way a record arrives, and checks
// that each answers as protocol.Open: gossip from a raw host on the topic,
// a raw sync responder, a raw fetch responder, a CAR file imported, and
// Take (the node's ImportRecords); then all of them at once, in a sync page
// and in one Take, where the signatures are checked in batches.
func TestSignatureRuleOnEveryPath(t *testing.T) {
	vs := loadSigVectors(t)
	ctx := context.Background()

	t.Run("gossip", func(t *testing.T) {
		n, log := judgeNode(t, "gossip-judge")
		for _, v := range vs {
			// A publisher of its own for each: a peer penalised for
			// one invalid record would be graylisted for the next.
			evil := newEvilHost(t, n.protos, nil)
			if err := evil.h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the publisher and the node see each other on the topic", func() bool {
				return slices.Contains(evil.topic.ListPeers(), n.ID()) && slices.Contains(n.topic.ListPeers(), evil.h.ID())
			})
			mark := log.len()
			if err := evil.topic.Publish(ctx, v.data); err != nil {
				t.Fatal(err)
			}
			expect(t, "gossip", n, log, mark, v)
			evil.h.Close()
		}
	})

	t.Run("sync", func(t *testing.T) {
		n, log := judgeNode(t, "sync-judge")
		for _, v := range vs {
			evil := newEvilHost(t, n.protos, [][]byte{v.data})
			evil.armed.Store(true)
			mark := log.len()
			if err := evil.h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err != nil {
				t.Fatal(err)
			}
			n.syncer.requestFull(evil.h.ID())
			expect(t, "sync", n, log, mark, v)
			evil.h.Close()
		}
	})

	t.Run("fetch", func(t *testing.T) {
		n, log := judgeNode(t, "fetch-judge")
		for _, v := range vs {
			p := fetchResponder(t, v.data)
			if err := n.host.Connect(ctx, peer.AddrInfo{ID: p.ID(), Addrs: p.Addrs()}); err != nil {
				t.Fatal(err)
			}
			mark := log.len()
			got, err := n.fetch(ctx, p.ID(), []protocol.CID{v.cid})
			if v.accepted() && (err != nil || len(got) != 1) {
				t.Errorf("fetch: %s: %d records, %v; Open accepts it", v.Name, len(got), err)
			}
			if !v.accepted() && err == nil {
				t.Errorf("fetch: %s: no error; Open refuses it", v.Name)
			}
			expect(t, "fetch", n, log, mark, v)
			p.Close()
		}
	})

	t.Run("CAR import", func(t *testing.T) {
		n := startNode(t, testConfig(t, "car-judge"))
		for _, v := range vs {
			path := filepath.Join(t.TempDir(), v.Name+".car")
			w, err := os.Create(path)
			if err != nil {
				t.Fatal(err)
			}
			werr := car.Write(w, []protocol.CID{v.cid}, []protocol.Signed{{CID: v.cid, Bytes: v.data}})
			if err := errors.Join(werr, w.Close()); err != nil {
				t.Fatal(err)
			}
			r, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			f, err := car.Read(r, car.DefaultLimits())
			r.Close()
			if err != nil {
				if v.accepted() {
					t.Errorf("CAR: %s: %v; Open accepts it", v.Name, err)
				} else if !strings.Contains(err.Error(), v.Open) {
					t.Errorf("CAR: %s: %v; Open's reason is %q", v.Name, err, v.Open)
				}
				continue
			}
			res, err := n.Take(ctx, f.RecordBytes())
			switch {
			case !v.accepted():
				t.Errorf("CAR: %s: read and taken (%+v, %v); Open refuses it: %s", v.Name, res, err, v.Open)
			case err != nil || res.Added != 1 || !has(t, n, v.cid):
				t.Errorf("CAR: %s: %+v, %v; Open accepts it", v.Name, res, err)
			}
		}
	})

	t.Run("Take", func(t *testing.T) {
		n := startNode(t, testConfig(t, "take-judge"))
		for _, v := range vs {
			res, err := n.Take(ctx, [][]byte{v.data})
			var te *TakeError
			switch {
			case v.accepted() && (err != nil || res.Added != 1):
				t.Errorf("Take: %s: %+v, %v; Open accepts it", v.Name, res, err)
			case !v.accepted() && !errors.As(err, &te):
				t.Errorf("Take: %s: %+v, %v; Open refuses it: %s", v.Name, res, err, v.Open)
			case !v.accepted() && te.Err.Error() != v.Open:
				t.Errorf("Take: %s: refused for %q; Open's reason is %q", v.Name, te.Err, v.Open)
			}
		}
	})

	var good, bad []sigVector
	for _, v := range vs {
		if v.accepted() {
			good = append(good, v)
		} else {
			bad = append(bad, v)
		}
	}
	datas := func(vs []sigVector) [][]byte {
		var out [][]byte
		for _, v := range vs {
			out = append(out, v.data)
		}
		return out
	}

	t.Run("one sync page", func(t *testing.T) {
		// Every accepted record and at most maxRejects refused ones to a
		// page, interleaved: judged together (protocol.OpenAll, batches
		// of signatures on every core).
		n, log := judgeNode(t, "page-judge")
		for start := 0; start < len(bad); start += maxRejects {
			rejects := bad[start:min(start+maxRejects, len(bad))]
			var page []sigVector
			for i, v := range good {
				page = append(page, v)
				if i < len(rejects) {
					page = append(page, rejects[i])
				}
			}
			evil := newEvilHost(t, n.protos, datas(page))
			evil.armed.Store(true)
			mark := log.len()
			if err := evil.h.Connect(ctx, peer.AddrInfo{ID: n.ID(), Addrs: n.host.Addrs()}); err != nil {
				t.Fatal(err)
			}
			n.syncer.requestFull(evil.h.ID())
			waitFor(t, "the page is judged", func() bool { return log.len()-mark >= len(rejects) })
			why := log.since(mark)[:len(rejects)]
			for i, v := range rejects {
				if why[i] != v.Open {
					t.Errorf("page: %s: refused for %q; Open's reason is %q", v.Name, why[i], v.Open)
				}
				if has(t, n, v.cid) {
					t.Errorf("page: %s stored", v.Name)
				}
			}
			waitFor(t, "the accepted records are stored", func() bool {
				return !slices.ContainsFunc(good, func(v sigVector) bool { return !has(t, n, v.cid) })
			})
			evil.h.Close()
		}
	})

	t.Run("one Take", func(t *testing.T) {
		// Take is all or nothing: each refused record among every
		// accepted one refuses the lot, naming it.
		for i, v := range bad {
			n := startNode(t, testConfig(t, fmt.Sprintf("lot-judge-%d", i)))
			lot := slices.Insert(datas(good), len(good)/2, v.data)
			_, err := n.Take(ctx, lot)
			var te *TakeError
			if !errors.As(err, &te) || te.Index != len(good)/2 || te.Err.Error() != v.Open {
				t.Errorf("Take of a lot with %s: %v; want record %d refused for %q", v.Name, err, len(good)/2, v.Open)
			}
			if has(t, n, v.cid) || has(t, n, good[0].cid) {
				t.Errorf("Take of a lot with %s stored part of it", v.Name)
			}
			n.Close()
		}
		n := startNode(t, testConfig(t, "lot-judge"))
		res, err := n.Take(ctx, datas(good))
		if err != nil || res.Added != len(good) {
			t.Errorf("Take of the %d accepted records: %+v, %v", len(good), res, err)
		}
	})
}

// fetchResponder is a raw libp2p host on 127.0.0.1 that answers every fetch
// with data.
func fetchResponder(t *testing.T, data []byte) interface {
	ID() peer.ID
	Addrs() []ma.Multiaddr
	Close() error
} {
	t.Helper()
	h, err := libp2p.New(libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0"), libp2p.DisableMetrics())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	h.SetStreamHandler(protocolsFor("test").fetch, func(s network.Stream) {
		defer s.Close()
		var req fetchRequest
		if err := newFrameReader(s).nextCBOR(frameFetch, &req); err != nil {
			s.Reset()
			return
		}
		w := bufio.NewWriter(s)
		_ = writeFrame(w, frameRecord, data)
		_ = writeCBOR(w, frameFetchEnd, &fetchEnd{})
		_ = w.Flush()
	})
	return h
}
