package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// scan types text into the scan field as a keyboard-wedge scanner does,
// ends it with Enter, and waits for the verification.
func scan(t *testing.T, u *UI, text string) {
	t.Helper()
	test.Type(u.verify.scan, text)
	u.verify.scan.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	settle(t, u)
}

func TestScanShowsVerdictAndChecks(t *testing.T) {
	honest := startMill(t)
	dc, failed := startDoubleClaim(t)
	tests := []struct {
		name    string
		node    *testNode
		id      string
		verdict provenance.Verdict
		banner  string
	}{
		{"honest chain", honest.testNode, honest.Honest.String(), provenance.Trusted, "TRUSTED"},
		{"double claim", dc, failed.String(), provenance.Failed, "FAILED"},
		{"upper case from a QR code", honest.testNode, protocol.LabelText(honest.Honest), provenance.Trusted, "TRUSTED"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := newTestUI(t, tt.node, Options{})
			u.show(screenVerify)
			if u.win.Canvas().Focused() != u.verify.scan {
				t.Error("the scan field does not have the focus when the Verify screen opens")
			}
			scan(t, u, tt.id)
			r := u.verify.report
			if r == nil || r.Verdict != tt.verdict {
				t.Fatalf("report = %+v, want verdict %s", r, tt.verdict)
			}
			if !shows(u.verify.result, tt.banner) {
				t.Errorf("the result does not show the banner %q; it shows %q", tt.banner, texts(u.verify.result))
			}
			if !shows(u.verify.result, r.Summary) {
				t.Errorf("the result does not show the summary %q", r.Summary)
			}
			for _, c := range r.Checks {
				if !shows(u.verify.result, c.Title+" — "+statusWords[c.Status]) {
					t.Errorf("check %q (%s) is not shown", c.Title, c.Status)
				}
				for _, rs := range c.Reasons {
					if !shows(u.verify.result, firstWords(rs.Text)) {
						t.Errorf("reason %q of check %q is not shown", rs.Text, c.Title)
					}
				}
			}
			if got := u.verify.scan.Text; got != "" {
				t.Errorf("after a scan the field holds %q, want it empty for the next scan", got)
			}
			if u.win.Canvas().Focused() != u.verify.scan {
				t.Error("the scan field lost the focus after verifying")
			}
		})
	}
}

func TestFailedChecksComeFirst(t *testing.T) {
	n, failed := startDoubleClaim(t)
	u := newTestUI(t, n, Options{})
	u.show(screenVerify)
	scan(t, u, failed.String())
	cs := sortedChecks(u.verify.report)
	if cs[0].Status != provenance.Fail || cs[0].Name != "double_claim" {
		t.Errorf("first check shown is %s (%s), want the failing double_claim", cs[0].Name, cs[0].Status)
	}
}

func TestScanRejectsWhatIsNotABatchID(t *testing.T) {
	u, _ := newMillUI(t)
	u.show(screenVerify)
	scan(t, u, "INV-2024-0311")
	if !visibleLabel(u.verify.msg, "not a batch ID") {
		t.Errorf("message = %q (visible %v), want it to say this is not a batch ID", u.verify.msg.Text, u.verify.msg.Visible())
	}
	if u.verify.report != nil {
		t.Error("a report is shown for text that is not a batch ID")
	}
}

// firstWords returns the start of a reason's text, as far as a line of the
// wrapped label surely shows it.
func firstWords(s string) string {
	f := strings.Fields(s)
	return strings.Join(f[:min(2, len(f))], " ")
}

// TestNotFoundIsNotFailed: a batch ID that parses but that nobody has is
// "not found", in amber, saying both what it may mean; never the red
// FAILED banner, and the previous verdict is gone.
func TestNotFoundIsNotFailed(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenVerify)
	v := u.verify
	v.run(m.Honest)
	settle(t, u)
	if v.report == nil {
		t.Fatal("the honest batch did not verify")
	}
	unknown := protocol.BatchID{Record: protocol.ComputeCID([]byte("a batch nobody recorded"))}
	v.submit(unknown.String())
	settle(t, u)
	if v.report != nil || shows(v.result, "FAILED") || shows(v.result, "TRUSTED") {
		t.Fatalf("an unknown batch shows %q", texts(v.result))
	}
	for _, want := range []string{"NOT FOUND", "was not found", "offline", "mistyped"} {
		if !shows(v.result, want) {
			t.Errorf("the result %q does not say %q", texts(v.result), want)
		}
	}
	// A bad ID clears the verdict of the batch before.
	v.run(m.Honest)
	settle(t, u)
	v.submit("not an id")
	settle(t, u)
	if v.report != nil || shows(v.result, "TRUSTED") {
		t.Errorf("after a bad ID the screen still shows %q", texts(v.result))
	}
}
