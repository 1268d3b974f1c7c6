package gui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/image/draw"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func TestLabelQRRoundTrip(t *testing.T) {
	s := scenario.HonestPalm()
	ids := []protocol.BatchID{s.Batch, {Record: s.Batch.Record, Index: 255}, {Record: s.Records[0].CID, Index: 7}}
	// The bare ID, the /b/ URL a phone camera opens, and the GS1 form.
	texts := []string{"", protocol.LabelPayload("verify.example.org", "", "", ids[1]),
		protocol.LabelPayload("verify.example.org", "9506000134352", "PGEO-OL-2403-07", ids[2])}
	for i, id := range ids {
		t.Run(id.String(), func(t *testing.T) {
			img, err := renderLabel(labelInfo{ID: id, Text: texts[i], Product: "RBD PALM OLEIN", Qty: "15,750 t", Lot: "PGEO-OL-2403-07", Org: "Pasir Gudang Edible Oils Sdn Bhd"})
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != labelWidth || b.Dy() != labelHeight {
				t.Errorf("label is %v, want %d×%d (50 × 30 mm at 300 dpi)", b, labelWidth, labelHeight)
			}
			// The whole label, text and all, as a scanner app sees it.
			got, err := decodeQR(img)
			if err != nil || got != id {
				t.Fatalf("decode(label of %s) = %s, %v", id, got, err)
			}
			// A photo is smaller and blurred: scale the label down by half.
			small := image.NewRGBA(image.Rect(0, 0, labelWidth/2, labelHeight/2))
			draw.BiLinear.Scale(small, small.Bounds(), img, img.Bounds(), draw.Src, nil)
			if got, err := decodeQR(small); err != nil || got != id {
				t.Errorf("decode(half-size label) = %s, %v", got, err)
			}
		})
	}
}

func TestSavedLabelIsA300DPIPNG(t *testing.T) {
	s := scenario.HonestPalm()
	path := filepath.Join(t.TempDir(), "label.png")
	if err := saveLabel(path, labelInfo{ID: s.Batch, Product: "COOKING OIL", Qty: "14,850 t", Lot: "SPN-MG-240320", Org: "PT Sinar Pangan Nusantara"}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data[:64], []byte("pHYs")) {
		t.Error("the PNG has no pHYs chunk, so printers do not know its size")
	}
	if _, err := png.Decode(bytes.NewReader(data)); err != nil {
		t.Fatalf("the PNG with its pHYs chunk does not decode: %v", err)
	}
	id, err := decodeQRFile(path)
	if err != nil || id != s.Batch {
		t.Errorf("decodeQRFile = %s, %v; want %s", id, err, s.Batch)
	}
}

func TestDecodeQRRefusesOtherImages(t *testing.T) {
	blank := image.NewRGBA(image.Rect(0, 0, 200, 200))
	if _, err := decodeQR(blank); err == nil {
		t.Error("a blank image decoded")
	}
}

func TestOpenQRImageVerifies(t *testing.T) {
	u, m := newMillUI(t)
	path := filepath.Join(t.TempDir(), "photo.png")
	if err := saveLabel(path, labelInfo{ID: m.Honest, Product: "COOKING OIL"}); err != nil {
		t.Fatal(err)
	}
	u.show(screenVerify)
	u.files.(*stubPicker).openPath = path
	u.verify.openImage()
	settle(t, u)
	if r := u.verify.report; r == nil || r.Batch != m.Honest {
		t.Fatalf("opening a label image verified %v, want %s", r, m.Honest)
	}
}
