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
	labels   *labelsCard     // labels_settings.go
	left     *fyne.Container // the identity, or an offer to set one up
	ready    fyne.CanvasObject
	obj      fyne.CanvasObject
}

func newIdentityScreen(u *UI) *identityScreen {
	s := &identityScreen{u: u, org: wrapLabel(""), keyState: wrapLabel(""), device: wrapLabel(""), devices: container.NewVBox(), endorse: wrapLabel("")}
	s.anchors = newAnchorsView(u)
	backup := widget.NewButtonWithIcon(u.t("screens.identity.backup"), theme.DocumentSaveIcon(), s.backup)
	rotate := widget.NewButtonWithIcon(u.t("screens.identity.rotate"), theme.ViewRefreshIcon(), s.rotate)
	s.protect = widget.NewButtonWithIcon(u.t("screens.identity.protect"), theme.WarningIcon(), s.protectOrgKey)
	s.protect.Importance = widget.DangerImportance
	s.change = widget.NewButtonWithIcon(u.t("screens.identity.change"), theme.SettingsIcon(), s.protectOrgKey)
	s.reset = widget.NewButtonWithIcon(u.t("screens.identity.forgot"), theme.HelpIcon(), s.resetOrgPassphrase)
	copyOrg := u.copyButton(u.t("screens.identity.copy_org"), func() string { return u.ident.Org.String() })
	keys := widget.NewCard(u.t("screens.identity.keys"), "", container.NewVBox(
		s.keyState,
		container.NewHBox(s.protect, s.change, s.reset),
		note(u.t("screens.identity.backup_note")),
		container.NewHBox(backup, copyOrg),
		note(u.t("screens.identity.rotate_note")),
		container.NewHBox(rotate)))
	left := container.NewVBox(
		widget.NewCard(u.t("firstrun.org"), "", s.org),
		widget.NewCard(u.t("firstrun.device"), "", container.NewVBox(s.device, s.devices)),
		widget.NewCard(u.t("screens.identity.endorsements"), "", s.endorse),
		keys)
	s.labels = newLabelsCard(u, s.set)
	left.Add(s.labels.content())
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
	t := s.u.t
	orgKey := t("screens.identity.org_key_away")
	if id.HasOrgKey {
		orgKey = t("screens.identity.org_key_here")
	}
	s.org.SetText(t("screens.identity.org_text", "name", id.Name, "roles", s.u.rolesText(id.Roles), "country", orDash(id.Country), "key", id.Org, "where", orgKey))
	dev := t("screens.identity.device_text", "name", orDash(id.DeviceName), "key", id.Device)
	if s.u.opts.DataDir != "" {
		dev += "\n" + t("shell.about.folder", "folder", s.u.opts.DataDir)
	}
	if len(id.Devices) > 0 {
		dev += "\n\n" + t("screens.identity.devices")
		for _, d := range id.Devices {
			l := "\n" + t("screens.identity.device_line", "name", orDash(d.Name), "key", d.Key.Short(), "since", d.Delegated.Format("2006-01-02"))
			if d.This {
				l += " " + t("screens.identity.this_one")
			}
			if d.Revoked {
				l += " " + t("screens.identity.withdrawn")
			}
			dev += l
		}
	}
	s.device.SetText(dev)
	s.setKeys(id)
	s.labels.set(id)
	var lines []string
	for _, e := range id.Endorsements {
		l := t("screens.identity.endorsed", "by", orDash(e.ByName), "role", s.u.roleName(string(e.Role)))
		if c := e.Cert; c != nil {
			l += t("screens.identity.cert", "scheme", c.Scheme, "model", c.Model, "number", c.Number)
		}
		switch {
		case e.Revoked:
			l += " — " + t("screens.identity.end_withdrawn")
		case e.Anchored:
			l += " — " + t("screens.identity.end_anchored")
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		lines = []string{t("screens.identity.no_endorsements")}
	}
	s.endorse.SetText(strings.Join(lines, "\n"))
}

// setKeys shows whether the organisation key is protected, the passphrase
// actions that fit, and a Withdraw button for each other device of the
// organisation while this install holds its key.
func (s *identityScreen) setKeys(id api.Identity) {
	switch {
	case !id.HasOrgKey:
		s.keyState.SetText(s.u.t("screens.identity.key_away"))
	case id.OrgKeyProtected:
		s.keyState.SetText(s.u.t("screens.identity.key_protected") + "\n\n" + s.u.t("keys.lost_passphrase"))
	default:
		s.keyState.SetText(s.u.t("keys.unprotected"))
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
		withdraw := widget.NewButtonWithIcon(s.u.t("screens.identity.withdraw"), theme.DeleteIcon(), func() { s.revokeDevice(d) })
		s.devices.Add(container.NewBorder(nil, nil, nil, withdraw, wrapLabel(fmt.Sprintf("%s (%s)", orDash(d.Name), d.Key.Short()))))
	}
	if len(s.devices.Objects) > 0 {
		s.devices.Objects = append([]fyne.CanvasObject{note(s.u.t("screens.identity.withdraw_note"))}, s.devices.Objects...)
	}
	s.devices.Refresh()
}

// backup asks for a passphrase and a file, and writes a key backup.
func (s *identityScreen) backup() {
	pass, confirm := widget.NewPasswordEntry(), widget.NewPasswordEntry()
	items := []*widget.FormItem{
		widget.NewFormItem(s.u.t("firstrun.passphrase"), pass),
		widget.NewFormItem(s.u.t("screens.identity.again"), confirm),
	}
	items[0].HintText = s.u.t("screens.identity.backup_hint", "n", protocol.MinPassphraseLength)
	d := dialog.NewForm(s.u.t("screens.identity.backup_title"), s.u.t("firstrun.choose"), s.u.t("common.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if msg := checkPassphrase(pass.Text, confirm.Text); msg != "" {
			s.u.showError("back up the keys", fmt.Errorf("%s", msg))
			return
		}
		s.u.files.save(s.u.t("screens.identity.save_backup"), backupName(s.u.ident.Name), func(path string) {
			withOrgKey(s.u, "back up the keys", func(ctx context.Context, org string) (struct{}, error) {
				return struct{}{}, s.u.svc.BackupKeys(ctx, api.Backup{Path: path, Passphrase: pass.Text, OrgPassphrase: org})
			}, func(struct{}) {
				s.u.info(s.u.t("screens.identity.backed_up"), s.u.t("screens.identity.backed_up_text", "path", path))
			})
		})
	}, s.u.win)
	d.Resize(fyne.NewSize(520, 0))
	d.Show()
}

// rotate replaces the device key, after asking.
func (s *identityScreen) rotate() {
	dialog.ShowConfirm(s.u.t("screens.identity.rotate_title"), s.u.t("screens.identity.rotate_text"),
		func(ok bool) {
			if !ok {
				return
			}
			withOrgKey(s.u, "rotate the device key", s.u.svc.RotateDevice, func(id api.Identity) {
				s.set(id)
				s.u.info(s.u.t("screens.identity.rotated"), s.u.t("screens.identity.rotated_text", "key", id.Device.Short()))
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
