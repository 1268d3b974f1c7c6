package provenance

import (
	"errors"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// EUDR reason codes.
const (
	CodeNotAPlace     = "not_a_place"
	CodeNotLand       = "not_production_land"
	CodeNoPolygon     = "polygon_required"
	CodeNotAssessed   = "not_assessed"
	CodeOldAssessment = "assessed_before_cutoff"
	CodeNoLegality    = "no_legality_evidence"
	CodeUnknownOrigin = "unknown_origin"
	CodeOutdatedPlace = "invalid_geolocation"
	// CodeStatement: origins covered by a due diligence statement on a
	// transfer upstream (information).
	CodeStatement = "statement_upstream"
	// CodeNoStatement: origins no statement upstream covers (information).
	CodeNoStatement = "no_statement_upstream"
)

// outdatedPlaceRule returns the rule of today's record format that place
// pl, signed in an older format, breaks (nil when it breaks none, or was
// signed in today's). The protocol judges a record by the rules of its own
// format, so an old self-crossing plot or a country "XX" stays readable (and
// a dishonest peer may still sign one in format 1); verification holds every
// plot to today's rules, since EUDR needs valid geolocation whenever it was
// recorded.
func outdatedPlaceRule(rec *protocol.Record, pl *protocol.Place) error {
	if rec.V >= protocol.Version {
		return nil
	}
	return protocol.CheckDraft(pl)
}

// outdatedPlaceText says what outdatedPlaceRule found; who (zero for
// none) names the origin record. The rule broken stays in the protocol's
// words (a field and its rule).
func outdatedPlaceText(who msg, pc protocol.CID, rec *protocol.Record, pl *protocol.Place, err error) msg {
	rule := err.Error()
	var fe *protocol.FieldError
	if errors.As(err, &fe) {
		rule = strings.TrimPrefix(fe.Field, "body.") + ": " + fe.Rule
	}
	x := m("reason.invalid_geolocation", "place", pl.Name, "record", pc.Short(), "format", rec.V, "version", protocol.Version, "rule", rule)
	if who.key != "" {
		x = x.nest("who", who)
		x.key = "reason.invalid_geolocation.origin"
	}
	return x
}

// The EUDR status of a plot: what its records show of its land.
const (
	// PlotAssessed: evidence dated after the cut-off shows the land was
	// not deforested after 2020-12-31.
	PlotAssessed = "assessed"
	// PlotAssessedBeforeCutoff: the only assessment is dated on or
	// before the cut-off, so it cannot speak for the land after it.
	PlotAssessedBeforeCutoff = "assessed_before_cutoff"
	// PlotNotAssessed: no evidence about deforestation was recorded.
	PlotNotAssessed = "not_assessed"
)

// PlotEvidence is what a plot's record shows for the EUDR: its status,
// the deforestation-free assessment it rests on (the latest), and the
// latest legality evidence (nil: none).
type PlotEvidence struct {
	Status        string             `json:"status"`
	Deforestation *protocol.Evidence `json:"deforestation,omitempty"`
	Legality      *protocol.Evidence `json:"legality,omitempty"`
}

// plotEvidence judges a place's evidence: the one rule the EUDR check,
// the report's origins and every export use.
func plotEvidence(pl *protocol.Place) PlotEvidence {
	var pe PlotEvidence
	for i := range pl.Evidence {
		e := &pl.Evidence[i]
		switch e.Kind {
		case protocol.EvidenceDeforestationFree:
			if pe.Deforestation == nil || e.Date > pe.Deforestation.Date {
				pe.Deforestation = e
			}
		case protocol.EvidenceLegality:
			if pe.Legality == nil || e.Date > pe.Legality.Date {
				pe.Legality = e
			}
		}
	}
	switch {
	case pe.Deforestation == nil:
		pe.Status = PlotNotAssessed
	case pe.Deforestation.Date < EUDRCutoff().UnixMilli():
		pe.Status = PlotAssessedBeforeCutoff
	default:
		pe.Status = PlotAssessed
	}
	return pe
}

// checkEUDR: every origin of an EUDR commodity (by the table's product
// list, or grown on a plot or estate) names places that exist and are
// production land (plots or estates) with valid geolocation, a polygon
// for plots over 4 ha; every input path ends at an origin. The cut-off
// (2020-12-31) is about the land, not the harvest date: each plot's
// record should carry an assessment, dated after the cut-off, that its
// land was not deforested since, and evidence that it is used legally. A
// plot without them is a warning (not assessed), not a failure: the
// records do not show the land was deforested, only that nobody has shown
// it was not. As information, it says which origins the due diligence
// statements on transfers upstream cover, and which none covers.
func (v *verifier) checkEUDR() Check {
	b := newCheck("eudr")
	var other []string
	var judged []protocol.CID // origin records of EUDR commodities
	for _, e := range v.tracedRecords() {
		o, ok := e.rec.Body.(*protocol.Origin)
		if !ok || v.corrected(e.cid) {
			continue
		}
		who := v.signer(m("reason.who.origin", "who_record", e.cid.Short()), "who_signer", e.rec.Author)
		var products []string
		relevant := false
		for _, out := range o.Out {
			products = append(products, out.Product)
			relevant = relevant || v.opts.Bounds.IsEUDR(out.Product)
		}
		var places []*protocol.Place
		var placeCIDs []protocol.CID
		var placeRecs []*protocol.Record
		complete := true
		for _, pc := range o.Places {
			pe := v.entries[pc]
			if pe == nil || pe.rec == nil {
				complete = false
				continue
			}
			pl, ok := pe.rec.Body.(*protocol.Place)
			if !ok {
				b.judged++
				b.fail(CodeNotAPlace, m("reason.not_a_place", "place", pc.Short(), "type_key", typeKey(pe.rec.Type())).nest("who", who), e.cid, pc)
				continue
			}
			places = append(places, pl)
			placeCIDs = append(placeCIDs, pc)
			placeRecs = append(placeRecs, pe.rec)
			relevant = relevant || pl.IsLand()
		}
		if !complete {
			b.unknown = true
		}
		if !relevant {
			other = append(other, strings.Join(products, ", "))
			continue
		}
		b.judged++
		judged = append(judged, e.cid)
		for i, pl := range places {
			pc := placeCIDs[i]
			land := pl.IsLand()
			if err := outdatedPlaceRule(placeRecs[i], pl); err != nil {
				b.fail(CodeOutdatedPlace, outdatedPlaceText(who, pc, placeRecs[i], pl, err), e.cid, pc)
				continue
			}
			if land {
				v.judgePlotEvidence(b, who, e.cid, pc, pl)
			}
			switch {
			case !land:
				b.fail(CodeNotLand, m("reason.not_production_land", "products", strings.Join(products, ", "), "place", pl.Name,
					"kind_key", "reason.place."+pl.Kind, "geo_key", "reason.geo."+strings.ToLower(pl.Geo.Type)).nest("who", who), e.cid, pc)
			case pl.Area > protocol.PolygonRequiredArea && pl.Geo.Type != protocol.GeoPolygon:
				b.fail(CodeNoPolygon, m("reason.polygon_required", "place", pl.Name, "area", protocol.FormatMilli(pl.Area/10)+" ha").nest("who", who), e.cid, pc)
			}
		}
	}
	v.checkOnBehalf(b)
	v.statements = v.statementsUpstream()
	v.judgeStatements(b, judged, !b.unknown && !v.incomplete())
	if b.unknown || v.incomplete() {
		if b.failures() == 0 {
			b.judged = 0 // cannot be established either way
		}
		b.info(CodeUnknownOrigin, m("reason.unknown_origin"))
	}
	skip := m("report.summary.eudr.skip")
	if len(other) > 0 {
		skip = m("report.summary.eudr.skip.products", "products", strings.Join(uniq(other), "; "))
	}
	if b.unknown || v.incomplete() {
		skip = m("report.summary.eudr.skip.incomplete")
	}
	return b.done(m("report.summary.eudr.pass", "n", b.judged), skip)
}

func (b *checkBuilder) failures() int {
	n := 0
	for _, r := range b.c.Reasons {
		if r.Level == LevelFail {
			n++
		}
	}
	return n
}

func uniq(ss []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range ss {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// judgePlotEvidence warns of a plot whose record does not show its land
// deforestation-free after the cut-off, or held legally.
func (v *verifier) judgePlotEvidence(b *checkBuilder, who msg, origin, pc protocol.CID, pl *protocol.Place) {
	pe := plotEvidence(pl)
	switch pe.Status {
	case PlotNotAssessed:
		b.add(LevelWarn, CodeNotAssessed, m("reason.not_assessed", "place", pl.Name, "record", pc.Short()).nest("who", who), []protocol.CID{origin, pc}, map[string]string{"place": pc.String()})
	case PlotAssessedBeforeCutoff:
		d := pe.Deforestation
		b.add(LevelWarn, CodeOldAssessment, m("reason.assessed_before_cutoff", "place", pl.Name, "record", pc.Short(), "date", day(d.Date), "method", d.Method, "ref", d.Ref).nest("who", who), []protocol.CID{origin, pc},
			map[string]string{"place": pc.String(), "assessed": day(d.Date), "cutoff": "2020-12-31"})
	}
	if pe.Legality == nil {
		b.add(LevelWarn, CodeNoLegality, m("reason.no_legality_evidence", "place", pl.Name, "record", pc.Short()).nest("who", who), []protocol.CID{origin, pc}, map[string]string{"place": pc.String()})
	}
}
