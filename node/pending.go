package node

import (
	"context"
	"errors"

	"github.com/jejak/jejak/protocol"
)

// judgePending takes up the records an earlier run kept because they were
// of a format version it could not judge: those this release can judge are
// opened like any record from a peer and stored, or dropped when they
// break a rule; those still too new stay kept.
func (n *Node) judgePending(ctx context.Context) error {
	var recs []protocol.Signed
	var done []protocol.CID
	err := n.store.Pending(ctx, func(c protocol.CID, data []byte) error {
		rec, err := protocol.Open(data)
		switch {
		case errors.Is(err, protocol.ErrNewerVersion):
			return nil // still too new
		case err != nil:
			n.log.Warn("a kept record of a newer version breaks this release's rules; dropped", "cid", c, "err", err)
		default:
			recs = append(recs, rec)
		}
		done = append(done, c)
		return nil
	})
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		if _, err := n.store.PutBatch(ctx, recs); err != nil {
			return err
		}
		n.log.Info("stored records kept from before an upgrade", "records", len(recs))
	}
	for _, c := range done {
		if err := n.store.DeletePending(ctx, c); err != nil {
			return err
		}
	}
	return nil
}
