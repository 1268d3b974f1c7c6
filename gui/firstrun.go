package gui

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// firstRun sets up a new install: the organisation and this computer's
// keys with a backup, or a restore from a backup, or the demo network.
type firstRun struct {
	u                    *UI
	built                bool // set once constructed: widgets fire OnChanged while being set up
	fm                   *form
	name, country        *widget.Entry
	rspo, gln, device    *widget.Entry
	pass, again, backup  *widget.Entry
	orgPass, orgAgain    *widget.Entry // the organisation passphrase
	roles                []*widget.Check
	roleOf               map[*widget.Check]protocol.Role // each check's role (its text is in the window's language)
	fPass, fAgain, fPath *field
	demoBtn              *widget.Button
	lang                 *widget.Select // the language, at the top
	backupChosen         bool           // the user chose the backup file: stop suggesting one
	suggesting           bool           // the backup path is being set to a suggestion
	obj                  fyne.CanvasObject
}

// showFirstRun shows the set-up screen.
func (u *UI) showFirstRun() {
	if u.first == nil {
		u.first = newFirstRun(u)
	}
	u.onFirstRun = true
	u.setMenu(false)
	u.setRoot(u.first.obj)
}

// justVerify opens the main screens without an organisation: a buyer
// verifies batches, scans labels and opens capsules; Batches and Record
// offer to set up later. The choice is kept for the next start.
func (f *firstRun) justVerify() {
	f.u.app.Preferences().SetBool(verifyOnlyPref, true)
	f.u.current = screenVerify
	f.u.showMain()
}

func newFirstRun(u *UI) *firstRun {
	f := &firstRun{u: u}
	create := widget.NewButtonWithIcon(u.t("firstrun.create"), theme.ConfirmIcon(), f.create)
	create.Importance = widget.HighImportance
	f.fm = u.newForm(create, u.t("firstrun.ready"))
	f.fm.action = u.t("firstrun.action")
	f.name, f.country, f.rspo, f.gln, f.device = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.pass, f.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	f.orgPass, f.orgAgain = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	f.backup = widget.NewEntry()
	f.name.SetPlaceHolder(u.t("firstrun.name_hint"))
	f.country.SetPlaceHolder("MY")
	f.rspo.SetPlaceHolder(u.t("firstrun.rspo_hint"))
	f.gln.SetPlaceHolder(u.t("firstrun.gln_hint"))
	if h, err := os.Hostname(); err == nil {
		f.device.SetText(h)
	}
	var roleChecks []fyne.CanvasObject
	var cell fyne.Size
	f.roleOf = map[*widget.Check]protocol.Role{}
	for _, r := range protocol.Roles() {
		if r != protocol.RoleRelay {
			c := widget.NewCheck(u.t("report.role."+string(r)), nil)
			f.roles = append(f.roles, c)
			f.roleOf[c] = r
			roleChecks = append(roleChecks, c)
			cell = cell.Max(c.MinSize())
		}
	}
	// As many in a row as the window has room for.
	roleBox := container.New(layout.NewGridWrapLayout(cell), roleChecks...)
	choose := widget.NewButtonWithIcon(u.t("firstrun.choose"), theme.FolderOpenIcon(), func() {
		u.files.save(u.t("firstrun.choose_title"), filepath.Base(f.backup.Text), func(p string) {
			f.backupChosen = true
			f.backup.SetText(p)
		})
	})
	fName := f.fm.add("body.name", newField(u.t("firstrun.org"), f.name))
	fRoles := f.fm.add("body.roles", newField(u.t("firstrun.roles"), roleBox))
	fCountry := f.fm.add("body.country", newField(u.t("firstrun.country"), f.country))
	fRSPO := f.fm.add("body.rspo", newField(u.t("firstrun.rspo"), f.rspo))
	fGLN := f.fm.add("body.gln", newField(u.t("firstrun.gln"), f.gln))
	fDevice := f.fm.add("device", newField(u.t("firstrun.device"), f.device))
	fOrgPass := f.fm.add("org-passphrase", newField(u.t("firstrun.org_pass"), f.orgPass))
	fOrgAgain := f.fm.add("org-again", newField(u.t("firstrun.org_again"), f.orgAgain))
	f.fPass = f.fm.add("passphrase", newField(u.t("firstrun.pass"), f.pass))
	f.fAgain = f.fm.add("again", newField(u.t("firstrun.again"), f.again))
	f.fPath = f.fm.add("backup", newField(u.t("firstrun.backup"), container.NewBorder(nil, nil, nil, choose, f.backup)))
	for e, fl := range map[*widget.Entry]*field{f.rspo: fRSPO, f.gln: fGLN, f.device: fDevice, f.pass: f.fPass, f.again: f.fAgain,
		f.orgPass: fOrgPass, f.orgAgain: fOrgAgain} {
		e.OnChanged = touchOnChange(fl, f.validate)
	}
	f.country.OnChanged = func(s string) {
		if up := strings.ToUpper(s); up != s {
			f.country.SetText(up)
			return
		}
		fCountry.touched = true
		f.validate()
	}
	for _, c := range f.roles {
		c.OnChanged = func(bool) { fRoles.touched = true; f.validate() }
	}
	f.backup.OnChanged = func(string) {
		if !f.suggesting {
			f.backupChosen, f.fPath.touched = true, true
		}
		f.validate()
	}
	f.name.OnChanged = func(s string) {
		fName.touched = true
		f.suggestBackup()
		f.validate()
	}
	f.suggestBackup()

	restore := widget.NewButtonWithIcon(u.t("firstrun.restore"), theme.UploadIcon(), f.restore)
	f.demoBtn = widget.NewButtonWithIcon(u.t("firstrun.demo"), theme.MediaPlayIcon(), f.startDemo)
	verifyOnly := widget.NewButtonWithIcon(u.t("firstrun.just_verify"), theme.SearchIcon(), f.justVerify)
	verifyOnly.Importance = widget.HighImportance
	f.demoBtn.Importance = widget.SuccessImportance
	demo := []fyne.CanvasObject{
		heading(u.t("firstrun.new_here")),
		wrapLabel(u.t("firstrun.demo_text")),
		f.demoBtn,
		widget.NewSeparator(),
	}
	if u.opts.StartDemo == nil {
		demo = nil
	}
	side := container.NewVBox(
		heading(u.t("firstrun.buyer")),
		wrapLabel(u.t("firstrun.buyer_text")),
		verifyOnly,
		widget.NewSeparator(),
	)
	side.Objects = append(side.Objects, demo...)
	side.Objects = append(side.Objects,
		heading(u.t("firstrun.moving")),
		wrapLabel(u.t("firstrun.moving_text")),
		restore,
	)
	main := container.NewVBox(
		heading(u.t("firstrun.title")),
		note(u.t("firstrun.keys_note")),
		grid(fName, fRoles, fCountry, fRSPO, fGLN, fDevice),
		widget.NewSeparator(),
		note(u.t("firstrun.org_pass_note")),
		grid(fOrgPass, fOrgAgain),
		note(u.t("firstrun.backup_note")),
		grid(f.fPass, f.fAgain, f.fPath),
		f.fm.footer(),
	)
	f.lang = u.langSelect(u.setLang)
	welcome := container.NewBorder(nil, nil, nil, container.NewHBox(widget.NewIcon(theme.SettingsIcon()), container.NewGridWrap(fyne.NewSize(200, f.lang.MinSize().Height), f.lang)), canvasTitle(u.t("firstrun.welcome")))
	sideBox := container.New(layout.NewGridWrapLayout(fyne.NewSize(300, side.MinSize().Height)), side)
	body := container.NewBorder(nil, nil, nil, container.NewVScroll(sideBox), container.NewVScroll(container.NewPadded(main)))
	f.obj = container.NewPadded(container.NewBorder(welcome, nil, nil, nil, body))
	f.built = true
	f.fm.touchAll(false)
	f.validate()
	return f
}

