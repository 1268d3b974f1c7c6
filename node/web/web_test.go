package web_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/node/web"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// relay is an install on 127.0.0.1 (mDNS and DHT off) holding s's records,
// as a relay that synced them holds them.
func relay(t testing.TB, s *scenario.Scenario) *node.Node {
	t.Helper()
	ctx := context.Background()
	n, err := node.New(ctx, node.Config{DataDir: t.TempDir(), Net: p2p.Config{Network: "test",
		ListenAddrs: []string{"/ip4/127.0.0.1/tcp/0"}, SyncInterval: -1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	var datas [][]byte
	for _, r := range s.Records {
		datas = append(datas, r.Bytes)
	}
	if _, err := n.ImportRecords(ctx, datas); err != nil {
		t.Fatal(err)
	}
	return n
}

// fakeAssets stand in for the page and the verifier: these tests are about
// the server (the browser test serves the real ones).
var fakeAssets = fstest.MapFS{
	"index.html":   {Data: []byte("<!doctype html><title>Jejak</title>")},
	"verify.wasm":  {Data: bytes.Repeat([]byte("\x00asm wasm "), 4000)},
	"wasm_exec.js": {Data: []byte("// Go's loader")},
}

func server(t testing.TB, src web.Source, mod func(*web.Config)) *httptest.Server {
	t.Helper()
	cfg := web.Config{Source: src, Assets: fakeAssets}
	if mod != nil {
		mod(&cfg)
	}
	h, err := web.Handler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t testing.TB, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	tr := &http.Transport{DisableCompression: true}
	resp, err := (&http.Client{Transport: tr}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

func errorOf(t testing.TB, body []byte) string {
	t.Helper()
	var e struct{ Error string }
	if err := json.Unmarshal(body, &e); err != nil || e.Error == "" {
		t.Fatalf("body %q is not a JSON error", body)
	}
	return e.Error
}

// TestCapsuleFromTheRelayVerifies: the relay's capsule of a batch gives
// the honest chain's verdict to a reader with their own anchors, and the
// dishonest chain's double claim, in upper or lower case.
func TestCapsuleFromTheRelayVerifies(t *testing.T) {
	for _, s := range []*scenario.Scenario{scenario.HonestPalm(), scenario.DoubleClaim()} {
		t.Run(s.Name, func(t *testing.T) {
			srv := server(t, relay(t, s), nil)
			for _, id := range []string{s.Batch.String(), strings.ToUpper(s.Batch.String())} {
				resp, body := get(t, srv.URL+"/capsule/"+id)
				if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/vnd.ipld.car; version=1" {
					t.Fatalf("%s: %s %q", id, resp.Status, body)
				}
				var anchors []string
				for _, a := range s.Anchors {
					anchors = append(anchors, a.String())
				}
				res := capsule.Check(context.Background(), body, capsule.CheckOptions{Batch: s.Batch.String(), Anchors: anchors, Network: "test"})
				if !res.OK || string(res.Report.Verdict) != s.Verdict {
					t.Fatalf("%s: %+v, want %s", id, res, s.Verdict)
				}
				if res.Capsule.Network != "test" || !strings.HasPrefix(res.Capsule.Maker, "node ") || time.Since(res.Capsule.Made) > time.Minute {
					t.Errorf("manifest %+v", res.Capsule.Manifest)
				}
				if s.Verdict == "failed" && res.Report.Check("double_claim").Status != provenance.Fail {
					t.Errorf("double claim not named: %s", res.Report.Summary)
				}
			}
		})
	}
}

func TestPagesAndErrors(t *testing.T) {
	s := scenario.HonestPalm()
	srv := server(t, relay(t, s), nil)
	id := s.Batch.String()
	for _, path := range []string{"/", "/b/" + id, "/B/" + strings.ToUpper(id), "/b/" + id + "/",
		"/01/09506000134352/10/LOT-7?jb=" + id} {
		resp, body := get(t, srv.URL+path)
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
			resp.Header.Get("Content-Security-Policy") != web.CSP || resp.Header.Get("X-Content-Type-Options") != "nosniff" ||
			!bytes.Contains(body, []byte("<title>Jejak")) {
			t.Errorf("%s: %s %v %q", path, resp.Status, resp.Header, body)
		}
	}
	other := protocol.BatchID{Record: protocol.ComputeCID([]byte("no such record"))}
	for _, tc := range []struct {
		path string
		code int
		says string
	}{
		{"/capsule/" + other.String(), 404, "has no batch"},
		{"/capsule/not-a-batch", 400, "batch ID cannot be read"},
		{"/b/bafy/x/y/z", 400, "names no batch"},
		{"/01/09506000134352/10/L?jb=nonsense", 400, "jb"},
		{"/static/../../etc/passwd", 404, "no such"},
		{"/static/", 404, "no such"},
		{"/static/nothing.js", 404, "no such file"},
		{"/etc/passwd", 404, "no such page"},
		{"/b/" + strings.Repeat("x", 600), 400, "too long"},
	} {
		resp, body := get(t, srv.URL+tc.path)
		if resp.StatusCode != tc.code || resp.Header.Get("Content-Type") != "application/json" || !strings.Contains(errorOf(t, body), tc.says) {
			t.Errorf("%s: %s %q, want %d saying %q", tc.path, resp.Status, body, tc.code, tc.says)
		}
	}
	resp, err := http.Post(srv.URL+"/capsule/"+id, "application/octet-stream", strings.NewReader("x"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "GET, HEAD" {
		t.Errorf("POST: %s", resp.Status)
	}
}

// TestVerifierIsSentCompressed: the wasm goes gzipped to a browser that
// takes it, whole to one that does not, with its own content type.
func TestVerifierIsSentCompressed(t *testing.T) {
	srv := server(t, relay(t, scenario.HonestPalm()), nil)
	resp, gz := get(t, srv.URL+"/static/verify.wasm", "Accept-Encoding", "gzip, deflate, br")
	if resp.Header.Get("Content-Encoding") != "gzip" || resp.Header.Get("Content-Type") != "application/wasm" {
		t.Fatalf("%v", resp.Header)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(zr)
	if !bytes.Equal(raw, fakeAssets["verify.wasm"].Data) || len(gz) >= len(raw) {
		t.Fatalf("gzip %d bytes of %d", len(gz), len(raw))
	}
	resp, whole := get(t, srv.URL+"/static/verify.wasm")
	if resp.Header.Get("Content-Encoding") != "" || !bytes.Equal(whole, raw) {
		t.Fatalf("without gzip: %v, %d bytes", resp.Header, len(whole))
	}
}

// TestRateLimitPerAddress: past its burst an address gets 429 with a
// Retry-After and a message, and gets in again as time passes.
func TestRateLimitPerAddress(t *testing.T) {
	now := time.Date(2026, 12, 2, 12, 0, 0, 0, time.UTC)
	srv := server(t, relay(t, scenario.HonestPalm()), func(c *web.Config) {
		c.Rate, c.Burst = 60, 5
		c.Now = func() time.Time { return now }
	})
	for i := 0; i < 5; i++ {
		if resp, _ := get(t, srv.URL+"/"); resp.StatusCode != 200 {
			t.Fatalf("request %d: %s", i, resp.Status)
		}
	}
	resp, body := get(t, srv.URL+"/")
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(errorOf(t, body), "too many requests") {
		t.Fatalf("over the burst: %s %q", resp.Status, body)
	}
	now = now.Add(2 * time.Second)
	if resp, _ := get(t, srv.URL+"/"); resp.StatusCode != 200 {
		t.Fatalf("two seconds later: %s", resp.Status)
	}
}

// TestBuiltWithoutVerifier: a relay whose binary lacks the wasm serves the
// page, and says so for the verifier instead of a bare 404.
func TestBuiltWithoutVerifier(t *testing.T) {
	srv := server(t, relay(t, scenario.HonestPalm()), func(c *web.Config) {
		c.Assets = fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Jejak</title>")}}
	})
	resp, body := get(t, srv.URL+"/static/verify.wasm")
	if resp.StatusCode != 404 || !strings.Contains(errorOf(t, body), "built without the page's verifier") {
		t.Fatalf("%s %q", resp.Status, body)
	}
}

func FuzzParseRoute(f *testing.F) {
	id := scenario.HonestPalm().Batch.String()
	for _, p := range []string{"/", "/b/" + id, "/B/" + strings.ToUpper(id), "/capsule/" + id, "/01/09506000134352/10/L/21/7",
		"/static/app.js", "/static/../x", "/b/", "//", "/b/%2e%2e/x"} {
		f.Add(p, "jb="+id)
	}
	f.Fuzz(func(t *testing.T, path, query string) {
		r, err := web.ParseRoute(path, query)
		if err != nil {
			return
		}
		switch r.Kind {
		case "capsule":
			if r.Batch.IsZero() {
				t.Fatalf("%q: a capsule of no batch", path)
			}
		case "asset":
			if r.Asset == "" || strings.ContainsAny(r.Asset, "/\\") || strings.HasPrefix(r.Asset, ".") {
				t.Fatalf("%q: asset %q", path, r.Asset)
			}
		case "page":
		default:
			t.Fatalf("%q: kind %q", path, r.Kind)
		}
	})
}
