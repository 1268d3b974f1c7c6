package car

import (
	"context"
	"fmt"
	"io"

	gocid "github.com/ipfs/go-cid"
	carv2 "github.com/ipld/go-car/v2"
	"github.com/ipld/go-car/v2/storage"

	"github.com/jejak/jejak/protocol"
)

// Write writes recs to w as a CARv1 file whose header names roots: each
// record's exact bytes under its CID, in the order given, a record given
// twice written once. Roots are usually the record of the batch the file
// is about; there must be at least one (some CAR readers refuse a file
// with none), and each must be among recs, so that the file holds what it
// names (`ipfs dag import` pins the roots it imports). A root given twice
// is named once.
//
// Write checks that every record's CID is that of its bytes. It writes as
// it goes: on an error from w, w has part of a file.
func Write(w io.Writer, roots []protocol.CID, recs []protocol.Signed) error {
	if len(roots) == 0 {
		return fmt.Errorf("car: write: no root: name the batch's record")
	}
	have := make(map[protocol.CID]bool, len(recs))
	for i, r := range recs {
		if r.CID.IsZero() || len(r.Bytes) == 0 {
			return fmt.Errorf("car: write: record %d has no CID or no bytes", i)
		}
		if got := protocol.ComputeCID(r.Bytes); got != r.CID {
			return fmt.Errorf("car: write: record %d (%s): its bytes hash to %s", i, r.CID, got)
		}
		have[r.CID] = true
	}
	var header []gocid.Cid
	named := map[protocol.CID]bool{}
	for _, c := range roots {
		if !have[c] {
			return fmt.Errorf("car: write: root %s is not among the records", c)
		}
		if !named[c] {
			named[c] = true
			header = append(header, c.Cid())
		}
	}
	// onlyWriter hides any WriteAt of w: go-car would otherwise write at
	// offsets from 0 whatever w's position, and refuse an append-only file.
	car, err := storage.NewWritable(onlyWriter{w}, header, carv2.WriteAsCarV1(true))
	if err != nil {
		return fmt.Errorf("car: write header: %w", err)
	}
	written := make(map[protocol.CID]bool, len(recs))
	for _, r := range recs {
		if written[r.CID] {
			continue
		}
		written[r.CID] = true
		// Put does not use its context: it writes to w and returns.
		if err := car.Put(context.Background(), r.CID.Cid().KeyString(), r.Bytes); err != nil {
			return fmt.Errorf("car: write record %s: %w", r.CID, err)
		}
	}
	if err := car.Finalize(); err != nil {
		return fmt.Errorf("car: write: %w", err)
	}
	return nil
}

// onlyWriter is an io.Writer and nothing more.
type onlyWriter struct{ w io.Writer }

func (o onlyWriter) Write(p []byte) (int, error) { return o.w.Write(p) }
