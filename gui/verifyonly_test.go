package gui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/provenance"
)

// TestFirstRunLanguage: the language chosen at the top of the first-run
// screen shows that screen in it at once, and is kept.
func TestFirstRunLanguage(t *testing.T) {
	n := startNode(t, nodeConfig{})
	u := newTestUI(t, n, Options{Lang: i18n.English})
	if u.first == nil || !shows(u.first.obj, "Create organisation") {
		t.Fatal("the first-run screen is not in English")
	}
	u.first.lang.SetSelected(i18n.Indonesian.Name())
	if u.first == nil || !shows(u.root, "Buat organisasi") || shows(u.root, "Create organisation") {
		t.Fatalf("after choosing Bahasa Indonesia the first run shows %q", texts(u.root))
	}
	if got := u.app.Preferences().String(langPref); got != string(i18n.Indonesian) {
		t.Errorf("language preference = %q", got)
	}
	if u.first.lang.Selected != i18n.Indonesian.Name() {
		t.Errorf("the rebuilt choice shows %q", u.first.lang.Selected)
	}
}

// TestVerifyWithoutSettingUp: a buyer chooses "Just verify batches" on the
// first run, adds a trust anchor and verifies a batch with no
// organisation; Batches and Record say what they need and offer to set
// up, which opens the first run again. The choice is kept for the next start.
func TestVerifyWithoutSettingUp(t *testing.T) {
	w := newMillWorld()
	n := startNode(t, nodeConfig{name: "buyer", recs: w.recs})
	u := newTestUI(t, n, Options{})
	if u.first == nil {
		t.Fatal("no first run on an install without an identity")
	}
	test.Tap(buttonIn(t, u.first.obj, "Just verify batches"))
	settle(t, u)
	if u.batches == nil || u.current != screenVerify {
		t.Fatalf("Just verify batches shows %q", texts(u.root))
	}
	if d := u.win.Canvas().Overlays().Top(); d != nil {
		t.Fatalf("the main screens without an organisation open with %q", texts(d))
	}

	u.show(screenIdentity)
	a := u.identity.anchors
	test.Type(a.key, w.Anchor.String())
	test.Type(a.name, anchorName)
	test.Tap(buttonIn(t, a.obj, "Add anchor"))
	settle(t, u)
	if list, err := n.Anchors(context.Background()); err != nil || len(list) != 1 {
		t.Fatalf("anchors after adding one: %v, %v", list, err)
	}
	if !shows(u.identity.obj, "No organisation on this computer") {
		t.Errorf("Identity & trust shows %q", texts(u.identity.obj))
	}

	u.show(screenVerify)
	scan(t, u, w.Honest.String())
	if r := u.verify.report; r == nil || r.Verdict != provenance.Trusted {
		t.Fatalf("without an organisation the honest batch shows %q", texts(u.verify.obj))
	}

	for _, s := range []string{screenBatches, screenRecord} {
		u.show(s)
		if !shows(u.body, "needs your organisation's keys") {
			t.Errorf("%s shows %q", s, texts(u.body))
		}
	}
	test.Tap(buttonIn(t, u.body, "Set up or restore the organisation…"))
	if !u.onFirstRun || u.first == nil {
		t.Fatal("set up did not open the first run")
	}
	test.Tap(buttonIn(t, u.first.obj, "Just verify batches"))
	if u.onFirstRun || u.current != screenVerify {
		t.Error("Just verify batches did not go back to the main screens")
	}

	if !u.app.Preferences().Bool(verifyOnlyPref) {
		t.Error("the choice to verify only is not kept for the next start")
	}
}
