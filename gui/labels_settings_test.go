package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/i18n"
)

// TestLabelSettings: the clerk gives the resolver and the CPO's GTIN on
// Identity & trust. A wrong check digit is pointed out as it is typed and
// Save waits; once saved, the CPO's label is a GS1 Digital Link.
func TestLabelSettings(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenIdentity)
	c := u.identity.labels
	cpo := c.gtins["CPO"]
	if cpo == nil {
		t.Fatalf("no GTIN field for CPO, the mill's product: %q", texts(c.obj))
	}
	test.Type(c.resolver, "verify.example.org")
	test.Type(cpo, "9506000134353")
	if !visibleLabel(c.gtinErrs["CPO"], "check digit") || !c.save.Disabled() {
		t.Fatalf("a wrong check digit: message %q, Save disabled %v", c.gtinErrs["CPO"].Text, c.save.Disabled())
	}
	cpo.SetText("")
	test.Type(cpo, "9506000134352")
	if c.gtinErrs["CPO"].Visible() || c.save.Disabled() {
		t.Fatalf("a good GTIN: message %q, Save disabled %v", c.gtinErrs["CPO"].Text, c.save.Disabled())
	}
	test.Tap(c.save)
	settle(t, u)
	if !visibleLabel(c.status, "saved") {
		t.Errorf("after Save: %q", c.status.Text)
	}
	id, err := m.Identity(t.Context())
	if err != nil || id.LabelResolver != "verify.example.org" || id.GTINs["CPO"] != "09506000134352" {
		t.Fatalf("the node's settings after Save: %q %v, %v", id.LabelResolver, id.GTINs, err)
	}

	u.show(screenBatches)
	u.batches.selectBatch(m.CPO)
	settle(t, u)
	got := labelOf(u, u.batches.detail.b).Text
	if want := "https://verify.example.org/01/09506000134352/10/"; !strings.HasPrefix(got, want) || !strings.Contains(got, "?jb="+m.CPO.String()) {
		t.Errorf("the CPO's label carries %q, want %s<lot>?jb=%s", got, want, m.CPO)
	}
}

// TestLabelSettingsSpeakEachLanguage: the Labels card, with its errors
// showing, is in the window's language.
func TestLabelSettingsSpeakEachLanguage(t *testing.T) {
	m := startMill(t)
	for _, l := range []i18n.Lang{i18n.Malay, i18n.Indonesian} {
		t.Run(string(l), func(t *testing.T) {
			u := newTestUI(t, m, Options{Lang: l})
			u.show(screenIdentity)
			c := u.identity.labels
			if n := len(shownTexts(c.obj)); n < 6 {
				t.Fatalf("only %d texts found on the card: %q", n, shownTexts(c.obj))
			}
			if bad := untranslated(c.obj, l); len(bad) > 0 {
				t.Errorf("the Labels card shows untranslated: %q", bad)
			}
			test.Type(c.resolver, "https://x")
			test.Type(c.gtins["CPO"], "123")
			if !c.resErr.Visible() || !c.gtinErrs["CPO"].Visible() {
				t.Fatal("no errors shown for a bad resolver and GTIN")
			}
			if bad := untranslated(c.obj, l, "https://x", "123"); len(bad) > 0 {
				t.Errorf("the Labels card with errors shows untranslated: %q", bad)
			}
		})
	}
}
