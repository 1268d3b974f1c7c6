package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// ErrNoAnswer means a request may have reached the node but its answer did
// not come back (the node stopped, the connection broke, the caller gave
// up): what it asked may or may not have been done. A publish with a draft
// ID can be repeated safely.
var ErrNoAnswer = errors.New("no answer from the node")

// Client is an api.Service that forwards every call to the node serving the
// local API socket. It is safe for concurrent use.
type Client struct {
	socket string
	http   *http.Client
}

var _ api.Service = (*Client)(nil)

// Dial returns a client of the node serving the data folder dataDir, after
// checking that the socket answers. When no node answers it returns an error
// wrapping api.ErrUnavailable.
func Dial(ctx context.Context, dataDir string) (*Client, error) {
	path := SocketPath(dataDir)
	var d net.Dialer
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "unix", path)
		},
		MaxIdleConns:    4,
		IdleConnTimeout: 30 * time.Second,
	}
	c := &Client{socket: path, http: &http.Client{Transport: tr}}
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	conn, err := d.DialContext(pctx, "unix", path)
	if err != nil {
		return nil, api.E("dial "+path, api.ErrUnavailable, err)
	}
	conn.Close()
	return c, nil
}

// Close releases the client's idle connections.
func (c *Client) Close() error {
	c.http.CloseIdleConnections()
	return nil
}

// post sends req to /v1/<name> and returns the response, which is a
// success; an error answer is decoded and returned as an error.
func (c *Client) post(ctx context.Context, name string, req any) (*http.Response, error) {
	body, err := json.Marshal(req)
	if err != nil {
		return nil, api.E(name, api.ErrInvalid, err)
	}
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://jejak/v1/"+name, bytes.NewReader(body))
	if err != nil {
		return nil, api.E(name, api.ErrInvalid, err)
	}
	hr.Header.Set("Content-Type", "application/json")
	resp, err := c.http.Do(hr)
	if err != nil {
		if ctx.Err() != nil {
			return nil, api.E(name, nil, fmt.Errorf("%w: %w", ErrNoAnswer, ctx.Err()))
		}
		return nil, api.E(name, api.ErrUnavailable, fmt.Errorf("local API at %s: %w: %w", c.socket, ErrNoAnswer, err))
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var we wireError
		if err := json.Unmarshal(data, &we); err != nil || (we.Msg == "" && we.Op == "") {
			return nil, api.E(name, api.ErrUnavailable, fmt.Errorf("local API: %s: %s", resp.Status, bytes.TrimSpace(data)))
		}
		return nil, we.err()
	}
	return resp, nil
}

