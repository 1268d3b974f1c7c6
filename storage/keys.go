package storage

import (
	"encoding/binary"
	"fmt"

	"github.com/jejak/jejak/protocol"
)

// The first byte of every key says what the key holds. Records, meta keys,
// drafts and pending records are the store's data; everything else is an
// index that Reindex drops and rebuilds from the records.
//
//	m name                                   meta: schema version, arrival counter, reindex marker
//	r cid                                    record: recordHeader followed by the record's bytes
//	f author seq                             feed entry: arrival and CID of the first record stored at (author, seq)
//	x author seq arrival cid                 fork member: every record stored at a forked (author, seq)
//	h author                                 feed head: seq and CID (no CID while seq is 0)
//	u batch-cid batch-index cid              batch use: useValue
//	c transfer-cid cid                       receipt of a transfer
//	k corrected-cid cid                      correction of a record
//	t org cid                                transfer addressed to an organisation key
//	l author lot-length lot batch-cid index  lot code of a batch
//	y type-code author cid                   record by type and author
//	d device cid                             delegation of a device key
//	e org cid                                endorsement of an organisation key
//	v key cid                                revocation of a key
//	w record-cid cid                         revocation of a record
//	n name                                   counter (int64)
//	q draft-id                               draft: the CID of the record a draft produced
//	p cid                                    pending: a record of a newer format version, its bytes
//
// Authors and keys are 32 bytes, CIDs are their 36-byte binary form, seqs and
// arrivals are 8-byte big-endian numbers, batch indexes 4-byte big-endian,
// so keys sort in the order their parts do.
const (
	pMeta       byte = 'm'
	pRecord     byte = 'r'
	pFeed       byte = 'f'
	pFork       byte = 'x'
	pHead       byte = 'h'
	pUse        byte = 'u'
	pReceipt    byte = 'c'
	pCorrection byte = 'k'
	pTransferTo byte = 't'
	pLot        byte = 'l'
	pType       byte = 'y'
	pDelegation byte = 'd'
	pEndorse    byte = 'e'
	pRevokeKey  byte = 'v'
	pRevokeRec  byte = 'w'
	pCount      byte = 'n'
	pDraft      byte = 'q'
	pPending    byte = 'p'
)

// isData reports whether a key holds data (not an index Reindex rebuilds).
func isData(k []byte) bool {
	return len(k) > 0 && (k[0] == pMeta || k[0] == pRecord || k[0] == pDraft || k[0] == pPending)
}

func draftKey(id string) []byte { return append([]byte{pDraft}, id...) }

func pendingKey(c protocol.CID) []byte { return append([]byte{pPending}, c.Bytes()...) }

// indexPrefixes lists the prefixes Reindex drops and rebuilds.
var indexPrefixes = []byte{pFeed, pFork, pHead, pUse, pReceipt, pCorrection, pTransferTo,
	pLot, pType, pDelegation, pEndorse, pRevokeKey, pRevokeRec, pCount}

// Meta keys.
var (
	keySchema  = []byte{pMeta, 's'} // uint32 schema version
	keyArrival = []byte{pMeta, 'a'} // uint64: the last arrival number given to a record
	keyReindex = []byte{pMeta, 'i'} // present while Reindex runs
)

// Counter keys; counts by type are countTypeKey(code).
var (
	keyCountRecords = []byte{pCount, 'r'}
	keyCountAuthors = []byte{pCount, 'a'}
	keyCountForks   = []byte{pCount, 'f'}
)

func countTypeKey(code byte) []byte { return []byte{pCount, 't', code} }

// Sizes of the fixed-width parts of keys.
const (
	keyLen = 32 // an Ed25519 public key
	cidLen = 36 // a CIDv1, dag-cbor, sha2-256: 4 prefix bytes and the digest
	seqLen = 8
)

// typeCodes gives every record type a one-byte code for keys and values.
var typeCodes = map[protocol.Type]byte{
	protocol.TypeOrg: 1, protocol.TypeDevice: 2, protocol.TypeEndorse: 3,
	protocol.TypeRevoke: 4, protocol.TypePlace: 5, protocol.TypeOrigin: 6,
	protocol.TypeProcess: 7, protocol.TypeTransfer: 8, protocol.TypeReceive: 9,
	protocol.TypeCorrect: 10,
}

// codeType is the inverse of typeCodes.
var codeType = func() map[byte]protocol.Type {
	m := make(map[byte]protocol.Type, len(typeCodes))
	for t, c := range typeCodes {
		m[c] = t
	}
	return m
}()

// key joins parts into a fresh key.
func key(prefix byte, parts ...[]byte) []byte {
	n := 1
	for _, p := range parts {
		n += len(p)
	}
	k := make([]byte, 0, n)
	k = append(k, prefix)
	for _, p := range parts {
		k = append(k, p...)
	}
	return k
}

func u64(v uint64) []byte { return binary.BigEndian.AppendUint64(nil, v) }
func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func recordKey(c protocol.CID) []byte { return key(pRecord, c.Bytes()) }

func feedKey(a protocol.PublicKey, seq uint64) []byte { return key(pFeed, a[:], u64(seq)) }

