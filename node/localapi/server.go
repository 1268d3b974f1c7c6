package localapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// ErrRunning means another process already answers on the socket.
var ErrRunning = errors.New("another Jejak node is already serving this data folder")

// Listen listens on the socket of the data folder dataDir, with owner-only
// permissions. A socket left behind by a process that is gone is removed
// first; a socket that answers is another node's, and Listen returns an
// error wrapping ErrRunning.
func Listen(dataDir string) (net.Listener, error) {
	path := SocketPath(dataDir)
	if _, err := os.Lstat(path); err == nil {
		if c, err := net.DialTimeout("unix", path, time.Second); err == nil {
			c.Close()
			return nil, fmt.Errorf("localapi: listen %s: %w", path, ErrRunning)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("localapi: remove stale socket: %w", err)
		}
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("localapi: listen: %w", err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(true)
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("localapi: listen: %w", err)
	}
	return l, nil
}

// Serve answers requests on l with svc until ctx is done, then stops: open
// Watch streams end, and Serve returns once the handlers have returned (or
// after five seconds). It closes l. It returns nil after ctx ends, or the
// error that stopped it. Each connection's caller must run as the node's
// user or as root (peercred.go); any other is refused with an error that
// says so.
func Serve(ctx context.Context, l net.Listener, svc api.Service) error {
	srv := &http.Server{
		Handler:           refuseStrangers(Handler(svc)),
		BaseContext:       func(net.Listener) context.Context { return ctx },
		ConnContext:       checkPeer,
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          nil,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return fmt.Errorf("localapi: serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		srv.Close()
	}
	<-done
	return nil
}

// Handler returns the HTTP handler of the local API for svc.
func Handler(svc api.Service) http.Handler {
	mux := http.NewServeMux()
	none := struct{}{}
	call(mux, "status", func(ctx context.Context, _ struct{}) (api.Status, error) { return svc.Status(ctx) })
	call(mux, "publish", func(ctx context.Context, w wireDraft) (recordReply, error) {
		d, err := decodeDraft(w)
		if err != nil {
			return recordReply{}, api.E("publish", api.ErrInvalid, err)
		}
		return reply(svc.Publish(ctx, d))
	})
	call(mux, "get", func(ctx context.Context, r struct{ CID protocol.CID }) (recordReply, error) {
		return reply(svc.Get(ctx, r.CID))
	})
	call(mux, "list", func(ctx context.Context, f api.Filter) (wirePage, error) {
		p, err := svc.List(ctx, f)
		if err != nil {
			return wirePage{}, err
		}
		return wirePage{Next: p.Next, Records: bytesOf(p.Records)}, nil
	})
	call(mux, "identity", func(ctx context.Context, _ struct{}) (api.Identity, error) { return svc.Identity(ctx) })
	call(mux, "create-identity", func(ctx context.Context, s api.Setup) (api.Identity, error) { return svc.CreateIdentity(ctx, s) })
	call(mux, "restore-identity", func(ctx context.Context, r api.Restore) (api.Identity, error) {
		return svc.RestoreIdentity(ctx, r)
	})
	call(mux, "backup-keys", func(ctx context.Context, b api.Backup) (struct{}, error) {
		return none, svc.BackupKeys(ctx, b)
	})
	call(mux, "rotate-device", func(ctx context.Context, r rotateRequest) (api.Identity, error) {
		return svc.RotateDevice(ctx, r.OrgPassphrase)
	})
	call(mux, "revoke-device", func(ctx context.Context, r api.DeviceRevocation) (api.Identity, error) {
		return svc.RevokeDevice(ctx, r)
	})
	call(mux, "set-org-passphrase", func(ctx context.Context, p api.OrgPassphrase) (api.Identity, error) {
		return svc.SetOrgPassphrase(ctx, p)
	})
	call(mux, "set-label-settings", func(ctx context.Context, l api.LabelSettings) (api.Identity, error) {
		return svc.SetLabelSettings(ctx, l)
	})
	call(mux, "anchors", func(ctx context.Context, _ struct{}) ([]provenance.Anchor, error) { return svc.Anchors(ctx) })
	call(mux, "add-anchor", func(ctx context.Context, r anchorRequest) (struct{}, error) {
		return none, svc.AddAnchor(ctx, r.Key, r.Name)
	})
	call(mux, "remove-anchor", func(ctx context.Context, r anchorRequest) (struct{}, error) {
		return none, svc.RemoveAnchor(ctx, r.Key)
	})
	call(mux, "verify", func(ctx context.Context, r api.VerifyRequest) (*provenance.Report, error) {
		return svc.Verify(ctx, r)
	})
	callLimit(mux, "import-records", maxImportRequest, func(ctx context.Context, r struct {
		Records [][]byte `json:"records"`
	}) (api.ImportResult, error) {
		return svc.ImportRecords(ctx, r.Records)
	})
	call(mux, "evidence", func(ctx context.Context, r api.VerifyRequest) (evidenceWire, error) {
		e, err := svc.Evidence(ctx, r)
		if err != nil {
			return evidenceWire{}, err
		}
		return evidenceWire{Report: e.Report, Records: bytesOf(e.Records), Network: e.Network, Maker: e.Maker}, nil
	})
	call(mux, "batches", func(ctx context.Context, f api.BatchFilter) ([]api.Batch, error) { return svc.Batches(ctx, f) })
	call(mux, "batch", func(ctx context.Context, r struct{ ID protocol.BatchID }) (api.Batch, error) {
		return svc.Batch(ctx, r.ID)
	})
	call(mux, "incoming", func(ctx context.Context, _ struct{}) ([]api.Incoming, error) { return svc.Incoming(ctx) })
	call(mux, "orgs", func(ctx context.Context, _ struct{}) ([]api.Org, error) { return svc.Orgs(ctx) })
	call(mux, "places", func(ctx context.Context, _ struct{}) ([]api.Place, error) { return svc.Places(ctx) })
	call(mux, "check", func(ctx context.Context, _ struct{}) ([]string, error) { return svc.Check(ctx) })
	mux.HandleFunc("POST /v1/watch", func(w http.ResponseWriter, r *http.Request) {
		ch, err := svc.Watch(r.Context())
		if err != nil {
			writeError(w, err)
			return
		}
		s := startStream(w)
		for e := range ch {
			if !s.send(frame{Event: &e}) {
				return
			}
		}
	})
	streamCall(mux, "import-places", maxImportRequest, func(ctx context.Context, imp api.PlaceImport, progress func(done, total int64)) (api.PlaceImportResult, error) {
		return svc.ImportPlaces(ctx, imp, progress)
	})
	streamCall(mux, "reindex", maxRequest, func(ctx context.Context, _ struct{}, progress func(done, total int64)) (struct{}, error) {
		return none, svc.Reindex(ctx, progress)
	})
	return mux
}

// streamCall registers POST /v1/<name> for a call that reports progress:
// one frame per progress report, then an end frame with the answer or the
// error.
func streamCall[Req, Resp any](mux *http.ServeMux, name string, limit int64, f func(context.Context, Req, func(done, total int64)) (Resp, error)) {
	mux.HandleFunc("POST /v1/"+name, func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if err := readRequest(r, name, limit, &req); err != nil {
			writeError(w, err)
			return
		}
		s := startStream(w)
		res, err := f(r.Context(), req, func(done, total int64) {
			s.send(frame{Done: done, Total: total})
		})
		end := frame{End: true}
		if b, merr := json.Marshal(res); merr == nil {
			end.Result = b
		}
		if err != nil {
			we := encodeError(err)
			end.Error = &we
		}
		s.send(end)
	})
}

type recordReply struct {
	Record []byte `json:"record"`
}

func reply(rec protocol.Signed, err error) (recordReply, error) {
	if err != nil {
		return recordReply{}, err
	}
	return recordReply{Record: rec.Bytes}, nil
}

type rotateRequest struct {
	OrgPassphrase string `json:"org_passphrase,omitempty"`
}

type anchorRequest struct {
	Key  protocol.PublicKey `json:"key"`
	Name string             `json:"name,omitempty"`
}

// evidenceWire is api.Evidence on the wire: each record as its bytes,
// which the client opens again.
type evidenceWire struct {
	Report  *provenance.Report `json:"report"`
	Records [][]byte           `json:"records"`
	Network string             `json:"network"`
	Maker   string             `json:"maker"`
}

// frame is one line of a streamed answer (Watch, Reindex).
type frame struct {
	Event *api.Event `json:"event,omitempty"`
	Done  int64      `json:"done,omitempty"`
	Total int64      `json:"total,omitempty"`
	End   bool       `json:"end,omitempty"`
	Error *wireError `json:"error,omitempty"`
	// Result is the answer of a streamed call that has one, with End.
	Result json.RawMessage `json:"result,omitempty"`
}

// call registers POST /v1/<name>, which decodes a Req, calls f and writes
// its answer or its error.
func call[Req, Resp any](mux *http.ServeMux, name string, f func(context.Context, Req) (Resp, error)) {
	callLimit(mux, name, maxRequest, f)
}

// The largest request: most calls carry a draft or a path; imports carry
// files (a CAR of up to 32 MiB is some 43 MiB as JSON).
const (
	maxRequest       = 8 << 20
	maxImportRequest = 160 << 20
)

// readRequest decodes the request body into req, reading at most limit
// bytes: a longer body is an error, not a truncated request.
func readRequest(r *http.Request, name string, limit int64, req any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err == nil && int64(len(body)) > limit {
		err = fmt.Errorf("more than %d MiB", limit>>20)
	}
	if err == nil && len(body) > 0 {
		err = decodeJSON(body, req)
	}
	if err != nil {
		return api.E(name, api.ErrInvalid, fmt.Errorf("localapi: request: %w", err))
	}
	return nil
}

func callLimit[Req, Resp any](mux *http.ServeMux, name string, limit int64, f func(context.Context, Req) (Resp, error)) {
	mux.HandleFunc("POST /v1/"+name, func(w http.ResponseWriter, r *http.Request) {
		var req Req
		if err := readRequest(r, name, limit, &req); err != nil {
			writeError(w, err)
			return
		}
		resp, err := f(r.Context(), req)
		if err != nil {
			writeError(w, err)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(resp)
	})
}

func writeError(w http.ResponseWriter, err error) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusUnprocessableEntity)
	json.NewEncoder(w).Encode(encodeError(err))
}

type stream struct {
	w   http.ResponseWriter
	enc *json.Encoder
	rc  *http.ResponseController
}

func startStream(w http.ResponseWriter) *stream {
	w.Header().Set("Content-Type", "application/x-ndjson")
	w.WriteHeader(http.StatusOK)
	rc := http.NewResponseController(w)
	rc.Flush()
	return &stream{w: w, enc: json.NewEncoder(w), rc: rc}
}

func (s *stream) send(f frame) bool {
	if err := s.enc.Encode(f); err != nil {
		return false
	}
	return s.rc.Flush() == nil
}
