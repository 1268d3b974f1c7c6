package gui

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// Picking an input batch says what is left without filling it in, so the
// quantity typed is the quantity used ("20", not "9020"); a receipt's
// quantity, filled in with what was sent, is replaced by what is typed.
func TestTypedQuantityReplacesWhatIsLeft(t *testing.T) {
	u, _ := newMillUI(t)
	p := u.record.process
	r := p.ins[0]
	r.batch.SetSelected(optionFor(t, r.batch.Options, "LSL-FFB-2403-02"))
	if r.amount.Text != "" || !contains(r.amount.PlaceHolder, "up to 90 t left") || r.unit.Text != "t" {
		t.Errorf("after picking the 90 t batch: quantity %q, hint %q, unit %q; want empty, \"up to 90 t left\", \"t\"", r.amount.Text, r.amount.PlaceHolder, r.unit.Text)
	}
	test.Type(r.amount, "20")
	if r.amount.Text != "20" || r.fQty.msg.Visible() {
		t.Errorf("typing 20: the quantity reads %q, message %q", r.amount.Text, r.fQty.msg.Text)
	}

	rc := u.record.receive
	if len(rc.cards) != 1 {
		t.Fatalf("%d incoming shipments shown, want 1", len(rc.cards))
	}
	c := rc.cards[0]
	if c.amount.Text != "60" {
		t.Fatalf("the receipt's quantity starts as %q, want what was sent, 60", c.amount.Text)
	}
	test.Type(c.amount, "59.5")
	if c.amount.Text != "59.5" || c.fQty.msg.Visible() || c.fm.publish.Disabled() {
		t.Errorf("typing 59.5 over what was sent: the quantity reads %q, message %q, publish disabled %v", c.amount.Text, c.fQty.msg.Text, c.fm.publish.Disabled())
	}
}

// The harvest dates open a calendar; the day picked is written as dates
// are typed, and typing a date still works.
func TestHarvestDatesFromACalendar(t *testing.T) {
	u, _ := newMillUI(t)
	u.show(screenRecord)
	u.record.open(tabHarvest)
	f := u.record.origin
	f.from.SetText("2024-03-04")
	test.Tap(f.pickFrom)
	pop := topDialog(t, u)
	var day *widget.Button
	for _, o := range test.LaidOutObjects(pop) {
		if b, ok := o.(*widget.Button); ok && b.Text == "2" && b.Visible() {
			day = b
		}
	}
	if day == nil {
		t.Fatalf("no calendar with a day 2 opened: %q", texts(pop))
	}
	test.Tap(day)
	if f.from.Text != "2024-03-02" {
		t.Errorf("picking the 2nd in the calendar opened at 2024-03-04 wrote %q", f.from.Text)
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Error("the calendar stays open after a day was picked")
	}
	if f.fFrom.msg.Visible() {
		t.Errorf("picked date: message %q", f.fFrom.msg.Text)
	}
	f.until.SetText("")
	test.Type(f.until, "2024-03-05")
	if f.fUntil.msg.Visible() {
		t.Errorf("typed date 2024-03-05: message %q", f.fUntil.msg.Text)
	}
	f.until.SetText("")
	test.Type(f.until, "5/3/2024")
	if !visibleLabel(f.fUntil.msg, "YYYY-MM-DD") {
		t.Errorf("typed date 5/3/2024: message %q, want it to ask for YYYY-MM-DD", f.fUntil.msg.Text)
	}
}

// A palm-oil mill is offered its products, not tin; another product is
// one choice away, and any name can still be typed.
func TestProductsOfferedByRole(t *testing.T) {
	u, _ := newMillUI(t)
	if !slices.Contains(u.ident.Roles, protocol.RoleMill) {
		t.Fatalf("the mill's install has roles %v", u.ident.Roles)
	}
	r := u.record.origin.outs.rows[0]
	opts := r.products
	if opts[0] != protocol.ProductCPO || !slices.Contains(opts, protocol.ProductPK) {
		t.Errorf("the mill is offered %q, want CPO first and PK", opts)
	}
	for _, p := range []string{protocol.ProductTin, protocol.ProductTaPowder, protocol.ProductGold} {
		if slices.Contains(opts, p) {
			t.Errorf("a palm-oil mill is offered %s: %q", p, opts)
		}
	}
	other := opts[len(opts)-1]
	if !contains(other, "Other") {
		t.Fatalf("the last product choice is %q, want a way to other products", other)
	}
	r.product.SetText(other)
	if r.product.Text != "" || !slices.Contains(r.products, protocol.ProductTin) {
		t.Errorf("after choosing %q: text %q, options %q", other, r.product.Text, r.products)
	}
	test.Type(r.product, "CRUDE GLYCERINE")
	if r.product.Text != "CRUDE GLYCERINE" || r.fProduct.msg.Visible() {
		t.Errorf("a product typed: %q, message %q", r.product.Text, r.fProduct.msg.Text)
	}
}

