package gui

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomono"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// A label is 50 × 30 mm printed at 300 dots per inch: 591 × 354 pixels,
// the common size of thermal labels for sacks, drums and pallets.
const (
	labelDPI    = 300
	labelWidth  = 591 // 50 mm
	labelHeight = 354 // 30 mm
)

// labelInfo is what a label shows besides the code.
type labelInfo struct {
	ID protocol.BatchID
	// Text is what the QR code carries (protocol.LabelPayload); empty
	// means the bare batch ID.
	Text    string
	Product string
	Qty     string
	Lot     string
	Org     string
}

// labelOf is what the label of batch b shows on this install: the
// organisation's own name on what it made, the maker's on what it
// received, and the payload its label settings give.
func labelOf(u *UI, b api.Batch) labelInfo {
	org := u.ident.Name
	if b.Received || org == "" {
		org = b.MakerName
	}
	text := protocol.LabelPayload(u.ident.LabelResolver, u.ident.GTINs[b.Product], b.Lot, b.ID)
	return labelInfo{ID: b.ID, Text: text, Product: b.Product, Qty: formatQty(b.Qty), Lot: b.Lot, Org: org}
}

var (
	fontsOnce           sync.Once
	fontsErr            error
	boldTTF, regTTF, mo *opentype.Font
)

func loadFonts() error {
	fontsOnce.Do(func() {
		for _, x := range []struct {
			dst **opentype.Font
			ttf []byte
		}{{&boldTTF, gobold.TTF}, {&regTTF, goregular.TTF}, {&mo, gomono.TTF}} {
			if *x.dst, fontsErr = opentype.Parse(x.ttf); fontsErr != nil {
				return
			}
		}
	})
	return fontsErr
}

func face(f *opentype.Font, px float64) font.Face {
	fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingFull})
	return fc
}

// renderLabel draws a print-ready label: the QR code on the left, the
// product, lot, quantity and organisation beside it, and the full batch ID
// below, so a person can read what a scanner reads.
func renderLabel(l labelInfo) (*image.RGBA, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	text := l.Text
	if text == "" {
		text = protocol.LabelText(l.ID)
	}
	mods, err := qrModules(text)
	if err != nil {
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, labelWidth, labelHeight))
	draw.Draw(img, img.Bounds(), image.White, image.Point{}, draw.Src)

	// The code: whole pixels per module, as large as fits above the ID.
	scale := 290 / len(mods)
	for y, row := range mods {
		for x, dark := range row {
			if dark {
				r := image.Rect(4+x*scale, 2+y*scale, 4+(x+1)*scale, 2+(y+1)*scale)
				draw.Draw(img, r, image.Black, image.Point{}, draw.Src)
			}
		}
	}
	left := 4 + len(mods)*scale
	width := labelWidth - left - 12

	y := drawText(img, face(boldTTF, 36), l.Product, left, 56, width, 2, 38)
	y = drawText(img, face(regTTF, 26), "Lot "+orDash(l.Lot), left, y+6, width, 2, 28)
	y = drawText(img, face(regTTF, 26), l.Qty, left, y+4, width, 1, 28)
	drawText(img, face(regTTF, 20), l.Org, left, y+6, width, 3, 22)

	// The ID under everything, in two lines of monospace.
	id := l.ID.String()
	half := (len(id) + 1) / 2
	mono := face(mo, 21)
	drawText(img, mono, id[:half], 12, labelHeight-34, labelWidth-24, 1, 23)
	drawText(img, mono, id[half:], 12, labelHeight-11, labelWidth-24, 1, 23)
	return img, nil
}

// drawText writes s from (x, baseline y), wrapping at width over at most
// lines lines (the last one cut with an ellipsis), and returns the
// baseline of the line after the last one written.
func drawText(img draw.Image, f font.Face, s string, x, y, width, lines, lineH int) int {
	d := &font.Drawer{Dst: img, Src: image.NewUniform(color.Black), Face: f}
	words := strings.Fields(s)
	for n := 0; n < lines && len(words) > 0; n++ {
		line := words[0]
		i := 1
		for ; i < len(words); i++ {
			next := line + " " + words[i]
			if d.MeasureString(next).Ceil() > width {
				break
			}
			line = next
		}
		words = words[i:]
		if n == lines-1 && len(words) > 0 {
			line += " " + strings.Join(words, " ")
		}
		for d.MeasureString(line).Ceil() > width && len(line) > 1 {
			line = strings.TrimRight(string([]rune(line)[:len([]rune(line))-2]), " ") + "…"
		}
		d.Dot = fixed.P(x, y)
		d.DrawString(line)
		y += lineH
	}
	return y
}

// encodePNG encodes img with a pHYs chunk saying 300 dpi, so printing
// software sizes the label to 50 × 30 mm.
func encodePNG(img image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return nil, err
	}
	return withDPI(b.Bytes(), labelDPI), nil
}

// saveLabel writes the label as a PNG file.
func saveLabel(path string, l labelInfo) error {
	img, err := renderLabel(l)
	if err != nil {
		return err
	}
	data, err := encodePNG(img)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, data, 0o644)
}

// withDPI inserts a pHYs chunk giving dpi into an encoded PNG, right after
// its header chunk.
func withDPI(p []byte, dpi int) []byte {
	const ihdrEnd = 8 + 4 + 4 + 13 + 4
	if len(p) < ihdrEnd {
		return p
	}
	ppm := uint32(float64(dpi)/0.0254 + 0.5)
	chunk := make([]byte, 0, 21)
	chunk = binary.BigEndian.AppendUint32(chunk, 9)
	chunk = append(chunk, "pHYs"...)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = binary.BigEndian.AppendUint32(chunk, ppm)
	chunk = append(chunk, 1) // unit: metre
	chunk = binary.BigEndian.AppendUint32(chunk, crc32.ChecksumIEEE(chunk[4:]))
	out := make([]byte, 0, len(p)+len(chunk))
	out = append(out, p[:ihdrEnd]...)
	out = append(out, chunk...)
	return append(out, p[ihdrEnd:]...)
}
