// Package web is the verification page a relay serves (`jejak-node serve
// --http ADDR`): GET /b/<batch> (and the GS1 Digital Link form
// /01/<GTIN>/10/<lot>?jb=<batch>) returns a page that fetches the batch's
// capsule from GET /capsule/<batch> and verifies it in the browser with
// Jejak's own code compiled to WebAssembly, so a relay that lies is caught
// on the phone.
//
// It is hardened as a public web server: only GET and HEAD, a fixed set of
// paths (no listing), timeouts, header and response size limits, a rate
// limit per address, a bound on capsules made at once, strict content
// types and a Content-Security-Policy. Production puts it behind the
// operator's TLS proxy (docs/OPERATING.md).
package web

import (
	"bytes"
	"compress/gzip"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
)

//go:embed static
var static embed.FS

//go:embed dist
var dist embed.FS

// Source is what the page needs of an install: the evidence behind a
// batch's verdict (api.Service has it).
type Source interface {
	Evidence(ctx context.Context, r api.VerifyRequest) (*api.Evidence, error)
}

// Config configures the Handler.
type Config struct {
	Source Source
	// Assets holds verify.wasm and wasm_exec.js; nil means the copy built
	// into this binary (see HasVerifier).
	Assets fs.FS
	// Rate is how many requests an address may make a minute (default
	// 120), Burst how many at once (default 30).
	Rate, Burst int
	// MaxCapsule bounds a capsule's bytes (default 32 MiB).
	MaxCapsule int
	// Busy is how many capsules may be made at once (default 4).
	Busy int
	// TrustProxy takes the client's address from the last entry of
	// X-Forwarded-For, for a relay behind its own TLS proxy.
	TrustProxy bool
	// Network is the Jejak network the relay is on: the page refuses a
	// capsule file of another (GET /about.json tells it).
	Network string
	Logger  *slog.Logger
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// HasVerifier says whether this binary was built with the page's verifier.
func HasVerifier() bool {
	_, err := fs.Stat(dist, "dist/verify.wasm")
	return err == nil
}

// CSP is the page's Content-Security-Policy: its own scripts and styles
// only, WebAssembly allowed, requests only to itself.
const CSP = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

type asset struct {
	typ  string
	data []byte
	gz   []byte // gzip of data, when worth it
}

type handler struct {
	cfg    Config
	assets map[string]*asset
	index  *asset
	busy   chan struct{}
	limit  *limiter
}

// Handler returns the page's HTTP handler. It fails when the assets cannot
// be read.
func Handler(cfg Config) (http.Handler, error) {
	if cfg.Source == nil {
		return nil, errors.New("web: no source of records")
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 120
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 30
	}
	if cfg.MaxCapsule <= 0 {
		cfg.MaxCapsule = 32 << 20
	}
	if cfg.Busy <= 0 {
		cfg.Busy = 4
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{cfg: cfg, assets: map[string]*asset{}, busy: make(chan struct{}, cfg.Busy),
		limit: newLimiter(cfg.Rate, cfg.Burst, cfg.Now)}
	types := map[string]string{".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
		".css": "text/css; charset=utf-8", ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8",
		".svg": "image/svg+xml", ".png": "image/png", ".json": "application/json"}
	add := func(fsys fs.FS, dir string, required bool) error {
		entries, err := fs.ReadDir(fsys, dir)
		if err != nil {
			if required {
				return fmt.Errorf("web: assets: %w", err)
			}
			return nil
		}
		for _, e := range entries {
			name := e.Name()
			dot := strings.LastIndexByte(name, '.')
			if e.IsDir() || dot < 0 || types[name[dot:]] == "" {
				continue
			}
			data, err := fs.ReadFile(fsys, pathJoin(dir, name))
			if err != nil {
				return fmt.Errorf("web: assets: %w", err)
			}
			a := &asset{typ: types[name[dot:]], data: data}
			if len(data) > 1024 {
				var b bytes.Buffer
				zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
				zw.Write(data)
				zw.Close()
				a.gz = b.Bytes()
			}
			h.assets[name] = a
		}
		return nil
	}
	if err := add(static, "static", true); err != nil {
		return nil, err
	}
	if cfg.Assets != nil {
		if err := add(cfg.Assets, ".", true); err != nil {
			return nil, err
		}
	} else if err := add(dist, "dist", false); err != nil {
		return nil, err
	}
	for _, l := range i18n.Langs {
		h.assets["messages/"+string(l)+".json"] = jsonAsset(PageMessages(l))
	}
	h.index = h.assets["index.html"]
	if h.index == nil {
		return nil, errors.New("web: assets: no index.html")
	}
	return h, nil
}

// PageMessages is the page's own texts in l, from each English text to
// its translation: every message of the catalog's "page." keys, and the
// names of roles as "role:<role>" (report.role.*). The page reads it from
// /static/messages/<lang>.json before anything else, so its first screen
// is in the reader's language without the verifier (which offers the
// same "page." texts as jejak.messages).
func PageMessages(l i18n.Lang) map[string]string {
	m := map[string]string{}
	for _, k := range i18n.Keys() {
		switch {
		case strings.HasPrefix(k, "page."):
			m[i18n.T(i18n.English, k)] = i18n.T(l, k)
		case strings.HasPrefix(k, "report.role."):
			m["role:"+strings.TrimPrefix(k, "report.role.")] = i18n.T(l, k)
		}
	}
	return m
}

// jsonAsset is v as a JSON asset, gzipped like the others.
func jsonAsset(v any) *asset {
	data, _ := json.Marshal(v)
	a := &asset{typ: "application/json", data: data}
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write(data)
	zw.Close()
	a.gz = b.Bytes()
	return a
}

func pathJoin(dir, name string) string {
	if dir == "." {
		return name
	}
	return dir + "/" + name
}

// Route is what a request path asks for.
type Route struct {
	Kind  string // "page", "capsule", "asset" or "about"
	Batch protocol.BatchID
	Asset string
	GTIN  string
	Lot   string
}

// ParseRoute reads a request path and query. Batch IDs are read in any
// case (labels are printed in upper case for a smaller QR code). An error
// says what is wrong with the path, for a 400 or 404 page.
func ParseRoute(path, rawQuery string) (Route, error) {
	if len(path) > 512 {
		return Route{}, errors.New("the address is too long")
	}
	parts := strings.Split(strings.TrimSuffix(path, "/"), "/")[1:]
	if len(parts) == 0 || parts[0] == "" {
		return Route{Kind: "page"}, nil
	}
	switch strings.ToLower(parts[0]) {
	case "b", "capsule":
		kind := "page"
		if strings.EqualFold(parts[0], "capsule") {
			kind = "capsule"
		}
		if len(parts) < 2 || len(parts) > 3 {
			return Route{}, errors.New("the address names no batch: it should end in /b/<batch ID>")
		}
		id, err := protocol.ParseBatchID(strings.Join(parts[1:], "/"))
		if err != nil {
			return Route{}, fmt.Errorf("the address's batch ID cannot be read: %v", err)
		}
		return Route{Kind: kind, Batch: id}, nil
	case "01":
		r := Route{Kind: "page"}
		if len(parts) < 2 || len(parts)%2 != 0 {
			return Route{}, errors.New("a GS1 Digital Link address must give key/value pairs: /01/<GTIN>/10/<lot>")
		}
		r.GTIN = parts[1]
		for i := 2; i+1 < len(parts); i += 2 {
			if parts[i] == "10" {
				r.Lot = parts[i+1]
			}
		}
		q, err := parseQuery(rawQuery)
		if err != nil {
			return Route{}, err
		}
		if jb := q["jb"]; jb != "" {
			id, err := protocol.ParseBatchID(jb)
			if err != nil {
				return Route{}, fmt.Errorf("the address's batch ID (jb) cannot be read: %v", err)
			}
			r.Batch = id
		}
		return r, nil
	case "static":
		if len(parts) == 3 && parts[1] == "messages" && strings.HasSuffix(parts[2], ".json") {
			// The page's texts in a language: /static/messages/<lang>.json.
			return Route{Kind: "asset", Asset: "messages/" + parts[2]}, nil
		}
		if len(parts) != 2 || parts[1] == "" || strings.HasPrefix(parts[1], ".") {
			return Route{}, errNotFound
		}
		return Route{Kind: "asset", Asset: parts[1]}, nil
	case "robots.txt":
		return Route{Kind: "asset", Asset: "robots.txt"}, nil
	case "about.json":
		return Route{Kind: "about"}, nil
	}
	return Route{}, errNotFound
}

var errNotFound = errors.New("there is no such page here: a batch's page is /b/<batch ID>")

func parseQuery(raw string) (map[string]string, error) {
	out := map[string]string{}
	if len(raw) > 1024 {
		return nil, errors.New("the address's query is too long")
	}
	for _, kv := range strings.Split(raw, "&") {
		k, v, _ := strings.Cut(kv, "=")
		if k != "" {
			out[k] = v
		}
	}
	return out, nil
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", CSP)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Opener-Policy", "same-origin")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		h.fail(w, http.StatusMethodNotAllowed, "only GET and HEAD are served here")
		return
	}
	if !h.limit.allow(h.clientAddr(r)) {
		hd.Set("Retry-After", "30")
		h.fail(w, http.StatusTooManyRequests, "too many requests from your address: wait half a minute and try again")
		return
	}
	rt, err := ParseRoute(r.URL.EscapedPath(), r.URL.RawQuery)
	switch {
	case errors.Is(err, errNotFound):
		h.fail(w, http.StatusNotFound, err.Error())
		return
	case err != nil:
		h.fail(w, http.StatusBadRequest, err.Error())
		return
	}
	switch rt.Kind {
	case "page":
		hd.Set("Cache-Control", "no-cache")
		h.serveAsset(w, r, h.index)
	case "asset":
		a := h.assets[rt.Asset]
		if a == nil || rt.Asset == "index.html" {
			if rt.Asset == "verify.wasm" || rt.Asset == "wasm_exec.js" {
				h.fail(w, http.StatusNotFound, "this relay was built without the page's verifier (build jejak-node with make build)")
				return
			}
			h.fail(w, http.StatusNotFound, "no such file")
			return
		}
		hd.Set("Cache-Control", "public, max-age=3600")
		h.serveAsset(w, r, a)
	case "capsule":
		h.serveCapsule(w, r, rt.Batch)
	case "about":
		hd.Set("Content-Type", "application/json")
		hd.Set("Cache-Control", "public, max-age=300")
		json.NewEncoder(w).Encode(map[string]string{"network": h.cfg.Network})
	}
}

