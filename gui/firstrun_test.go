package gui

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

func TestFirstRunCreatesTheOrganisation(t *testing.T) {
	n := startNode(t, nodeConfig{}) // a new install: no identity, no records
	u := newTestUI(t, n, Options{})
	f := u.first
	if f == nil || u.batches != nil {
		t.Fatal("an install without an identity did not open the first-run screen")
	}
	if f.demoBtn.Visible() && shows(f.obj, "Try the demo network") {
		t.Error("the demo button is shown though there is no demo to start")
	}
	backup := filepath.Join(t.TempDir(), "keys.jejakkey")
	test.Type(f.name, "Kilang Sawit Bukit Lebam Sdn Bhd")
	test.Tap(f.roles[1]) // mill
	test.Type(f.country, "my")
	test.Type(f.rspo, "1-0123-12-000-00")
	test.Type(f.gln, "9555123400017")
	f.device.SetText("")
	test.Type(f.device, "weighbridge office")
	test.Type(f.orgPass, "minyak sawit 2024")
	test.Type(f.orgAgain, "minyak sawit 2024")
	test.Type(f.pass, "sawit merah 2024")
	test.Type(f.again, "sawit merah 2024")
	if got := f.backup.Text; filepath.Base(got) != "jejak-keys-kilang-sawit-bukit-lebam-sdn-bhd.jejakkey" {
		t.Errorf("suggested backup file %q, want one named after the organisation", got)
	}
	u.files.(*stubPicker).savePath = backup
	test.Tap(buttonIn(t, f.obj, "Choose…"))
	if f.fm.publish.Disabled() {
		t.Fatalf("Create is disabled with every field filled: %s", f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	settle(t, u)

	// The node is now the organisation, with what was typed in its
	// public profile.
	ctx := context.Background()
	id, err := n.Identity(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !id.Ready || !id.HasOrgKey || !id.OrgKeyProtected || id.Name != "Kilang Sawit Bukit Lebam Sdn Bhd" || !slices.Equal(id.Roles, []protocol.Role{protocol.RoleMill}) ||
		id.Country != "MY" || id.DeviceName != "weighbridge office" {
		t.Fatalf("the node's identity is %+v", id)
	}
	orgs := feed(t, n, id.Org)
	if len(orgs) != 2 {
		t.Fatalf("the organisation's feed holds %d records, want its profile and the device delegation", len(orgs))
	}
	want := &protocol.Org{Name: "Kilang Sawit Bukit Lebam Sdn Bhd", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY", RSPO: "1-0123-12-000-00", GLN: "9555123400017"}
	if o, ok := orgs[0].Body.(*protocol.Org); !ok || o.Name != want.Name || !slices.Equal(o.Roles, want.Roles) || o.Country != want.Country || o.RSPO != want.RSPO || o.GLN != want.GLN {
		t.Errorf("the profile published is %+v, want %+v", orgs[0].Body, want)
	}
	if d, ok := orgs[1].Body.(*protocol.Device); !ok || d.Key != id.Device || d.Name != "weighbridge office" {
		t.Errorf("the delegation published is %+v, want the device %s named \"weighbridge office\"", orgs[1].Body, id.Device.Short())
	}
	// The backup is where the user chose, and opens with the passphrase
	// on another computer.
	other := startNode(t, nodeConfig{name: "restored"})
	if _, err := other.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "sawit merah 2024x"}); !errors.Is(err, api.ErrInvalid) {
		t.Errorf("the backup opened with a wrong passphrase: %v", err)
	}
	got, err := other.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "sawit merah 2024", OrgPassphrase: "another computer"})
	if err != nil {
		t.Fatalf("the backup in %s does not restore: %v", backup, err)
	}
	if got.Org != id.Org || got.Device != id.Device {
		t.Errorf("the backup restores organisation %s device %s, want %s and %s", got.Org.Short(), got.Device.Short(), id.Org.Short(), id.Device.Short())
	}

	if u.batches == nil || u.orgLabel.Text != "Kilang Sawit Bukit Lebam Sdn Bhd" {
		t.Error("after creating the organisation the main screens with its name are not shown")
	}
	if d := topDialog(t, u); !shows(d, "Organisation created") || !contains(strings.Join(texts(d), ""), backup) {
		t.Errorf("the confirmation says %q, not where the backup is", texts(d))
	}
}

