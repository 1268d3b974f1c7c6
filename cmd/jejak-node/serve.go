package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/jejak/jejak/node"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/p2p"
	"github.com/jejak/jejak/node/web"
)

func cmdServe(c *cli, args []string) error {
	fs := c.flags("serve")
	relay := fs.Bool("relay", false, "run the relay profile: circuit relay, DHT server, gossip hub, metrics")
	var listen, bootstrap, relays strList
	fs.Var(&listen, "listen", "listen on multiaddr `ADDR` (repeatable; default TCP and QUIC on every IPv4 interface)")
	fs.Var(&bootstrap, "bootstrap", "dial peer `ADDR` at start and keep it connected (repeatable)")
	fs.Var(&relays, "relays", "use relay `ADDR` (repeatable)")
	metrics := fs.String("metrics", "", "serve /metrics and /healthz on `ADDR` (default 127.0.0.1:9464 with --relay; \"off\" for none)")
	mdns := fs.Bool("mdns", false, "find peers on the local network (default: true unless --relay)")
	dht := fs.Bool("dht", false, "join the DHT (default: true)")
	syncEvery := fs.Duration("sync-interval", 0, "catch up with connected peers every `DURATION` (env JEJAK_SYNC_INTERVAL; default 1m; negative: only on connect)")
	httpAddr := fs.String("http", "", "serve the verification page (/b/BATCH) on `ADDR`, e.g. 127.0.0.1:8080 behind a TLS proxy (env JEJAK_HTTP; default off)")
	httpAssets := fs.String("http-assets", "", "serve the page's verifier (verify.wasm, wasm_exec.js) from `DIR` instead of the copy built in")
	httpProxy := fs.Bool("http-behind-proxy", false, "take the client's address from X-Forwarded-For (only behind a proxy that sets it) for the rate limit")
	verbose := fs.Bool("v", false, "log more")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	if err := c.resolve(); err != nil {
		return err
	}
	set := map[string]bool{}
	for _, n := range flagsSet(fs, "") {
		set[n] = true
	}
	file := c.g.file
	every, err := c.duration(set["sync-interval"], *syncEvery, "JEJAK_SYNC_INTERVAL", file.SyncInterval)
	if err != nil {
		return err
	}
	cfg := c.nodeConfig()
	cfg.Net.Relay = *relay
	cfg.Net.ListenAddrs = c.list(listen, "JEJAK_LISTEN", file.Listen)
	cfg.Net.Bootstrap = c.list(bootstrap, "JEJAK_BOOTSTRAP", file.Bootstrap)
	cfg.Net.Relays = c.list(relays, "JEJAK_RELAYS", file.Relays)
	cfg.Net.EnableMDNS = pick(set["mdns"], *mdns, file.MDNS, !*relay)
	cfg.Net.EnableDHT = pick(set["dht"], *dht, file.DHT, true)
	cfg.Net.UserAgent = "jejak-node/" + version
	cfg.Net.SyncInterval = every
	if err := p2p.CheckListenAddrs(cfg.Net.ListenAddrs); err != nil {
		return usageErrorf("--listen: %v", err)
	}
	for _, peers := range []struct {
		flag  string
		addrs []string
	}{{"--bootstrap", cfg.Net.Bootstrap}, {"--relays", cfg.Net.Relays}} {
		if err := p2p.CheckPeerAddrs(peers.addrs); err != nil {
			return usageErrorf("%s: %v", peers.flag, err)
		}
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	cfg.Logger = c.logger(level)
	metricsAddr := first(*metrics, c.getenv("JEJAK_METRICS"), file.Metrics)
	if metricsAddr == "" && *relay {
		metricsAddr = "127.0.0.1:9464"
	}
	if metricsAddr == "off" {
		metricsAddr = ""
	}
	var reg *prometheus.Registry
	if metricsAddr != "" {
		reg = prometheus.NewRegistry()
		reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
		cfg.Net.Metrics = reg
	}

	ctx, stop := signal.NotifyContext(c.ctx, syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	limit := node.LimitMemory(*relay)
	cfg.Logger.Info("Go memory limit", "MiB", limit>>20)
	n, err := node.New(ctx, cfg)
	if err != nil {
		return err
	}
	defer func() {
		if err := n.Close(); err != nil {
			fmt.Fprintf(c.stderr, "jejak-node serve: %v\n", err)
		}
	}()
	st, err := n.Status(ctx)
	if err != nil {
		return err
	}
	if strings.HasPrefix(st.LocalAPI, "off") {
		// Another process answers on the socket (it cannot hold this
		// store, so it is not a Jejak node of this folder), or the
		// socket cannot be made: commands could not reach this node.
		return fmt.Errorf("local API: %s", strings.TrimPrefix(st.LocalAPI, "off: "))
	}

	fmt.Fprintf(c.stdout, "peer %s\n", n.PeerID())
	for _, a := range n.Addrs() {
		fmt.Fprintf(c.stdout, "listening %s\n", a)
	}
	fmt.Fprintf(c.stdout, "api %s\n", st.LocalAPI)

	var msrv *http.Server
	if reg != nil {
		reg.MustRegister(&statusCollector{svc: n})
		ml, err := net.Listen("tcp", metricsAddr)
		if err != nil {
			return fmt.Errorf("metrics: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
		mux.HandleFunc("/healthz", func(w http.ResponseWriter, r *http.Request) {
			sctx, cancel := context.WithTimeout(r.Context(), 5*time.Second)
			defer cancel()
			if _, err := n.Status(sctx); err != nil {
				http.Error(w, err.Error(), http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintln(w, "ok")
		})
		msrv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go msrv.Serve(ml)
		fmt.Fprintf(c.stdout, "metrics http://%s/metrics\n", ml.Addr())
	}
	var wsrv *http.Server
	if addr := first(*httpAddr, c.getenv("JEJAK_HTTP")); addr != "" && addr != "off" {
		wcfg := web.Config{Source: n, Logger: cfg.Logger, TrustProxy: *httpProxy, Network: st.Network}
		if *httpAssets != "" {
			wcfg.Assets = os.DirFS(*httpAssets)
		} else if !web.HasVerifier() {
			fmt.Fprintf(c.stderr, "jejak-node serve: this binary was built without the page's verifier: the page will say so (build with make build, or give --http-assets DIR)\n")
		}
		h, err := web.Handler(wcfg)
		if err != nil {
			return usageErrorf("--http-assets: %v", err)
		}
		wl, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("--http: %w", err)
		}
		wsrv = web.Server(addr, h)
		go wsrv.Serve(wl)
		fmt.Fprintf(c.stdout, "page http://%s/b/BATCH\n", wl.Addr())
	}
	fmt.Fprintln(c.stdout, "ready")
	go reportSync(ctx, n, c.stderr)

	<-ctx.Done()
	stop()
	if wsrv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		wsrv.Shutdown(sctx)
		cancel()
	}
	if msrv != nil {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		msrv.Shutdown(sctx)
		cancel()
	}
	fmt.Fprintln(c.stdout, "stopped")
	return nil
}

// pick returns a boolean setting: the flag's value when it was set, else
// the config file's, else def.
func pick(flagSet, flagVal bool, file *bool, def bool) bool {
	switch {
	case flagSet:
		return flagVal
	case file != nil:
		return *file
	}
	return def
}

// statusCollector exports the node's Status as Prometheus metrics, reading
// it once per scrape.
type statusCollector struct{ svc api.Service }

var (
	descRecords = prometheus.NewDesc("jejak_records_stored", "Records in the store, by type.", []string{"type"}, nil)
	descAuthors = prometheus.NewDesc("jejak_feeds_stored", "Feeds (authors) in the store.", nil, nil)
	descPeers   = prometheus.NewDesc("jejak_peers", "Connected peers, by how they are reached.", []string{"via"}, nil)
	descForks   = prometheus.NewDesc("jejak_forks", "Equivocations found (two records at one seq).", nil, nil)
	descSync    = prometheus.NewDesc("jejak_sync_fetched_records", "Records fetched in the latest catch-up.", nil, nil)
	descUp      = prometheus.NewDesc("jejak_up", "1 when the node answers Status.", nil, nil)
	descPenalty = prometheus.NewDesc("jejak_peer_penalty", "What this node holds against a connected peer for invalid records and protocol violations in sync and fetch (decays; 0 is not exported). The latest reason is a label.", []string{"peer", "why"}, nil)
)

func (s *statusCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descRecords, descAuthors, descPeers, descForks, descSync, descUp, descPenalty} {
		ch <- d
	}
}

func (s *statusCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	st, err := s.svc.Status(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	for t, n := range st.ByType {
		ch <- prometheus.MustNewConstMetric(descRecords, prometheus.GaugeValue, float64(n), string(t))
	}
	ch <- prometheus.MustNewConstMetric(descAuthors, prometheus.GaugeValue, float64(st.Authors))
	via := map[api.Via]int{api.ViaDirect: 0, api.ViaLAN: 0, api.ViaRelayed: 0}
	for _, p := range st.Peers {
		via[p.Via]++
		if p.Penalty != 0 {
			why := ""
			if len(p.Why) > 0 {
				why = p.Why[len(p.Why)-1]
			}
			ch <- prometheus.MustNewConstMetric(descPenalty, prometheus.GaugeValue, p.Penalty, p.ID, why)
		}
	}
	for v, n := range via {
		ch <- prometheus.MustNewConstMetric(descPeers, prometheus.GaugeValue, float64(n), string(v))
	}
	ch <- prometheus.MustNewConstMetric(descForks, prometheus.GaugeValue, float64(len(st.Forks)))
	ch <- prometheus.MustNewConstMetric(descSync, prometheus.GaugeValue, float64(st.Sync.Fetched))
}

// reportSync prints catch-up progress with each peer on w (stderr): a line
// when a catch-up with records to fetch starts, at most one a second while
// it runs, and one when it is done, so an operator sees a long sync move.
func reportSync(ctx context.Context, svc api.Service, w io.Writer) {
	events, err := svc.Watch(ctx)
	if err != nil {
		return
	}
	last := map[string]time.Time{}
	for e := range events {
		if e.Kind != api.EventSyncProgress || e.Sync.Expected+e.Sync.Fetched == 0 {
			continue
		}
		p := e.Sync
		if !p.Done && time.Since(last[p.Peer]) < time.Second {
			continue
		}
		last[p.Peer] = time.Now()
		peer := p.Peer
		if len(peer) > 12 {
			peer = "…" + peer[len(peer)-8:]
		}
		state := "syncing"
		if p.Done {
			state = "synced"
			delete(last, p.Peer)
		}
		fmt.Fprintf(w, "%s with %s: %d of about %d records fetched, %d new\n", state, peer, p.Fetched, p.Expected, p.Added)
	}
}
