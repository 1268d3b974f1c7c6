package gui

import (
	"errors"
	"fmt"
	"image"
	"os"

	// Image formats a QR photo or scan may come in.
	_ "image/gif"
	_ "image/jpeg"
	_ "image/png"

	"github.com/makiuchi-d/gozxing"
	zxqr "github.com/makiuchi-d/gozxing/qrcode"
	"github.com/skip2/go-qrcode"

	"github.com/jejak/jejak/protocol"
)

// qrModules returns the QR code of a label's text as modules (true is
// dark), with the standard four-module quiet zone around it.
func qrModules(text string) ([][]bool, error) {
	q, err := qrcode.New(text, qrcode.Medium)
	if err != nil {
		return nil, fmt.Errorf("make QR code: %w", err)
	}
	return q.Bitmap(), nil
}

// decodeQR finds a QR code in img and returns the batch ID it carries.
func decodeQR(img image.Image) (protocol.BatchID, error) {
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		return protocol.BatchID{}, fmt.Errorf("read image: %w", err)
	}
	hints := map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true}
	res, err := zxqr.NewQRCodeReader().Decode(bmp, hints)
	if err != nil {
		return protocol.BatchID{}, errors.New("no QR code found in the image; try a sharper, straighter picture with the whole code in it")
	}
	id, err := protocol.ParseLabel(res.GetText())
	if err != nil {
		return protocol.BatchID{}, fmt.Errorf("the QR code says %q, which is not a Jejak label: %s", truncate(res.GetText(), 80), detail(err))
	}
	return id, nil
}

// decodeQRFile reads an image file (PNG, JPEG or GIF) and decodes its QR
// code.
func decodeQRFile(path string) (protocol.BatchID, error) {
	f, err := os.Open(path)
	if err != nil {
		return protocol.BatchID{}, err
	}
	defer f.Close()
	img, _, err := image.Decode(f)
	if err != nil {
		return protocol.BatchID{}, fmt.Errorf("%s is not a PNG, JPEG or GIF image", path)
	}
	return decodeQR(img)
}
