package web_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"

	"github.com/chromedp/chromedp"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/web"
)

var (
	// tCall is a call of app.js's t with a literal text: t("…".
	tCall = regexp.MustCompile(`\bt\(("(?:[^"\\]|\\.)*")`)
	// i18nElem is an element of index.html whose text the page translates:
	// <tag … data-i18n …>text</tag>, with no element inside.
	i18nElem = regexp.MustCompile(`(?s)<(\w+)[^>]*\bdata-i18n\b[^>]*>([^<]*)</\w+>`)
	// i18nAttr is an attribute the page translates: data-i18n-placeholder
	// or data-i18n-aria-label beside placeholder="…" / aria-label="…".
	i18nAttr = regexp.MustCompile(`<[^>]*\bdata-i18n-(placeholder|aria-label)\b[^>]*>`)
	title    = regexp.MustCompile(`<title>([^<]*)</title>`)
)

// pageTexts lists the English texts app.js and index.html show through t.
func pageTexts(t *testing.T) []string {
	t.Helper()
	js, err := os.ReadFile("static/app.js")
	if err != nil {
		t.Fatal(err)
	}
	html, err := os.ReadFile("static/index.html")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, m := range tCall.FindAllStringSubmatch(string(js), -1) {
		s, err := strconv.Unquote(m[1])
		if err != nil {
			t.Errorf("app.js: t(%s): %v", m[1], err)
			continue
		}
		seen[s] = true
	}
	for _, m := range i18nElem.FindAllStringSubmatch(string(html), -1) {
		seen[strings.Join(strings.Fields(m[2]), " ")] = true
	}
	for _, m := range i18nAttr.FindAllStringSubmatch(string(html), -1) {
		v := regexp.MustCompile(`\b` + m[1] + `="([^"]*)"`).FindStringSubmatch(m[0])
		if v == nil {
			t.Errorf("index.html: %s names data-i18n-%s but has no %s", m[0], m[1], m[1])
			continue
		}
		seen[v[1]] = true
	}
	if m := title.FindStringSubmatch(string(html)); m != nil {
		seen[m[1]] = true
	}
	var out []string
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	if len(out) < 50 {
		t.Fatalf("only %d texts found in app.js and index.html: the scan is broken", len(out))
	}
	return out
}

// TestPageTextsInCatalog: every text the page shows through t, from
// app.js and from index.html's data-i18n elements, is the English of a
// "page." message, so it has a Malay and an Indonesian translation.
func TestPageTextsInCatalog(t *testing.T) {
	en := web.PageMessages(i18n.English)
	for _, s := range pageTexts(t) {
		if _, ok := en[s]; !ok {
			t.Errorf("the page shows %q, which is no page.* message of i18n/text/page.en.json", s)
		}
	}
}

// TestPageMessagesServed: /static/messages/<lang>.json is the page's
// texts in that language, gzipped on request; an unknown language is a
// 404 (the page then keeps English).
func TestPageMessagesServed(t *testing.T) {
	srv := server(t, noSource{}, nil)
	for _, c := range []struct{ lang, en, want string }{
		{"ms", "Check a batch", "Semak kelompok"},
		{"id", "Check a batch", "Periksa batch"},
		{"en", "Check a batch", "Check a batch"},
		{"ms", "role:mill", "kilang sawit"},
		{"id", "role:mill", "pabrik kelapa sawit"},
		{"en", "role:mill", "mill"},
	} {
		resp, body := get(t, srv.URL+"/static/messages/"+c.lang+".json")
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
			t.Fatalf("%s: %s %s", c.lang, resp.Status, resp.Header.Get("Content-Type"))
		}
		var m map[string]string
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("%s: %v", c.lang, err)
		}
		if m[c.en] != c.want {
			t.Errorf("%s: %q is %q, want %q", c.lang, c.en, m[c.en], c.want)
		}
	}
	resp, _ := get(t, srv.URL+"/static/messages/fr.json")
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("fr: %s", resp.Status)
	}
}

// noSource is a relay with no records, for tests of the page's own files.
type noSource struct{}

func (noSource) Evidence(context.Context, api.VerifyRequest) (*api.Evidence, error) {
	return nil, errors.New("no records here")
}