// do sends req to /v1/<name> and decodes the answer into resp.
func (c *Client) do(ctx context.Context, name string, req, resp any) error {
	r, err := c.post(ctx, name, req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	data, err := io.ReadAll(r.Body)
	if err != nil {
		return api.E(name, api.ErrUnavailable, fmt.Errorf("%w: %w", ErrNoAnswer, err))
	}
	if resp == nil {
		return nil
	}
	if err := decodeJSON(data, resp); err != nil {
		return api.E(name, api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
	}
	return nil
}

func (c *Client) record(ctx context.Context, name string, req any) (protocol.Signed, error) {
	var r recordReply
	if err := c.do(ctx, name, req, &r); err != nil {
		return protocol.Signed{}, err
	}
	rec, err := protocol.Open(r.Record)
	if err != nil {
		return protocol.Signed{}, api.E(name, api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
	}
	return rec, nil
}

// Status implements api.Service.
func (c *Client) Status(ctx context.Context) (api.Status, error) {
	var s api.Status
	return s, c.do(ctx, "status", struct{}{}, &s)
}

// Publish implements api.Service.
func (c *Client) Publish(ctx context.Context, d api.Draft) (protocol.Signed, error) {
	w, err := encodeDraft(d)
	if err != nil {
		return protocol.Signed{}, api.E("publish", api.ErrInvalid, err)
	}
	return c.record(ctx, "publish", w)
}

// Get implements api.Service.
func (c *Client) Get(ctx context.Context, id protocol.CID) (protocol.Signed, error) {
	return c.record(ctx, "get", struct{ CID protocol.CID }{id})
}

// List implements api.Service.
func (c *Client) List(ctx context.Context, f api.Filter) (api.Page, error) {
	var w wirePage
	if err := c.do(ctx, "list", f, &w); err != nil {
		return api.Page{}, err
	}
	recs, err := openAll(w.Records)
	if err != nil {
		return api.Page{}, api.E("list", api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
	}
	return api.Page{Records: recs, Next: w.Next}, nil
}

// Watch implements api.Service. The channel closes when ctx is done, the
// node closes, or the connection to it breaks.
func (c *Client) Watch(ctx context.Context) (<-chan api.Event, error) {
	resp, err := c.post(ctx, "watch", struct{}{})
	if err != nil {
		return nil, err
	}
	ch := make(chan api.Event, api.WatchBuffer)
	go func() {
		defer close(ch)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			var f frame
			if decodeJSON(sc.Bytes(), &f) != nil || f.Event == nil {
				continue
			}
			select {
			case ch <- *f.Event:
			case <-ctx.Done():
				return
			}
		}
	}()
	return ch, nil
}

// Identity implements api.App.
func (c *Client) Identity(ctx context.Context) (api.Identity, error) {
	var id api.Identity
	return id, c.do(ctx, "identity", struct{}{}, &id)
}

// CreateIdentity implements api.App. A relative BackupPath is taken from
// the caller's working directory.
func (c *Client) CreateIdentity(ctx context.Context, s api.Setup) (api.Identity, error) {
	if s.BackupPath != "" {
		s.BackupPath = abs(s.BackupPath)
	}
	var id api.Identity
	return id, c.do(ctx, "create-identity", s, &id)
}

// RestoreIdentity implements api.App.
func (c *Client) RestoreIdentity(ctx context.Context, r api.Restore) (api.Identity, error) {
	var id api.Identity
	r.Path = abs(r.Path)
	return id, c.do(ctx, "restore-identity", r, &id)
}

// BackupKeys implements api.App. A relative path is taken from the
// caller's working directory.
func (c *Client) BackupKeys(ctx context.Context, b api.Backup) error {
	b.Path = abs(b.Path)
	return c.do(ctx, "backup-keys", b, nil)
}

// RotateDevice implements api.App.
func (c *Client) RotateDevice(ctx context.Context, orgPassphrase string) (api.Identity, error) {
	var id api.Identity
	return id, c.do(ctx, "rotate-device", rotateRequest{OrgPassphrase: orgPassphrase}, &id)
}

// RevokeDevice implements api.App.
func (c *Client) RevokeDevice(ctx context.Context, r api.DeviceRevocation) (api.Identity, error) {
	var id api.Identity
	return id, c.do(ctx, "revoke-device", r, &id)
}

// SetOrgPassphrase implements api.App. A relative BackupPath is taken from
// the caller's working directory.
func (c *Client) SetOrgPassphrase(ctx context.Context, p api.OrgPassphrase) (api.Identity, error) {
	if p.BackupPath != "" {
		p.BackupPath = abs(p.BackupPath)
	}
	var id api.Identity
	return id, c.do(ctx, "set-org-passphrase", p, &id)
}

// SetLabelSettings implements api.App.
func (c *Client) SetLabelSettings(ctx context.Context, l api.LabelSettings) (api.Identity, error) {
	var id api.Identity
	return id, c.do(ctx, "set-label-settings", l, &id)
}

// Anchors implements api.App.
func (c *Client) Anchors(ctx context.Context) ([]provenance.Anchor, error) {
	var a []provenance.Anchor
	return a, c.do(ctx, "anchors", struct{}{}, &a)
}

// AddAnchor implements api.App.
func (c *Client) AddAnchor(ctx context.Context, key protocol.PublicKey, name string) error {
	return c.do(ctx, "add-anchor", anchorRequest{Key: key, Name: name}, nil)
}

// RemoveAnchor implements api.App.
func (c *Client) RemoveAnchor(ctx context.Context, key protocol.PublicKey) error {
	return c.do(ctx, "remove-anchor", anchorRequest{Key: key}, nil)
}

// Verify implements api.App.
func (c *Client) Verify(ctx context.Context, req api.VerifyRequest) (*provenance.Report, error) {
	var r provenance.Report
	if err := c.do(ctx, "verify", req, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// ImportRecords implements api.App.
func (c *Client) ImportRecords(ctx context.Context, records [][]byte) (api.ImportResult, error) {
	var r api.ImportResult
	err := c.do(ctx, "import-records", struct {
		Records [][]byte `json:"records"`
	}{records}, &r)
	return r, err
}

// ImportPlaces implements api.App; progress is called as the node reports it.
func (c *Client) ImportPlaces(ctx context.Context, imp api.PlaceImport, progress func(done, total int64)) (api.PlaceImportResult, error) {
	var res api.PlaceImportResult
	err := c.stream(ctx, "import-places", imp, progress, &res)
	return res, err
}

// Evidence implements api.App. Each record is opened again here (decoded,
// its signature and CID checked), as if it came from a peer.
func (c *Client) Evidence(ctx context.Context, req api.VerifyRequest) (*api.Evidence, error) {
	var w evidenceWire
	if err := c.do(ctx, "evidence", req, &w); err != nil {
		return nil, err
	}
	recs, err := openAll(w.Records)
	if err != nil {
		return nil, api.E("evidence", api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
	}
	return &api.Evidence{Report: w.Report, Records: recs, Network: w.Network, Maker: w.Maker}, nil
}

// Batches implements api.App.
func (c *Client) Batches(ctx context.Context, f api.BatchFilter) ([]api.Batch, error) {
	var b []api.Batch
	return b, c.do(ctx, "batches", f, &b)
}

// Batch implements api.App.
func (c *Client) Batch(ctx context.Context, id protocol.BatchID) (api.Batch, error) {
	var b api.Batch
	return b, c.do(ctx, "batch", struct{ ID protocol.BatchID }{id}, &b)
}

// Incoming implements api.App.
func (c *Client) Incoming(ctx context.Context) ([]api.Incoming, error) {
	var in []api.Incoming
	return in, c.do(ctx, "incoming", struct{}{}, &in)
}

// Orgs implements api.App.
func (c *Client) Orgs(ctx context.Context) ([]api.Org, error) {
	var o []api.Org
	return o, c.do(ctx, "orgs", struct{}{}, &o)
}

// Places implements api.App.
func (c *Client) Places(ctx context.Context) ([]api.Place, error) {
	var p []api.Place
	return p, c.do(ctx, "places", struct{}{}, &p)
}

// Reindex implements api.App; progress is called as the node reports it.
func (c *Client) Reindex(ctx context.Context, progress func(done, total int64)) error {
	return c.stream(ctx, "reindex", struct{}{}, progress, nil)
}

// stream makes a call that reports progress (streamCall on the server):
// progress hears each report, and the end frame's answer is decoded into
// resp (nil: none wanted) or its error returned.
func (c *Client) stream(ctx context.Context, name string, req any, progress func(done, total int64), resp any) error {
	op := strings.ReplaceAll(name, "-", " ")
	r, err := c.post(ctx, name, req)
	if err != nil {
		return err
	}
	defer r.Body.Close()
	sc := bufio.NewScanner(r.Body)
	sc.Buffer(make([]byte, 64<<10), 64<<20) // an end frame carries the answer
	for sc.Scan() {
		var f frame
		if err := decodeJSON(sc.Bytes(), &f); err != nil {
			return api.E(op, api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
		}
		if !f.End {
			if progress != nil {
				progress(f.Done, f.Total)
			}
			continue
		}
		if resp != nil && len(f.Result) > 0 {
			if err := decodeJSON(f.Result, resp); err != nil {
				return api.E(op, api.ErrUnavailable, fmt.Errorf("local API answer: %w", err))
			}
		}
		if f.Error != nil {
			return f.Error.err()
		}
		return nil
	}
	if ctx.Err() != nil {
		return api.E(op, nil, ctx.Err())
	}
	return api.E(op, api.ErrUnavailable, errors.New("local API: the node stopped answering"))
}

// Check implements api.App.
func (c *Client) Check(ctx context.Context) ([]string, error) {
	var d []string
	return d, c.do(ctx, "check", struct{}{}, &d)
}

func abs(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return p
}
