package gui

import (
	"errors"
	"fmt"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// shownTexts are the texts a person reads on o, a widget at a time: each
// label, button, check, card title, tab, hyperlink and the placeholder of
// an empty entry or choice. (Drawn texts of custom widgets, such as the
// graph's boxes, are their own tests' business.)
func shownTexts(o fyne.CanvasObject) []string {
	var out []string
	add := func(s string) {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	for _, obj := range test.LaidOutObjects(o) {
		if !obj.Visible() {
			continue
		}
		switch w := obj.(type) {
		case *widget.Label:
			add(w.Text)
		case *widget.Button:
			add(w.Text)
		case *widget.Check:
			add(w.Text)
		case *widget.RadioGroup:
			for _, o := range w.Options {
				add(o)
			}
		case *widget.Hyperlink:
			add(w.Text)
		case *widget.Card:
			add(w.Title)
			add(w.Subtitle)
		case *widget.Entry:
			if w.Text == "" {
				add(w.PlaceHolder)
			}
		case *widget.Select:
			if w.Selected == "" {
				add(w.PlaceHolder)
			}
		case *container.AppTabs:
			for _, it := range w.Items {
				add(it.Text)
			}
		}
	}
	return out
}

// dataText matches what is data, not words: record IDs, numbers, dates,
// codes in capitals, keys.
var (
	idText     = regexp.MustCompile(`bafy[a-z2-7]{8,}(/\d+)?|[a-z2-7]{6,}…[a-z2-7]{2,}|[0-9a-f]{16,}`)
	wordsInput = regexp.MustCompile(`\p{Ll}{3,}`)
	pieceSep   = regexp.MustCompile(`[()\n·—]|, `)
)

// untranslated returns the texts o shows that are not renderings of the
// catalog in l. Texts with no word in small letters once IDs and the given
// data (names and lot codes from the records) are taken out are data.
func untranslated(o fyne.CanvasObject, l i18n.Lang, data ...string) []string {
	var bad []string
	for _, s := range shownTexts(o) {
		rest := idText.ReplaceAllString(s, "")
		for _, d := range data {
			rest = strings.ReplaceAll(rest, d, "")
		}
		if !wordsInput.MatchString(rest) {
			continue
		}
		ok := i18n.Rendered(l, s)
		if !ok {
			// A label made of pieces ("Blok 3 (petak lahan, 37 ha)"): each
			// piece is the records' data or a rendering of the catalog.
			ok = true
			for _, piece := range pieceSep.Split(s, -1) {
				piece = strings.TrimSpace(piece)
				rest := idText.ReplaceAllString(piece, "")
				for _, d := range data {
					rest = strings.ReplaceAll(rest, d, "")
				}
				if wordsInput.MatchString(rest) && !i18n.Rendered(l, piece) {
					ok = false
				}
			}
		}
		if !ok {
			bad = append(bad, s)
		}
	}
	return bad
}

// TestImportSpeaksMalay: the import dialogs, in Malay, show nothing that
// bypasses the catalog, and the walker does find English where it is.
func TestImportSpeaksMalay(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{Lang: i18n.Malay})
	u.files.(*stubPicker).openPath = filepath.Join("..", "docs", "templates", "places.csv")
	u.importFile("places")
	settle(t, u)
	d := topDialog(t, u)
	if !shows(d, "2 tempat direkodkan daripada places.csv") {
		t.Fatalf("the import's result in Malay: %q", texts(d))
	}
	if bad := untranslated(d, i18n.Malay); len(bad) > 0 {
		t.Errorf("the import dialog shows text that is not in the catalog: %q", bad)
	}
	if bad := untranslated(widget.NewLabel("Nothing was recorded"), i18n.Malay); len(bad) != 1 {
		t.Errorf("English in a Malay window went unnoticed: %q", bad)
	}
}

// reportData are the names and codes a report shows that come from the
// records (organisations, places, products, lots, certificates), which are
// not translated.
func reportData(r *provenance.Report) []string {
	var out []string
	add := func(ss ...string) {
		for _, s := range ss {
			if s != "" {
				out = append(out, s)
			}
		}
	}
	for _, n := range r.Graph.Nodes {
		add(n.Org, n.ToOrg, n.Product, n.Lot, n.Place)
	}
	for _, o := range r.Origins {
		add(o.Name, o.Org)
		add(o.Products...)
	}
	for _, s := range r.Signers {
		add(s.Name)
		for _, e := range s.Endorsements {
			add(e.ByName)
			if c := e.Certificate; c != nil {
				add(c.Number)
			}
		}
	}
	// Longest first, so that a name is taken out before a word inside it.
	sort.Slice(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out
}

// TestVerifySpeaksEachLanguage: a failed verdict (the double claim) on the
// Verify screen, its checks, origins and signers, in Malay and Indonesian:
// nothing on it bypasses the catalog but what the records themselves say.
func TestVerifySpeaksEachLanguage(t *testing.T) {
	n, id := startDoubleClaim(t)
	for _, l := range []i18n.Lang{i18n.Malay, i18n.Indonesian} {
		t.Run(string(l), func(t *testing.T) {
			u := newTestUI(t, n, Options{Lang: l})
			u.show(screenVerify)
			u.verify.run(id)
			settle(t, u)
			r := u.verify.report
			if r == nil || r.Verdict != provenance.Failed {
				t.Fatalf("the double claim: %+v", r)
			}
			data := reportData(r)
			for _, tab := range []string{"verify.tab.checks", "verify.tab.origins", "verify.tab.signers"} {
				selectTab(u.verify.result, u.t(tab))
				if n := len(shownTexts(u.verify.result)); n < 8 {
					t.Fatalf("%s: only %d texts found on the screen: %q", u.t(tab), n, shownTexts(u.verify.result))
				}
				if bad := untranslated(u.verify.result, l, data...); len(bad) > 0 {
					t.Errorf("%s: shown without the catalog: %q", u.t(tab), bad)
				}
			}
			if !shows(u.verify.result, u.t("result.verdict.failed")) {
				t.Errorf("the verdict is not shown in %s: %q", l, texts(u.verify.result))
			}
		})
	}
}

// TestErrorsSpeakMalay: a mistyped batch ID in a Malay window is explained
// in Malay, the protocol's own English words marked as English; a broken
// record rule from the node is in the catalog's Malay.
func TestErrorsSpeakMalay(t *testing.T) {
	n, _ := startDoubleClaim(t)
	u := newTestUI(t, n, Options{Lang: i18n.Malay})
	u.show(screenVerify)
	u.verify.submit("bukan-id-kelompok")
	settle(t, u)
	if bad := untranslated(u.verify.content(), i18n.Malay); len(bad) > 0 {
		t.Errorf("a bad batch ID is explained with text not from the catalog: %q", bad)
	}
	if !visibleLabel(u.verify.msg, "dalam bahasa Inggeris") {
		t.Errorf("the protocol's English words are not marked as English: %q", u.verify.msg.Text)
	}
	fe := &protocol.FieldError{Field: "body.out[0].lot"}
	if err := protocol.CheckDraft(&protocol.Origin{}); !errors.As(err, &fe) {
		t.Fatalf("an empty origin: %v", err)
	}
	if got := u.explain("rekod", err2(fe)); strings.Contains(got, fe.Rule) || !strings.Contains(got, fe.RuleIn(i18n.Malay)) {
		t.Errorf("a rule from the node is explained as %q", got)
	}
}

// err2 wraps fe as the node's errors wrap it.
func err2(fe *protocol.FieldError) error { return fmt.Errorf("node: publish origin: %w", fe) }
