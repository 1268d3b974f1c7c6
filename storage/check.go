package storage

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// maxDiffs is how many differences Check describes one by one.
const maxDiffs = 100

// Check rebuilds the indexes of one snapshot of the store into a scratch
// store and compares the two; see Store.Check. Writes go on meanwhile.
func (s *Badger) Check(ctx context.Context) ([]string, error) {
	op := "check store " + s.where()
	if err := s.enter(op); err != nil {
		return nil, err
	}
	defer s.leave()
	txn := s.db.NewTransaction(false)
	defer txn.Discard()
	scratch, cleanup, err := s.openScratch()
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", op, err)
	}
	defer cleanup()
	if err := rebuild(ctx, txn, scratch, s.checkSpace, 0, nil); err != nil {
		return nil, fmt.Errorf("storage: %s: %w", op, err)
	}
	want := scratch.NewTransaction(false)
	defer want.Discard()
	diffs, err := compare(ctx, txn, want)
	if err != nil {
		return nil, fmt.Errorf("storage: %s: %w", op, dbError(err))
	}
	return diffs, nil
}

// compare walks the index entries of have and want in key order and
// describes every entry missing from have, extra in have, or different.
func compare(ctx context.Context, have, want *badger.Txn) ([]string, error) {
	hi := have.NewIterator(badger.IteratorOptions{})
	defer hi.Close()
	wi := want.NewIterator(badger.IteratorOptions{})
	defer wi.Close()
	skip := func(it *badger.Iterator) {
		for it.Valid() && isData(it.Item().Key()) {
			it.Next()
		}
	}
	var diffs []string
	more := 0
	note := func(s string) {
		if len(diffs) < maxDiffs {
			diffs = append(diffs, s)
		} else {
			more++
		}
	}
	n := 0
	hi.Rewind()
	wi.Rewind()
	for {
		skip(hi)
		skip(wi)
		if !hi.Valid() && !wi.Valid() {
			break
		}
		if n++; n%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		var hk, wk, hv, wv []byte
		var err error
		if hi.Valid() {
			hk = hi.Item().KeyCopy(nil)
			if hv, err = hi.Item().ValueCopy(nil); err != nil {
				return nil, err
			}
		}
		if wi.Valid() {
			wk = wi.Item().KeyCopy(nil)
			if wv, err = wi.Item().ValueCopy(nil); err != nil {
				return nil, err
			}
		}
		switch c := bytes.Compare(hk, wk); {
		case wk == nil || (hk != nil && c < 0):
			note("extra: " + describe(hk, hv))
			hi.Next()
		case hk == nil || c > 0:
			note("missing: " + describe(wk, wv))
			wi.Next()
		default:
			if !bytes.Equal(hv, wv) {
				note("differs: " + describe(hk, hv) + "; a rebuild gives " + describe(wk, wv))
			}
			hi.Next()
			wi.Next()
		}
	}
	if more > 0 {
		diffs = append(diffs, fmt.Sprintf("… and %d more differences", more))
	}
	return diffs, nil
}

// indexNames names each index in Check's descriptions.
var indexNames = map[byte]string{
	pFeed: "feed entry", pFork: "fork entry", pHead: "head", pUse: "batch use",
	pReceipt: "receipt", pCorrection: "correction", pTransferTo: "transfer to",
	pLot: "lot code", pType: "record by type", pDelegation: "delegation",
	pEndorse: "endorsement", pRevokeKey: "key revocation", pRevokeRec: "record revocation",
	pCount: "counter",
}

// describe says in words what an index entry holds, for Check.
func describe(k, v []byte) string {
	name := indexNames[k[0]]
	if name == "" {
		name = fmt.Sprintf("unknown entry %q", k[0])
	}
	author := func() string {
		if len(k) < 1+keyLen {
			return "?"
		}
		return protocol.PublicKey(k[1 : 1+keyLen]).Short()
	}
	seq := func() uint64 {
		if len(k) < 1+keyLen+seqLen {
			return 0
		}
		return binary.BigEndian.Uint64(k[1+keyLen:])
	}
	switch k[0] {
	case pFeed:
		_, c, _ := splitFeedValue(v)
		return fmt.Sprintf("%s %s seq %d → %s", name, author(), seq(), c)
	case pFork:
		c, _ := tailCID(k)
		return fmt.Sprintf("%s %s seq %d: %s", name, author(), seq(), c)
	case pHead:
		h, _ := parseHead(v)
		return fmt.Sprintf("%s of %s: seq %d %s", name, author(), h.Seq, h.CID)
	case pCount:
		return fmt.Sprintf("%s %q = %d", name, k[1:], getInt64(v))
	}
	if c, err := tailCID(k); err == nil && len(k) > 1+cidLen {
		return fmt.Sprintf("%s %x → %s", name, k[1:len(k)-cidLen], c)
	}
	return fmt.Sprintf("%s %x", name, k[1:])
}
