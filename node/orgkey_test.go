package node

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// readIdentityFile returns the bytes of n's identity.json.
func readIdentityFile(t *testing.T, dir string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, identityFile))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// holdsSeed reports whether data holds the seed in any form a JSON file
// could carry it: raw, base64, or hex.
func holdsSeed(data, seed []byte) bool {
	return bytes.Contains(data, seed) ||
		bytes.Contains(data, []byte(base64.StdEncoding.EncodeToString(seed))) ||
		bytes.Contains(data, []byte(base64.RawStdEncoding.EncodeToString(seed))) ||
		bytes.Contains(data, []byte(base64.RawURLEncoding.EncodeToString(seed))) ||
		bytes.Contains(data, []byte(hex.EncodeToString(seed)))
}

// backupOrgKey reads the organisation key out of a backup file.
func backupOrgKey(t *testing.T, path, passphrase string) protocol.PrivateKey {
	t.Helper()
	keys, err := loadKeyFile(path, passphrase)
	if err != nil {
		t.Fatal(err)
	}
	return keys[orgKeyName]
}

func recordCount(t *testing.T, n *Node) int64 {
	t.Helper()
	st, err := n.Status(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return st.Records
}

// TestOrgKeyEncryptedAtRest: a new install writes the organisation key
// encrypted; what it signs needs the passphrase, and a missing or wrong one
// is ErrLocked that signs nothing, before and after a restart.
func TestOrgKeyEncryptedAtRest(t *testing.T) {
	ctx := context.Background()
	n := appNode(t, "mill")
	backup := filepath.Join(t.TempDir(), "keys.age")
	if _, err := n.CreateIdentity(ctx, api.Setup{Name: "Kilang Rahsia", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: backup, Passphrase: "backup passphrase", OrgPassphrase: "backup passphrase"}); !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "must differ") {
		t.Fatalf("one passphrase for both: %v, want ErrInvalid", err)
	}
	if _, err := n.CreateIdentity(ctx, api.Setup{Name: "Kilang Rahsia", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"}); !errors.Is(err, api.ErrInvalid) || !strings.Contains(err.Error(), "organisation passphrase") {
		t.Fatalf("no organisation passphrase: %v, want ErrInvalid", err)
	}
	if _, err := os.Stat(filepath.Join(n.cfg.DataDir, identityFile)); !os.IsNotExist(err) {
		t.Fatalf("a refused setup wrote the identity: %v", err)
	}
	id := mustIdentity(t, n, api.Setup{Name: "Kilang Rahsia", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: backup, Passphrase: "backup passphrase"})
	org := backupOrgKey(t, backup, "backup passphrase")
	if org.Public() != id.Org {
		t.Fatal("the backup holds another organisation key")
	}
	file := readIdentityFile(t, n.cfg.DataDir)
	if holdsSeed(file, org.Seed()) {
		t.Fatalf("identity.json holds the organisation seed:\n%s", file)
	}
	var f identityJSON
	if err := json.Unmarshal(file, &f); err != nil || f.Format != identityFormat || f.OrgSeed != nil || !strings.HasPrefix(f.OrgSealed, sealedPrefix) {
		t.Fatalf("identity.json: format %q, plain seed %v, sealed %.40q (%v)", f.Format, f.OrgSeed != nil, f.OrgSealed, err)
	}

	other := prototestKey(t)
	endorse := &protocol.Endorse{Org: other, Role: protocol.RolePlantation}
	before := recordCount(t, n)
	for _, pass := range []string{"", "not the passphrase"} {
		_, err := n.Publish(ctx, api.Draft{Body: endorse, OrgPassphrase: pass})
		if !errors.Is(err, api.ErrLocked) || !strings.Contains(err.Error(), "organisation passphrase") {
			t.Fatalf("endorse with passphrase %q: %v, want ErrLocked naming the organisation passphrase", pass, err)
		}
		if _, err := n.RotateDevice(ctx, pass); !errors.Is(err, api.ErrLocked) {
			t.Fatalf("rotate with passphrase %q: %v, want ErrLocked", pass, err)
		}
		if err := n.BackupKeys(ctx, api.Backup{Path: filepath.Join(t.TempDir(), "b.age"), Passphrase: "backup passphrase", OrgPassphrase: pass}); !errors.Is(err, api.ErrLocked) {
			t.Fatalf("backup with passphrase %q: %v, want ErrLocked", pass, err)
		}
	}
	if got := recordCount(t, n); got != before {
		t.Fatalf("refused operations stored %d records", got-before)
	}
	if !bytes.Equal(readIdentityFile(t, n.cfg.DataDir), file) {
		t.Fatal("refused operations changed identity.json")
	}
	// Daily records need no passphrase.
	publish(t, n, 1)
	rec, err := n.Publish(ctx, api.Draft{Body: endorse, OrgPassphrase: testOrgPass})
	if err != nil || rec.Author != id.Org {
		t.Fatalf("endorse with the passphrase: author %s, %v", rec.Author.Short(), err)
	}
	// A correction of an organisation record is signed by the organisation
	// key, so it needs the passphrase too.
	fix := &protocol.Correct{Record: rec.CID, Reason: "wrong organisation"}
	if _, err := n.Publish(ctx, api.Draft{Body: fix}); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("correcting an endorsement without the passphrase: %v, want ErrLocked", err)
	}
	if c, err := n.Publish(ctx, api.Draft{Body: fix, OrgPassphrase: testOrgPass}); err != nil || c.Author != id.Org {
		t.Fatalf("correcting an endorsement: %v", err)
	}

	// The same after a restart.
	dir := n.cfg.DataDir
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "mill-again")
	cfg.DataDir, cfg.DeviceKey = dir, protocol.PrivateKey{}
	again := startNode(t, cfg)
	got, err := again.Identity(ctx)
	if err != nil || !got.HasOrgKey || !got.OrgKeyProtected || got.Org != id.Org {
		t.Fatalf("identity after restart: %+v, %v", got, err)
	}
	if _, err := again.Publish(ctx, api.Draft{Body: &protocol.Endorse{Org: other, Role: protocol.RoleMill}}); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("endorse after restart without the passphrase: %v", err)
	}
	if _, err := again.RotateDevice(ctx, testOrgPass); err != nil {
		t.Fatalf("rotate after restart: %v", err)
	}
	if holdsSeed(readIdentityFile(t, dir), org.Seed()) {
		t.Fatal("identity.json holds the organisation seed after a rotation")
	}
}