func (h *handler) serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	hd := w.Header()
	hd.Set("Content-Type", a.typ)
	hd.Add("Vary", "Accept-Encoding")
	data := a.data
	if a.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		hd.Set("Content-Encoding", "gzip")
		data = a.gz
	}
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(data)
}

func acceptsGzip(v string) bool {
	for _, part := range strings.Split(v, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") && !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") {
			return true
		}
	}
	return false
}

func (h *handler) serveCapsule(w http.ResponseWriter, r *http.Request, id protocol.BatchID) {
	select {
	case h.busy <- struct{}{}:
		defer func() { <-h.busy }()
	default:
		w.Header().Set("Retry-After", "5")
		h.fail(w, http.StatusServiceUnavailable, "this relay is busy making other capsules: try again in a few seconds")
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), 20*time.Second)
	defer cancel()
	ev, err := h.cfg.Source.Evidence(ctx, api.VerifyRequest{Batch: id})
	switch {
	case errors.Is(err, api.ErrNotFound):
		h.fail(w, http.StatusNotFound, fmt.Sprintf("this relay has no batch %s: check the label, or ask the seller for a capsule file", id))
		return
	case err != nil:
		h.cfg.Logger.Warn("web: capsule", "batch", id.String(), "err", err)
		h.fail(w, http.StatusServiceUnavailable, "this relay could not gather the batch's records just now: try again later")
		return
	}
	var b bytes.Buffer
	m := capsule.Manifest{Network: ev.Network, Batch: id, Made: ev.Report.CheckedAt, Maker: ev.Maker}
	if err := capsule.Write(&b, m, ev.Records); err != nil {
		h.cfg.Logger.Warn("web: capsule", "batch", id.String(), "err", err)
		h.fail(w, http.StatusInternalServerError, "this relay could not write the batch's capsule")
		return
	}
	if b.Len() > h.cfg.MaxCapsule {
		h.fail(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("this batch's story is %d bytes, more than the %d this relay sends to a browser: verify it with the Jejak app", b.Len(), h.cfg.MaxCapsule))
		return
	}
	data := b.Bytes()
	hd := w.Header()
	hd.Add("Vary", "Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		// Records compress to about two thirds (their field names and
		// links repeat); the phone's download is most of its wait.
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.DefaultCompression)
		zw.Write(data)
		zw.Close()
		data = z.Bytes()
		hd.Set("Content-Encoding", "gzip")
	}
	hd.Set("Content-Type", "application/vnd.ipld.car; version=1")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s.capsule.car"`, strings.ReplaceAll(id.String(), "/", "-")))
	hd.Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(data)
}

