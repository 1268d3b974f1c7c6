package gui

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
)

// Ways to locate a place.
const (
	locPoint   = "forms.place.loc_point" // catalog keys of the location choices
	locPolygon = "forms.place.loc_polygon"
)

// placeForm registers a place: a plot, estate, mill, refinery, factory.
type placeForm struct {
	u        *UI
	built    bool // set once constructed: widgets fire OnChanged while being set up
	fm       *form
	name     *widget.Entry
	kind     *widget.Select
	country  *widget.Entry
	area     *widget.Entry
	how      *widget.RadioGroup
	lat, lon *widget.Entry
	pointBox *fyne.Container
	fileBox  *fyne.Container
	fileLbl  *widget.Label
	feature  *widget.Select
	geos     []namedGeometry
	mine     *widget.Label
	fGeo     *field
	preview  *placePreview // the location on a map, with warnings (map_view.go)
	obj      fyne.CanvasObject

	// EUDR evidence about the land (plots and estates).
	evidence                           *fyne.Container
	dfRef, dfDate, legalRef, legalDate *widget.Entry
	dfMethod, legalKind                *widget.SelectEntry
	fDF, fLegal                        *field
}

// Common ways of showing a plot deforestation-free, and of showing it is
// used legally; the person may type another.
var (
	assessmentMethods = []string{"satellite imagery (Global Forest Watch)", "satellite imagery (other provider)", "field survey", "certification audit"}
	legalityKinds     = []string{"land title", "plantation permit (HGU)", "concession licence", "MPOB licence", "STDB (smallholder registration)"}
)