// "Send to" says why it offers no organisation, and what to do; a search
// that finds none says so.
func TestSendToSaysWhyItIsEmpty(t *testing.T) {
	n := startNode(t, nodeConfig{name: "lonely"})
	if _, err := n.CreateIdentity(t.Context(), api.Setup{Name: "Kilang Sunyi", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY", DeviceName: "desk", OrgPassphrase: testOrgPass}); err != nil {
		t.Fatal(err)
	}
	u := newTestUI(t, n, Options{})
	f := u.record.ship
	f.loadOrgs()
	settle(t, u)
	if len(f.to.Options) != 0 || !visibleLabel(f.toHint, "No other organisation has reached this computer") || !contains(f.toHint.Text, "Network screen") {
		t.Errorf("with no organisation known: options %q, hint %q (visible %v)", f.to.Options, f.toHint.Text, f.toHint.Visible())
	}
	if f.toSearch.Visible() {
		t.Error("a search is offered over no organisations")
	}

	u2, _ := newMillUI(t)
	s := u2.record.ship
	all := len(s.to.Options)
	if all == 0 || s.toHint.Visible() {
		t.Fatalf("the mill is offered %d organisations, hint %q", all, s.toHint.Text)
	}
	test.Type(s.toSearch, "pasir")
	if len(s.to.Options) != 1 || !contains(s.to.Options[0], "Pasir Gudang") {
		t.Errorf("searching \"pasir\" offers %q", s.to.Options)
	}
	s.toSearch.SetText("")
	test.Type(s.toSearch, "zzz")
	if len(s.to.Options) != 0 || !visibleLabel(s.toHint, "No organisation matches “zzz”") {
		t.Errorf("searching \"zzz\": options %q, hint %q", s.to.Options, s.toHint.Text)
	}
	s.toSearch.SetText("")
	if len(s.to.Options) != all || s.toHint.Visible() {
		t.Errorf("search cleared: %d options of %d, hint visible %v", len(s.to.Options), all, s.toHint.Visible())
	}
}

// Every quantity a form shows reads in symbols (t, kg), never in the
// record's codes.
func TestFormsWriteUnitsAsSymbols(t *testing.T) {
	u, _ := newMillUI(t)
	u.show(screenRecord)
	u.win.Resize(fyne.NewSize(1280, 800))
	for _, it := range u.record.tabs.Items {
		u.record.tabs.Select(it)
		settle(t, u)
		for _, s := range texts(it.Content) {
			for _, code := range protocol.Units() {
				if strings.Contains(s, " "+string(code)) {
					t.Errorf("tab %s shows %q, with the unit code %s", it.Text, s, code)
				}
			}
		}
	}
	if got := u.record.origin.outs.rows[0].qty.unit.Options; !slices.Equal(got, []string{"kg", "t", "g", "L", "m³", "pcs"}) {
		t.Errorf("the unit choices are %q", got)
	}
}

// The record forms speak the window's language: a Malay window's forms
// say Malay, and every forms.* key the code names is in the catalog.
func TestFormsSpeakTheWindowsLanguage(t *testing.T) {
	m := startMill(t)
	u := newTestUI(t, m, Options{Lang: i18n.Malay})
	r := u.record
	for _, c := range []struct{ got, want string }{
		{r.origin.fm.publish.Text, "Terbitkan tuaian"},
		{r.process.fm.publish.Text, "Terbitkan larian pemprosesan"},
		{r.ship.fm.publish.Text, "Terbitkan penghantaran"},
		{r.place.fm.publish.Text, "Terbitkan tempat"},
		{r.tabs.Items[0].Text, "Tuaian / asal"},
		{r.origin.outs.rows[0].fQty.name, "Kuantiti"},
	} {
		if c.got != c.want {
			t.Errorf("the Malay window says %q, want %q", c.got, c.want)
		}
	}
	r.origin.fm.touchAll(true)
	r.origin.validate()
	if !contains(r.origin.fm.summary.Text, "Untuk menerbitkan, betulkan:") {
		t.Errorf("the Malay harvest form's summary says %q", r.origin.fm.summary.Text)
	}

	key := regexp.MustCompile(`"(forms\.[A-Za-z0-9.]+)"`)
	files, _ := filepath.Glob("*.go")
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, k := range key.FindAllStringSubmatch(string(src), -1) {
			if !i18n.Has(k[1]) {
				t.Errorf("%s names %s, which the catalog does not have", name, k[1])
			}
		}
	}
}
