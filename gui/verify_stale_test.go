package gui

import (
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"
)

// TestVerifyShowsOnlyTheLatestRequest: each request the Verify screen
// answers replaces what the one before showed. A bad ID after a TRUSTED
// verdict shows only its error; a QR image with no code shows only its
// error; a label read after that shows only the verdict.
func TestVerifyShowsOnlyTheLatestRequest(t *testing.T) {
	u, m := newMillUI(t)
	u.show(screenVerify)
	v := u.verify
	scan(t, u, m.Honest.String())
	if v.report == nil || !shows(v.result, "TRUSTED") {
		t.Fatalf("the honest batch shows %q", texts(v.result))
	}

	scan(t, u, "INV-2024-0311")
	if !visibleLabel(v.msg, "not a batch ID") || shows(v.result, "TRUSTED") || v.report != nil {
		t.Fatalf("after a bad ID the screen shows %q (message %q)", texts(v.obj), v.msg.Text)
	}

	blank := filepath.Join(t.TempDir(), "blank.png")
	f, err := os.Create(blank)
	if err != nil {
		t.Fatal(err)
	}
	if err := png.Encode(f, image.NewGray(image.Rect(0, 0, 200, 200))); err != nil {
		t.Fatal(err)
	}
	f.Close()
	scan(t, u, m.Honest.String())
	picker := u.files.(*stubPicker)
	picker.openPath = blank
	v.openImage()
	settle(t, u)
	if !v.msg.Visible() || !contains(v.msg.Text, "blank.png") || shows(v.result, "TRUSTED") || v.report != nil {
		t.Fatalf("after an image without a QR code the screen shows %q (message %q, visible %v)", texts(v.obj), v.msg.Text, v.msg.Visible())
	}

	label := filepath.Join(t.TempDir(), "label.png")
	if err := saveLabel(label, labelInfo{ID: m.PK, Product: "PK", Qty: "5 t", Lot: "KSBL-PK-0307", Org: "mill"}); err != nil {
		t.Fatal(err)
	}
	picker.openPath = label
	v.openImage()
	settle(t, u)
	if v.msg.Visible() || v.report == nil || v.report.Batch != m.PK {
		t.Fatalf("after reading a label the screen shows %q (message %q, visible %v)", texts(v.obj), v.msg.Text, v.msg.Visible())
	}
}