func prototestKey(t *testing.T) protocol.PublicKey {
	t.Helper()
	k, err := protocol.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	return k.Public()
}

// TestMigrateUnprotectedOrgKey: an identity.json of format 1, with the
// organisation seed in plain text, still loads and signs; Identity says the
// key is unprotected, SetOrgPassphrase protects it, and no plain seed is
// left in the file.
func TestMigrateUnprotectedOrgKey(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	org, _ := protocol.GenerateKey(nil)
	dev, _ := protocol.GenerateKey(nil)
	v1 := identityJSON{Format: identityFormatV1, Org: org.Public(), OrgSeed: org.Seed(), DeviceSeed: dev.Seed(), DeviceName: "desk"}
	data, _ := json.MarshalIndent(v1, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, identityFile), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(t, "old-mill")
	cfg.DataDir, cfg.DeviceKey = dir, protocol.PrivateKey{}
	n := startNode(t, cfg)
	if _, err := n.Publish(ctx, api.Draft{Body: &protocol.Org{Name: "Kilang Lama", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY"}}); err != nil {
		t.Fatalf("org record from an unprotected key: %v", err)
	}
	if _, err := n.Publish(ctx, api.Draft{Body: &protocol.Device{Key: dev.Public(), Name: "desk"}}); err != nil {
		t.Fatal(err)
	}
	id, err := n.Identity(ctx)
	if err != nil || !id.Ready || !id.HasOrgKey || id.OrgKeyProtected {
		t.Fatalf("identity of a format 1 install: %+v, %v (want the org key held, unprotected)", id, err)
	}
	if _, err := n.SetOrgPassphrase(ctx, api.OrgPassphrase{New: "short"}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("a short passphrase: %v, want ErrInvalid", err)
	}
	if !bytes.Equal(readIdentityFile(t, dir), data) {
		t.Fatal("a refused protect changed identity.json")
	}
	if id, err = n.SetOrgPassphrase(ctx, api.OrgPassphrase{New: testOrgPass}); err != nil || !id.OrgKeyProtected {
		t.Fatalf("protect: %+v, %v", id, err)
	}
	file := readIdentityFile(t, dir)
	if holdsSeed(file, org.Seed()) || bytes.Contains(file, []byte("org_seed")) || !bytes.Contains(file, []byte(identityFormat)) {
		t.Fatalf("identity.json after protecting it still holds the plain seed:\n%s", file)
	}
	if _, err := n.Publish(ctx, api.Draft{Body: &protocol.Endorse{Org: prototestKey(t), Role: protocol.RoleMill}}); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("endorse once protected, without the passphrase: %v, want ErrLocked", err)
	}
	if _, err := n.Publish(ctx, api.Draft{Body: &protocol.Endorse{Org: prototestKey(t), Role: protocol.RoleMill}, OrgPassphrase: testOrgPass}); err != nil {
		t.Fatal(err)
	}
	// The protected file loads again.
	if err := n.Close(); err != nil {
		t.Fatal(err)
	}
	again := startNode(t, cfg)
	if id, err := again.Identity(ctx); err != nil || !id.OrgKeyProtected || id.Org != org.Public() {
		t.Fatalf("after restart: %+v, %v", id, err)
	}
}

// TestChangeAndResetOrgPassphrase: the passphrase changes with the old
// one; a forgotten one is replaced from the key backup, which must be this
// organisation's; every refusal leaves identity.json as it was.
func TestChangeAndResetOrgPassphrase(t *testing.T) {
	ctx := context.Background()
	n := appNode(t, "mill")
	backup := filepath.Join(t.TempDir(), "keys.age")
	mustIdentity(t, n, api.Setup{Name: "Kilang Lupa", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: backup, Passphrase: "backup passphrase"})
	stranger := appNode(t, "stranger")
	strangerBackup := filepath.Join(t.TempDir(), "stranger.age")
	mustIdentity(t, stranger, api.Setup{Name: "Kilang Lain", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: strangerBackup, Passphrase: "backup passphrase"})
	dir := n.cfg.DataDir
	before := readIdentityFile(t, dir)

	refused := []struct {
		name string
		p    api.OrgPassphrase
		kind error
	}{
		{"wrong old", api.OrgPassphrase{Old: "not the passphrase", New: "second passphrase"}, api.ErrLocked},
		{"no old", api.OrgPassphrase{New: "second passphrase"}, api.ErrLocked},
		{"short new", api.OrgPassphrase{Old: testOrgPass, New: "short"}, api.ErrInvalid},
		{"wrong backup passphrase", api.OrgPassphrase{BackupPath: backup, BackupPassphrase: "not the backup's", New: "second passphrase"}, api.ErrInvalid},
		{"another organisation's backup", api.OrgPassphrase{BackupPath: strangerBackup, BackupPassphrase: "backup passphrase", New: "second passphrase"}, api.ErrInvalid},
		{"backup passphrase reused", api.OrgPassphrase{BackupPath: backup, BackupPassphrase: "backup passphrase", New: "backup passphrase"}, api.ErrInvalid},
		{"no such backup", api.OrgPassphrase{BackupPath: filepath.Join(dir, "nothing.age"), BackupPassphrase: "backup passphrase", New: "second passphrase"}, api.ErrInvalid},
	}
	for _, c := range refused {
		t.Run(c.name, func(t *testing.T) {
			if _, err := n.SetOrgPassphrase(ctx, c.p); !errors.Is(err, c.kind) {
				t.Fatalf("%v, want %v", err, c.kind)
			}
			if !bytes.Equal(readIdentityFile(t, dir), before) {
				t.Fatal("identity.json changed")
			}
		})
	}
	if _, err := n.SetOrgPassphrase(ctx, api.OrgPassphrase{Old: testOrgPass, New: "second passphrase"}); err != nil {
		t.Fatalf("change: %v", err)
	}
	endorse := func(pass string) error {
		_, err := n.Publish(ctx, api.Draft{Body: &protocol.Endorse{Org: prototestKey(t), Role: protocol.RoleMill}, OrgPassphrase: pass})
		return err
	}
	if err := endorse(testOrgPass); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("the old passphrase after a change: %v, want ErrLocked", err)
	}
	if err := endorse("second passphrase"); err != nil {
		t.Fatalf("the new passphrase: %v", err)
	}
	// Forgotten: the backup sets a third one.
	if id, err := n.SetOrgPassphrase(ctx, api.OrgPassphrase{BackupPath: backup, BackupPassphrase: "backup passphrase", New: "third passphrase"}); err != nil || !id.OrgKeyProtected {
		t.Fatalf("reset from the backup: %+v, %v", id, err)
	}
	if err := endorse("second passphrase"); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("the forgotten passphrase after a reset: %v", err)
	}
	if err := endorse("third passphrase"); err != nil {
		t.Fatalf("the reset passphrase: %v", err)
	}
}