func TestFirstRunRefusesBadEntries(t *testing.T) {
	n := startNode(t, nodeConfig{})
	u := newTestUI(t, n, Options{})
	f := u.first
	test.Type(f.name, "Kilang")
	test.Type(f.country, "MYS")
	test.Type(f.gln, "12345")
	test.Type(f.pass, "short")
	test.Type(f.again, "shorter")
	test.Type(f.orgPass, "tiny")
	test.Type(f.orgAgain, "tinier")
	for path, want := range map[string]string{
		"body.country": "ISO 3166-1", "body.gln": "13-digit", "passphrase": "At least 8", "again": "differ",
		"org-passphrase": "At least 8", "org-again": "differ",
	} {
		if fl := f.fm.paths[path]; !visibleLabel(fl.msg, want) {
			t.Errorf("%s: message %q, want %q", path, fl.msg.Text, want)
		}
	}
	test.Tap(f.fm.publish)
	settle(t, u)
	id, err := n.Identity(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if id.Ready || !id.Device.IsZero() {
		t.Errorf("the install has an identity after Create with bad entries: %+v", id)
	}
	if st, err := n.Status(context.Background()); err != nil || st.Records != 0 {
		t.Errorf("the node stored %d records (%v) after Create with bad entries", st.Records, err)
	}
	if u.batches != nil || u.root.Objects[0] != f.obj {
		t.Error("the first-run screen is no longer shown")
	}
}

func TestDemoButtonStartsTheDemo(t *testing.T) {
	install := startNode(t, nodeConfig{name: "install"}) // a first run
	d := newDemoStarter(t)
	start := d.start
	u := newTestUI(t, install, Options{StartDemo: start})
	if !shows(u.first.obj, "Try the demo network") {
		t.Fatal("no demo button on the first-run screen")
	}
	test.Tap(u.first.demoBtn)
	settle(t, u)
	if n := d.count(); n != 1 {
		t.Fatalf("StartDemo called %d times", n)
	}
	if d := u.win.Canvas().Overlays().Top(); d != nil {
		t.Fatalf("starting the demo shows %q", texts(d))
	}
	if u.svc != api.Service(d.node().Node) || u.batches == nil || u.orgLabel.Text != "You (demo buyer)" {
		t.Fatalf("after the demo started the window is not on the demo's node (organisation %q)", u.ident.Name)
	}
	if u.current != screenVerify || !shows(u.verify.demo, "Palm kernels — honest chain") || !shows(u.verify.demo, "Cooking oil — CPO sold twice") {
		t.Errorf("after the demo started the app shows %q without the demo batches", u.current)
	}
	// The demo's batches verify on the demo's node as their labels say.
	for _, tt := range []struct {
		label   string
		verdict provenance.Verdict
		banner  string
	}{
		{"Palm kernels — honest chain", provenance.Trusted, "TRUSTED"},
		{"Cooking oil — CPO sold twice", provenance.Failed, "FAILED"},
	} {
		test.Tap(buttonIn(t, u.verify.demo, tt.label))
		settle(t, u)
		if r := u.verify.report; r == nil || r.Verdict != tt.verdict || !shows(u.verify.result, tt.banner) {
			t.Errorf("%s: the result shows %q, want the verdict %s", tt.label, texts(u.verify.result), tt.verdict)
		}
	}
	// The install's own node got nothing of the demo.
	if st, err := install.Status(context.Background()); err != nil || st.Records != 0 {
		t.Errorf("the install's node holds %d records (%v) after the demo", st.Records, err)
	}
}
