package capsule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// CheckOptions say what a reader of a capsule expects and whom they trust.
type CheckOptions struct {
	// Batch, when set, is the batch the reader asked about (a label's):
	// a capsule of another batch is refused.
	Batch string `json:"batch"`
	// Anchors are the reader's trust anchors ("ed25519:…"), never the
	// capsule's maker's.
	Anchors []string `json:"anchors"`
	// Network, when set, is the network the reader expects.
	Network string `json:"network"`
	// Lot, when set, is the lot code a GS1 label gives: a note says when
	// the batch's record gives another.
	Lot string `json:"lot"`
	// Now is the time of the check; zero means the clock.
	Now time.Time `json:"now"`
}

// Summary is a capsule's manifest and size, as a result shows them.
type Summary struct {
	Manifest
	Bytes int64 `json:"bytes"`
}

// Result is the outcome of checking a capsule, as the verification page,
// `jejak-node verify --capsule` and the app show it: a report, or what is
// wrong with the file.
type Result struct {
	OK      bool               `json:"ok"`
	Capsule *Summary           `json:"capsule,omitempty"`
	Anchors []string           `json:"anchors,omitempty"`
	Notes   []string           `json:"notes,omitempty"`
	Report  *provenance.Report `json:"report,omitempty"`
	// Code is the *Error's Code when OK is false, or "bad_request" for
	// options that cannot be read, "internal" for anything else.
	Code   string `json:"code,omitempty"`
	Error  string `json:"error,omitempty"`
	Record string `json:"record,omitempty"`
}

// CodeBadRequest and CodeInternal are the Codes of a Result that are not an
// *Error's.
const (
	CodeBadRequest = "bad_request"
	CodeInternal   = "internal"
)

// Check reads data as a capsule and verifies its batch with o's anchors.
func Check(ctx context.Context, data []byte, o CheckOptions) Result {
	fail := func(code string, err error) Result {
		r := Result{Code: code, Error: err.Error()}
		var ce *Error
		if errors.As(err, &ce) {
			r.Code = ce.Code
			if !ce.Record.IsZero() {
				r.Record = ce.Record.String()
			}
		}
		return r
	}
	var want protocol.BatchID
	if o.Batch != "" {
		id, err := protocol.ParseBatchID(o.Batch)
		if err != nil {
			return fail(CodeBadRequest, fmt.Errorf("the batch asked about: %v", err))
		}
		want = id
	}
	opts := provenance.Options{}
	for _, a := range o.Anchors {
		k, err := protocol.ParsePublicKey(a)
		if err != nil {
			return fail(CodeBadRequest, fmt.Errorf("trust anchor %q: %v", a, err))
		}
		opts.Anchors = append(opts.Anchors, k)
	}
	if !o.Now.IsZero() {
		now := o.Now
		opts.Now = func() time.Time { return now }
	}
	c, err := Read(bytes.NewReader(data), Limits{})
	if err != nil {
		return fail(CodeInternal, err)
	}
	if err := c.Check(o.Network, want); err != nil {
		return fail(CodeInternal, err)
	}
	rep, err := c.Verify(ctx, opts)
	if err != nil {
		return fail(CodeInternal, err)
	}
	res := Result{OK: true, Capsule: &Summary{Manifest: c.Manifest, Bytes: c.Bytes}, Anchors: o.Anchors, Report: rep}
	if len(o.Anchors) == 0 {
		res.Notes = append(res.Notes, "No trust anchors were chosen: the records are genuine and consistent with each other, but no one you trust vouches for the organisations.")
	}
	if c.Newer > 0 {
		res.Notes = append(res.Notes, fmt.Sprintf("%d records are of a newer format than this verifier reads and were not judged.", c.Newer))
	}
	if o.Lot != "" {
		for _, n := range rep.Graph.Nodes {
			if n.Role == "start" && n.Kind == provenance.NodeBatch && n.Lot != o.Lot {
				lot := n.Lot
				if lot == "" {
					lot = "none"
				}
				res.Notes = append(res.Notes, fmt.Sprintf("The label's lot code %q is not the lot this batch's record gives (%s).", o.Lot, lot))
			}
		}
	}
	return res
}
