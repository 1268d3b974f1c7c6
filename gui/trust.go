package gui

import (
	"context"
	"fmt"
	"os"
	"regexp"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// anchorsView lists the trust anchors (the certifier and consortium keys
// this install believes) and adds and removes them.
type anchorsView struct {
	loads latest // of the anchors
	u     *UI
	list  *fyne.Container
	key   *widget.Entry
	name  *widget.Entry
	msg   *widget.Label
	obj   fyne.CanvasObject
}

func newAnchorsView(u *UI) *anchorsView {
	a := &anchorsView{u: u, list: container.NewVBox(), key: widget.NewEntry(), name: widget.NewEntry(), msg: widget.NewLabel("")}
	a.key.SetPlaceHolder(u.t("screens.trust.key_hint"))
	a.key.TextStyle.Monospace = true
	a.name.SetPlaceHolder(u.t("screens.trust.name_hint"))
	a.msg.Importance = widget.DangerImportance
	a.msg.Wrapping = fyne.TextWrapWord
	a.msg.Hide()
	add := widget.NewButtonWithIcon(u.t("screens.trust.add"), theme.ContentAddIcon(), a.add)
	add.Importance = widget.HighImportance
	fromFile := widget.NewButtonWithIcon(u.t("screens.trust.add_file"), theme.FileIcon(), a.addFromFile)
	a.obj = widget.NewCard(u.t("screens.trust.title"), "",
		container.NewVBox(note(u.t("screens.trust.intro")), a.list, widget.NewSeparator(), a.key, a.name, a.msg, container.NewHBox(add, fromFile)))
	return a
}

func (a *anchorsView) content() fyne.CanvasObject { return a.obj }

// load reads the anchors.
func (a *anchorsView) load() {
	newest(a.u, &a.loads, "read the trust anchors", a.u.svc.Anchors, a.set, nil)
}

func (a *anchorsView) set(list []provenance.Anchor) {
	a.list.Objects = nil
	for _, an := range list {
		name := an.Name
		if name == "" {
			name = a.u.t("screens.trust.no_name")
		}
		rm := widget.NewButtonWithIcon(a.u.t("screens.trust.remove"), theme.DeleteIcon(), func() { a.confirmRemove(an) })
		text := container.NewVBox(widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			note(a.u.t("screens.trust.added", "key", an.Key.Short(), "day", formatDay(an.Added))))
		a.list.Add(container.NewBorder(nil, nil, nil, container.NewCenter(rm), text))
	}
	if len(list) == 0 {
		a.list.Add(wrapLabel(a.u.t("screens.trust.none")))
	}
	a.list.Refresh()
}

// add adds the typed key.
func (a *anchorsView) add() {
	key, err := protocol.ParsePublicKey(a.key.Text)
	if err != nil {
		a.msg.SetText(a.u.t("screens.trust.bad_key", "detail", detail(err)))
		a.msg.Show()
		return
	}
	a.msg.Hide()
	a.addKey(key, clean(a.name.Text))
}

func (a *anchorsView) addKey(key protocol.PublicKey, name string) {
	background(a.u, "add the trust anchor", func(ctx context.Context) (struct{}, error) {
		return struct{}{}, a.u.svc.AddAnchor(ctx, key, name)
	}, func(struct{}) {
		a.key.SetText("")
		a.name.SetText("")
		a.load()
		a.u.refresh(refreshOrgs)
	}, nil)
}

var keyInText = regexp.MustCompile(`(?i)ed25519:[a-z2-7]{52}`)

// addFromFile adds the first key found in a text file (a certifier's key
// file, an e-mail saved as text, a JSON document).
func (a *anchorsView) addFromFile() {
	a.u.files.open(a.u.t("screens.trust.open_title"), nil, func(path string) {
		data, err := os.ReadFile(path)
		if err != nil {
			a.u.showError("read the key file", err)
			return
		}
		m := keyInText.Find(data)
		if m == nil {
			a.u.showError("read the key file", fmt.Errorf("no key (ed25519:…) found in %s", path))
			return
		}
		key, err := protocol.ParsePublicKey(string(m))
		if err != nil {
			a.u.showError("read the key file", err)
			return
		}
		a.key.SetText(key.String())
		a.add()
	})
}

// confirmRemove removes an anchor after asking.
func (a *anchorsView) confirmRemove(an provenance.Anchor) {
	name := an.Name
	if name == "" {
		name = an.Key.Short()
	}
	dialog.ShowConfirm(a.u.t("screens.trust.remove_title"), a.u.t("screens.trust.remove_text", "name", name),
		func(ok bool) {
			if !ok {
				return
			}
			background(a.u, "remove the trust anchor", func(ctx context.Context) (struct{}, error) {
				return struct{}{}, a.u.svc.RemoveAnchor(ctx, an.Key)
			}, func(struct{}) {
				a.load()
				a.u.refresh(refreshOrgs)
			}, nil)
		}, a.u.win)
}
