package localapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// SocketName is the name of the socket in the data folder.
const SocketName = "jejak.sock"

// SocketPath returns the path of the local API socket of the node whose data
// folder is dataDir.
func SocketPath(dataDir string) string { return filepath.Join(dataDir, SocketName) }

// NewBody returns an empty body of type t, ready to be filled from JSON, or
// nil when t is not a record type.
func NewBody(t protocol.Type) protocol.Body {
	switch t {
	case protocol.TypeOrg:
		return new(protocol.Org)
	case protocol.TypeDevice:
		return new(protocol.Device)
	case protocol.TypeEndorse:
		return new(protocol.Endorse)
	case protocol.TypeRevoke:
		return new(protocol.Revoke)
	case protocol.TypePlace:
		return new(protocol.Place)
	case protocol.TypeOrigin:
		return new(protocol.Origin)
	case protocol.TypeProcess:
		return new(protocol.Process)
	case protocol.TypeTransfer:
		return new(protocol.Transfer)
	case protocol.TypeReceive:
		return new(protocol.Receive)
	case protocol.TypeCorrect:
		return new(protocol.Correct)
	}
	return nil
}

// wireDraft is an api.Draft on the wire: the body's type and its JSON.
type wireDraft struct {
	Type     protocol.Type   `json:"type"`
	Body     json.RawMessage `json:"body"`
	ID       string          `json:"id,omitempty"`
	Unbacked bool            `json:"unbacked,omitempty"`
	// OrgPassphrase travels only to the node that owns the socket, whose
	// caller's user is checked (peercred.go).
	OrgPassphrase string `json:"org_passphrase,omitempty"`
	// Supplier is a supplier's clear fields, for the node to commit to.
	Supplier *protocol.SupplierDraft `json:"supplier,omitempty"`
}

func encodeDraft(d api.Draft) (wireDraft, error) {
	if d.Body == nil {
		return wireDraft{}, fmt.Errorf("draft has no body")
	}
	b, err := json.Marshal(d.Body)
	if err != nil {
		return wireDraft{}, err
	}
	return wireDraft{Type: d.Body.Type(), Body: b, ID: d.ID, Unbacked: d.Unbacked, OrgPassphrase: d.OrgPassphrase, Supplier: d.Supplier}, nil
}

func decodeDraft(w wireDraft) (api.Draft, error) {
	body := NewBody(w.Type)
	if body == nil {
		return api.Draft{}, fmt.Errorf("unknown record type %q", w.Type)
	}
	if err := decodeJSON(w.Body, body); err != nil {
		return api.Draft{}, fmt.Errorf("%s body: %w", w.Type, err)
	}
	return api.Draft{Body: body, ID: w.ID, Unbacked: w.Unbacked, OrgPassphrase: w.OrgPassphrase, Supplier: w.Supplier}, nil
}

// wirePage is an api.Page with records as their CBOR bytes.
type wirePage struct {
	Records [][]byte `json:"records"`
	Next    string   `json:"next"`
}

// openAll opens records that came over the wire as their bytes, each
// checked (decoded, its signature and CID) as if a peer sent it.
func openAll(data [][]byte) ([]protocol.Signed, error) {
	out := make([]protocol.Signed, 0, len(data))
	for i, b := range data {
		rec, err := protocol.Open(b)
		if err != nil {
			return nil, fmt.Errorf("record %d: %w", i, err)
		}
		out = append(out, rec)
	}
	return out, nil
}

// bytesOf is records as they go over the wire: their bytes.
func bytesOf(recs []protocol.Signed) [][]byte {
	out := make([][]byte, len(recs))
	for i, r := range recs {
		out[i] = r.Bytes
	}
	return out
}

// wireError is an error on the wire.
type wireError struct {
	Op       string               `json:"op,omitempty"`
	Kind     string               `json:"kind,omitempty"`
	Msg      string               `json:"msg"`
	Findings []provenance.Finding `json:"findings,omitempty"` // of an *api.UnbackedError
}

var kinds = map[string]error{
	"not-found":   api.ErrNotFound,
	"invalid":     api.ErrInvalid,
	"unavailable": api.ErrUnavailable,
	"conflict":    api.ErrConflict,
	"unbacked":    api.ErrUnbacked,
	"locked":      api.ErrLocked,
}

func kindName(err error) string {
	for name, k := range kinds {
		if errors.Is(err, k) {
			return name
		}
	}
	return ""
}

// encodeError turns err into its wire form: an *api.Error keeps its
// operation, kind and underlying message; any other error keeps its text and
// the kind it matches, if any.
func encodeError(err error) wireError {
	var ae *api.Error
	if errors.As(err, &ae) {
		w := wireError{Op: ae.Op, Kind: kindName(ae.Kind)}
		if ae.Err != nil {
			w.Msg = ae.Err.Error()
		}
		var ue *api.UnbackedError
		if errors.As(err, &ue) {
			w.Findings = ue.Findings
		}
		return w
	}
	return wireError{Kind: kindName(err), Msg: err.Error()}
}

// decodeError is the inverse of encodeError.
func (w wireError) err() error {
	kind := kinds[w.Kind]
	if w.Op != "" {
		var inner error
		switch {
		case len(w.Findings) > 0:
			inner = &api.UnbackedError{Findings: w.Findings}
		case w.Msg != "":
			inner = errors.New(w.Msg)
		}
		return api.E(w.Op, kind, inner)
	}
	if kind != nil {
		return fmt.Errorf("%s: %w", w.Msg, kind)
	}
	return errors.New(w.Msg)
}

// decodeJSON decodes data into v, treating an empty string and the zero
// key's text as the zero value of whatever field they are for.
// (protocol.CID writes its zero value as "" and protocol.PublicKey its zero
// value as "ed25519:aaaa…", but neither reads its zero value back.)
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var tree any
	if err := dec.Decode(&tree); err != nil {
		return err
	}
	clean, err := json.Marshal(dropEmpty(tree))
	if err != nil {
		return err
	}
	return json.Unmarshal(clean, v)
}

var zeroKey = protocol.PublicKey{}.String()

func dropEmpty(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			if s, ok := e.(string); ok && (s == "" || s == zeroKey) {
				delete(x, k)
				continue
			}
			x[k] = dropEmpty(e)
		}
	case []any:
		for i, e := range x {
			x[i] = dropEmpty(e)
		}
	}
	return v
}
