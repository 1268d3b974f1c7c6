package localapi

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/prototest"
	"github.com/jejak/jejak/protocol/provenance"
)

// seenService is an api.Service that does nothing but keep the request
// the server decoded for it: the server's decoding of what a client sent
// is what FuzzHandler tests, not the node (whose calls would write files
// where a fuzzed path says).
type seenService struct {
	mu   sync.Mutex
	call string
	arg  any
}

func (s *seenService) saw(call string, arg any) {
	s.mu.Lock()
	s.call, s.arg = call, arg
	s.mu.Unlock()
}

func (s *seenService) Status(context.Context) (api.Status, error) {
	s.saw("status", nil)
	return api.Status{}, nil
}
func (s *seenService) Publish(_ context.Context, d api.Draft) (protocol.Signed, error) {
	s.saw("publish", d)
	return protocol.Signed{}, nil
}
func (s *seenService) Get(_ context.Context, c protocol.CID) (protocol.Signed, error) {
	s.saw("get", c)
	return protocol.Signed{}, api.E("get", api.ErrNotFound, nil)
}
func (s *seenService) List(_ context.Context, f api.Filter) (api.Page, error) {
	s.saw("list", f)
	return api.Page{}, nil
}
func (s *seenService) Watch(context.Context) (<-chan api.Event, error) {
	s.saw("watch", nil)
	ch := make(chan api.Event)
	close(ch)
	return ch, nil
}
func (s *seenService) Identity(context.Context) (api.Identity, error) {
	s.saw("identity", nil)
	return api.Identity{}, nil
}
func (s *seenService) CreateIdentity(_ context.Context, st api.Setup) (api.Identity, error) {
	s.saw("create-identity", st)
	return api.Identity{}, nil
}
func (s *seenService) RestoreIdentity(_ context.Context, r api.Restore) (api.Identity, error) {
	s.saw("restore-identity", r)
	return api.Identity{}, nil
}
func (s *seenService) BackupKeys(_ context.Context, b api.Backup) error {
	s.saw("backup-keys", b)
	return nil
}
func (s *seenService) RotateDevice(_ context.Context, orgPassphrase string) (api.Identity, error) {
	s.saw("rotate-device", rotateRequest{OrgPassphrase: orgPassphrase})
	return api.Identity{}, nil
}
func (s *seenService) RevokeDevice(_ context.Context, r api.DeviceRevocation) (api.Identity, error) {
	s.saw("revoke-device", r)
	return api.Identity{}, nil
}
func (s *seenService) SetOrgPassphrase(_ context.Context, p api.OrgPassphrase) (api.Identity, error) {
	s.saw("set-org-passphrase", p)
	return api.Identity{}, nil
}
func (s *seenService) SetLabelSettings(_ context.Context, l api.LabelSettings) (api.Identity, error) {
	s.saw("set-label-settings", l)
	return api.Identity{}, nil
}
func (s *seenService) Anchors(context.Context) ([]provenance.Anchor, error) {
	s.saw("anchors", nil)
	return nil, nil
}
func (s *seenService) AddAnchor(_ context.Context, k protocol.PublicKey, name string) error {
	s.saw("add-anchor", anchorRequest{Key: k, Name: name})
	return nil
}
func (s *seenService) RemoveAnchor(_ context.Context, k protocol.PublicKey) error {
	s.saw("remove-anchor", anchorRequest{Key: k})
	return nil
}
func (s *seenService) Verify(_ context.Context, r api.VerifyRequest) (*provenance.Report, error) {
	s.saw("verify", r)
	return nil, api.E("verify", api.ErrNotFound, nil)
}
func (s *seenService) Evidence(_ context.Context, r api.VerifyRequest) (*api.Evidence, error) {
	s.saw("evidence", r)
	return nil, api.E("evidence", api.ErrNotFound, nil)
}
func (s *seenService) ImportRecords(_ context.Context, recs [][]byte) (api.ImportResult, error) {
	s.saw("import-records", recs)
	return api.ImportResult{}, nil
}
func (s *seenService) ImportPlaces(_ context.Context, imp api.PlaceImport, progress func(done, total int64)) (api.PlaceImportResult, error) {
	s.saw("import-places", imp)
	progress(1, 2)
	return api.PlaceImportResult{}, nil
}
func (s *seenService) Batches(_ context.Context, f api.BatchFilter) ([]api.Batch, error) {
	s.saw("batches", f)
	return nil, nil
}
func (s *seenService) Batch(_ context.Context, id protocol.BatchID) (api.Batch, error) {
	s.saw("batch", id)
	return api.Batch{}, api.E("batch", api.ErrNotFound, nil)
}
func (s *seenService) Incoming(context.Context) ([]api.Incoming, error) {
	s.saw("incoming", nil)
	return nil, nil
}
func (s *seenService) Orgs(context.Context) ([]api.Org, error) {
	s.saw("orgs", nil)
	return nil, nil
}
func (s *seenService) Places(context.Context) ([]api.Place, error) {
	s.saw("places", nil)
	return nil, nil
}
func (s *seenService) Reindex(_ context.Context, progress func(done, total int64)) error {
	s.saw("reindex", nil)
	return nil
}
func (s *seenService) Check(context.Context) ([]string, error) {
	s.saw("check", nil)
	return nil, nil
}

// fuzzCalls are the local API's calls, as a client names them.
var fuzzCalls = []string{
	"status", "publish", "get", "list", "identity", "create-identity", "restore-identity", "backup-keys",
	"rotate-device", "anchors", "add-anchor", "remove-anchor", "verify", "import-records", "evidence",
	"batches", "batch", "incoming", "orgs", "places", "check", "watch", "import-places", "reindex",
	// Later calls go last, so that the committed corpus keeps naming the
	// calls it was found for.
	"revoke-device", "set-org-passphrase", "set-label-settings",
}

