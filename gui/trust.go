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
	a.key.SetPlaceHolder("ed25519:… key of a certifier or consortium")
	a.key.TextStyle.Monospace = true
	a.name.SetPlaceHolder("name, e.g. RSPO")
	a.msg.Importance = widget.DangerImportance
	a.msg.Wrapping = fyne.TextWrapWord
	a.msg.Hide()
	add := widget.NewButtonWithIcon("Add anchor", theme.ContentAddIcon(), a.add)
	add.Importance = widget.HighImportance
	fromFile := widget.NewButtonWithIcon("Add from file…", theme.FileIcon(), a.addFromFile)
	a.obj = widget.NewCard("Trust anchors", "",
		container.NewVBox(note("The keys you believe: certification schemes and consortia. A batch is trusted when every signer chains to one of them."), a.list, widget.NewSeparator(), a.key, a.name, a.msg, container.NewHBox(add, fromFile)))
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
			name = "(no name)"
		}
		rm := widget.NewButtonWithIcon("Remove", theme.DeleteIcon(), func() { a.confirmRemove(an) })
		text := container.NewVBox(widget.NewLabelWithStyle(name, fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
			note(fmt.Sprintf("%s · added %s", an.Key.Short(), formatDay(an.Added))))
		a.list.Add(container.NewBorder(nil, nil, nil, container.NewCenter(rm), text))
	}
	if len(list) == 0 {
		a.list.Add(wrapLabel("No trust anchors: every batch verifies as \"not endorsed\" at best. Add the key of your certification scheme or consortium."))
	}
	a.list.Refresh()
}

// add adds the typed key.
func (a *anchorsView) add() {
	key, err := protocol.ParsePublicKey(a.key.Text)
	if err != nil {
		a.msg.SetText("That is not a key: " + detail(err) + ". Keys look like ed25519:… and come from the certifier.")
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
	a.u.files.open("Open a file holding a key", nil, func(path string) {
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
	dialog.ShowConfirm("Remove trust anchor?",
		fmt.Sprintf("Stop trusting %s? Batches whose signers chain only to this key will verify as \"not endorsed\".", name),
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
