package node

import (
	"context"
	"errors"
	"path/filepath"
	"testing"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// TestRestoreOnASecondComputer: a backup restored with NewDevice gives the
// second computer a device key of its own, delegated by the organisation,
// so the two never fork one feed; without the organisation key it cannot.
func TestRestoreOnASecondComputer(t *testing.T) {
	ctx := context.Background()
	first := startNode(t, Config{DataDir: t.TempDir(), KeyWorkFactor: cheapScrypt, Net: testConfig(t, "x").Net})
	backup := filepath.Join(t.TempDir(), "keys.age")
	id, err := first.CreateIdentity(ctx, api.Setup{Name: "Kilang Sawit Dua Meja", Roles: []protocol.Role{protocol.RoleMill}, Country: "MY",
		BackupPath: backup, Passphrase: "correct horse battery", OrgPassphrase: testOrgPass})
	if err != nil {
		t.Fatal(err)
	}
	second := startNode(t, Config{DataDir: t.TempDir(), KeyWorkFactor: cheapScrypt, Net: testConfig(t, "y").Net})
	connect(t, second, first)
	waitFor(t, "the organisation's records reach the second computer", func() bool {
		st, _ := second.Status(ctx)
		return st.Records >= 2
	})
	got, err := second.RestoreIdentity(ctx, api.Restore{Path: backup, Passphrase: "correct horse battery", NewDevice: true, OrgPassphrase: "second computer's passphrase"})
	if err != nil {
		t.Fatal(err)
	}
	if got.Org != id.Org || got.Device == id.Device || got.Device.IsZero() {
		t.Fatalf("second computer: org %s device %s; want the organisation %s with a device key of its own (not %s)", got.Org.Short(), got.Device.Short(), id.Org.Short(), id.Device.Short())
	}
	if len(got.Devices) != 2 {
		t.Fatalf("the organisation has %d devices, want 2", len(got.Devices))
	}
	// Both record; neither forks the other.
	a, b := publish(t, first, 1), publish(t, second, 2)
	if a.Author == b.Author {
		t.Fatal("two computers sign with one key")
	}
	// A device-only backup cannot make a new device key.
	devOnly := filepath.Join(t.TempDir(), "device.age")
	third := startNode(t, Config{DataDir: t.TempDir(), KeyWorkFactor: cheapScrypt, Net: testConfig(t, "z").Net})
	k, _ := protocol.GenerateKey(nil)
	if err := saveKeyFile(devOnly, "correct horse battery", protocol.KeySet{"device": k}, cheapScrypt); err != nil {
		t.Fatal(err)
	}
	if _, err := third.RestoreIdentity(ctx, api.Restore{Path: devOnly, Passphrase: "correct horse battery", NewDevice: true}); !errors.Is(err, api.ErrInvalid) {
		t.Fatalf("a new device from a device-only backup: %v, want ErrInvalid", err)
	}
}
