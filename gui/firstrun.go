package gui

import (
	"context"
	"errors"
	"fmt"
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
	fPass, fAgain, fPath *field
	demoBtn              *widget.Button
	backupChosen         bool // the user chose the backup file: stop suggesting one
	suggesting           bool // the backup path is being set to a suggestion
	obj                  fyne.CanvasObject
}

// showFirstRun shows the set-up screen.
func (u *UI) showFirstRun() {
	if u.first == nil {
		u.first = newFirstRun(u)
	}
	u.setRoot(u.first.obj)
}

func newFirstRun(u *UI) *firstRun {
	f := &firstRun{u: u}
	create := widget.NewButtonWithIcon("Create organisation", theme.ConfirmIcon(), f.create)
	create.Importance = widget.HighImportance
	f.fm = newForm(create, "Ready. Creating the keys takes a few seconds.")
	f.fm.action = "create the organisation"
	f.name, f.country, f.rspo, f.gln, f.device = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.pass, f.again = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	f.orgPass, f.orgAgain = widget.NewPasswordEntry(), widget.NewPasswordEntry()
	f.backup = widget.NewEntry()
	f.name.SetPlaceHolder("e.g. Kilang Sawit Bukit Lebam Sdn Bhd")
	f.country.SetPlaceHolder("MY")
	f.rspo.SetPlaceHolder("optional, e.g. 1-0123-12-000-00")
	f.gln.SetPlaceHolder("optional, 13 digits")
	if h, err := os.Hostname(); err == nil {
		f.device.SetText(h)
	}
	roleBox := container.NewGridWithColumns(4)
	for _, r := range protocol.Roles() {
		if r != protocol.RoleRelay {
			c := widget.NewCheck(string(r), nil)
			f.roles = append(f.roles, c)
			roleBox.Add(c)
		}
	}
	choose := widget.NewButtonWithIcon("Choose…", theme.FolderOpenIcon(), func() {
		u.files.save("Where to save the key backup", filepath.Base(f.backup.Text), func(p string) {
			f.backupChosen = true
			f.backup.SetText(p)
		})
	})
	fName := f.fm.add("body.name", newField("Organisation", f.name))
	fRoles := f.fm.add("body.roles", newField("What you do", roleBox))
	fCountry := f.fm.add("body.country", newField("Country", f.country))
	fRSPO := f.fm.add("body.rspo", newField("RSPO member ID", f.rspo))
	fGLN := f.fm.add("body.gln", newField("GLN", f.gln))
	fDevice := f.fm.add("device", newField("This computer", f.device))
	fOrgPass := f.fm.add("org-passphrase", newField("Organisation passphrase", f.orgPass))
	fOrgAgain := f.fm.add("org-again", newField("Organisation passphrase again", f.orgAgain))
	f.fPass = f.fm.add("passphrase", newField("Backup passphrase", f.pass))
	f.fAgain = f.fm.add("again", newField("Backup passphrase again", f.again))
	f.fPath = f.fm.add("backup", newField("Key backup file", container.NewBorder(nil, nil, nil, choose, f.backup)))
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

	restore := widget.NewButtonWithIcon("Restore from backup…", theme.UploadIcon(), f.restore)
	f.demoBtn = widget.NewButtonWithIcon("Try the demo network", theme.MediaPlayIcon(), f.startDemo)
	f.demoBtn.Importance = widget.SuccessImportance
	side := container.NewVBox(
		heading("New here?"),
		wrapLabel("The demo network starts a certifier, a plantation, a mill and a refinery on this computer, with a palm-oil chain and one dishonest batch. Scan and verify within a minute; nothing is sent to the internet."),
		f.demoBtn,
		widget.NewSeparator(),
		heading("Moving to a new computer?"),
		wrapLabel("Restore your organisation from its key backup file."),
		restore,
	)
	if u.opts.StartDemo == nil {
		side.Objects = side.Objects[4:]
	}
	main := container.NewVBox(
		heading("Set up your organisation"),
		note("Jejak makes an organisation key and a key for this computer. Records you publish are signed with them; buyers check the signatures. Everything you type here goes into your public organisation profile except the passphrases and the file name."),
		grid(fName, fRoles, fCountry, fRSPO, fGLN, fDevice),
		widget.NewSeparator(),
		note("The organisation passphrase keeps the organisation key encrypted on this computer. Jejak asks for it to add or withdraw a computer and to endorse; daily records are signed without it."),
		grid(fOrgPass, fOrgAgain),
		note("The backup holds your keys encrypted with a passphrase of its own: a different one, because the backup is how a forgotten organisation passphrase is replaced. Keep it somewhere safe, away from this computer. If both the organisation passphrase and the backup are lost, this computer can no longer sign as the organisation (no new computers, no withdrawals, no endorsements); records already signed stay valid and daily records go on."),
		grid(f.fPass, f.fAgain, f.fPath),
		f.fm.footer(),
	)
	welcome := canvasTitle("Welcome to Jejak")
	body := container.NewBorder(nil, nil, nil, container.New(layout.NewGridWrapLayout(fyne.NewSize(330, side.MinSize().Height)), side),
		container.NewVScroll(container.NewPadded(main)))
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
			roles = append(roles, protocol.Role(c.Text))
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
		f.fm.fail("device", "Name this computer, such as \"weighbridge office\".")
	}
	if len([]rune(s.OrgPassphrase)) < protocol.MinPassphraseLength {
		f.fm.fail("org-passphrase", "At least 8 characters; a few words are easier to remember.")
	}
	if f.orgAgain.Text != s.OrgPassphrase {
		f.fm.fail("org-again", "The two passphrases differ.")
	}
	if len([]rune(s.Passphrase)) < protocol.MinPassphraseLength {
		f.fm.fail("passphrase", "At least 8 characters; a few words are easier to remember.")
	} else if s.Passphrase == s.OrgPassphrase {
		f.fm.fail("passphrase", "Use a different passphrase from the organisation's: the backup is how a forgotten one is replaced.")
	}
	if f.again.Text != s.Passphrase {
		f.fm.fail("again", "The two passphrases differ.")
	}
	if s.BackupPath == "" {
		f.fm.fail("backup", "Choose where to save the key backup.")
	} else if fi, err := os.Stat(filepath.Dir(s.BackupPath)); err != nil || !fi.IsDir() {
		f.fm.fail("backup", "That folder does not exist.")
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
	f.fm.summary.SetText("Creating keys and writing the backup…")
	background(f.u, "create the organisation", func(ctx context.Context) (api.Identity, error) {
		return f.u.svc.CreateIdentity(ctx, s)
	}, func(id api.Identity) {
		f.u.ident = id
		f.u.showMain()
		f.u.info("Organisation created", "Your organisation and this computer's keys are set up. The key backup is saved as "+s.BackupPath+": copy it somewhere safe.")
	}, func(err error) {
		f.fm.publish.Enable()
		f.fm.summary.SetText("Not created.")
		f.u.showError("create the organisation", err)
	})
}

