package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

func cmdInit(c *cli, args []string) error {
	fs := c.flags("init")
	var s api.Setup
	var roles strList
	fs.StringVar(&s.Name, "name", "", "the organisation's `name` (required)")
	fs.Var(&roles, "role", "the organisation's `role`s, comma-separated or repeated: "+roleNames()+" (required)")
	fs.StringVar(&s.Country, "country", "", "ISO 3166-1 alpha-2 country `code`, e.g. MY (required)")
	fs.StringVar(&s.RSPO, "rspo", "", "RSPO member `ID`")
	fs.StringVar(&s.GLN, "gln", "", "GS1 Global Location `Number`")
	fs.StringVar(&s.DeviceName, "device", "", "this device's `name` (default: the host name)")
	fs.StringVar(&s.BackupPath, "backup", "", "write an encrypted key backup to `FILE` (its passphrase from JEJAK_PASSPHRASE or the terminal; not the organisation passphrase)")
	if err := c.parse(fs, args, 0, 0); err != nil {
		return err
	}
	switch {
	case s.Name == "":
		return usageErrorf("missing --name")
	case len(roles) == 0:
		return usageErrorf("missing --role")
	case s.Country == "":
		return usageErrorf("missing --country")
	}
	for _, r := range roles {
		role, err := parseRole(r)
		if err != nil {
			return usageErrorf("--role: %v", err)
		}
		s.Roles = append(s.Roles, role)
	}
	p, err := c.secret(envOrgPassphrase, "New organisation passphrase (it unlocks the organisation key here)", true)
	if err != nil {
		return err
	}
	s.OrgPassphrase = p
	if s.BackupPath != "" {
		p, err := c.passphrase("Passphrase for the key backup (a different one)", true)
		if err != nil {
			return err
		}
		s.Passphrase = p
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		id, err := svc.CreateIdentity(ctx, s)
		if err != nil {
			return err
		}
		if !c.g.json {
			fmt.Fprint(c.stderr, passphraseNote)
		}
		return c.printIdentity(id)
	})
}

// passphraseNote says what the two passphrases are for, and what is lost
// without both.
const passphraseNote = `The organisation key is kept encrypted with the organisation passphrase:
it is asked for to endorse, delegate or revoke devices and to back up keys.
Daily records are signed by the device key without asking.
A forgotten organisation passphrase is reset from the key backup
(jejak-node keys reset-passphrase --backup FILE), with the backup's own
passphrase. Without either, this install cannot sign as the organisation:
no new devices, no revocations, no endorsements. Records already signed
stay valid, and this device keeps signing daily records.
`

func (c *cli) printIdentity(id api.Identity) error {
	if c.g.json {
		return c.printJSON(id)
	}
	if !id.Ready {
		fmt.Fprintln(c.stdout, "no identity yet: run jejak-node init")
		return nil
	}
	var roles []string
	for _, r := range id.Roles {
		roles = append(roles, string(r))
	}
	fmt.Fprintf(c.stdout, "organisation %s (%s, %s)\n", id.Name, strings.Join(roles, ", "), id.Country)
	fmt.Fprintf(c.stdout, "org key      %s (%s)\n", id.Org, orgKeyState(id))
	if id.HasOrgKey && !id.OrgKeyProtected {
		fmt.Fprintf(c.stdout, "WARNING      %s\n", unprotectedWarning)
	}
	fmt.Fprintf(c.stdout, "device key   %s (%s)\n", id.Device, id.DeviceName)
	printDevices(c.stdout, id)
	for _, e := range id.Endorsements {
		state := ""
		if e.Revoked {
			state = " (revoked)"
		} else if e.Anchored {
			state = " (trusted)"
		}
		fmt.Fprintf(c.stdout, "endorsed as  %s by %s%s\n", e.Role, first(e.ByName, e.By.String()), state)
	}
	return nil
}

// deviceState is what a device line adds after the key: this computer's
// key, or a revoked one.
func deviceState(d api.Device) string {
	switch {
	case d.This:
		return " (this computer)"
	case d.Revoked:
		return " (revoked)"
	}
	return ""
}

// printDevices lists the organisation's device keys.
func printDevices(w io.Writer, id api.Identity) {
	for _, d := range id.Devices {
		fmt.Fprintf(w, "device       %s %s, delegated %s%s\n", d.Key, d.Name, d.Delegated.UTC().Format("2006-01-02"), deviceState(d))
	}
}

