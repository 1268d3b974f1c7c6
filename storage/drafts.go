package storage

import (
	"context"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/dgraph-io/badger/v4"

	"github.com/jejak/jejak/protocol"
)

// MaxDraftID is the longest draft ID a store keeps, in bytes.
const MaxDraftID = 128

// PutDraft stores rec, synced, and notes in the same transaction that the
// draft named draftID produced it; see Store.PutDraft.
func (s *Badger) PutDraft(ctx context.Context, rec protocol.Signed, draftID string) (PutResult, error) {
	op := "put record " + rec.CID.String() + " of draft " + fmt.Sprintf("%q", draftID)
	if err := checkDraftID(draftID); err != nil {
		return PutResult{}, fmt.Errorf("storage: %s: %w", op, err)
	}
	if err := checkSigned(rec); err != nil {
		return PutResult{}, fmt.Errorf("storage: %s: %w", op, err)
	}
	var used protocol.CID
	res, err := s.write(ctx, op, []protocol.Signed{rec}, true, func(b *batch, _ int) error {
		v, ok, err := b.get(draftKey(draftID))
		if err != nil {
			return err
		}
		if ok {
			if c, err := protocol.CIDFromBytes(v); err == nil && c != rec.CID {
				used = c
				return errDraftUsed
			}
		}
		return b.set(draftKey(draftID), rec.CID.Bytes())
	})
	if errors.Is(err, errDraftUsed) {
		return PutResult{}, fmt.Errorf("storage: %s: the draft already produced record %s: %w", op, used, ErrConflict)
	}
	if err != nil {
		return PutResult{}, err
	}
	r := res[0]
	if r.Fork != nil {
		return r, fmt.Errorf("storage: %s: %s already wrote a different record at seq %d (%s); both are kept as evidence of a fork: %w",
			op, rec.Author.Short(), rec.Seq, r.Fork.CIDs[0], ErrConflict)
	}
	return r, nil
}

// errDraftUsed aborts a PutDraft whose draft produced another record.
var errDraftUsed = fmt.Errorf("draft used: %w", ErrConflict)

func checkDraftID(id string) error {
	if id == "" || len(id) > MaxDraftID || !utf8.ValidString(id) {
		return fmt.Errorf("draft ID of %d bytes: want 1 to %d bytes of text: %w", len(id), MaxDraftID, ErrInvalid)
	}
	return nil
}

// DraftRecord returns the CID of the record the draft named draftID
// produced, or an error wrapping ErrNotFound.
func (s *Badger) DraftRecord(ctx context.Context, draftID string) (protocol.CID, error) {
	op := fmt.Sprintf("look up draft %q", draftID)
	if err := checkDraftID(draftID); err != nil {
		return protocol.CID{}, fmt.Errorf("storage: %s: %w", op, err)
	}
	var c protocol.CID
	err := s.view(ctx, op, func(txn *badger.Txn) error {
		item, err := txn.Get(draftKey(draftID))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return fmt.Errorf("no record: %w", ErrNotFound)
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error {
			var err error
			c, err = protocol.CIDFromBytes(v)
			if err != nil {
				return fmt.Errorf("damaged draft entry: %w", ErrCorrupt)
			}
			return nil
		})
	})
	return c, err
}
