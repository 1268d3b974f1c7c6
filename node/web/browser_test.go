package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/web"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// The browser tests run Debian's chromium headless against the real page
// and the real WebAssembly verifier, served by a relay on loopback. They
// run inside a network namespace of their own (the test re-runs itself
// under unshare -n), so the browser can reach nothing but 127.0.0.1.

const inNetns = "JEJAK_WEB_TEST_NETNS"

// browserTests re-runs the test binary in a fresh network namespace with
// only loopback, unless it is already in one; it returns false when the
// caller should stop (the child ran the test).
func browserTests(t *testing.T) bool {
	t.Helper()
	if _, err := exec.LookPath("chromium"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("chromium is not installed (make deps installs it)")
		}
		t.Skip("chromium is not installed (make deps installs it)")
	}
	if os.Getenv(inNetns) == "1" {
		return true
	}
	if _, err := exec.LookPath("unshare"); err != nil || os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("the browser tests need root and unshare for a network namespace of their own")
		}
		t.Skip("the browser tests need root and unshare for a network namespace of their own")
	}
	args := []string{"-n", "--", "sh", "-c", `ip link set lo up && exec "$@"`, "sh", os.Args[0],
		"-test.run", "^" + t.Name() + "$", "-test.v", "-test.count=1"}
	cmd := exec.Command("unshare", args...)
	cmd.Env = append(os.Environ(), inNetns+"=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		if strings.Contains(line, ": ") || strings.HasPrefix(line, "---") || strings.HasPrefix(line, "    ") {
			t.Log(line)
		}
	}
	if err != nil {
		t.Fatalf("in its network namespace: %v", err)
	}
	return false
}

var (
	wasmOnce sync.Once
	wasmDir  string
	wasmErr  error
)

// verifierAssets builds the page's verifier as "make web" does.
func verifierAssets(t *testing.T) string {
	t.Helper()
	wasmOnce.Do(func() {
		dir, err := os.MkdirTemp("", "jejak-wasm-")
		if err != nil {
			wasmErr = err
			return
		}
		wasmDir = dir
		cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", filepath.Join(dir, "verify.wasm"), "github.com/jejak/jejak/cmd/jejak-wasm")
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		if out, err := cmd.CombinedOutput(); err != nil {
			wasmErr = fmt.Errorf("build the verifier: %v\n%s", err, out)
			return
		}
		js, err := os.ReadFile(filepath.Join(runtime.GOROOT(), "lib", "wasm", "wasm_exec.js"))
		if err != nil {
			wasmErr = err
			return
		}
		wasmErr = os.WriteFile(filepath.Join(dir, "wasm_exec.js"), js, 0o644)
	})
	if wasmErr != nil {
		t.Fatal(wasmErr)
	}
	return wasmDir
}

