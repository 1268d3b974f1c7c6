package gui

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/jejak/jejak/gui/fake"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func TestFirstRunCreatesTheOrganisation(t *testing.T) {
	svc := fake.New()
	u := newTestUI(t, svc, Options{})
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
	test.Type(f.pass, "sawit merah 2024")
	test.Type(f.again, "sawit merah 2024")
	if got := f.backup.Text; filepath.Base(got) != "jejak-keys-kilang-sawit-bukit-lebam-sdn-bhd.jejakkey" {
		t.Errorf("suggested backup file %q, want one named after the organisation", got)
	}
	u.files.(*fakePicker).savePath = backup
	test.Tap(buttonIn(t, f.obj, "Choose…"))
	if f.fm.publish.Disabled() {
		t.Fatalf("Create is disabled with every field filled: %s", f.fm.summary.Text)
	}
	test.Tap(f.fm.publish)
	u.idle()
	want := api.Setup{Name: "Kilang Sawit Bukit Lebam Sdn Bhd", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		RSPO: "1-0123-12-000-00", GLN: "9555123400017", DeviceName: "weighbridge office", BackupPath: backup, Passphrase: "sawit merah 2024"}
	if len(svc.Created) != 1 || !reflect.DeepEqual(svc.Created[0], want) {
		t.Fatalf("CreateIdentity called with %+v, want %+v", svc.Created, want)
	}
	if u.batches == nil || u.orgLabel.Text != "Kilang Sawit Bukit Lebam Sdn Bhd" {
		t.Error("after creating the organisation the main screens with its name are not shown")
	}
}

func TestFirstRunRefusesBadEntries(t *testing.T) {
	svc := fake.New()
	u := newTestUI(t, svc, Options{})
	f := u.first
	test.Type(f.name, "Kilang")
	test.Type(f.country, "MYS")
	test.Type(f.gln, "12345")
	test.Type(f.pass, "short")
	test.Type(f.again, "shorter")
	for path, want := range map[string]string{
		"body.country": "ISO 3166-1", "body.gln": "13-digit", "passphrase": "At least 8", "again": "differ",
	} {
		if fl := f.fm.paths[path]; !visibleLabel(fl.msg, want) {
			t.Errorf("%s: message %q, want %q", path, fl.msg.Text, want)
		}
	}
	test.Tap(f.fm.publish)
	u.idle()
	if len(svc.Created) != 0 {
		t.Error("CreateIdentity was called with bad entries")
	}
}

func TestDemoButtonStartsTheDemo(t *testing.T) {
	m := fake.NewMill()
	svc := fake.New()
	started := 0
	u := newTestUI(t, svc, Options{StartDemo: func(context.Context) (Demo, error) {
		started++
		return Demo{Batches: []DemoBatch{{Label: "Cooking oil — honest chain", ID: m.Honest}}}, nil
	}})
	if !shows(u.first.obj, "Try the demo network") {
		t.Fatal("no demo button on the first-run screen")
	}
	test.Tap(u.first.demoBtn)
	u.idle()
	if started != 1 {
		t.Fatalf("StartDemo called %d times", started)
	}
	if u.current != screenVerify || !shows(u.verify.demo, "Cooking oil — honest chain") {
		t.Errorf("after the demo started the app shows %q without the demo batch", u.current)
	}
}
