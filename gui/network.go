package gui

import (
	"fmt"
	"image/color"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
)

// networkScreen shows the node's peers and how each is reached, relay
// reachability, records stored, sync progress and forks found.
type networkScreen struct {
	notes  *widget.Label // why discovery is off; a clock that looks wrong
	u      *UI
	st     api.Status
	peers  *widget.Label
	recs   *widget.Label
	reach  *widget.Label
	forks  *widget.Label
	sync   *widget.ProgressBar
	syncLn *widget.Label
	table  *widget.Table
	relays *widget.Label
	forkLs *widget.Label
	self   *widget.Label
	obj    fyne.CanvasObject
}

var viaWords = map[api.Via]string{api.ViaDirect: "direct (internet)", api.ViaLAN: "local network", api.ViaRelayed: "through a relay"}

func newNetworkScreen(u *UI) *networkScreen {
	s := &networkScreen{u: u, sync: widget.NewProgressBar(), syncLn: wrapLabel(""), relays: wrapLabel(""), forkLs: wrapLabel(""), self: note("")}
	big := func() *widget.Label {
		l := widget.NewLabelWithStyle("—", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
		l.SizeName = theme.SizeNameHeadingText
		return l
	}
	s.peers, s.recs, s.reach, s.forks = big(), big(), big(), big()
	cardList := []fyne.CanvasObject{
		widget.NewCard("", "Peers connected", s.peers),
		widget.NewCard("", "Records stored", s.recs),
		widget.NewCard("", "Reachable from the internet", s.reach),
		widget.NewCard("", "Forks found", s.forks)}
	var cell fyne.Size
	for _, c := range cardList {
		cell = cell.Max(c.MinSize())
	}
	// Four in a row in a wide window, two or one in a narrow one.
	cards := container.New(layout.NewGridWrapLayout(cell), cardList...)
	headers := []string{"Peer", "Reached", "Address", "Relay", "Score", "Last sync"}
	s.table = widget.NewTableWithHeaders(func() (int, int) { return len(s.st.Peers), len(headers) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		}, func(id widget.TableCellID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(peerCell(s.st.Peers[id.Row], id.Col))
		})
	s.table.ShowHeaderColumn = false
	s.table.CreateHeader = func() fyne.CanvasObject {
		return widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	}
	s.table.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		if id.Row < 0 && id.Col >= 0 {
			o.(*widget.Label).SetText(headers[id.Col])
		}
	}
	for i, w := range []float32{230, 150, 300, 60, 70, 130} {
		s.table.SetColumnWidth(i, w)
	}
	s.notes = wrapLabel("")
	s.notes.Importance = widget.WarningImportance
	s.notes.Hide()
	top := container.NewVBox(heading("Network"), s.notes, cards,
		widget.NewLabelWithStyle("Catching up", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.sync, s.syncLn,
		widget.NewLabelWithStyle("Peers", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	bottom := container.NewVBox(
		widget.NewLabelWithStyle("Relays", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.relays,
		widget.NewLabelWithStyle("Forks", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.forkLs,
		s.self)
	// The table keeps a height of its own; in a small window the screen
	// scrolls.
	room := canvas.NewRectangle(color.Transparent)
	room.SetMinSize(fyne.NewSize(0, 220))
	s.obj = container.NewVScroll(container.NewVBox(top, container.NewStack(room, s.table), bottom))
	return s
}

func (s *networkScreen) content() fyne.CanvasObject { return s.obj }

func peerCell(p api.Peer, col int) string {
	switch col {
	case 0:
		return p.ID
	case 1:
		return viaWords[p.Via]
	case 2:
		return p.Addr
	case 3:
		if p.Relay {
			return "yes"
		}
		return ""
	case 4:
		return fmt.Sprintf("%.1f", p.Score)
	case 5:
		if p.Synced.IsZero() {
			return "not yet"
		}
		return ago(p.Synced)
	}
	return ""
}

// ago says how long ago t was, roughly.
func ago(t time.Time) string {
	d := time.Since(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return formatDay(t)
}

// set shows a status snapshot.
func (s *networkScreen) set(st api.Status) {
	sort.SliceStable(st.Peers, func(i, j int) bool { return st.Peers[i].ID < st.Peers[j].ID })
	s.st = st
	notes := append([]string{}, st.Notes...)
	if st.ClockWarning != "" {
		notes = append([]string{st.ClockWarning}, notes...)
	}
	if len(notes) > 0 {
		s.notes.SetText(strings.Join(notes, "\n"))
		s.notes.Show()
	} else {
		s.notes.Hide()
	}
	s.peers.SetText(fmt.Sprint(len(st.Peers)))
	s.recs.SetText(formatCount(st.Records))
	switch st.Reachability {
	case api.ReachabilityPublic:
		s.reach.SetText("Yes")
	case api.ReachabilityPrivate:
		s.reach.SetText("No — via relay")
	default:
		s.reach.SetText("Not known yet")
	}
	s.forks.SetText(fmt.Sprint(len(st.Forks)))
	if p := st.Sync; p.Peer != "" {
		s.sync.Max = float64(max(p.Expected, p.Fetched, 1))
		s.sync.SetValue(float64(p.Fetched))
		state := "in progress"
		if p.Done {
			state = "finished"
			s.sync.SetValue(s.sync.Max)
		}
		s.syncLn.SetText(fmt.Sprintf("With %s: %s of about %s records received, %s of them new — %s.",
			p.Peer, formatCount(p.Fetched), formatCount(p.Expected), formatCount(p.Added), state))
	} else {
		s.sync.SetValue(0)
		s.syncLn.SetText("No catch-up yet: peers are synced with when they connect.")
	}
	s.table.Refresh()
	var rl []string
	for _, r := range st.Relays {
		state := "not connected"
		if r.Connected {
			state = "connected"
		}
		if r.Reservation {
			state += ", holds a slot for us (peers can reach this computer through it)"
		}
		rl = append(rl, r.PeerID+": "+state)
	}
	if len(rl) == 0 {
		rl = []string{"No relays configured."}
	}
	s.relays.SetText(strings.Join(rl, "\n"))
	var fl []string
	for _, f := range st.Forks {
		fl = append(fl, fmt.Sprintf("Key %s signed %d different records at position %d of its feed: every batch it touches fails verification.", f.Author.Short(), len(f.CIDs), f.Seq))
	}
	if len(fl) == 0 {
		fl = []string{"None: no key has signed two different records at one position."}
	}
	s.forkLs.SetText(strings.Join(fl, "\n"))
	s.self.SetText(fmt.Sprintf("This node: %s on network %q, running since %s. Listening on %s.", st.PeerID, st.Network, formatTime(st.Started), strings.Join(st.Addrs, ", ")))
}