func forkPrefix(a protocol.PublicKey, seq uint64) []byte { return key(pFork, a[:], u64(seq)) }

func forkKey(a protocol.PublicKey, seq, arrival uint64, c protocol.CID) []byte {
	return key(pFork, a[:], u64(seq), u64(arrival), c.Bytes())
}

func headKey(a protocol.PublicKey) []byte { return key(pHead, a[:]) }

func batchBytes(b protocol.BatchID) []byte {
	return append(b.Record.Bytes(), u32(b.Index)...)
}

func lotPrefix(a protocol.PublicKey, lot string) []byte {
	l := make([]byte, 2, 2+len(lot))
	binary.BigEndian.PutUint16(l, uint16(len(lot)))
	return key(pLot, a[:], append(l, lot...))
}

func lotKey(a protocol.PublicKey, lot string, b protocol.BatchID) []byte {
	return append(lotPrefix(a, lot), batchBytes(b)...)
}

func typePrefix(t protocol.Type, a protocol.PublicKey) []byte {
	p := []byte{pType, typeCodes[t]}
	if a.IsZero() {
		return p
	}
	return append(p, a[:]...)
}

// Record values start with a header: a format byte and the record's arrival
// number (the order in which this store first stored its records, which
// decides which record of a fork is "first stored", also after Reindex).
const (
	recordFormat    = 1
	recordHeaderLen = 1 + 8
)

func recordValue(arrival uint64, data []byte) []byte {
	v := make([]byte, recordHeaderLen, recordHeaderLen+len(data))
	v[0] = recordFormat
	binary.BigEndian.PutUint64(v[1:], arrival)
	return append(v, data...)
}

// splitRecordValue returns the arrival number and the record bytes of a
// record value (the bytes alias v).
func splitRecordValue(v []byte) (uint64, []byte, error) {
	if len(v) < recordHeaderLen || v[0] != recordFormat {
		return 0, nil, damaged("record value has an unknown format")
	}
	return binary.BigEndian.Uint64(v[1:recordHeaderLen]), v[recordHeaderLen:], nil
}

// feedValue is the value of a feed entry: the arrival and CID of the first
// record stored at its (author, seq).
func feedValue(arrival uint64, c protocol.CID) []byte { return append(u64(arrival), c.Bytes()...) }

func splitFeedValue(v []byte) (uint64, protocol.CID, error) {
	if len(v) != 8+cidLen {
		return 0, protocol.CID{}, damaged("feed entry of %d bytes", len(v))
	}
	c, err := protocol.CIDFromBytes(v[8:])
	return binary.BigEndian.Uint64(v[:8]), c, err
}

// headValue is the value of a head key.
func headValue(h Head) []byte {
	if h.Seq == 0 {
		return u64(0)
	}
	return append(u64(h.Seq), h.CID.Bytes()...)
}

func parseHead(v []byte) (Head, error) {
	if len(v) < seqLen {
		return Head{}, damaged("head of %d bytes", len(v))
	}
	h := Head{Seq: binary.BigEndian.Uint64(v[:seqLen])}
	if len(v) == seqLen {
		return h, nil
	}
	c, err := protocol.CIDFromBytes(v[seqLen:])
	h.CID = c
	return h, err
}

// useValue is the value of a batch use: type code, author, quantity in
// thousandths and unit.
func useValue(t protocol.Type, a protocol.PublicKey, q protocol.Quantity) []byte {
	v := make([]byte, 0, 1+keyLen+8+len(q.Unit))
	v = append(v, typeCodes[t])
	v = append(v, a[:]...)
	v = binary.BigEndian.AppendUint64(v, uint64(q.Milli))
	return append(v, q.Unit...)
}

func parseUse(k, v []byte) (Use, error) {
	if len(k) != 1+cidLen+4+cidLen || len(v) < 1+keyLen+8 {
		return Use{}, damaged("batch use entry of %d+%d bytes", len(k), len(v))
	}
	c, err := protocol.CIDFromBytes(k[1+cidLen+4:])
	if err != nil {
		return Use{}, err
	}
	u := Use{Record: c, Type: codeType[v[0]]}
	copy(u.Author[:], v[1:1+keyLen])
	u.Qty.Milli = int64(binary.BigEndian.Uint64(v[1+keyLen:]))
	u.Qty.Unit = protocol.Unit(v[1+keyLen+8:])
	return u, nil
}

// tailCID reads the CID at the end of an index key.
func tailCID(k []byte) (protocol.CID, error) {
	if len(k) < 1+cidLen {
		return protocol.CID{}, damaged("index key of %d bytes", len(k))
	}
	return protocol.CIDFromBytes(k[len(k)-cidLen:])
}

func putInt64(n int64) []byte { return u64(uint64(n)) }

func getInt64(v []byte) int64 {
	if len(v) != 8 {
		return 0
	}
	return int64(binary.BigEndian.Uint64(v))
}

// damaged reports an entry that cannot be what this package wrote.
func damaged(format string, args ...any) error {
	return &kindError{msg: "the store is damaged: " + fmt.Sprintf(format, args...), kind: ErrCorrupt}
}