// testClock is a clock tests move by hand, shared by several nodes.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRevokeStolenDeviceFromAnotherInstall: a laptop of the organisation is
// stolen. The office computer, set up from the key backup with a device key
// of its own, revokes the laptop's device key; what the laptop signs after
// that fails verification on every node (the office, a buyer's node, and
// the laptop itself), while what it signed before stays valid.
func TestRevokeStolenDeviceFromAnotherInstall(t *testing.T) {
	ctx := context.Background()
	clock := &testClock{t: time.Now().Add(-time.Hour).Truncate(time.Millisecond)}
	start := func(name string) *Node {
		cfg := testConfig(t, name)
		cfg.DeviceKey, cfg.Now = protocol.PrivateKey{}, clock.now
		return startNode(t, cfg)
	}
	laptop, office, buyer := start("laptop"), start("office"), start("buyer")
	connect(t, laptop, office)
	connect(t, office, buyer)
	connect(t, laptop, buyer)

	backup := filepath.Join(t.TempDir(), "keys.age")
	lid := mustIdentity(t, laptop, api.Setup{Name: "Ladang Curi", Roles: []protocol.Role{protocol.RolePlantation}, Country: "MY",
		BackupPath: backup, Passphrase: "backup passphrase", DeviceName: "laptop"})
	harvest := func(lot string) protocol.BatchID {
		t.Helper()
		place, err := laptop.Publish(ctx, api.Draft{Body: &protocol.Place{Name: "Blok " + lot, Kind: protocol.PlacePlot, Country: "MY",
			Geo: protocol.PointGeometry(protocol.Pos(103.9, 1.7)), Area: 20000}})
		if err != nil {
			t.Fatal(err)
		}
		now := clock.now()
		o, err := laptop.Publish(ctx, api.Draft{Body: &protocol.Origin{Places: []protocol.CID{place.CID},
			From: now.Add(-48 * time.Hour).UnixMilli(), Until: now.Add(-24 * time.Hour).UnixMilli(),
			Out: []protocol.Output{{Product: "FFB", Qty: protocol.Q(10, protocol.TNE), Lot: lot}}}})
		if err != nil {
			t.Fatal(err)
		}
		return protocol.BatchID{Record: o.CID}
	}
	before := harvest("H-1")
	waitFor(t, "the laptop's records reach the office", func() bool { return has(t, office, before.Record) })

	oid, err := office.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "backup passphrase", NewDevice: true, OrgPassphrase: "office passphrase"})
	if err != nil || oid.Org != lid.Org || oid.Device == lid.Device {
		t.Fatalf("office from the backup: %+v, %v", oid, err)
	}
	clock.advance(time.Minute)
	stolen := lid.Device
	r := api.DeviceRevocation{Key: stolen, Reason: "laptop stolen"}
	if _, err := office.RevokeDevice(ctx, r); !errors.Is(err, api.ErrLocked) {
		t.Fatalf("revoke without the passphrase: %v, want ErrLocked", err)
	}
	r.OrgPassphrase = "office passphrase"
	for name, c := range map[string]struct {
		r    api.DeviceRevocation
		kind error
	}{
		"no reason":        {api.DeviceRevocation{Key: stolen, OrgPassphrase: r.OrgPassphrase}, api.ErrInvalid},
		"its own key":      {api.DeviceRevocation{Key: oid.Device, Reason: "x", OrgPassphrase: r.OrgPassphrase}, api.ErrInvalid},
		"a stranger's key": {api.DeviceRevocation{Key: prototestKey(t), Reason: "x", OrgPassphrase: r.OrgPassphrase}, api.ErrNotFound},
		"wrong passphrase": {api.DeviceRevocation{Key: stolen, Reason: "x", OrgPassphrase: "not the office's"}, api.ErrLocked},
	} {
		if _, err := office.RevokeDevice(ctx, c.r); !errors.Is(err, c.kind) {
			t.Errorf("revoke, %s: %v, want %v", name, err, c.kind)
		}
	}
	if revs, _ := office.store.RevocationsOfKey(ctx, stolen); len(revs) != 0 {
		t.Fatalf("refused revocations stored %d records", len(revs))
	}
	oid, err = office.RevokeDevice(ctx, r)
	if err != nil || !revokedDevice(oid, stolen) {
		t.Fatalf("revoke from the office: %v", err)
	}
	revs, err := office.store.RevocationsOfKey(ctx, stolen)
	if err != nil || len(revs) != 1 {
		t.Fatalf("revocations of the laptop's key: %v, %v", revs, err)
	}
	rev, err := office.store.Get(ctx, revs[0])
	if err != nil || rev.Author != lid.Org || rev.Body.(*protocol.Revoke).From != clock.now().UnixMilli() {
		t.Fatalf("the revocation: %+v, %v (want the organisation's, from the office's clock)", rev, err)
	}
	for _, n := range []*Node{laptop, buyer} {
		waitFor(t, "the revocation reaches every node", func() bool { return has(t, n, rev.CID) })
	}
	clock.advance(time.Minute)
	after := harvest("H-2") // the thief records on
	for _, n := range []*Node{office, buyer} {
		waitFor(t, "the thief's record reaches every node", func() bool { return has(t, n, after.Record) })
	}

	for name, n := range map[string]*Node{"office": office, "buyer": buyer, "laptop": laptop} {
		rep, err := n.Verify(ctx, api.VerifyRequest{Batch: after})
		if err != nil || rep.Verdict != provenance.Failed || !reportHas(rep, provenance.CodeRevokedKey) {
			t.Errorf("%s: a harvest signed after the revocation: %v, %v; want failed with %s:\n%s", name, rep.Verdict, err, provenance.CodeRevokedKey, rep.Text())
		}
		rep, err = n.Verify(ctx, api.VerifyRequest{Batch: before})
		if err != nil || rep.Verdict == provenance.Failed || reportHas(rep, provenance.CodeRevokedKey) {
			t.Errorf("%s: a harvest signed before the revocation: %v, %v; want it still valid:\n%s", name, rep.Verdict, err, rep.Text())
		}
	}
	if id, err := office.Identity(ctx); err != nil || !revokedDevice(id, stolen) {
		t.Fatalf("the office's device list does not show the laptop revoked: %+v, %v", id.Devices, err)
	}
}