// orgKeyState says in a few words where the organisation key is.
func orgKeyState(id api.Identity) string {
	switch {
	case !id.HasOrgKey:
		return "not on this install"
	case id.OrgKeyProtected:
		return "on this install, encrypted with the organisation passphrase"
	}
	return "on this install, UNPROTECTED"
}

// unprotectedWarning is what an install from before keys were encrypted
// is told, with the fix.
const unprotectedWarning = "the organisation key is stored unprotected: anyone who copies the data folder can sign as the organisation. Protect it with a passphrase: jejak-node keys passphrase"

func cmdKeys(c *cli, args []string) error {
	fs := c.flags("keys")
	newDevice := fs.Bool("new-device", false, "import: make a new device key for this computer, delegated by the backup's organisation key (for a second computer of the organisation)")
	backup := fs.String("backup", "", "reset-passphrase: the key backup `FILE` that holds the organisation key")
	from := fs.String("from", "", "revoke: records the key signs from this `DATE` (2006-01-02 or RFC 3339) on fail verification (default: now)")
	reason := fs.String("reason", "", "revoke: why the key is withdrawn, e.g. \"laptop stolen\" (required)")
	if err := c.parse(fs, args, 1, 2); err != nil {
		return err
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	var revoked protocol.PublicKey
	switch sub {
	case "export", "import":
		if len(rest) != 1 {
			return usageErrorf("keys %s: missing FILE", sub)
		}
	case "revoke":
		if len(rest) != 1 {
			return usageErrorf("keys revoke: missing DEVICE-KEY")
		}
		var err error
		if revoked, err = protocol.ParsePublicKey(rest[0]); err != nil {
			return usageErrorf("keys revoke: DEVICE-KEY: %v", err)
		}
		if *reason == "" {
			return usageErrorf("keys revoke: missing --reason")
		}
	case "reset-passphrase":
		if *backup == "" {
			return usageErrorf("keys reset-passphrase: missing --backup FILE")
		}
		fallthrough
	case "rotate", "passphrase":
		if len(rest) != 0 {
			return usageErrorf("keys %s: unexpected argument %q", sub, rest[0])
		}
	default:
		return usageErrorf("unknown keys command %q (want export, import, rotate, revoke, passphrase or reset-passphrase)", sub)
	}
	var fromMilli int64
	if *from != "" {
		var bad error
		fromMilli = parseDate("--from", *from, func(_ string, err error) { bad = err })
		if bad != nil {
			return usageErrorf("keys revoke: --from %v", bad)
		}
	}
	var pass string
	if sub == "export" || sub == "import" || sub == "reset-passphrase" {
		var err error
		if pass, err = c.passphrase("Passphrase of the key backup", sub == "export"); err != nil {
			return err
		}
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		switch sub {
		case "export":
			err := c.withOrgPassphrase(false, "Organisation passphrase", func(org string) error {
				return svc.BackupKeys(ctx, api.Backup{Path: rest[0], Passphrase: pass, OrgPassphrase: org})
			})
			if err != nil {
				return err
			}
			if c.g.json {
				return c.printJSON(map[string]string{"backup": rest[0]})
			}
			fmt.Fprintf(c.stdout, "keys written to %s\n", rest[0])
			return nil
		case "import":
			if !*newDevice {
				fmt.Fprintf(c.stderr, "jejak-node keys import: taking the backup's device key. If the computer it came from still records, stop: two computers signing with one device key fork its feed and verification fails both. For a second computer, run with --new-device instead: a new key for this computer, delegated by the organisation key.\n")
			}
			var id api.Identity
			err := c.withOrgPassphrase(true, "New organisation passphrase for this install (not the backup's)", func(org string) error {
				var err error
				id, err = svc.RestoreIdentity(ctx, api.Restore{Path: rest[0], Passphrase: pass, NewDevice: *newDevice, OrgPassphrase: org})
				return err
			})
			if err != nil {
				return err
			}
			return c.printIdentity(id)
		case "rotate":
			var id api.Identity
			err := c.withOrgPassphrase(false, "Organisation passphrase", func(org string) error {
				var err error
				id, err = svc.RotateDevice(ctx, org)
				return err
			})
			if err != nil {
				return err
			}
			return c.printIdentity(id)
		case "revoke":
			return c.revokeDevice(ctx, svc, revoked, fromMilli, *reason)
		default: // passphrase, reset-passphrase
			return c.setOrgPassphrase(ctx, svc, sub == "reset-passphrase", *backup, pass)
		}
	})
}