// fail answers with a JSON error for a person.
func (h *handler) fail(w http.ResponseWriter, code int, msg string) {
	hd := w.Header()
	hd.Set("Content-Type", "application/json")
	hd.Set("Cache-Control", "no-store")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

func (h *handler) clientAddr(r *http.Request) string {
	if h.cfg.TrustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			return strings.TrimSpace(parts[len(parts)-1])
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// limiter is a token bucket per address, for at most maxAddrs addresses
// (past it the oldest buckets are dropped).
type limiter struct {
	mu      sync.Mutex
	rate    float64 // tokens a second
	burst   float64
	now     func() time.Time
	buckets map[string]*bucket
}

type bucket struct {
	tokens float64
	last   time.Time
}

const maxAddrs = 10000

func newLimiter(perMinute, burst int, now func() time.Time) *limiter {
	return &limiter{rate: float64(perMinute) / 60, burst: float64(burst), now: now, buckets: map[string]*bucket{}}
}

func (l *limiter) allow(addr string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	b := l.buckets[addr]
	if b == nil {
		if len(l.buckets) >= maxAddrs {
			for k, old := range l.buckets {
				if now.Sub(old.last) > time.Minute || len(l.buckets) >= maxAddrs {
					delete(l.buckets, k)
				}
			}
		}
		b = &bucket{tokens: l.burst, last: now}
		l.buckets[addr] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.last).Seconds()*l.rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// Server returns an http.Server for h on addr with the timeouts and limits
// of a public server.
func Server(addr string, h http.Handler) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           http.MaxBytesHandler(h, 4<<10),
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    8 << 10,
	}
}
