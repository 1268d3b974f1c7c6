package gui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol/provenance"
)

// menuItem finds the item labelled label in the window's main menu.
func menuItem(t *testing.T, u *UI, menu, label string) *fyne.MenuItem {
	t.Helper()
	mm := u.win.MainMenu()
	if mm == nil {
		t.Fatal("the window has no main menu")
	}
	for _, m := range mm.Items {
		if m.Label != menu {
			continue
		}
		for _, it := range m.Items {
			if it.Label == label {
				return it
			}
		}
	}
	t.Fatalf("no menu item %s → %s", menu, label)
	return nil
}

// press types a shortcut on the window's canvas.
func press(u *UI, s fyne.Shortcut) {
	u.win.Canvas().(fyne.Shortcutable).TypedShortcut(s)
}

// TestMenuAndShortcuts: the main menu opens the record forms and the
// Verify screen, Print… is enabled only where there is something to
// print, Ctrl+F puts the cursor in the scan field and Ctrl+Q quits.
func TestMenuAndShortcuts(t *testing.T) {
	u, m := newMillUI(t)
	quits := 0
	u.quitHook = func() { quits++ }

	menuItem(t, u, "Record", "Ship…").Action()
	if u.current != screenRecord || u.record.tabs.Selected().Text != u.t(tabShip) {
		t.Errorf("Record → Ship… shows %s, tab %q", u.current, u.record.tabs.Selected().Text)
	}
	print := menuItem(t, u, "File", "Print…")
	if !print.Disabled {
		t.Error("File → Print… is enabled on the Record screen")
	}
	if print.Shortcut == nil || menuItem(t, u, "File", "Quit").Shortcut == nil {
		t.Error("Print… and Quit show no shortcut")
	}

	u.show(screenNetwork)
	press(u, shortcutFind)
	if u.current != screenVerify || u.win.Canvas().Focused() != u.verify.scan {
		t.Errorf("Ctrl+F shows %s with %v focused, want the Verify screen's scan field", u.current, u.win.Canvas().Focused())
	}
	if !print.Disabled {
		t.Error("File → Print… is enabled on the Verify screen with no report")
	}
	scan(t, u, m.Honest.String())
	if print.Disabled {
		t.Error("File → Print… is disabled on the Verify screen with a report")
	}
	u.show(screenBatches)
	u.batches.selectBatch(m.PK)
	settle(t, u)
	if print.Disabled {
		t.Error("File → Print… is disabled on the Batches screen with a batch shown")
	}
	press(u, shortcutQuit)
	if quits != 1 {
		t.Errorf("Ctrl+Q quit %d times", quits)
	}

	menuItem(t, u, "Help", "About Jejak").Action()
	if !shows(topDialog(t, u), "Version") {
		t.Errorf("About shows %q", texts(topDialog(t, u)))
	}
}

// TestSettingsChangeTheLanguage: File → Settings… saves the language and
// shows every screen in it at once, on the screen the person was on.
func TestSettingsChangeTheLanguage(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenVerify)
	menuItem(t, u, "File", "Settings…").Action()
	d := topDialog(t, u)
	var sel *widget.Select
	for _, o := range test.LaidOutObjects(d) {
		if s, ok := o.(*widget.Select); ok {
			sel = s
		}
	}
	if sel == nil {
		t.Fatal("the settings have no language choice")
	}
	sel.SetSelected(i18n.Malay.Name())
	test.Tap(buttonIn(t, d, "Save"))
	settle(t, u)
	if got := u.app.Preferences().String(langPref); got != string(i18n.Malay) {
		t.Errorf("language preference = %q", got)
	}
	if u.current != screenVerify || !shows(u.root, "Kelompok") || !shows(u.root, "Sahkan") {
		t.Fatalf("after choosing Malay the window shows %s: %q", u.current, texts(u.root))
	}
	if menuItem(t, u, "Fail", "Keluar") == nil {
		t.Error("the menu is not in Malay")
	}
	// The rebuilt screens work.
	scan(t, u, m.Honest.String())
	if u.verify.report == nil || u.verify.report.Verdict != provenance.Trusted {
		t.Error("the rebuilt Verify screen does not verify")
	}
}

// TestFyneTextsFollowTheLanguage: the buttons of Fyne's own dialogs speak
// the language chosen, not the system's.
func TestFyneTextsFollowTheLanguage(t *testing.T) {
	u, _ := newMillUI(t)
	t.Cleanup(func() { useFyneLang(i18n.English) })
	u.setLang(i18n.Indonesian)
	dialogConfirm(u)
	if !shows(topDialog(t, u), "Ya") || !shows(topDialog(t, u), "Tidak") {
		t.Errorf("a confirmation in Bahasa Indonesia shows %q", texts(topDialog(t, u)))
	}
	u.setLang(i18n.English)
	dialogConfirm(u)
	if !shows(topDialog(t, u), "Yes") {
		t.Errorf("a confirmation in English shows %q", texts(topDialog(t, u)))
	}
}

func dialogConfirm(u *UI) { dialog.ShowConfirm("?", "?", func(bool) {}, u.win) }