func reportHas(rep *provenance.Report, code string) bool {
	for _, c := range rep.Checks {
		for _, r := range c.Reasons {
			if r.Code == code {
				return true
			}
		}
	}
	return false
}

func revokedDevice(id api.Identity, key protocol.PublicKey) bool {
	for _, d := range id.Devices {
		if d.Key == key {
			return d.Revoked
		}
	}
	return false
}

// FuzzLoadIdentity: whatever identity.json holds, loading it gives an
// identity or an error naming the file, never a panic; an identity that
// loads saves and loads again the same, and a loaded file of format 2
// never holds a plain organisation key.
func FuzzLoadIdentity(f *testing.F) {
	org, _ := protocol.GenerateKey(nil)
	dev, _ := protocol.GenerateKey(nil)
	sealed, err := sealOrg(org, testOrgPass, cheapScrypt)
	if err != nil {
		f.Fatal(err)
	}
	for _, v := range []identityJSON{
		{Format: identityFormatV1, Org: org.Public(), OrgSeed: org.Seed(), DeviceSeed: dev.Seed(), DeviceName: "desk"},
		{Format: identityFormat, Org: org.Public(), OrgSealed: string(sealed), DeviceSeed: dev.Seed(), DeviceName: "desk"},
		{Format: identityFormat, Org: org.Public(), DeviceSeed: dev.Seed()},
		{Format: identityFormat, Org: org.Public(), OrgSeed: org.Seed(), DeviceSeed: dev.Seed()},
	} {
		data, _ := json.Marshal(v)
		f.Add(data)
	}
	f.Add([]byte(`{"format":"jejak-identity-v2","device_seed":"AAAA"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, identityFile)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		id, err := loadIdentity(dir)
		if err != nil {
			if !strings.Contains(err.Error(), "identity") {
				t.Fatalf("error does not say what failed: %v", err)
			}
			return
		}
		st := id.state()
		if st.device.IsZero() {
			return
		}
		if len(st.orgSealed) > 0 && !st.org.IsZero() {
			t.Fatal("both a sealed and a plain organisation key")
		}
		if err := id.save(dir); err != nil {
			t.Fatal(err)
		}
		again, err := loadIdentity(dir)
		if err != nil {
			t.Fatalf("a saved identity does not load: %v", err)
		}
		if a := again.state(); a.orgPub != st.orgPub || !bytes.Equal(a.orgSealed, st.orgSealed) || a.device.Public() != st.device.Public() || a.org.IsZero() != st.org.IsZero() {
			t.Fatal("a saved identity loads differently")
		}
	})
}