// suggestBackup names the backup file after the organisation, in the home
// folder, until the user chooses a file.
func (f *firstRun) suggestBackup() {
	if f.backupChosen {
		return
	}
	f.suggesting = true
	f.backup.SetText(homePath(backupName(f.name.Text)))
	f.suggesting = false
}

func (f *firstRun) setup() api.Setup {
	var roles []protocol.Role
	for _, c := range f.roles {
		if c.Checked {
			roles = append(roles, f.roleOf[c])
		}
	}
	return api.Setup{Name: clean(f.name.Text), Roles: roles, Country: clean(f.country.Text), RSPO: clean(f.rspo.Text),
		GLN: clean(f.gln.Text), DeviceName: clean(f.device.Text), BackupPath: clean(f.backup.Text), Passphrase: f.pass.Text,
		OrgPassphrase: f.orgPass.Text}
}

func (f *firstRun) validate() {
	if !f.built {
		return
	}
	f.fm.begin()
	s := f.setup()
	if s.DeviceName == "" {
		f.fm.fail("device", f.u.t("firstrun.err.device"))
	}
	if len([]rune(s.OrgPassphrase)) < protocol.MinPassphraseLength {
		f.fm.fail("org-passphrase", f.u.t("firstrun.err.short", "n", protocol.MinPassphraseLength))
	}
	if f.orgAgain.Text != s.OrgPassphrase {
		f.fm.fail("org-again", f.u.t("firstrun.err.differ"))
	}
	if len([]rune(s.Passphrase)) < protocol.MinPassphraseLength {
		f.fm.fail("passphrase", f.u.t("firstrun.err.short", "n", protocol.MinPassphraseLength))
	} else if s.Passphrase == s.OrgPassphrase {
		f.fm.fail("passphrase", f.u.t("firstrun.err.same"))
	}
	if f.again.Text != s.Passphrase {
		f.fm.fail("again", f.u.t("firstrun.err.differ"))
	}
	if s.BackupPath == "" {
		f.fm.fail("backup", f.u.t("firstrun.err.backup"))
	} else if fi, err := os.Stat(filepath.Dir(s.BackupPath)); err != nil || !fi.IsDir() {
		f.fm.fail("backup", f.u.t("firstrun.err.folder"))
	}
	org := &protocol.Org{Name: s.Name, Roles: s.Roles, Country: s.Country, RSPO: s.RSPO, GLN: s.GLN}
	f.fm.checkEach(org, func(field string) bool {
		switch {
		case strings.HasPrefix(field, "body.name"):
			org.Name = "x"
		case strings.HasPrefix(field, "body.roles"):
			org.Roles = []protocol.Role{protocol.RoleMill}
		case strings.HasPrefix(field, "body.country"):
			org.Country = "MY"
		case strings.HasPrefix(field, "body.rspo"):
			org.RSPO = ""
		case strings.HasPrefix(field, "body.gln"):
			org.GLN = ""
		default:
			return false
		}
		return true
	})
	f.fm.end()
}