// restore asks for a backup file and its passphrase.
func (f *firstRun) restore() {
	f.u.files.open("Open your key backup", nil, func(path string) {
		pass := widget.NewPasswordEntry()
		second := widget.NewCheck("Another computer of the organisation is still in use: make a new key for this one", nil)
		second.SetChecked(true)
		items := []*widget.FormItem{
			widget.NewFormItem("Passphrase", pass),
			widget.NewFormItem("", second),
			widget.NewFormItem("", wrapLabel("Two computers must never sign with one device key: its records would contradict each other, and verification would fail them all. Untick only when this computer replaces the one the backup came from.")),
		}
		dialog.ShowForm("Restore from "+filepath.Base(path), "Restore", "Cancel", items, func(ok bool) {
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
		pass, again, items := newPassphraseItems(f.u, "Organisation passphrase", fmt.Sprintf("At least %d characters, different from the backup's. Jejak asks for it to add or withdraw a computer and to endorse.", protocol.MinPassphraseLength))
		items = append([]*widget.FormItem{widget.NewFormItem("", wrapLabel("The backup holds the organisation key. Choose the passphrase that keeps it encrypted on this computer."))}, items...)
		d := dialog.NewForm("Organisation passphrase", "Restore", "Cancel", items, func(ok bool) {
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
	f.demoBtn.SetText("Starting the demo network…")
	background(f.u, "start the demo network", f.u.opts.StartDemo, func(d Demo) {
		f.u.useDemo(d)
		f.demoBtn.Enable()
		f.demoBtn.SetText("Try the demo network")
	}, func(err error) {
		f.demoBtn.Enable()
		f.demoBtn.SetText("Try the demo network")
		f.u.showError("start the demo network", err)
	})
}
