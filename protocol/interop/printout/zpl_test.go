package printout

import (
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/skip2/go-qrcode"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// zplField is one field of a ZPL format as a printer reads it.
type zplField struct {
	x, y       int
	qrMag      int // ^BQN magnification; 0 for text
	h, w       int // ^A0 letter height and width
	blockW     int // ^FB width
	blockLines int
	data       string // ^FD, with ^FH escapes decoded
}

// zplFormat is one label (^XA … ^XZ) read back.
type zplFormat struct {
	pw, ll int
	ci     string
	fields []zplField
}

// parseZPL reads the commands of ZPL II formats, failing on anything
// that is not a command this package writes.
func parseZPL(t *testing.T, s string) []zplFormat {
	t.Helper()
	var out []zplFormat
	var cur *zplFormat
	var f zplField
	hexEsc := false
	num := func(s string) int {
		n, err := strconv.Atoi(s)
		if err != nil {
			t.Fatalf("ZPL: %q is not a number", s)
		}
		return n
	}
	for _, cmd := range strings.Split(s, "^")[1:] {
		cmd = strings.TrimRight(cmd, "\n")
		if strings.ContainsAny(cmd, "~\n") {
			t.Fatalf("ZPL: a raw ~ or line break inside ^%s", cmd)
		}
		name, arg := cmd[:2], cmd[2:]
		if cur == nil && name != "XA" {
			t.Fatalf("ZPL: ^%s outside ^XA … ^XZ", cmd)
		}
		args := strings.Split(arg, ",")
		switch name {
		case "XA":
			out = append(out, zplFormat{})
			cur = &out[len(out)-1]
		case "XZ":
			cur = nil
		case "CI":
			cur.ci = arg
		case "PW":
			cur.pw = num(arg)
		case "LL":
			cur.ll = num(arg)
		case "LH":
			if arg != "0,0" {
				t.Fatalf("ZPL: label home %s", arg)
			}
		case "FO":
			f = zplField{x: num(args[0]), y: num(args[1])}
		case "BQ":
			if args[0] != "N" || args[1] != "2" {
				t.Fatalf("ZPL: ^BQ%s: want a normal model 2 code", arg)
			}
			f.qrMag = num(args[2])
		case "A0":
			f.h, f.w = num(args[1]), num(args[2])
		case "FB":
			f.blockW, f.blockLines = num(args[0]), num(args[1])
		case "FH":
			hexEsc = true
		case "FD":
			if hexEsc {
				arg = regexp.MustCompile(`_[0-9A-Fa-f]{2}`).ReplaceAllStringFunc(arg, func(e string) string {
					b, _ := hex.DecodeString(e[1:])
					return string(b)
				})
			}
			f.data = arg
		case "FS":
			cur.fields = append(cur.fields, f)
			f, hexEsc = zplField{}, false
		default:
			t.Fatalf("ZPL: unexpected command ^%s", cmd)
		}
	}
	if cur != nil {
		t.Fatal("ZPL: no ^XZ at the end")
	}
	return out
}

func TestLabelZPL(t *testing.T) {
	s := scenario.HonestPalm()
	id := s.Batch
	for _, tc := range []struct {
		name          string
		dpi           int
		w, h          float64
		resolver, lot string
		gtin          string
	}{
		{"50 × 30 mm at 203 dpi, bare ID", 203, 50, 30, "", "KSBL-CPO-0307", ""},
		{"50 × 30 mm at 300 dpi, resolver", 300, 50, 30, "verify.example.org", "KSBL-CPO-0307", ""},
		{"100 × 50 mm at 203 dpi, GS1", 203, 100, 50, "verify.example.org", "KSBL-CPO-0307", "9506000134352"},
		{"70 × 37 mm at 600 dpi", 600, 70, 37, "verify.example.org", "L~1^2_3", ""},
		{"the smallest, 20 × 15 mm", 203, 20, 15, "", "KSBL", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			l := Label{ID: id, Payload: protocol.LabelPayload(tc.resolver, tc.gtin, tc.lot, id), Product: "CRUDE PALM OIL",
				Qty: "21 t", Lot: tc.lot, Org: "Kilang Sawit Bukit Lebam Sdn Bhd", Date: scenario.Start, Lang: i18n.Indonesian}
			z := LabelZPL(l, tc.dpi, tc.w, tc.h)
			if !strings.HasPrefix(z, "^XA") || !strings.HasSuffix(strings.TrimSpace(z), "^XZ") {
				t.Fatalf("not one ZPL format:\n%s", z)
			}
			fs := parseZPL(t, z)
			if len(fs) != 1 {
				t.Fatalf("%d formats", len(fs))
			}
			f := fs[0]
			dots := func(mm float64) int { return int(mm * float64(tc.dpi) / 25.4) }
			if f.ci != "28" {
				t.Errorf("^CI%s, want ^CI28 (UTF-8)", f.ci)
			}
			if f.pw != dots(tc.w) || f.ll != dots(tc.h) {
				t.Errorf("^PW%d ^LL%d, want %d × %d dots", f.pw, f.ll, dots(tc.w), dots(tc.h))
			}
			var qr *zplField
			var texts []string
			for i, fd := range f.fields {
				if fd.qrMag > 0 {
					if qr != nil {
						t.Fatal("two QR codes")
					}
					qr = &f.fields[i]
					continue
				}
				texts = append(texts, fd.data)
				if fd.blockW == 0 || fd.blockLines == 0 || fd.h == 0 {
					t.Errorf("text %q is not in a field block with a font size", fd.data)
					continue
				}
				if fd.x < 0 || fd.y < 0 || fd.x+fd.blockW > f.pw || fd.y+fd.blockLines*fd.h > f.ll {
					t.Errorf("text %q (%d,%d, %d × %d lines of %d) falls off the %d × %d label", fd.data, fd.x, fd.y, fd.blockW, fd.blockLines, fd.h, f.pw, f.ll)
				}
				if max := fd.blockW / (fd.h * 60 / 100); len([]rune(fd.data)) > max*fd.blockLines {
					t.Errorf("text %q is longer than its block holds", fd.data)
				}
			}
			if qr == nil {
				t.Fatal("no QR code")
			}
			payload, ok := strings.CutPrefix(qr.data, "MA,")
			if !ok {
				t.Fatalf("the QR data %q does not start with MA, (error correction M, automatic mode)", qr.data)
			}
			if want := protocol.LabelPayload(tc.resolver, tc.gtin, tc.lot, id); payload != want {
				t.Errorf("the QR code carries %q, want protocol.LabelPayload %q", payload, want)
			}
			q, _ := qrcode.New(payload, qrcode.Medium)
			n := len(q.Bitmap()) - 8
			qrRight, qrBottom := qr.x+n*qr.qrMag, qr.y+n*qr.qrMag
			if qrRight > f.pw || qrBottom > f.ll {
				t.Errorf("the code (%d modules × %d dots from %d,%d) falls off the label", n, qr.qrMag, qr.x, qr.y)
			}
			for _, fd := range f.fields {
				if fd.qrMag == 0 && fd.x < qrRight && fd.y < qrBottom {
					t.Errorf("text %q at %d,%d is over the code", fd.data, fd.x, fd.y)
				}
			}
			all := strings.Join(texts, "\n")
			if !strings.Contains(all, idLines(id)[0]+"\n"+idLines(id)[1]) {
				t.Errorf("the batch ID %s is not written out in two lines:\n%s", id, all)
			}
			if tc.h >= 30 {
				for _, want := range []string{"CRUDE PALM OIL", "21 t", "Lot " + tc.lot, "Dibuat 2024-"} {
					if !strings.Contains(all, want) {
						t.Errorf("no %q on the label:\n%s", want, all)
					}
				}
			}
		})
	}
}

func TestLabelsZPL(t *testing.T) {
	labels := testLabels(t, 3, i18n.English)
	z, err := LabelsZPL(labels, 203, 50, 30)
	if err != nil {
		t.Fatal(err)
	}
	fs := parseZPL(t, z)
	if len(fs) != 3 {
		t.Fatalf("%d formats for 3 labels", len(fs))
	}
	for i, f := range fs {
		for _, fd := range f.fields {
			if fd.qrMag > 0 && fd.data != "MA,"+labels[i].payload() {
				t.Errorf("label %d carries %q", i, fd.data)
			}
		}
	}
	for name, call := range map[string]func() string{
		"no batch":  func() string { return LabelZPL(Label{Product: "CPO"}, 203, 50, 30) },
		"dpi 0":     func() string { return LabelZPL(labels[0], 0, 50, 30) },
		"too small": func() string { return LabelZPL(labels[0], 203, 10, 10) },
	} {
		if z := call(); z != "" {
			t.Errorf("%s: made a label:\n%s", name, z)
		}
	}
	if _, err := LabelsZPL(nil, 203, 50, 30); err == nil {
		t.Error("no labels made a file")
	}
}