// page serves the real page for src, through wrap when given.
func page(t *testing.T, src web.Source, wrap func(http.Handler) http.Handler) *httptest.Server {
	t.Helper()
	h, err := web.Handler(web.Config{Source: src, Assets: os.DirFS(verifierAssets(t)), Rate: 6000, Burst: 1000, Network: "test"})
	if err != nil {
		t.Fatal(err)
	}
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// browser starts a headless chromium with a phone-sized window.
func browser(t *testing.T, flags ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	opts := append(append([]chromedp.ExecAllocatorOption{}, chromedp.DefaultExecAllocatorOptions[:]...), flags...)
	opts = append(opts,
		chromedp.ExecPath("chromium"), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.WindowSize(390, 844),
		chromedp.UserDataDir(t.TempDir()),
		// Belt and braces inside the namespace: resolve no name but loopback.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	t.Cleanup(cancel)
	bctx, cancel2 := chromedp.NewContext(actx)
	t.Cleanup(cancel2)
	if err := chromedp.Do(bctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return bctx
}

// outcome is what the page shows once it has an answer: "verdict: …" or
// "error: …", with the reason and freshness lines.
const outcome = `(() => {
  const vis = id => { const e = document.querySelector('[data-testid=' + id + ']');
    return e && e.offsetParent !== null && e.textContent.trim() ? e.textContent.trim() : ''; };
  if (vis('error')) return 'error: ' + vis('error');
  if (vis('verdict')) return 'verdict: ' + vis('verdict') + '\n' + vis('reason') + '\n' + vis('freshness');
  return '';
})()`

func shown(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) string {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
	got, err := chromedp.Run(ctx, chromedp.Poll[string](outcome, chromedp.WithPollingTimeout(90*time.Second)))
	if err != nil {
		t.Fatalf("the page showed no verdict and no error: %v", err)
	}
	return got
}

func saveAnchors(t *testing.T, ctx context.Context, base string, s *scenario.Scenario) {
	t.Helper()
	var list []map[string]string
	for i, a := range s.Anchors {
		list = append(list, map[string]string{"key": a.String(), "name": fmt.Sprintf("anchor %d", i+1)})
	}
	b, _ := json.Marshal(list)
	if err := chromedp.Do(ctx, chromedp.Navigate(base+"/robots.txt"),
		chromedp.Evaluate[chromedp.Void](fmt.Sprintf("localStorage.setItem('jejak.anchors', %q)", b))); err != nil {
		t.Fatal(err)
	}
}

// TestPhonePage: what a person with a phone sees for the honest chain, the
// dishonest one, a relay that corrupts a record, and a capsule opened
// with no relay to ask.
func TestPhonePage(t *testing.T) {
	if !browserTests(t) {
		return
	}
	ctx := browser(t)

	honest := scenario.HonestPalm()
	hsrv := page(t, relay(t, honest), nil)
	saveAnchors(t, ctx, hsrv.URL, honest)
	got := shown(t, ctx, chromedp.Navigate(hsrv.URL+"/B/"+strings.ToUpper(honest.Batch.String())))
	if !strings.HasPrefix(got, "verdict: TRUSTED") || !strings.Contains(got, "As far as this relay shows") {
		t.Errorf("honest chain: %q", got)
	}
	screenshot(t, ctx, "phone-trusted.png")

	dishonest := scenario.DoubleClaim()
	dsrv := page(t, relay(t, dishonest), nil)
	saveAnchors(t, ctx, dsrv.URL, dishonest)
	got = shown(t, ctx, chromedp.Navigate(dsrv.URL+"/b/"+dishonest.Batch.String()))
	if !strings.HasPrefix(got, "verdict: FAILED") || !strings.Contains(strings.ToLower(got), "double") {
		t.Errorf("double claim: %q", got)
	}
	screenshot(t, ctx, "phone-failed.png")

	// A relay that flips one byte inside one record of the capsule.
	csrv := page(t, relay(t, honest), corruptCapsules)
	saveAnchors(t, ctx, csrv.URL, honest)
	got = shown(t, ctx, chromedp.Navigate(csrv.URL+"/b/"+honest.Batch.String()))
	if !strings.Contains(strings.ToLower(got), "the relay sent a record that does not match its id") {
		t.Errorf("corrupting relay: %q", got)
	}
	screenshot(t, ctx, "phone-corrupt.png")

	// The capsule, chosen as a file: verified with nothing else.
	resp, capsuleBytes := get(t, hsrv.URL+"/capsule/"+honest.Batch.String())
	if resp.StatusCode != 200 {
		t.Fatal(resp.Status)
	}
	file := filepath.Join(t.TempDir(), "batch.capsule.car")
	os.WriteFile(file, capsuleBytes, 0o644)
	got = shown(t, ctx, chromedp.Navigate(hsrv.URL+"/"),
		chromedp.SetUploadFiles(`[data-testid=capsule-input]`, []string{file}, chromedp.NodeReady))
	if !strings.HasPrefix(got, "verdict: TRUSTED") || !strings.Contains(got, "As far as this capsule shows") {
		t.Errorf("capsule file: %q", got)
	}

	// A truncated capsule file.
	os.WriteFile(file, capsuleBytes[:len(capsuleBytes)/2], 0o644)
	got = shown(t, ctx, chromedp.Navigate(hsrv.URL+"/"),
		chromedp.SetUploadFiles(`[data-testid=capsule-input]`, []string{file}, chromedp.NodeReady))
	if !strings.HasPrefix(got, "error:") || !strings.Contains(got, "truncated") {
		t.Errorf("truncated capsule: %q", got)
	}

	// A capsule of another Jejak network.
	ev, err := relay(t, honest).Evidence(context.Background(), api.VerifyRequest{Batch: honest.Batch})
	if err != nil {
		t.Fatal(err)
	}
	var elsewhere bytes.Buffer
	capsule.Write(&elsewhere, capsule.Manifest{Network: "elsewhere", Batch: honest.Batch, Made: time.Now(), Maker: "a test"}, ev.Records)
	os.WriteFile(file, elsewhere.Bytes(), 0o644)
	got = shown(t, ctx, chromedp.Navigate(hsrv.URL+"/"),
		chromedp.SetUploadFiles(`[data-testid=capsule-input]`, []string{file}, chromedp.NodeReady))
	if !strings.HasPrefix(got, "error:") || !strings.Contains(got, `network "elsewhere", not "test"`) {
		t.Errorf("capsule of another network: %q", got)
	}

	// An unknown batch.
	got = shown(t, ctx, chromedp.Navigate(hsrv.URL+"/b/bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku/0"))
	if !strings.HasPrefix(got, "error:") || !strings.Contains(got, "has no batch") {
		t.Errorf("unknown batch: %q", got)
	}
}

// corruptCapsules flips a byte near the end of every capsule the relay
// sends: inside its last record's signed bytes.
func corruptCapsules(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasPrefix(r.URL.Path, "/capsule/") {
			h.ServeHTTP(w, r)
			return
		}
		// The capsule as it is, not gzipped: the flipped byte is then one
		// inside a record, not one of the compressed stream (which the
		// browser may reject as a broken download instead).
		r = r.Clone(r.Context())
		r.Header.Del("Accept-Encoding")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if rec.Code == 200 && len(body) > 40 {
			body[len(body)-20] ^= 0x01
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(body)
	})
}

// TestPhonePageMalay: in a browser set to Malay, the page shows the
// verdict, the verifier's reasons and its own words in Malay.
func TestPhonePageMalay(t *testing.T) {
	if !browserTests(t) {
		return
	}
	ctx := browser(t, chromedp.Flag("lang", "ms-MY"), chromedp.Flag("accept-lang", "ms-MY,ms"))
	s := scenario.DoubleClaim()
	srv := page(t, relay(t, s), nil)
	saveAnchors(t, ctx, srv.URL, s)
	got := shown(t, ctx, chromedp.Navigate(srv.URL+"/b/"+s.Batch.String()))
	for _, want := range []string{"verdict: GAGAL", "Jangan bergantung pada kelompok ini: tuntutan berganda gagal.", "dituntut oleh 2 rekod", "Setakat yang ditunjukkan geganti ini"} {
		if !strings.Contains(got, want) {
			t.Errorf("the Malay page does not say %q:\n%s", want, got)
		}
	}
	checks, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=checks]').textContent`))
	if err != nil || !strings.Contains(checks, "Tuntutan berganda") || !strings.Contains(checks, "Integriti") {
		t.Errorf("the Malay checks read %q (%v)", checks, err)
	}
	signers, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('[data-testid=signers]').textContent`))
	if err != nil || !strings.Contains(signers, "kilang sawit") || strings.Contains(signers, "mill") {
		t.Errorf("the Malay signers do not name their roles in Malay: %q (%v)", signers, err)
	}
}

// TestPhonePageBudget loads the page for a batch with 1,000 ancestors on a
// phone profile: 390×844 at 3× on a mobile viewport, the CPU slowed 4×,
// a 9 Mbit/s link with 60 ms of latency. It checks the bytes the page
// loads against the 2.5 MB budget and reports the time to the verdict
// (timings are reported, not asserted: docs/BENCHMARKS.md).
func TestPhonePageBudget(t *testing.T) {
	if !browserTests(t) {
		return
	}
	ctx := browser(t)
	s := scenario.Ancestry(1000)
	srv := page(t, relay(t, s), nil)
	saveAnchors(t, ctx, srv.URL, s)
	err := chromedp.Do(ctx,
		chromedp.Action[chromedp.Void](func(ctx context.Context, tg *chromedp.Target) (chromedp.Void, error) {
			if _, err := chromedp.Call(ctx, emulation.SetDeviceMetricsOverride, emulation.SetDeviceMetricsOverrideParams{Width: 390, Height: 844, DeviceScaleFactor: 3, Mobile: true}); err != nil {
				return chromedp.Void{}, err
			}
			if _, err := chromedp.Call(ctx, emulation.SetCPUThrottlingRate, emulation.SetCPUThrottlingRateParams{Rate: 4}); err != nil {
				return chromedp.Void{}, err
			}
			if _, err := chromedp.Call(ctx, network.Enable, network.EnableParams{}); err != nil {
				return chromedp.Void{}, err
			}
			if _, err := chromedp.Call(ctx, network.ClearBrowserCache, struct{}{}); err != nil {
				return chromedp.Void{}, err
			}
			_, err := chromedp.Call(ctx, network.EmulateNetworkConditionsByRule, network.EmulateNetworkConditionsByRuleParams{
				MatchedNetworkConditions: []*network.Conditions{{Latency: 60, DownloadThroughput: 9e6 / 8, UploadThroughput: 1.5e6 / 8}}})
			return chromedp.Void{}, err
		}))
	if err != nil {
		t.Fatalf("phone profile: %v", err)
	}
	start := time.Now()
	got := shown(t, ctx, chromedp.Navigate(srv.URL+"/b/"+s.Batch.String()))
	took := time.Since(start)
	if !strings.HasPrefix(got, "verdict: TRUSTED") {
		t.Fatalf("1,000 ancestors: %q", got)
	}
	type sizes struct{ Transfer, Decoded, Count int }
	sz, err := chromedp.Run(ctx, chromedp.Evaluate[sizes](`(() => {
	  let t = 0, d = 0, n = 0;
	  for (const e of performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))) {
	    t += e.transferSize; d += e.decodedBodySize; n++; }
	  return {Transfer: t, Decoded: d, Count: n};
	})()`))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1,000 ancestors on the phone profile: verdict in %.1f s; the page loaded %d requests, %d bytes over the wire (%d decoded)",
		took.Seconds(), sz.Count, sz.Transfer, sz.Decoded)
	// The baseline in the same run: the same capsule checked by the same
	// code, natively in this process.
	_, capsuleBytes := get(t, srv.URL+"/capsule/"+s.Batch.String())
	var anchors []string
	for _, a := range s.Anchors {
		anchors = append(anchors, a.String())
	}
	t0 := time.Now()
	res := capsule.Check(context.Background(), capsuleBytes, capsule.CheckOptions{Anchors: anchors})
	native := time.Since(t0)
	if !res.OK {
		t.Fatal(res.Error)
	}
	t.Logf("baseline: the same %d-byte capsule (%d records, %.0f bytes a record) checked natively in %.0f ms; the phone page took %.0f times as long, download included",
		len(capsuleBytes), res.Capsule.Records, float64(len(capsuleBytes))/float64(res.Capsule.Records), native.Seconds()*1000, took.Seconds()/native.Seconds())
	if sz.Transfer > 2_500_000 {
		t.Errorf("the page loaded %d bytes, more than the 2.5 MB budget", sz.Transfer)
	}
}

// screenshot saves the whole page to $JEJAK_SCREENSHOTS/name, when set
// (make screenshots).
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("JEJAK_SCREENSHOTS")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Errorf("screenshot %s: %v", name, err)
		return
	}
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Error(err)
	}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if wasmDir != "" {
		os.RemoveAll(wasmDir)
	}
	os.Exit(code)
}
