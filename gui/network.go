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
		widget.NewCard("", u.t("screens.network.peers"), s.peers),
		widget.NewCard("", u.t("screens.network.records"), s.recs),
		widget.NewCard("", u.t("screens.network.reachable"), s.reach),
		widget.NewCard("", u.t("screens.network.forks"), s.forks)}
	var cell fyne.Size
	for _, c := range cardList {
		cell = cell.Max(c.MinSize())
	}
	// Four in a row in a wide window, two or one in a narrow one.
	cards := container.New(layout.NewGridWrapLayout(cell), cardList...)
	var headers []string
	for _, h := range []string{"peer", "reached", "address", "relay", "score", "last_sync"} {
		headers = append(headers, u.t("screens.network.col."+h))
	}
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
	top := container.NewVBox(heading(u.t("shell.nav.network")), s.notes, cards,
		widget.NewLabelWithStyle(u.t("screens.network.catching_up"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.sync, s.syncLn,
		widget.NewLabelWithStyle(u.t("screens.network.peers_head"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	bottom := container.NewVBox(
		widget.NewLabelWithStyle(u.t("screens.network.relays_head"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.relays,
		widget.NewLabelWithStyle(u.t("screens.network.forks_head"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}), s.forkLs,
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
		s.reach.SetText(s.u.t("screens.network.reach_yes"))
	case api.ReachabilityPrivate:
		s.reach.SetText(s.u.t("screens.network.reach_relay"))
	default:
		s.reach.SetText(s.u.t("screens.network.reach_unknown"))
	}
	s.forks.SetText(fmt.Sprint(len(st.Forks)))
	if p := st.Sync; p.Peer != "" {
		s.sync.Max = float64(max(p.Expected, p.Fetched, 1))
		s.sync.SetValue(float64(p.Fetched))
		state := s.u.t("screens.network.sync_running")
		if p.Done {
			state = s.u.t("screens.network.sync_done")
			s.sync.SetValue(s.sync.Max)
		}
		s.syncLn.SetText(s.u.t("screens.network.sync", "peer", p.Peer, "fetched", formatCount(p.Fetched), "expected", formatCount(p.Expected),
			"added", formatCount(p.Added), "state", state))
	} else {
		s.sync.SetValue(0)
		s.syncLn.SetText(s.u.t("screens.network.no_sync"))
	}
	s.table.Refresh()
	var rl []string
	for _, r := range st.Relays {
		state := s.u.t("screens.network.relay_off")
		if r.Connected {
			state = s.u.t("screens.network.relay_on")
		}
		if r.Reservation {
			state += s.u.t("screens.network.relay_slot")
		}
		rl = append(rl, r.PeerID+": "+state)
	}
	if len(rl) == 0 {
		rl = []string{s.u.t("screens.network.no_relays")}
	}
	s.relays.SetText(strings.Join(rl, "\n"))
	var fl []string
	for _, f := range st.Forks {
		fl = append(fl, s.u.t("screens.network.fork", "key", f.Author.Short(), "n", len(f.CIDs), "seq", f.Seq))
	}
	if len(fl) == 0 {
		fl = []string{s.u.t("screens.network.no_forks")}
	}
	s.forkLs.SetText(strings.Join(fl, "\n"))
	s.self.SetText(s.u.t("screens.network.self", "peer", st.PeerID, "network", st.Network, "since", formatTime(st.Started), "addrs", strings.Join(st.Addrs, ", ")))
}
