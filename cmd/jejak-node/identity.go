package main

import (
	"context"
	"fmt"
	"strings"

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
	fs.StringVar(&s.BackupPath, "backup", "", "write an encrypted key backup to `FILE` (passphrase from JEJAK_PASSPHRASE or the terminal)")
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
	if s.BackupPath != "" {
		p, err := c.passphrase("Passphrase for the key backup", true)
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
		return c.printIdentity(id)
	})
}

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
	fmt.Fprintf(c.stdout, "org key      %s\n", id.Org)
	fmt.Fprintf(c.stdout, "device key   %s (%s)\n", id.Device, id.DeviceName)
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

func cmdKeys(c *cli, args []string) error {
	fs := c.flags("keys")
	newDevice := fs.Bool("new-device", false, "import: make a new device key for this computer, delegated by the backup's organisation key (for a second computer of the organisation)")
	if err := c.parse(fs, args, 1, 2); err != nil {
		return err
	}
	sub, rest := fs.Arg(0), fs.Args()[1:]
	switch sub {
	case "export", "import":
		if len(rest) != 1 {
			return usageErrorf("keys %s: missing FILE", sub)
		}
	case "rotate":
		if len(rest) != 0 {
			return usageErrorf("keys rotate: unexpected argument %q", rest[0])
		}
	default:
		return usageErrorf("unknown keys command %q (want export, import or rotate)", sub)
	}
	var pass string
	if sub != "rotate" {
		var err error
		if pass, err = c.passphrase("Passphrase", sub == "export"); err != nil {
			return err
		}
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		switch sub {
		case "export":
			if err := svc.BackupKeys(ctx, rest[0], pass); err != nil {
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
			id, err := svc.RestoreIdentity(ctx, api.Restore{Path: rest[0], Passphrase: pass, NewDevice: *newDevice})
			if err != nil {
				return err
			}
			return c.printIdentity(id)
		default:
			id, err := svc.RotateDevice(ctx)
			if err != nil {
				return err
			}
			return c.printIdentity(id)
		}
	})
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