// revokeDevice withdraws a device key of this organisation (a stolen or
// lost computer's) from when on: records it signs after that fail
// verification everywhere the revocation reaches.
func (c *cli) revokeDevice(ctx context.Context, svc api.Service, key protocol.PublicKey, from int64, reason string) error {
	r := api.DeviceRevocation{Key: key, Reason: reason}
	if from != 0 {
		r.From = time.UnixMilli(from)
	}
	var id api.Identity
	err := c.withOrgPassphrase(false, "Organisation passphrase", func(org string) error {
		var err error
		r.OrgPassphrase = org
		id, err = svc.RevokeDevice(ctx, r)
		return err
	})
	if err != nil {
		return err
	}
	if c.g.json {
		return c.printJSON(id)
	}
	for _, d := range id.Devices {
		if d.Key == key {
			fmt.Fprintf(c.stdout, "revoked device key %s (%s)\n", key, d.Name)
		}
	}
	fmt.Fprintf(c.stdout, "records it signs from then on fail verification on every node the revocation reaches; those it signed before stay valid\n")
	return nil
}

// setOrgPassphrase protects an unprotected organisation key, changes the
// organisation passphrase, or (reset) sets a new one from the key backup.
func (c *cli) setOrgPassphrase(ctx context.Context, svc api.Service, reset bool, backup, backupPass string) error {
	id, err := svc.Identity(ctx)
	if err != nil {
		return err
	}
	p := api.OrgPassphrase{BackupPath: backup, BackupPassphrase: backupPass}
	if !reset && id.OrgKeyProtected {
		if p.Old, err = c.secret(envOrgPassphrase, "Current organisation passphrase", false); err != nil {
			return err
		}
	}
	if p.New, err = c.secret(envNewOrgPassphrase, "New organisation passphrase", true); err != nil {
		return err
	}
	if id, err = svc.SetOrgPassphrase(ctx, p); err != nil {
		return err
	}
	if !c.g.json {
		fmt.Fprintln(c.stdout, "the organisation key is encrypted with the new organisation passphrase")
		fmt.Fprint(c.stderr, passphraseNote)
	}
	return c.printIdentity(id)
}

func cmdTrust(c *cli, args []string) error {
	fs := c.flags("trust")
	if err := c.parse(fs, args, 1, 3); err != nil {
		return err
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	var key protocol.PublicKey
	switch sub {
	case "add", "remove":
		max := 2
		if sub == "remove" {
			max = 1
		}
		if len(rest) == 0 {
			return usageErrorf("trust %s: missing KEY", sub)
		}
		if len(rest) > max {
			return usageErrorf("trust %s: unexpected argument %q", sub, rest[max])
		}
		var err error
		if key, err = protocol.ParsePublicKey(rest[0]); err != nil {
			return usageErrorf("trust %s: KEY: %v", sub, err)
		}
	case "list":
		if len(rest) != 0 {
			return usageErrorf("trust list: unexpected argument %q", rest[0])
		}
	default:
		return usageErrorf("unknown trust command %q (want add, remove or list)", sub)
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		switch sub {
		case "add":
			name := ""
			if len(rest) > 1 {
				name = rest[1]
			}
			if err := svc.AddAnchor(ctx, key, name); err != nil {
				return err
			}
			if !c.g.json {
				fmt.Fprintf(c.stdout, "trusting %s\n", key)
				return nil
			}
		case "remove":
			if err := svc.RemoveAnchor(ctx, key); err != nil {
				return err
			}
			if !c.g.json {
				fmt.Fprintf(c.stdout, "no longer trusting %s\n", key)
				return nil
			}
		}
		// list, and with --json add and remove: the anchors as they are now.
		anchors, err := svc.Anchors(ctx)
		if err != nil {
			return err
		}
		if c.g.json {
			return c.printJSON(anchors)
		}
		for _, a := range anchors {
			fmt.Fprintf(c.stdout, "%s  %s  (since %s)\n", a.Key, a.Name, a.Added.Format("2006-01-02"))
		}
		return nil
	})
}

func parseRole(s string) (protocol.Role, error) {
	for _, r := range protocol.Roles() {
		if string(r) == strings.ToLower(s) {
			return r, nil
		}
	}
	return "", fmt.Errorf("unknown role %q (want one of %s)", s, roleNames())
}

func roleNames() string {
	var names []string
	for _, r := range protocol.Roles() {
		names = append(names, string(r))
	}
	return strings.Join(names, ", ")
}
