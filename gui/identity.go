package gui

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// identityScreen shows who this install is (organisation, device,
// endorsements), the trust anchors, and the key chores: backup and
// rotating the device key.
type identityScreen struct {
	loads    latest // of the identity
	u        *UI
	org      *widget.Label
	keyState *widget.Label // whether the organisation key is protected
	protect  *widget.Button
	change   *widget.Button
	reset    *widget.Button
	device   *widget.Label
	devices  *fyne.Container // the organisation's other devices, each with Withdraw
	endorse  *widget.Label
	anchors  *anchorsView
	left     *fyne.Container // the identity, or an offer to set one up
	ready    fyne.CanvasObject
	obj      fyne.CanvasObject
}

func newIdentityScreen(u *UI) *identityScreen {
	s := &identityScreen{u: u, org: wrapLabel(""), keyState: wrapLabel(""), device: wrapLabel(""), devices: container.NewVBox(), endorse: wrapLabel("")}
	s.anchors = newAnchorsView(u)
	backup := widget.NewButtonWithIcon("Back up keys…", theme.DocumentSaveIcon(), s.backup)
	rotate := widget.NewButtonWithIcon("Rotate device key…", theme.ViewRefreshIcon(), s.rotate)
	s.protect = widget.NewButtonWithIcon("Protect with a passphrase…", theme.WarningIcon(), s.protectOrgKey)
	s.protect.Importance = widget.DangerImportance
	s.change = widget.NewButtonWithIcon("Change passphrase…", theme.SettingsIcon(), s.protectOrgKey)
	s.reset = widget.NewButtonWithIcon("Forgot the passphrase…", theme.HelpIcon(), s.resetOrgPassphrase)
	copyOrg := u.copyButton("Copy organisation key", func() string { return u.ident.Org.String() })
	keys := widget.NewCard("Keys", "", container.NewVBox(
		s.keyState,
		container.NewHBox(s.protect, s.change, s.reset),
		note("A backup file holds this organisation's keys, encrypted with a passphrase of its own. Keep one off this computer: without it, a broken disk means a new identity, and a forgotten organisation passphrase cannot be replaced."),
		container.NewHBox(backup, copyOrg),
		note("Rotate the device key if this computer's key may have been copied (a stolen laptop, a restored disk image): records signed with the old key after now will fail verification."),
		container.NewHBox(rotate)))
	left := container.NewVBox(
		widget.NewCard("Organisation", "", s.org),
		widget.NewCard("This computer", "", container.NewVBox(s.device, s.devices)),
		widget.NewCard("Endorsements received", "", s.endorse),
		keys)
	s.ready = container.NewVScroll(left)
	setUp := widget.NewButtonWithIcon(u.t("shell.setup.button"), theme.ConfirmIcon(), u.showFirstRun)
	setUp.Importance = widget.HighImportance
	none := widget.NewCard(u.t("shell.setup.title"), "", container.NewVBox(wrapLabel(u.t("identity.none")), container.NewHBox(setUp)))
	s.left = container.NewStack(s.ready)
	if !u.ident.Ready {
		s.left.Objects = []fyne.CanvasObject{container.NewVScroll(none)}
	}
	split := container.NewHSplit(s.left, container.NewVScroll(s.anchors.content()))
	split.Offset = 0.5
	s.obj = container.NewBorder(heading(u.t("shell.nav.identity")), nil, nil, nil, split)
	return s
}

func (s *identityScreen) content() fyne.CanvasObject { return s.obj }

// load reads the identity and the anchors.
func (s *identityScreen) load() {
	newest(s.u, &s.loads, "read this install's identity", s.u.svc.Identity, s.set, nil)
	s.anchors.load()
}

