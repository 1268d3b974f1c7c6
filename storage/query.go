package storage

import (
	"context"
	"encoding/binary"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// listCIDs returns the CIDs at the end of every key under prefix.
func (s *Badger) listCIDs(ctx context.Context, op string, prefix []byte) ([]protocol.CID, error) {
	var cids []protocol.CID
	err := s.view(ctx, op, func(txn *badger.Txn) error {
		return scan(ctx, txn, prefix, false, func(k, _ []byte) error {
			c, err := tailCID(k)
			if err == nil {
				cids = append(cids, c)
			}
			return err
		})
	})
	return cids, err
}

// Uses returns the records that consume or transfer a batch.
func (s *Badger) Uses(ctx context.Context, b protocol.BatchID) ([]Use, error) {
	var uses []Use
	err := s.view(ctx, "list uses of batch "+b.String(), func(txn *badger.Txn) error {
		return scan(ctx, txn, key(pUse, batchBytes(b)), true, func(k, v []byte) error {
			u, err := parseUse(k, v)
			if err == nil {
				uses = append(uses, u)
			}
			return err
		})
	})
	return uses, err
}

// Receipts returns the receive records that confirm a transfer.
func (s *Badger) Receipts(ctx context.Context, transfer protocol.CID) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list receipts of "+transfer.String(), key(pReceipt, transfer.Bytes()))
}

// Corrections returns the correct records that name a record, as the
// record they supersede or as its replacement.
func (s *Badger) Corrections(ctx context.Context, c protocol.CID) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list corrections of "+c.String(), key(pCorrection, c.Bytes()))
}

// AllCorrections returns, for every record a correction names (as the
// record corrected or as its replacement), those corrections: what
// Corrections returns for each, read in one scan. ok is false, with
// nothing read, when the store holds more than most correction records;
// a caller then asks record by record.
func (s *Badger) AllCorrections(ctx context.Context, most int64) (_ map[protocol.CID][]protocol.CID, ok bool, _ error) {
	out := map[protocol.CID][]protocol.CID{}
	err := s.view(ctx, "list corrections", func(txn *badger.Txn) error {
		v, err := getValue(txn, countTypeKey(typeCodes[protocol.TypeCorrect]))
		if err != nil || getInt64(v) > most {
			return err
		}
		ok = true
		return scan(ctx, txn, []byte{pCorrection}, false, func(k, _ []byte) error {
			if len(k) != 1+2*cidLen {
				return damaged("correction key of %d bytes", len(k))
			}
			named, err := protocol.CIDFromBytes(k[1 : 1+cidLen])
			if err != nil {
				return err
			}
			c, err := tailCID(k)
			if err == nil {
				out[named] = append(out[named], c)
			}
			return err
		})
	})
	if err != nil || !ok {
		return nil, false, err
	}
	return out, true, nil
}

// TransfersTo returns the transfer records addressed to an organisation.
func (s *Badger) TransfersTo(ctx context.Context, org protocol.PublicKey) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list transfers to "+org.Short(), key(pTransferTo, org[:]))
}

// Lots returns the batches an author labelled with a lot code.
func (s *Badger) Lots(ctx context.Context, author protocol.PublicKey, lot string) ([]protocol.BatchID, error) {
	var batches []protocol.BatchID
	prefix := lotPrefix(author, lot)
	err := s.view(ctx, "look up lot "+lot+" of "+author.Short(), func(txn *badger.Txn) error {
		return scan(ctx, txn, prefix, false, func(k, _ []byte) error {
			if len(k) != len(prefix)+cidLen+4 {
				return damaged("lot key of %d bytes", len(k))
			}
			c, err := protocol.CIDFromBytes(k[len(prefix) : len(prefix)+cidLen])
			if err == nil {
				batches = append(batches, protocol.BatchID{Record: c, Index: binary.BigEndian.Uint32(k[len(prefix)+cidLen:])})
			}
			return err
		})
	})
	return batches, err
}

// ByType returns the CIDs of records of one type, of one author or all.
func (s *Badger) ByType(ctx context.Context, t protocol.Type, author protocol.PublicKey) ([]protocol.CID, error) {
	if typeCodes[t] == 0 {
		return nil, nil
	}
	return s.listCIDs(ctx, "list "+string(t)+" records", typePrefix(t, author))
}

// Delegations returns the device records that delegate a device key.
func (s *Badger) Delegations(ctx context.Context, device protocol.PublicKey) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list delegations of "+device.Short(), key(pDelegation, device[:]))
}

// Endorsements returns the endorse records that name an org key.
func (s *Badger) Endorsements(ctx context.Context, org protocol.PublicKey) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list endorsements of "+org.Short(), key(pEndorse, org[:]))
}

// RevocationsOfKey returns the revoke records that withdraw a key.
func (s *Badger) RevocationsOfKey(ctx context.Context, k protocol.PublicKey) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list revocations of "+k.Short(), key(pRevokeKey, k[:]))
}

// RevocationsOfRecord returns the revoke records that withdraw a record.
func (s *Badger) RevocationsOfRecord(ctx context.Context, c protocol.CID) ([]protocol.CID, error) {
	return s.listCIDs(ctx, "list revocations of "+c.String(), key(pRevokeRec, c.Bytes()))
}

// Counts returns totals kept in counters that every write updates in its
// own transaction: a handful of key reads, whatever the store's size.
func (s *Badger) Counts(ctx context.Context) (Counts, error) {
	n := Counts{ByType: make(map[protocol.Type]int64)}
	err := s.view(ctx, "read counts", func(txn *badger.Txn) error {
		return scan(ctx, txn, []byte{pCount}, true, func(k, v []byte) error {
			switch {
			case string(k) == string(keyCountRecords):
				n.Records = getInt64(v)
			case string(k) == string(keyCountAuthors):
				n.Authors = getInt64(v)
			case string(k) == string(keyCountForks):
				n.Forks = getInt64(v)
			case len(k) == 3 && k[1] == 't' && codeType[k[2]] != "":
				if c := getInt64(v); c != 0 {
					n.ByType[codeType[k[2]]] = c
				}
			}
			return nil
		})
	})
	return n, err
}
