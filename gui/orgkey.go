package gui

import (
	"context"
	"errors"
	"path/filepath"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// The organisation key is kept encrypted with the organisation passphrase;
// what signs with it (a device delegated or withdrawn, an endorsement, a
// key backup) asks for the passphrase in a dialog, hands it to the node for
// that one call, and forgets it.

// askOrgPassphrase asks for the organisation passphrase to do what, and
// calls then with it; Cancel does nothing.
func (u *UI) askOrgPassphrase(what string, then func(pass string)) {
	pass := widget.NewPasswordEntry()
	item := widget.NewFormItem(u.t("keys.org_passphrase"), pass)
	item.HintText = u.t("keys.org_passphrase_hint")
	items := []*widget.FormItem{widget.NewFormItem("", wrapLabel(u.t("keys.signs_with_org_key", "what", what))), item,
		widget.NewFormItem("", wrapLabel(u.t("keys.lost_passphrase")))}
	d := dialog.NewForm(u.t("keys.org_passphrase"), u.t("keys.unlock"), u.t("common.cancel"), items, func(ok bool) {
		if ok {
			then(pass.Text)
		}
	}, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
	u.win.Canvas().Focus(pass)
	pass.OnSubmitted = func(string) { d.Submit() }
}

// withOrgKey runs call in the background with the organisation passphrase
// and hands its result to apply. When the identity says the key is
// encrypted, the passphrase is asked first; otherwise call runs without
// one, and the passphrase is asked only if the node answers that it needs
// it (api.ErrLocked). A wrong passphrase says so and changes nothing.
func withOrgKey[T any](u *UI, op string, call func(ctx context.Context, pass string) (T, error), apply func(T)) {
	run := func(pass string) {
		background(u, op, func(ctx context.Context) (T, error) { return call(ctx, pass) }, apply, func(err error) {
			if errors.Is(err, api.ErrLocked) && pass == "" {
				u.askOrgPassphrase(op, func(p string) {
					background(u, op, func(ctx context.Context) (T, error) { return call(ctx, p) }, apply, nil)
				})
				return
			}
			u.showError(op, err)
		})
	}
	if u.ident.OrgKeyProtected {
		u.askOrgPassphrase(op, run)
		return
	}
	run("")
}

// newPassphraseItems are the two entries of a new passphrase, with a hint.
func newPassphraseItems(u *UI, label, hint string) (pass, again *widget.Entry, items []*widget.FormItem) {
	pass, again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	first := widget.NewFormItem(label, pass)
	first.HintText = hint
	return pass, again, []*widget.FormItem{first, widget.NewFormItem(u.t("keys.again"), again)}
}

// protectOrgKey sets the organisation passphrase: on an unprotected key, a
// new one; on a protected one, the current one and a new one.
func (s *identityScreen) protectOrgKey() {
	u := s.u
	protected := u.ident.OrgKeyProtected
	var items []*widget.FormItem
	old := widget.NewPasswordEntry()
	if protected {
		items = append(items, widget.NewFormItem(u.t("keys.current_passphrase"), old))
	}
	pass, again, more := newPassphraseItems(u, u.t("keys.new_passphrase"), u.t("keys.new_passphrase_hint", "n", protocol.MinPassphraseLength))
	items = append(items, more...)
	title := u.t("keys.protect_title")
	if protected {
		title = u.t("keys.change_title")
	}
	d := dialog.NewForm(title, u.t("common.save"), u.t("common.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		if msg := checkPassphrase(pass.Text, again.Text); msg != "" {
			u.showError(u.t("keys.op_set_passphrase"), errors.New(msg))
			return
		}
		p := api.OrgPassphrase{Old: old.Text, New: pass.Text}
		background(u, u.t("keys.op_set_passphrase"), func(ctx context.Context) (api.Identity, error) {
			return u.svc.SetOrgPassphrase(ctx, p)
		}, func(id api.Identity) {
			s.set(id)
			u.info(u.t("keys.protected_title"), u.t("keys.protected_text"))
		}, nil)
	}, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// resetOrgPassphrase sets a new organisation passphrase from the key
// backup, when the old one is forgotten.
func (s *identityScreen) resetOrgPassphrase() {
	u := s.u
	u.files.open(u.t("keys.open_backup"), nil, func(path string) {
		backupPass := widget.NewPasswordEntry()
		first := widget.NewFormItem(u.t("keys.backup_passphrase"), backupPass)
		first.HintText = u.t("keys.backup_passphrase_hint")
		pass, again, more := newPassphraseItems(u, u.t("keys.new_org_passphrase"), u.t("keys.new_org_passphrase_hint", "n", protocol.MinPassphraseLength))
		items := append([]*widget.FormItem{first}, more...)
		d := dialog.NewForm(u.t("keys.new_from_backup_title", "file", filepath.Base(path)), u.t("common.save"), u.t("common.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			if msg := checkPassphrase(pass.Text, again.Text); msg != "" {
				u.showError(u.t("keys.op_set_passphrase"), errors.New(msg))
				return
			}
			p := api.OrgPassphrase{BackupPath: path, BackupPassphrase: backupPass.Text, New: pass.Text}
			background(u, u.t("keys.op_set_passphrase_backup"), func(ctx context.Context) (api.Identity, error) {
				return u.svc.SetOrgPassphrase(ctx, p)
			}, func(id api.Identity) {
				s.set(id)
				u.info(u.t("keys.new_org_passphrase"), u.t("keys.new_org_passphrase_done"))
			}, nil)
		}, u.win)
		d.Resize(fyne.NewSize(560, 0))
		d.Show()
	})
}

// revokeDevice withdraws another computer's device key of the
// organisation, after asking why: what it signs from now on fails
// verification everywhere.
func (s *identityScreen) revokeDevice(dev api.Device) {
	u := s.u
	reason := widget.NewEntry()
	reason.SetPlaceHolder(u.t("keys.withdraw_reason_placeholder"))
	items := []*widget.FormItem{
		widget.NewFormItem("", wrapLabel(u.t("keys.withdraw_question", "name", orDash(dev.Name), "key", dev.Key.Short()))),
		widget.NewFormItem(u.t("keys.reason"), reason),
	}
	d := dialog.NewForm(u.t("keys.withdraw_title"), u.t("keys.withdraw"), u.t("common.cancel"), items, func(ok bool) {
		if !ok {
			return
		}
		why := clean(reason.Text)
		if why == "" {
			why = u.t("keys.withdrawn_default")
		}
		r := api.DeviceRevocation{Key: dev.Key, Reason: why}
		withOrgKey(u, u.t("keys.op_withdraw"), func(ctx context.Context, pass string) (api.Identity, error) {
			r := r
			r.OrgPassphrase = pass
			return u.svc.RevokeDevice(ctx, r)
		}, func(id api.Identity) {
			s.set(id)
			u.info(u.t("keys.withdrawn_title"), u.t("keys.withdrawn_text", "name", orDash(dev.Name)))
		})
	}, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}
