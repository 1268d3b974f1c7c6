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
	locPoint   = "A point (latitude, longitude)"
	locPolygon = "A boundary from a GeoJSON file"
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
	pub := widget.NewButton("Publish place", f.submit)
	pub.Importance = widget.HighImportance
	f.fm = newForm(pub, "Ready: harvests can then name this place as their origin.")
	f.name, f.country, f.area = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	f.name.SetPlaceHolder("e.g. Blok 12A")
	f.country.SetPlaceHolder("MY")
	f.area.SetPlaceHolder("hectares, e.g. 3.6")
	f.kind = widget.NewSelect(protocol.PlaceKinds(), nil)
	f.lat, f.lon = widget.NewEntry(), widget.NewEntry()
	f.lat.SetPlaceHolder("latitude, e.g. 1.8050")
	f.lon.SetPlaceHolder("longitude, e.g. 103.9540")
	f.pointBox = container.NewGridWithColumns(2, f.lat, f.lon)
	f.fileLbl = widget.NewLabel("No file chosen.")
	f.feature = widget.NewSelect(nil, func(string) { f.validate() })
	f.feature.Hide()
	open := widget.NewButtonWithIcon("Open GeoJSON file…", theme.FolderOpenIcon(), f.openFile)
	f.fileBox = container.NewVBox(container.NewHBox(open, f.fileLbl), f.feature)
	f.how = widget.NewRadioGroup([]string{locPoint, locPolygon}, func(string) { f.showHow(); f.validate() })
	f.how.Horizontal = true
	fName := f.fm.add("body.name", newField("Name", f.name))
	fKind := f.fm.add("body.kind", newField("Kind", f.kind))
	fCountry := f.fm.add("body.country", newField("Country", f.country))
	fArea := f.fm.add("body.area", newField("Area", f.area))
	f.fGeo = f.fm.add("body.geo", newField("Location", container.NewVBox(f.how, f.pointBox, f.fileBox)))
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
	f.dfRef.SetPlaceHolder("assessment reference, e.g. GFW-2026-0042")
	f.dfDate.SetPlaceHolder("assessed on, YYYY-MM-DD")
	f.legalRef.SetPlaceHolder("title, permit or licence number")
	f.legalDate.SetPlaceHolder("dated, YYYY-MM-DD")
	f.dfMethod, f.legalKind = widget.NewSelectEntry(assessmentMethods), widget.NewSelectEntry(legalityKinds)
	f.dfMethod.SetPlaceHolder("how it was assessed")
	f.legalKind.SetPlaceHolder("what it is")
	f.fDF = newField("Deforestation-free", container.NewGridWithColumns(3, f.dfRef, f.dfMethod, f.dfDate))
	f.fLegal = newField("Legality", container.NewGridWithColumns(3, f.legalRef, f.legalKind, f.legalDate))
	for _, e := range []*widget.Entry{f.dfRef, f.dfDate} {
		e.OnChanged = touchOnChange(f.fDF, f.validate)
	}
	f.dfMethod.OnChanged = touchOnChange(f.fDF, f.validate)
	for _, e := range []*widget.Entry{f.legalRef, f.legalDate} {
		e.OnChanged = touchOnChange(f.fLegal, f.validate)
	}
	f.legalKind.OnChanged = touchOnChange(f.fLegal, f.validate)
	f.evidence = container.NewVBox(
		widget.NewLabelWithStyle("EUDR evidence about the land", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		note("An assessment made after 2020-12-31 that this land was not deforested since, and what shows it is used legally. Without them, batches from this plot verify with the warning \"not assessed\"."),
		grid(f.fDF, f.fLegal),
	)
	f.preview = newPlacePreview(u)
	f.obj = container.NewVBox(
		heading("Register a place"),
		note("Plots and estates need their area; EUDR asks for a boundary (polygon) for plots over 4 ha. Export boundaries from your GIS or mapping app as GeoJSON."),
		container.NewHBox(u.importButton("places")),
		grid(fName, fKind, fCountry, fArea, f.fGeo),
		f.preview.obj,
		f.evidence,
		widget.NewSeparator(),
		f.fm.footer(),
		widget.NewSeparator(),
		widget.NewLabelWithStyle("Your places", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		f.mine,
	)
	f.built = true
	f.reset()
	return f
}

func (f *placeForm) content() fyne.CanvasObject { return f.obj }

func (f *placeForm) showHow() {
	if f.how.Selected == locPolygon {
		f.pointBox.Hide()
		f.fileBox.Show()
	} else {
		f.pointBox.Show()
		f.fileBox.Hide()
	}
}

// setPlaces lists the places already registered.
func (f *placeForm) setPlaces(ps []api.Place) {
	var lines []string
	for _, p := range ps {
		c := p.Geo.Centroid()
		lines = append(lines, fmt.Sprintf("%s — %s, %s (%s)", placeLabel(p.Place), p.Country, c.String(), strings.ToLower(p.Geo.Type)))
	}
	if len(lines) == 0 {
		lines = []string{"None yet."}
	}
	f.mine.SetText(strings.Join(lines, "\n"))
}

func (f *placeForm) openFile() {
	f.u.files.open("Open a GeoJSON file", []string{".geojson", ".json"}, func(path string) {
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
		f.fileLbl.SetText(fmt.Sprintf("%s: %d shape(s)", filepath.Base(path), len(f.geos)))
		var opts []string
		for i, g := range f.geos {
			opts = append(opts, geoLabel(i, g))
		}
		f.feature.Options = opts
		f.feature.SetSelected(opts[0])
		if len(opts) > 1 {
			f.feature.Show()
		} else {
			f.feature.Hide()
		}
		f.fillFromFile()
	})
}

func geoLabel(i int, g namedGeometry) string {
	name := g.Name
	if name == "" {
		name = fmt.Sprintf("shape %d", i+1)
	}
	if g.Geo.Type == protocol.GeoPolygon {
		return fmt.Sprintf("%s: polygon, %s ha", name, hectares(g.Geo.Area()))
	}
	return fmt.Sprintf("%s: point %s", name, g.Geo.Point.String())
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
	b := &protocol.Place{Name: clean(f.name.Text), Kind: f.kind.Selected, Country: clean(f.country.Text)}
	if b.Kind == "" {
		f.fm.fail("body.kind", "Choose what kind of place this is.")
	}
	f.addEvidence(b)
	if s := clean(f.area.Text); s != "" {
		m, msg := parseAmount(s)
		if msg != "" {
			f.fm.fail("body.area", "Enter the area in hectares, such as 3.6.")
		}
		b.Area = m * 10 // a thousandth of a hectare is 10 m²
	}
	if f.how.Selected == locPolygon {
		g, ok := f.chosen()
		if !ok {
			f.fm.fail("body.geo", "Open a GeoJSON file with the boundary.")
			b.Geo = protocol.PointGeometry(protocol.Position{})
		} else {
			b.Geo = g.Geo
		}
		return b
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(f.lat.Text), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(f.lon.Text), 64)
	if err1 != nil || err2 != nil {
		f.fm.fail("body.geo", "Enter latitude and longitude in decimal degrees, such as 1.8050 and 103.9540.")
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
	f.fm.submit(f.u, f.validate, f.buildBody, "place", f.reset)
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
	f.feature.Hide()
	f.fileLbl.SetText("No file chosen.")
	f.how.SetSelected(locPoint)
	f.showHow()
	f.fm.touchAll(false)
	f.validate()
}

// What each kind of evidence's fields ask for, in the person's words.
var (
	what = map[string]string{protocol.EvidenceDeforestationFree: "the assessment's report number", protocol.EvidenceLegality: "the title, permit or licence number"}
	how  = map[string]string{protocol.EvidenceDeforestationFree: "how the land was assessed", protocol.EvidenceLegality: "what the evidence is"}
)

// land reports whether the chosen kind is production land, whose record
// carries EUDR evidence.
func (f *placeForm) land() bool {
	return protocol.IsLandKind(f.kind.Selected)
}

// addEvidence adds what the evidence fields hold to b, and registers each
// field under the index its evidence takes, so a rule broken is shown
// beside it.
func (f *placeForm) addEvidence(b *protocol.Place) {
	f.fm.removePrefix("body.evidence")
	if !f.land() {
		f.evidence.Hide()
		return
	}
	f.evidence.Show()
	add := func(fl *field, kind string, ref, method, date string) {
		if ref == "" && method == "" && date == "" {
			return
		}
		path := fmt.Sprintf("body.evidence[%d]", len(b.Evidence))
		f.fm.add(path, fl)
		e := protocol.Evidence{Kind: kind, Ref: ref, Method: method}
		switch {
		case ref == "":
			f.fm.fail(path, "Enter its reference: "+what[kind]+".")
		case method == "":
			f.fm.fail(path, "Choose or type "+how[kind]+".")
		case date == "":
			f.fm.fail(path, "Enter its date as YYYY-MM-DD.")
		default:
			// A date, not a moment: midnight UTC, as the command line and
			// the file imports record it, so it reads the same everywhere.
			d, msg := parseDay(date)
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
		f.fm.note("body.evidence[0]", "Assessed before 2021: that cannot show the land was not deforested after 2020-12-31; batches will verify with a warning.")
	}
}

// buildBody is body as the shared form helpers take it.
func (f *placeForm) buildBody() protocol.Body { return f.body() }