// noVerifier is a relay built without the page's verifier: verify.wasm
// and wasm_exec.js are not found, so whatever the page shows comes from
// the relay's messages, not from the verifier.
func noVerifier(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".wasm") || strings.HasSuffix(r.URL.Path, "wasm_exec.js") {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// homeTexts is what the home page and the anchors editor say, once the
// page has started (the home section shows).
const homeTexts = `(() => {
  const home = document.getElementById('home');
  if (!home || home.hidden) return '';
  const q = s => { const e = document.querySelector(s); return e ? e.textContent.trim() : '(none)'; };
  return [document.documentElement.lang, document.title, q('#home h1'), q('#home p'),
    document.getElementById('batch-input').placeholder, q('#batch-form button'),
    q('#anchors h2'), q('#anchors h3'), q('#anchors-list'), q('label[for=anchor-name]'),
    document.getElementById('anchor-name').placeholder, q('[data-testid=anchor-add]'),
    q('.open h2'), q('label[for=capsule-input]'), document.getElementById('lang').value].join('\n');
})()`

// TestPhonePageLanguages: a phone set to Malay, or to Indonesian, sees
// the home page, the anchors editor and the errors before any
// verification in its language, from the relay's messages alone (this
// relay serves no verifier); the language select switches the page and
// the choice is remembered.
func TestPhonePageLanguages(t *testing.T) {
	if !browserTests(t) {
		return
	}
	srv := page(t, noSource{}, noVerifier)
	key := "ed25519:" + strings.Repeat("a", 52)
	for _, c := range []struct {
		lang, accept string
		home         []string // on the home page and in the anchors editor
		badKey       string   // the anchors editor's answer to a bad key
		added        string   // the anchors list with one anchor
		noVerifier   string   // the error on a batch's page
	}{
		{"ms", "ms-MY,ms", []string{"ms", "Jejak: sahkan kelompok", "Semak kelompok", "Imbas kod QR pada label", "ID kelompok atau pautan label",
			"Semak", "Siapa yang anda percayai", "Sauh kepercayaan anda", "Belum ada.", "Nama", "cth. Borneo Assurance", "Tambah sauh ini",
			"Buka fail kapsul", "Pilih fail kapsul"},
			"Itu bukan kunci Jejak", "Buang", "Pengesah tidak dapat dimuatkan"},
		{"id", "id-ID,id", []string{"id", "Jejak: verifikasi batch", "Periksa batch", "Pindai kode QR pada label", "ID batch atau tautan label",
			"Periksa", "Siapa yang Anda percayai", "Jangkar kepercayaan Anda", "Belum ada.", "Nama", "mis. Borneo Assurance", "Tambahkan jangkar ini",
			"Buka berkas kapsul", "Pilih berkas kapsul"},
			"Itu bukan kunci Jejak: kunci diawali", "Hapus", "Pemverifikasi tidak dapat dimuat"},
	} {
		ctx := browser(t, chromedp.Flag("lang", c.accept[:5]), chromedp.Flag("accept-lang", c.accept))
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
		got, err := pollPage(ctx, homeTexts, 30*time.Second)
		if err != nil {
			t.Fatalf("%s: the home page did not show: %v", c.lang, err)
		}
		lines := strings.Split(got, "\n")
		for i, want := range c.home {
			if i >= len(lines) || !strings.HasPrefix(lines[i], want) {
				t.Errorf("%s: home page line %d is %q, want %q\n%s", c.lang, i, lines[min(i, len(lines)-1)], want, got)
			}
		}
		if lines[len(lines)-1] != c.lang {
			t.Errorf("%s: the language select shows %q", c.lang, lines[len(lines)-1])
		}
		screenshot(t, ctx, "phone-home-"+c.lang+".png")

		// The anchors editor: a bad key, then a good one.
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`document.getElementById('anchor-key').value = 'not a key';
			document.querySelector('[data-testid=anchor-add]').click()`)); err != nil {
			t.Fatal(err)
		}
		prob, err := pollPage(ctx, `document.getElementById('anchor-problem').textContent`, 10*time.Second)
		if err != nil || !strings.HasPrefix(prob, c.badKey) {
			t.Errorf("%s: a bad key is answered %q (%v), want %q…", c.lang, prob, err, c.badKey)
		}
		if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`document.getElementById('anchor-name').value = 'Borneo Assurance';
			document.getElementById('anchor-key').value = %q;
			document.querySelector('[data-testid=anchor-add]').click()`, key))); err != nil {
			t.Fatal(err)
		}
		list, err := pollPage(ctx, `(() => { const b = document.querySelector('#anchors-list button'); return b ? b.textContent + '|' + b.getAttribute('aria-label') : ''; })()`, 10*time.Second)
		if err != nil || list != c.added+"|"+c.added+" Borneo Assurance" {
			t.Errorf("%s: the anchor's button reads %q (%v), want %q", c.lang, list, err, c.added)
		}

		// A batch's page on a relay with no verifier: the error is in the
		// page's language too.
		got = shown(t, ctx, chromedp.Navigate(srv.URL+"/b/bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku/0"))
		if !strings.HasPrefix(got, "error: "+c.noVerifier) {
			t.Errorf("%s: with no verifier the page says %q, want %q…", c.lang, got, c.noVerifier)
		}
	}

	// The select: a Malay phone switched to English stays English.
	ctx := browser(t, chromedp.Flag("lang", "ms-MY"), chromedp.Flag("accept-lang", "ms-MY,ms"))
	if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
		t.Fatal(err)
	}
	if _, err := pollPage(ctx, homeTexts, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](`setTimeout(() => { const s = document.getElementById('lang');
		s.value = 'en'; s.dispatchEvent(new Event('change')); }, 0)`)); err != nil {
		t.Fatal(err)
	}
	// The page reloads itself: pollPage asks again when the old page goes
	// away under it.
	english := `(() => { const h = document.querySelector('#home h1');
		return h && !document.getElementById('home').hidden && h.textContent === 'Check a batch' ? document.documentElement.lang + ' ' + localStorage.getItem('jejak.lang') : ''; })()`
	for _, step := range []string{"switched", "reopened"} {
		got, err := pollPage(ctx, english, 30*time.Second)
		if err != nil || got != "en en" {
			t.Fatalf("%s to English, the page shows %q (%v)", step, got, err)
		}
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/")); err != nil {
			t.Fatal(err)
		}
	}
}

// pollPage polls expr on the page until it is truthy, asking again when
// the page it ran in went away (a navigation or reload under it), until
// the timeout.
func pollPage(ctx context.Context, expr string, timeout time.Duration) (string, error) {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return "", fmt.Errorf("%q was not true within %v", expr, timeout)
		}
		got, err := chromedp.Run(ctx, chromedp.Poll[string](expr, chromedp.WithPollingTimeout(left)))
		// A page gone away is "Cannot find context with specified id" or
		// "Inspected target navigated or closed", both -32000.
		if err == nil || !strings.Contains(err.Error(), "(-32000)") || time.Now().After(deadline) {
			return got, err
		}
	}
}