// FuzzHandler sends the local API's server a request body for one of its
// calls, as a client (or anything else that can reach the socket) might.
// The server answers 200 with JSON, or 422 with an error on the wire; a
// body it cannot read is refused as invalid before the service sees it;
// and a draft it hands to Publish encodes and decodes again to the same
// draft.
func FuzzHandler(f *testing.F) {
	place := &protocol.Place{Name: "Kilang Sawit Bukit Lebam", Kind: protocol.PlaceMill, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.951, 1.802))}
	origin := &protocol.Origin{}
	rec := prototest.NewFeed(prototest.Key("mill")).MustAdd(place)
	index := func(name string) uint8 {
		for i, c := range fuzzCalls {
			if c == name {
				return uint8(i)
			}
		}
		panic(name)
	}
	add := func(name string, v any) {
		b, err := json.Marshal(v)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(index(name), b)
	}
	for _, body := range []protocol.Body{place, origin} {
		w, err := encodeDraft(api.Draft{Body: body, ID: api.NewDraftID()})
		if err != nil {
			f.Fatal(err)
		}
		add("publish", w)
	}
	add("get", struct{ CID protocol.CID }{rec.CID})
	add("list", api.Filter{Type: protocol.TypePlace, Author: rec.Author, Limit: 10})
	add("add-anchor", anchorRequest{Key: rec.Author, Name: "mill"})
	add("verify", api.VerifyRequest{Batch: protocol.BatchID{Record: rec.CID}})
	add("batch", struct{ ID protocol.BatchID }{protocol.BatchID{Record: rec.CID, Index: 2}})
	add("import-records", struct {
		Records [][]byte `json:"records"`
	}{[][]byte{rec.Bytes}})
	add("import-places", api.PlaceImport{Source: "sha256:00", Places: []protocol.Place{*place}})
	add("batches", api.BatchFilter{Held: true, Text: "CPO"})
	add("create-identity", api.Setup{Name: "Kilang", Country: "MY", Passphrase: "12345678"})
	for i := range fuzzCalls {
		f.Add(uint8(i), []byte(""))
		f.Add(uint8(i), []byte(`{"type":"place","body":{"name":""},"key":"ed25519:","CID":"","ID":"bafy/1"}`))
	}
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		svc := &seenService{}
		h := Handler(svc)
		name := fuzzCalls[int(which)%len(fuzzCalls)]
		req := httptest.NewRequest(http.MethodPost, "/v1/"+name, bytes.NewReader(body))
		rr := httptest.NewRecorder()
		h.ServeHTTP(rr, req)
		switch rr.Code {
		case http.StatusOK:
			checkAnswer(t, name, rr)
		case http.StatusUnprocessableEntity:
			var we wireError
			if err := json.Unmarshal(rr.Body.Bytes(), &we); err != nil || we.Msg == "" && we.Kind == "" {
				t.Fatalf("%s: an error that does not say what: %q (%v)", name, rr.Body.String(), err)
			}
			if svc.call == "" && (we.Kind != "invalid" || !strings.Contains(we.Msg, "localapi: request") && name != "publish") {
				t.Fatalf("%s: refused before the service, but not as an invalid request: %+v", name, we)
			}
		default:
			t.Fatalf("%s: status %d: %s", name, rr.Code, rr.Body.String())
		}
		if svc.call != "" && svc.call != name {
			t.Fatalf("%s reached the service's %s", name, svc.call)
		}
		if d, ok := svc.arg.(api.Draft); ok {
			checkDraft(t, d)
		}
	})
}

// checkAnswer reads an answer of 200: one JSON value, or for the calls
// that stream, lines of frames ending with an end frame.
func checkAnswer(t *testing.T, name string, rr *httptest.ResponseRecorder) {
	t.Helper()
	if !strings.HasPrefix(rr.Header().Get("Content-Type"), "application/x-ndjson") {
		var v any
		if err := json.Unmarshal(rr.Body.Bytes(), &v); err != nil {
			t.Fatalf("%s: answer is not JSON: %v", name, err)
		}
		return
	}
	sc := bufio.NewScanner(rr.Body)
	var last frame
	for sc.Scan() {
		if err := json.Unmarshal(sc.Bytes(), &last); err != nil {
			t.Fatalf("%s: a frame is not JSON: %v", name, err)
		}
	}
	if name != "watch" && !last.End {
		t.Fatalf("%s: the stream has no end frame", name)
	}
}

// checkDraft encodes a draft the server decoded as the client does, and
// decodes it again as the server does: it must be the same draft.
func checkDraft(t *testing.T, d api.Draft) {
	t.Helper()
	if d.Body == nil {
		t.Fatal("the service got a draft without a body")
	}
	w, err := encodeDraft(d)
	if err != nil {
		t.Fatalf("a decoded draft does not encode: %v", err)
	}
	b, err := json.Marshal(w)
	if err != nil {
		t.Fatal(err)
	}
	var w2 wireDraft
	if err := decodeJSON(b, &w2); err != nil {
		t.Fatalf("an encoded draft does not decode: %v\n%s", err, b)
	}
	d2, err := decodeDraft(w2)
	if err != nil {
		t.Fatalf("an encoded draft does not decode: %v\n%s", err, b)
	}
	if !reflect.DeepEqual(d, d2) {
		t.Fatalf("the draft changed in a round trip:\n%#v\n%#v\n%s", d.Body, d2.Body, b)
	}
}
