package gui

import (
	"context"
	"errors"
	"fmt"
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

// lostPassphraseText says what a lost organisation passphrase costs.
const lostPassphraseText = "Forgot it? Set a new one from your key backup (Identity & trust, \"Forgot the passphrase…\"). Without the passphrase and without the backup, this computer cannot sign as the organisation: no new computers, no withdrawing a computer's key, no endorsements. Records already signed stay valid, and this computer keeps signing daily records."

// unprotectedText is what an install from before keys were encrypted is
// told, with the fix.
const unprotectedText = "Unprotected: the organisation key is stored without a passphrase, so anyone who copies Jejak's data folder can sign as your organisation. Protect it with a passphrase below."

// askOrgPassphrase asks for the organisation passphrase to do what, and
// calls then with it; Cancel does nothing.
func (u *UI) askOrgPassphrase(what string, then func(pass string)) {
	pass := widget.NewPasswordEntry()
	item := widget.NewFormItem("Organisation passphrase", pass)
	item.HintText = "The passphrase set for the organisation key (not the key backup's)."
	items := []*widget.FormItem{widget.NewFormItem("", wrapLabel("To "+what+", Jejak signs with the organisation key, which is encrypted on this computer.")), item,
		widget.NewFormItem("", wrapLabel(lostPassphraseText))}
	d := dialog.NewForm("Organisation passphrase", "Unlock", "Cancel", items, func(ok bool) {
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
func newPassphraseItems(label, hint string) (pass, again *widget.Entry, items []*widget.FormItem) {
	pass, again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	first := widget.NewFormItem(label, pass)
	first.HintText = hint
	return pass, again, []*widget.FormItem{first, widget.NewFormItem("Again", again)}
}

// protectOrgKey sets the organisation passphrase: on an unprotected key, a
// new one; on a protected one, the current one and a new one.
func (s *identityScreen) protectOrgKey() {
	u := s.u
	protected := u.ident.OrgKeyProtected
	var items []*widget.FormItem
	old := widget.NewPasswordEntry()
	if protected {
		items = append(items, widget.NewFormItem("Current passphrase", old))
	}
	pass, again, more := newPassphraseItems("New passphrase", fmt.Sprintf("At least %d characters, different from the key backup's passphrase. It is asked for to add or withdraw a computer, to endorse, and to back up the keys.", protocol.MinPassphraseLength))
	items = append(items, more...)
	title := "Protect the organisation key"
	if protected {
		title = "Change the organisation passphrase"
	}
	d := dialog.NewForm(title, "Save", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		if msg := checkPassphrase(pass.Text, again.Text); msg != "" {
			u.showError("set the organisation passphrase", errors.New(msg))
			return
		}
		p := api.OrgPassphrase{Old: old.Text, New: pass.Text}
		background(u, "set the organisation passphrase", func(ctx context.Context) (api.Identity, error) {
			return u.svc.SetOrgPassphrase(ctx, p)
		}, func(id api.Identity) {
			s.set(id)
			u.info("Organisation key protected", "The organisation key is now encrypted with the new passphrase. Jejak asks for it to add or withdraw a computer, to endorse and to back up the keys; daily records are signed without it. Keep it apart from the key backup's passphrase.")
		}, nil)
	}, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}

// resetOrgPassphrase sets a new organisation passphrase from the key
// backup, when the old one is forgotten.
func (s *identityScreen) resetOrgPassphrase() {
	u := s.u
	u.files.open("Open your key backup", nil, func(path string) {
		backupPass := widget.NewPasswordEntry()
		first := widget.NewFormItem("Backup passphrase", backupPass)
		first.HintText = "The passphrase of the key backup file."
		pass, again, more := newPassphraseItems("New organisation passphrase", fmt.Sprintf("At least %d characters, different from the backup's.", protocol.MinPassphraseLength))
		items := append([]*widget.FormItem{first}, more...)
		d := dialog.NewForm("New passphrase from "+filepath.Base(path), "Save", "Cancel", items, func(ok bool) {
			if !ok {
				return
			}
			if msg := checkPassphrase(pass.Text, again.Text); msg != "" {
				u.showError("set the organisation passphrase", errors.New(msg))
				return
			}
			p := api.OrgPassphrase{BackupPath: path, BackupPassphrase: backupPass.Text, New: pass.Text}
			background(u, "set the organisation passphrase from the backup", func(ctx context.Context) (api.Identity, error) {
				return u.svc.SetOrgPassphrase(ctx, p)
			}, func(id api.Identity) {
				s.set(id)
				u.info("New organisation passphrase", "The organisation key from the backup is now encrypted with the new passphrase.")
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
	reason.SetPlaceHolder("e.g. laptop stolen")
	items := []*widget.FormItem{
		widget.NewFormItem("", wrapLabel(fmt.Sprintf("Withdraw the key of %q (%s)? From now on, every record it signs fails verification on every computer that hears of the withdrawal. Records it signed before stay valid. Do this for a stolen or lost computer; it cannot be undone.", orDash(dev.Name), dev.Key.Short()))),
		widget.NewFormItem("Reason", reason),
	}
	d := dialog.NewForm("Withdraw a computer's key", "Withdraw", "Cancel", items, func(ok bool) {
		if !ok {
			return
		}
		why := clean(reason.Text)
		if why == "" {
			why = "withdrawn"
		}
		r := api.DeviceRevocation{Key: dev.Key, Reason: why}
		withOrgKey(u, "withdraw the device key", func(ctx context.Context, pass string) (api.Identity, error) {
			r := r
			r.OrgPassphrase = pass
			return u.svc.RevokeDevice(ctx, r)
		}, func(id api.Identity) {
			s.set(id)
			u.info("Key withdrawn", fmt.Sprintf("The key of %q is withdrawn: what it signs from now on fails verification.", orDash(dev.Name)))
		})
	}, u.win)
	d.Resize(fyne.NewSize(560, 0))
	d.Show()
}
