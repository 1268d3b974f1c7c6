package gui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/protocol"
)

// A rule only the protocol checks is said under its field in the
// window's language: a lot code too long on the Malay harvest form, a
// large plot without a polygon on the Malay place form.
func TestProtocolRuleInTheWindowsLanguage(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{Lang: i18n.Malay})
	mine := feed(t, m, millDevice.Public())

	f := u.record.origin
	f.places.SetSelected(f.places.Options[:1])
	r := f.outs.rows[0]
	test.Type(r.product, "FFB")
	test.Type(r.qty.amount, "12")
	r.lot.SetText(strings.Repeat("L", protocol.MaxTextLength+1))
	if want := "Ada 201 aksara, paling banyak 200."; !visibleLabel(r.fLot.msg, want) {
		t.Errorf("under the lot code the Malay form says %q, want %q", r.fLot.msg.Text, want)
	}
	if !f.fm.publish.Disabled() {
		t.Error("the harvest can be published with a lot code the protocol refuses")
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	if n := len(feed(t, m, millDevice.Public())); n != len(mine) {
		t.Fatalf("the node stored %d records for a harvest with a 201-character lot code", n-len(mine))
	}
	r.lot.SetText("LSL-FFB-01")
	if r.fLot.msg.Visible() {
		t.Errorf("with a short lot code the form still says %q", r.fLot.msg.Text)
	}

	p := u.record.place
	test.Type(p.name, "Blok 14C")
	p.kind.SetSelected(p.u.kindName(protocol.PlacePlot))
	p.country.SetText("MY")
	test.Type(p.area, "12")
	test.Type(p.lat, "1.80412")
	test.Type(p.lon, "103.95821")
	geo := p.fm.paths["body.geo"]
	if want := "Plot seluas 12 ha memerlukan poligon, bukan titik (EUDR: plot melebihi 4 ha)"; !visibleLabel(geo.msg, want) {
		t.Errorf("under the location the Malay form says %q, want %q", geo.msg.Text, want)
	}
}