func newPlaceForm(u *UI) *placeForm {
	f := &placeForm{u: u}
	pub := widget.NewButton(u.t("forms.place.publish"), f.submit)
	pub.Importance = widget.HighImportance
	f.fm = u.newForm(pub, u.t("forms.place.ready"))
	f.name, f.country, f.area = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.name.SetPlaceHolder(u.t("forms.place.nameHint"))
	f.country.SetPlaceHolder("MY")
	f.area.SetPlaceHolder(u.t("forms.place.areaHint"))
	var kinds []string
	for _, k := range protocol.PlaceKinds() {
		kinds = append(kinds, u.kindName(k))
	}
	f.kind = widget.NewSelect(kinds, nil)
	f.lat, f.lon = widget.NewEntry(), widget.NewEntry()
	f.lat.SetPlaceHolder(u.t("forms.place.latHint"))
	f.lon.SetPlaceHolder(u.t("forms.place.lonHint"))
	f.pointBox = columns(2, f.lat, f.lon)
	f.fileLbl = widget.NewLabel(u.t("forms.place.noFile"))
	f.feature = widget.NewSelect(nil, func(string) { f.validate() })
	f.feature.Hide()
	open := widget.NewButtonWithIcon(u.t("forms.place.openFile"), theme.FolderOpenIcon(), f.openFile)
	f.fileBox = container.NewVBox(container.NewHBox(open, f.fileLbl), f.feature)
	f.how = widget.NewRadioGroup([]string{u.t(locPoint), u.t(locPolygon)}, func(string) { f.showHow(); f.validate() })
	fName := f.fm.add("body.name", newField(u.t("forms.place.name"), f.name))
	fKind := f.fm.add("body.kind", newField(u.t("forms.place.kind"), f.kind))
	fCountry := f.fm.add("body.country", newField(u.t("forms.place.country"), f.country))
	fArea := f.fm.add("body.area", newField(u.t("forms.place.area"), f.area))
	f.fGeo = f.fm.add("body.geo", newField(u.t("forms.place.location"), container.NewVBox(f.how, f.pointBox, f.fileBox)))
	f.name.OnChanged = touchOnChange(fName, f.validate)
	f.kind.OnChanged = touchOnChange(fKind, f.validate)
	f.country.OnChanged = func(s string) {
		if up := strings.ToUpper(s); up != s {
			f.country.SetText(up)
			return
		}
		fCountry.touched = true
		f.validate()
	}
	f.area.OnChanged = touchOnChange(fArea, f.validate)
	f.lat.OnChanged = touchOnChange(f.fGeo, f.validate)
	f.lon.OnChanged = touchOnChange(f.fGeo, f.validate)
	f.mine = note("")
	f.dfRef, f.dfDate, f.legalRef, f.legalDate = widget.NewEntry(), widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.dfRef.SetPlaceHolder(u.t("forms.place.dfRefHint"))
	withCalendar(u, f.dfDate)
	f.dfDate.SetPlaceHolder(u.t("forms.assessedOn"))
	f.legalRef.SetPlaceHolder(u.t("forms.place.legalRefHint"))
	withCalendar(u, f.legalDate)
	f.legalDate.SetPlaceHolder(u.t("forms.datedOn"))
	f.dfMethod, f.legalKind = widget.NewSelectEntry(assessmentMethods), widget.NewSelectEntry(legalityKinds)
	f.dfMethod.SetPlaceHolder(u.t("forms.place.dfMethodHint"))
	f.legalKind.SetPlaceHolder(u.t("forms.place.legalKindHint"))
	f.fDF = newField(u.t("forms.place.df"), columns(3, f.dfRef, f.dfMethod, f.dfDate))
	f.fLegal = newField(u.t("forms.place.legal"), columns(3, f.legalRef, f.legalKind, f.legalDate))
	for _, e := range []*widget.Entry{f.dfRef, f.dfDate} {
		e.OnChanged = touchOnChange(f.fDF, f.validate)
	}
	f.dfMethod.OnChanged = touchOnChange(f.fDF, f.validate)
	for _, e := range []*widget.Entry{f.legalRef, f.legalDate} {
		e.OnChanged = touchOnChange(f.fLegal, f.validate)
	}
	f.legalKind.OnChanged = touchOnChange(f.fLegal, f.validate)
	f.evidence = container.NewVBox(
		widget.NewLabelWithStyle(u.t("forms.place.evidence"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		note(u.t("forms.place.evidenceNote")),
		grid(f.fDF, f.fLegal),
	)
	f.preview = newPlacePreview(u)
	f.obj = page(
		heading(u.t("forms.place.title")),
		note(u.t("forms.place.note")),
		container.NewHBox(u.importButton("places")),
		grid(fName, fKind, fCountry, fArea, f.fGeo),
		f.preview.obj,
		f.evidence,
		widget.NewSeparator(),
		f.fm.footer(),
		widget.NewSeparator(),
		widget.NewLabelWithStyle(u.t("forms.place.yours"), fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.mine,
	)
	f.built = true
	f.reset()
	return f
}

func (f *placeForm) content() fyne.CanvasObject { return f.obj }

func (f *placeForm) showHow() {
	poly := f.how.Selected == f.u.t(locPolygon)
	f.fm.setVisible(f.pointBox, !poly)
	f.fm.setVisible(f.fileBox, poly)
}

// setPlaces lists the places already registered.
func (f *placeForm) setPlaces(ps []api.Place) {
	var lines []string
	for _, p := range ps {
		c := p.Geo.Centroid()
		lines = append(lines, f.u.t("forms.place.known", "place", f.u.placeLabel(p.Place), "country", p.Country, "at", c.String(), "shape", f.u.t("result."+strings.ToLower(p.Geo.Type))))
	}
	if len(lines) == 0 {
		lines = []string{f.u.t("forms.place.noneYet")}
	}
	f.mine.SetText(strings.Join(lines, "\n"))
}

func (f *placeForm) openFile() {
	f.u.files.open(f.u.t("forms.place.openTitle"), []string{".geojson", ".json"}, func(path string) {
		data, err := os.ReadFile(path)
		if err == nil {
			f.geos, err = parseGeoJSON(data)
		}
		if err != nil {
			f.geos = nil
			f.fileLbl.SetText(filepath.Base(path) + ": " + err.Error())
			f.validate()
			return
		}
		f.fGeo.touched = true
		f.fileLbl.SetText(f.u.t("forms.place.shapes", "file", filepath.Base(path), "n", len(f.geos)))
		var opts []string
		for i, g := range f.geos {
			opts = append(opts, f.geoLabel(i, g))
		}
		f.feature.Options = opts
		f.feature.SetSelected(opts[0])
		f.fm.setVisible(f.feature, len(opts) > 1)
		f.fillFromFile()
	})
}

// geoLabel names a shape of a GeoJSON file in a choice.
func (f *placeForm) geoLabel(i int, g namedGeometry) string {
	name := g.Name
	if name == "" {
		name = f.u.t("forms.place.shapeN", "n", i+1)
	}
	if g.Geo.Type == protocol.GeoPolygon {
		return f.u.t("forms.place.polygon", "name", name, "ha", hectares(g.Geo.Area()))
	}
	return f.u.t("forms.place.point", "name", name, "point", g.Geo.Point.String())
}

func hectares(m2 float64) string {
	return groupDigits(strconv.FormatFloat(math.Round(m2/100)/100, 'f', -1, 64))
}

// fillFromFile fills the name and area from the chosen shape when empty.
func (f *placeForm) fillFromFile() {
	g, ok := f.chosen()
	if !ok {
		return
	}
	if f.name.Text == "" && g.Name != "" {
		f.name.SetText(g.Name)
	}
	if f.area.Text == "" && g.Geo.Type == protocol.GeoPolygon {
		f.area.SetText(strings.ReplaceAll(hectares(g.Geo.Area()), ",", ""))
	}
	f.validate()
}

func (f *placeForm) chosen() (namedGeometry, bool) {
	i := f.feature.SelectedIndex()
	if i < 0 || i >= len(f.geos) {
		return namedGeometry{}, false
	}
	return f.geos[i], true
}

func (f *placeForm) body() *protocol.Place {
	b := &protocol.Place{Name: clean(f.name.Text), Kind: f.kindCode(), Country: clean(f.country.Text)}
	if b.Kind == "" {
		f.fm.fail("body.kind", f.u.t("forms.place.chooseKind"))
	}
	f.addEvidence(b)
	if s := clean(f.area.Text); s != "" {
		m, msg := f.u.parseAmount(s)
		if msg != "" {
			f.fm.fail("body.area", f.u.t("forms.place.enterArea"))
		}
		b.Area = m * 10 // a thousandth of a hectare is 10 m²
	}
	if f.how.Selected == f.u.t(locPolygon) {
		g, ok := f.chosen()
		if !ok {
			f.fm.fail("body.geo", f.u.t("forms.place.openBoundary"))
			b.Geo = protocol.PointGeometry(protocol.Position{})
		} else {
			b.Geo = g.Geo
		}
		return b
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(f.lat.Text), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(f.lon.Text), 64)
	if err1 != nil || err2 != nil {
		f.fm.fail("body.geo", f.u.t("forms.place.enterLatLon"))
	}
	b.Geo = protocol.PointGeometry(protocol.Pos(lon, lat))
	return b
}

func (f *placeForm) validate() {
	if !f.built {
		return
	}
	f.fm.begin()
	f.preview.update(f)
	b := f.body()
	if f.fm.valid {
		f.fm.checkEach(b, func(field string) bool {
			switch {
			case strings.HasPrefix(field, "body.name"):
				b.Name = "x"
			case strings.HasPrefix(field, "body.kind"):
				b.Kind = protocol.PlaceMill
			case strings.HasPrefix(field, "body.country"):
				b.Country = "MY"
			default:
				return false // geometry and area depend on each other
			}
			return true
		})
	}
	f.fm.end()
}

func (f *placeForm) submit() {
	f.fm.submit(f.u, f.validate, f.buildBody, f.u.t("forms.what.place"), f.reset)
}

func (f *placeForm) reset() {
	f.name.SetText("")
	f.kind.ClearSelected()
	f.country.SetText(f.u.ident.Country)
	f.area.SetText("")
	f.lat.SetText("")
	f.lon.SetText("")
	for _, e := range []*widget.Entry{f.dfRef, f.dfDate, f.legalRef, f.legalDate} {
		e.SetText("")
	}
	f.dfMethod.SetText("")
	f.legalKind.SetText("")
	f.geos = nil
	f.fm.setVisible(f.feature, false)
	f.fileLbl.SetText(f.u.t("forms.place.noFile"))
	f.how.SetSelected(f.u.t(locPoint))
	f.showHow()
	f.fm.touchAll(false)
	f.validate()
}

// What each kind of evidence's fields ask for, in the person's words.
var (
	what = map[string]string{protocol.EvidenceDeforestationFree: "forms.place.what.df", protocol.EvidenceLegality: "forms.place.what.legal"}
	how  = map[string]string{protocol.EvidenceDeforestationFree: "forms.place.how.df", protocol.EvidenceLegality: "forms.place.how.legal"}
)

// land reports whether the chosen kind is production land, whose record
// carries EUDR evidence.
func (f *placeForm) land() bool {
	return protocol.IsLandKind(f.kindCode())
}

// addEvidence adds what the evidence fields hold to b, and registers each
// field under the index its evidence takes, so a rule broken is shown
// beside it.
func (f *placeForm) addEvidence(b *protocol.Place) {
	f.fm.removePrefix("body.evidence")
	f.fm.setVisible(f.evidence, f.land())
	if !f.land() {
		return
	}
	add := func(fl *field, kind string, ref, method, date string) {
		if ref == "" && method == "" && date == "" {
			return
		}
		path := fmt.Sprintf("body.evidence[%d]", len(b.Evidence))
		f.fm.add(path, fl)
		e := protocol.Evidence{Kind: kind, Ref: ref, Method: method}
		switch {
		case ref == "":
			f.fm.fail(path, f.u.t("forms.place.enterRef", "what", f.u.t(what[kind])))
		case method == "":
			f.fm.fail(path, f.u.t("forms.place.chooseHow", "how", f.u.t(how[kind])))
		case date == "":
			f.fm.fail(path, f.u.t("forms.place.enterDate"))
		default:
			// A date, not a moment: midnight UTC, as the command line and
			// the file imports record it, so it reads the same everywhere.
			d, msg := f.u.parseDay(date)
			if msg != "" {
				f.fm.fail(path, msg)
			}
			e.Date = time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, time.UTC).UnixMilli()
		}
		b.Evidence = append(b.Evidence, e)
	}
	add(f.fDF, protocol.EvidenceDeforestationFree, clean(f.dfRef.Text), clean(f.dfMethod.Text), clean(f.dfDate.Text))
	add(f.fLegal, protocol.EvidenceLegality, clean(f.legalRef.Text), clean(f.legalKind.Text), clean(f.legalDate.Text))
	if len(b.Evidence) > 0 && b.Evidence[0].Kind == protocol.EvidenceDeforestationFree && b.Evidence[0].Date != 0 &&
		b.Evidence[0].Date < time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli() {
		f.fm.note("body.evidence[0]", f.u.t("forms.place.before2021"))
	}
}

// buildBody is body as the shared form helpers take it.
func (f *placeForm) buildBody() protocol.Body { return f.body() }

// kindCode is the chosen kind of place as records write it ("plot"): the
// choice shows it in the window's language.
func (f *placeForm) kindCode() string {
	for _, k := range protocol.PlaceKinds() {
		if f.u.kindName(k) == f.kind.Selected {
			return k
		}
	}
	return f.kind.Selected
}