func (s *identityScreen) set(id api.Identity) {
	s.u.ident = id
	if s.u.orgLabel != nil {
		s.u.orgLabel.SetText(id.Name)
	}
	if !id.Ready {
		return
	}
	if s.left.Objects[0] != s.ready {
		s.left.Objects = []fyne.CanvasObject{s.ready}
		s.left.Refresh()
	}
	orgKey := "the organisation key is not on this computer (records are signed by its device key only)"
	if id.HasOrgKey {
		orgKey = "the organisation key is on this computer"
	}
	s.org.SetText(fmt.Sprintf("%s\nRoles: %s\nCountry: %s\nKey: %s\n(%s)", id.Name, rolesText(id.Roles), orDash(id.Country), id.Org, orgKey))
	dev := fmt.Sprintf("%s\nDevice key: %s", orDash(id.DeviceName), id.Device)
	if s.u.opts.DataDir != "" {
		dev += "\nData folder: " + s.u.opts.DataDir
	}
	if len(id.Devices) > 0 {
		dev += "\n\nDevices of the organisation:"
		for _, d := range id.Devices {
			l := fmt.Sprintf("\n• %s, %s, since %s", orDash(d.Name), d.Key.Short(), d.Delegated.Format("2006-01-02"))
			if d.This {
				l += " (this computer)"
			}
			if d.Revoked {
				l += " (withdrawn)"
			}
			dev += l
		}
	}
	s.device.SetText(dev)
	s.setKeys(id)
	var lines []string
	for _, e := range id.Endorsements {
		l := fmt.Sprintf("• %s as %s", orDash(e.ByName), e.Role)
		if c := e.Cert; c != nil {
			l += fmt.Sprintf(": %s %s certificate %s", c.Scheme, c.Model, c.Number)
		}
		switch {
		case e.Revoked:
			l += " — withdrawn"
		case e.Anchored:
			l += " — from one of your trust anchors"
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		lines = []string{"None yet. Ask your certification body to endorse your organisation key (copy it with the button below)."}
	}
	s.endorse.SetText(strings.Join(lines, "\n"))
}

// setKeys shows whether the organisation key is protected, the passphrase
// actions that fit, and a Withdraw button for each other device of the
// organisation while this install holds its key.
func (s *identityScreen) setKeys(id api.Identity) {
	switch {
	case !id.HasOrgKey:
		s.keyState.SetText("The organisation key is not on this computer: adding or withdrawing computers and endorsing are done on a computer that holds it.")
	case id.OrgKeyProtected:
		s.keyState.SetText("The organisation key is encrypted with the organisation passphrase, which Jejak asks for to add or withdraw a computer, to endorse and to back up the keys. Daily records are signed by this computer's key without asking.\n\n" + lostPassphraseText)
	default:
		s.keyState.SetText(unprotectedText)
	}
	show := func(b *widget.Button, on bool) {
		if on {
			b.Show()
		} else {
			b.Hide()
		}
	}
	show(s.protect, id.HasOrgKey && !id.OrgKeyProtected)
	show(s.change, id.OrgKeyProtected)
	show(s.reset, id.Ready)
	s.devices.RemoveAll()
	if !id.HasOrgKey {
		return
	}
	for _, d := range id.Devices {
		if d.This || d.Revoked {
			continue
		}
		withdraw := widget.NewButtonWithIcon("Withdraw…", theme.DeleteIcon(), func() { s.revokeDevice(d) })
		s.devices.Add(container.NewBorder(nil, nil, nil, withdraw, wrapLabel(fmt.Sprintf("%s (%s)", orDash(d.Name), d.Key.Short()))))
	}
	if len(s.devices.Objects) > 0 {
		s.devices.Objects = append([]fyne.CanvasObject{note("Lost or stolen computer? Withdraw its key: what it signs from then on fails verification everywhere.")}, s.devices.Objects...)
	}
	s.devices.Refresh()
}

// backup asks for a passphrase and a file, and writes a key backup.
func (s *identityScreen) backup() {
	pass, confirm := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem("Passphrase", pass),
		widget.NewFormItem("Again", confirm),
	}
	items[0].HintText = fmt.Sprintf("At least %d characters, not the organisation passphrase. Without it the backup cannot be opened.", protocol.MinPassphraseLength)
	d := dialog.NewForm("Back up keys", "Choose file…", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if msg := checkPassphrase(pass.Text, confirm.Text); msg != "" {
			s.u.showError("back up the keys", fmt.Errorf("%s", msg))
			return
		}
		s.u.files.save("Save the key backup", backupName(s.u.ident.Name), func(path string) {
			withOrgKey(s.u, "back up the keys", func(ctx context.Context, org string) (struct{}, error) {
				return struct{}{}, s.u.svc.BackupKeys(ctx, api.Backup{Path: path, Passphrase: pass.Text, OrgPassphrase: org})
			}, func(struct{}) {
				s.u.info("Keys backed up", "The encrypted backup is saved as "+path+". Copy it to a USB stick or another safe place, and keep the passphrase apart from it.")
			})
		})
	}, s.u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// rotate replaces the device key, after asking.
func (s *identityScreen) rotate() {
	dialog.ShowConfirm("Rotate the device key?",
		"Jejak makes a new key for this computer, and the organisation key withdraws the old one from now on. Records signed with the old key before now stay valid. Make a new key backup afterwards.",
		func(ok bool) {
			if !ok {
				return
			}
			withOrgKey(s.u, "rotate the device key", s.u.svc.RotateDevice, func(id api.Identity) {
				s.set(id)
				s.u.info("Device key rotated", "This computer now signs with "+id.Device.Short()+". Back up the keys again.")
			})
		}, s.u.win)
}

// checkPassphrase says what is wrong with a passphrase and its repeat.
func checkPassphrase(p, again string) string {
	switch {
	case len([]rune(p)) < protocol.MinPassphraseLength:
		return fmt.Sprintf("The passphrase needs at least %d characters.", protocol.MinPassphraseLength)
	case p != again:
		return "The two passphrases differ."
	}
	return ""
}

// backupName suggests a file name for an organisation's key backup.
func backupName(org string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(org) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	name := strings.Trim(b.String(), "-")
	if name == "" {
		name = "organisation"
	}
	return "jejak-keys-" + truncate(name, 40) + ".jejakkey"
}
