package capsule

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/jejak/jejak/i18n"
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
	OK      bool     `json:"ok"`
	Capsule *Summary `json:"capsule,omitempty"`
	Anchors []string `json:"anchors,omitempty"`
	Notes   []string `json:"notes,omitempty"` // in English
	// NoteMessages are Notes as messages of the catalog (package i18n),
	// one for each: NotesIn renders them in any language.
	NoteMessages []Note             `json:"note_messages,omitempty"`
	Report       *provenance.Report `json:"report,omitempty"`
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
		res.note("capsule.note.no_anchors")
	}
	if c.Newer > 0 {
		res.note("capsule.note.newer", "n", strconv.Itoa(c.Newer))
	}
	if o.Lot != "" {
		for _, n := range rep.Graph.Nodes {
			if n.Role == "start" && n.Kind == provenance.NodeBatch && n.Lot != o.Lot {
				lot := n.Lot
				if lot == "" {
					lot = "—"
				}
				res.note("capsule.note.lot", "label_lot", o.Lot, "lot", lot)
			}
		}
	}
	return res
}

// Note is a note of a Result as a message of the catalog: its key and
// parameters (plain values).
type Note struct {
	Key    string            `json:"key"`
	Params map[string]string `json:"params,omitempty"`
}

// note adds a note from its message and name, value pairs.
func (r *Result) note(key string, kv ...string) {
	n := Note{Key: key}
	if len(kv) > 0 {
		n.Params = map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			n.Params[kv[i]] = kv[i+1]
		}
	}
	r.NoteMessages = append(r.NoteMessages, n)
	r.Notes = append(r.Notes, i18n.TMap(i18n.English, n.Key, n.Params))
}

// NotesIn renders the notes in l (a note without a message is as it is).
func (r Result) NotesIn(l i18n.Lang) []string {
	if len(r.NoteMessages) != len(r.Notes) {
		return r.Notes
	}
	out := make([]string, len(r.NoteMessages))
	for i, n := range r.NoteMessages {
		out[i] = i18n.TMap(l, n.Key, n.Params)
	}
	return out
}