func (f *firstRun) create() {
	f.validate()
	if !f.fm.valid {
		f.fm.touchAll(true)
		f.validate()
		return
	}
	s := f.setup()
	f.fm.publish.Disable()
	f.fm.summary.SetText(f.u.t("firstrun.creating"))
	background(f.u, "create the organisation", func(ctx context.Context) (api.Identity, error) {
		return f.u.svc.CreateIdentity(ctx, s)
	}, func(id api.Identity) {
		f.u.ident = id
		f.u.showMain()
		f.u.info(f.u.t("firstrun.created"), f.u.t("firstrun.created_text", "path", s.BackupPath))
	}, func(err error) {
		f.fm.publish.Enable()
		f.fm.summary.SetText(f.u.t("firstrun.not_created"))
		f.u.showError("create the organisation", err)
	})
}

// restore asks for a backup file and its passphrase.
func (f *firstRun) restore() {
	f.u.files.open(f.u.t("firstrun.open_backup"), nil, func(path string) {
		pass := widget.NewPasswordEntry()
		second := widget.NewCheck(f.u.t("firstrun.new_device"), nil)
		second.SetChecked(true)
		items := []*widget.FormItem{
			widget.NewFormItem(f.u.t("firstrun.passphrase"), pass),
			widget.NewFormItem("", second),
			widget.NewFormItem("", wrapLabel(f.u.t("firstrun.new_device_note"))),
		}
		dialog.ShowForm(f.u.t("firstrun.restore_from", "file", filepath.Base(path)), f.u.t("firstrun.restore_button"), f.u.t("common.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			f.restoreFrom(api.Restore{Path: path, Passphrase: pass.Text, NewDevice: second.Checked})
		}, f.u.win)
	})
}

// restoreFrom restores from a backup. A backup that holds the organisation
// key needs an organisation passphrase to keep it encrypted here: it is
// asked for when the node says so, and the restore tried again.
func (f *firstRun) restoreFrom(r api.Restore) {
	background(f.u, "restore from the backup", func(ctx context.Context) (api.Identity, error) {
		return f.u.svc.RestoreIdentity(ctx, r)
	}, func(id api.Identity) {
		f.u.ident = id
		f.u.showMain()
	}, func(err error) {
		if !errors.Is(err, api.ErrLocked) || r.OrgPassphrase != "" {
			f.u.showError("restore from the backup", err)
			return
		}
		pass, again, items := newPassphraseItems(f.u, f.u.t("firstrun.org_pass"), f.u.t("firstrun.org_pass_hint", "n", protocol.MinPassphraseLength))
		items = append([]*widget.FormItem{widget.NewFormItem("", wrapLabel(f.u.t("firstrun.org_pass_restore")))}, items...)
		d := dialog.NewForm(f.u.t("firstrun.org_pass"), f.u.t("firstrun.restore_button"), f.u.t("common.cancel"), items, func(ok bool) {
			if !ok {
				return
			}
			if msg := checkPassphrase(pass.Text, again.Text); msg != "" {
				f.u.showError("restore from the backup", errors.New(msg))
				return
			}
			r.OrgPassphrase = pass.Text
			f.restoreFrom(r)
		}, f.u.win)
		d.Resize(fyne.NewSize(560, 0))
		d.Show()
	})
}

// startDemo starts the demo network and opens the Verify screen.
func (f *firstRun) startDemo() {
	f.demoBtn.Disable()
	f.demoBtn.SetText(f.u.t("firstrun.demo_starting"))
	background(f.u, "start the demo network", f.u.opts.StartDemo, func(d Demo) {
		f.u.useDemo(d)
		f.demoBtn.Enable()
		f.demoBtn.SetText(f.u.t("firstrun.demo"))
	}, func(err error) {
		f.demoBtn.Enable()
		f.demoBtn.SetText(f.u.t("firstrun.demo"))
		f.u.showError("start the demo network", err)
	})
}
