package eudr

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

// Summary is a due diligence summary of a batch, or of everything one
// transfer sends: what a due diligence statement declares (the product and
// its HS code, the species, the net mass, the countries of production,
// the producers, the harvest periods and the plots with their evidence),
// the certification schemes and the statements already filed upstream,
// and the verdict with every record behind it, so that an auditor can
// check each claim against the records. Its JSON field names are stable
// snake_case; WriteHTML renders it for people.
type Summary struct {
	Subject   SubjectInfo `json:"subject"`
	Product   Product     `json:"product"`
	NetMass   Mass        `json:"net_mass"`
	Countries []string    `json:"countries_of_production"` // ISO 3166-1 alpha-2
	Producers []Producer  `json:"producers"`
	Harvests  []Harvest   `json:"harvest_periods"`
	// Suppliers are the harvests a mill recorded on behalf of suppliers
	// who run no Jejak, with their names and IDs where the exporter
	// disclosed them: personal data, for the operator's due diligence.
	Suppliers []Supplier `json:"suppliers"`
	Plots     []Plot     `json:"plots"`
	Schemes   []Scheme   `json:"certification_schemes"`
	// Statements are the due diligence statements on the transfers
	// upstream and, for a transfer, its own; Undeclared the plots none of
	// them covers.
	Statements  []Statement    `json:"statements"`
	Undeclared  []PlaceRef     `json:"plots_without_statement"`
	Geolocation Geolocation    `json:"geolocation"`
	Verdict     Verdict        `json:"verdict"`
	Signers     []Organisation `json:"signers"`
	Records     []RecordRef    `json:"records"`
}

// SubjectInfo says what the summary declares.
type SubjectInfo struct {
	Kind  string           `json:"kind"` // "batch" or "transfer"
	Batch protocol.BatchID `json:"batch"`
	// Transfer, From, To and Time are set for a transfer.
	Transfer *protocol.CID `json:"transfer,omitempty"`
	From     string        `json:"from,omitempty"`
	To       string        `json:"to,omitempty"`
	Time     *time.Time    `json:"time,omitempty"`
	// Maker is the organisation that made the batch; Lot its lot code.
	Maker string `json:"maker,omitempty"`
	Lot   string `json:"lot,omitempty"`
	// CheckedAt is when it was verified; AsOf that it was verified as it
	// stood then (provenance.Options.AsOf).
	CheckedAt time.Time `json:"checked_at"`
	AsOf      bool      `json:"as_of,omitempty"`
}

// Subject kinds.
const (
	KindBatch    = "batch"
	KindTransfer = "transfer"
)

// HSUnknown is what the summary says of a product the HS table lacks.
const HSUnknown = "HS code not known: add it"

// Product is the product declared and its classification.
type Product struct {
	Name string `json:"name"`
	// HS is its HS code and relevant commodity; Known is false (and HS
	// empty but for HS.Product) when the table lacks the product.
	HS    HSCode `json:"hs"`
	Known bool   `json:"hs_known"`
	// Claim is the batch's certification claim, if any.
	Claim *protocol.Claim `json:"claim,omitempty"`
}

// Mass is the net mass declared: the quantity as recorded, and in
// kilograms when it is a mass.
type Mass struct {
	Qty protocol.Quantity `json:"qty"`
	// Kg is the mass in kilograms as an exact decimal ("14850"), or ""
	// when the quantity is a volume or a count.
	Kg string `json:"kg,omitempty"`
}

// Producer is an organisation that recorded harvests the batch came from.
type Producer struct {
	Name    string             `json:"name"`
	Key     protocol.PublicKey `json:"key"`
	Country string             `json:"country,omitempty"`
	Plots   int                `json:"plots"`
	AreaHa  float64            `json:"area_ha"`
}

// Harvest is one origin record: who harvested, when, from which places.
type Harvest struct {
	Record   protocol.CID        `json:"record"`
	Producer string              `json:"producer"`
	From     time.Time           `json:"from"`
	Until    time.Time           `json:"until"`
	Products []string            `json:"products"`
	Qty      []protocol.Quantity `json:"qty"`
	Places   int                 `json:"places"`
}

// Supplier is a harvest recorded by a mill on behalf of a smallholder or
// dealer who runs no Jejak. Name and ID are set, with the salts that
// prove them against the record's commitments (Disclosure), when the
// exporter disclosed them and they open the commitments.
type Supplier struct {
	Record     protocol.CID         `json:"record"`
	Recorder   string               `json:"recorded_by"`
	Kind       string               `json:"kind"`
	Scheme     string               `json:"scheme"`
	Name       string               `json:"name,omitempty"`
	ID         string               `json:"id,omitempty"`
	Disclosure *protocol.Disclosure `json:"disclosure,omitempty"`
}

// PlaceRef names a place.
type PlaceRef struct {
	Place protocol.CID `json:"place"`
	Name  string       `json:"name"`
}

// Plot is one plot or estate the batch came from, with its EUDR status
// and evidence.
type Plot struct {
	Place    protocol.CID       `json:"place"`
	Name     string             `json:"name"`
	Kind     string             `json:"kind"`
	Country  string             `json:"country"`
	Producer string             `json:"producer"`
	AreaHa   float64            `json:"area_ha"`
	Shape    string             `json:"shape"`    // "point" or "polygon"
	Position string             `json:"position"` // "lat, lon" of the point or the polygon's centre
	IDs      []protocol.PlaceID `json:"ids,omitempty"`
	// Status is provenance's: "assessed", "assessed_before_cutoff" or
	// "not_assessed"; StatusText says it for people.
	Status        string             `json:"status"`
	StatusText    string             `json:"status_text"`
	Deforestation *protocol.Evidence `json:"deforestation,omitempty"`
	Legality      *protocol.Evidence `json:"legality,omitempty"`
	Records       []protocol.CID     `json:"records"`    // the origin records
	Statements    []string           `json:"statements"` // references of the statements that cover it
}

// Scheme is a certification scheme met in the trace: its claims and the
// certificates behind them.
type Scheme struct {
	Code         string        `json:"code"` // "RSPO"
	Name         string        `json:"name"` // "Roundtable on Sustainable Palm Oil"
	Mandatory    string        `json:"mandatory_in,omitempty"`
	Claims       []Claim       `json:"claims"`
	Certificates []Certificate `json:"certificates"`
}

// Claim is a batch's certification claim.
type Claim struct {
	Batch   protocol.BatchID `json:"batch"`
	Product string           `json:"product"`
	Model   string           `json:"model"`
	Org     string           `json:"org"`
}

// Certificate is a certificate an endorsement vouches for.
type Certificate struct {
	Holder      string       `json:"holder"`
	Number      string       `json:"number"`
	Model       string       `json:"model,omitempty"`
	ValidFrom   time.Time    `json:"valid_from"`
	ValidUntil  time.Time    `json:"valid_until"`
	IssuedBy    string       `json:"issued_by"`
	Endorsement protocol.CID `json:"endorsement"`
	Trusted     bool         `json:"trusted"`
}

// Statement is a due diligence statement filed for the goods or for what
// they were made of.
type Statement struct {
	Ref          string            `json:"ref"`
	Verification string            `json:"verification,omitempty"`
	Transfer     protocol.CID      `json:"transfer"`
	From         string            `json:"from"`
	To           string            `json:"to"`
	Time         time.Time         `json:"time"`
	Product      string            `json:"product"`
	Qty          protocol.Quantity `json:"qty"`
	Plots        []PlaceRef        `json:"plots"`
	// OnSubject is true for a statement on the transfer the summary is
	// about, rather than on one upstream.
	OnSubject bool `json:"on_subject,omitempty"`
}

// Geolocation says which geolocation files go with the summary.
type Geolocation struct {
	Files []FileInfo `json:"files"`
	// Note says, when the geolocation is split, why and what to do.
	Note string `json:"note,omitempty"`
	// Error says why no file could be written.
	Error string `json:"error,omitempty"`
}

// FileInfo describes a geolocation file.
type FileInfo struct {
	Name     string `json:"name"`
	Features int    `json:"features"`
	Bytes    int    `json:"bytes"`
}

// Verdict is the verification's verdict with its checks.
type Verdict struct {
	Verdict provenance.Verdict `json:"verdict"`
	Summary string             `json:"summary"`
	Checks  []Check            `json:"checks"`
}

// Check is one check of the verification, with its reasons.
type Check struct {
	Name    string              `json:"name"`
	Title   string              `json:"title"`
	Status  provenance.Status   `json:"status"`
	Summary string              `json:"summary"`
	Reasons []provenance.Reason `json:"reasons,omitempty"`
}

// Organisation is a signer of records in the trace.
type Organisation struct {
	Name    string             `json:"name"`
	Key     protocol.PublicKey `json:"key"`
	Country string             `json:"country,omitempty"`
	Roles   []protocol.Role    `json:"roles"`
	Trusted bool               `json:"trusted"`
	Why     string             `json:"why"`
}

// RecordRef is one record behind the verdict.
type RecordRef struct {
	CID    protocol.CID  `json:"cid"`
	Type   protocol.Type `json:"type"`
	Signer string        `json:"signer"`
	Time   time.Time     `json:"time"`
}

// Summarize builds the due diligence summary of the report's batch, or of
// everything the subject's transfer of it sends, from the report and the
// records behind it (provenance.VerifyWithEvidence gives both; for a
// transfer, add the addressee's profile record, which the trace of the
// batch does not read, so that the summary names the addressee). It names
// the geolocation files GeoJSON writes with the same options; when those
// cannot be written (a plot the Information System would refuse) the
// summary says why instead. It refuses an incomplete trace
// (ErrIncomplete).
func Summarize(rep *provenance.Report, recs []protocol.Signed, s Subject, opts Options) (Summary, error) {
	sum, _, _, err := export(rep, recs, s, opts)
	return sum, err
}

// Export builds the due diligence summary and the geolocation files it
// names, writing the files once: what Summarize and GeoJSON return with
// the same arguments, for a caller that writes both.
//
// Three things might happen. The summary, its files and a nil error. The
// summary, no files and the error GeoJSON returns (wrapping ErrNoPlots or
// ErrGeolocation, say) when the geolocation cannot be written: the
// summary's Geolocation.Error says why, and the summary is still worth
// showing. A zero Summary, no files and an error: the trace is incomplete
// (ErrIncomplete), or the subject's transfer does not send the report's
// batch.
func Export(rep *provenance.Report, recs []protocol.Signed, s Subject, opts Options) (Summary, []File, error) {
	sum, files, geoErr, err := export(rep, recs, s, opts)
	if err != nil {
		return Summary{}, nil, err
	}
	if geoErr != nil {
		return sum, nil, geoErr
	}
	return sum, files, nil
}

// export returns the summary and the geolocation files, or why the files
// could not be written (geoErr, which the summary states), or why there is
// no summary at all (err).
func export(rep *provenance.Report, recs []protocol.Signed, s Subject, opts Options) (sum Summary, files []File, geoErr, err error) {
	if err := checkReport(rep); err != nil {
		return Summary{}, nil, nil, err
	}
	tr, err := s.transfer(rep)
	if err != nil {
		return Summary{}, nil, nil, err
	}
	byCID := index(recs)
	files, geoErr = geolocate(rep, byCID, s, opts)
	return summarize(rep, recs, byCID, s, tr, opts, files, geoErr), files, geoErr, nil
}

// summarize builds the summary from what export checked and wrote.
func summarize(rep *provenance.Report, recs []protocol.Signed, byCID map[protocol.CID]protocol.Signed, s Subject, tr *protocol.Transfer,
	opts Options, files []File, geoErr error) Summary {
	signer := signerNames(rep)
	sum := Summary{Countries: []string{}, Producers: []Producer{}, Harvests: []Harvest{}, Suppliers: []Supplier{}, Plots: []Plot{}, Schemes: []Scheme{},
		Statements: []Statement{}, Undeclared: []PlaceRef{}, Signers: []Organisation{}, Records: []RecordRef{}}

	// What is declared.
	sum.Subject = SubjectInfo{Kind: KindBatch, Batch: rep.Batch, CheckedAt: rep.CheckedAt, AsOf: rep.AsOf}
	start := startNode(rep)
	if start != nil {
		sum.Subject.Maker, sum.Subject.Lot = start.Org, start.Lot
		sum.Product.Name, sum.Product.Claim = start.Product, start.Claim
		if start.Qty != nil {
			sum.NetMass = mass(*start.Qty)
		}
	}
	if tr != nil {
		c := s.Transfer.CID
		t := time.UnixMilli(s.Transfer.Time).UTC()
		sum.Subject.Kind, sum.Subject.Transfer, sum.Subject.Time = KindTransfer, &c, &t
		sum.Subject.From, sum.Subject.To = signer(s.Transfer.Author), orgNameOf(rep, recs, tr.To)
		sum.NetMass = mass(tr.Qty)
	}
	sum.Product.HS, sum.Product.Known = HSCodeOf(sum.Product.Name)
	if !sum.Product.Known {
		sum.Product.HS = HSCode{Product: provenance.NormProduct(sum.Product.Name)}
	}

	// Where it came from.
	statements := statementsOf(rep, recs, s, tr, start, signer)
	covers := map[protocol.CID][]string{} // origin record → statement references
	for _, st := range statements {
		for _, c := range st.records {
			covers[c] = append(covers[c], st.Ref)
		}
	}
	producers := map[protocol.PublicKey]*Producer{}
	var producerOrder []protocol.PublicKey
	recordOrg := map[protocol.CID]string{}
	for _, o := range rep.Origins {
		if !protocol.IsLandKind(o.Kind) {
			continue
		}
		var key protocol.PublicKey
		if o.OrgKey != nil {
			key = *o.OrgKey
		}
		p := producers[key]
		if p == nil {
			p = &Producer{Name: o.Org, Key: key, Country: signerCountry(rep, key)}
			producers[key] = p
			producerOrder = append(producerOrder, key)
		}
		p.Plots++
		p.AreaHa += o.AreaHa
		if !slices.Contains(sum.Countries, o.Country) {
			sum.Countries = append(sum.Countries, o.Country)
		}
		plot := Plot{Place: o.Place, Name: o.Name, Kind: o.Kind, Country: o.Country, Producer: o.Org, AreaHa: o.AreaHa,
			Shape: "point", Position: fmt.Sprintf("%.6f, %.6f", o.Lat, o.Lon), IDs: o.IDs, Records: o.Records, Statements: []string{}}
		if o.Polygon {
			plot.Shape = "polygon"
		}
		if o.EUDR != nil {
			plot.Status, plot.Deforestation, plot.Legality = o.EUDR.Status, o.EUDR.Deforestation, o.EUDR.Legality
		}
		plot.StatusText = statusText(plot.Status)
		declared := true
		for _, c := range o.Records {
			recordOrg[c] = o.Org
			for _, ref := range covers[c] {
				if !slices.Contains(plot.Statements, ref) {
					plot.Statements = append(plot.Statements, ref)
				}
			}
			declared = declared && len(covers[c]) > 0
		}
		if !declared {
			sum.Undeclared = append(sum.Undeclared, PlaceRef{Place: o.Place, Name: o.Name})
		}
		sum.Plots = append(sum.Plots, plot)
	}
	for _, k := range producerOrder {
		p := producers[k]
		p.AreaHa = roundHa(p.AreaHa)
		sum.Producers = append(sum.Producers, *p)
	}
	for _, c := range harvestRecords(rep) {
		r, ok := byCID[c]
		if !ok {
			continue
		}
		o, ok := r.Body.(*protocol.Origin)
		if !ok {
			continue
		}
		h := Harvest{Record: c, Producer: recordOrg[c], From: time.UnixMilli(o.From).UTC(), Until: time.UnixMilli(o.Until).UTC(), Places: len(o.Places)}
		for _, out := range o.Out {
			h.Products, h.Qty = append(h.Products, out.Product), append(h.Qty, out.Qty)
		}
		sum.Harvests = append(sum.Harvests, h)
	}
	slices.SortStableFunc(sum.Harvests, func(a, b Harvest) int { return a.From.Compare(b.From) })
	for _, st := range statements {
		sum.Statements = append(sum.Statements, st.Statement)
	}
	sum.Schemes = schemes(rep)

	// The geolocation that goes with it.
	if geoErr != nil {
		sum.Geolocation.Error = strings.TrimPrefix(geoErr.Error(), "eudr: ")
		if errors.Is(geoErr, ErrNoPlots) {
			sum.Geolocation.Error = "no origin is a plot or an estate: there is no land to declare"
		}
	} else {
		for _, f := range files {
			sum.Geolocation.Files = append(sum.Geolocation.Files, FileInfo{Name: f.Name, Features: len(f.Places), Bytes: len(f.Data)})
		}
		if len(files) > 1 {
			sum.Geolocation.Note = fmt.Sprintf("The geolocation of the %s is split into %d files because one would pass the %s MB the EU Information System takes for one due diligence statement: file each part with its own statement.",
				plural(len(sum.Plots), "plot", "plots"), len(files), strconv.Itoa(opts.maxBytes()/1_000_000))
			if opts.maxBytes() < 1_000_000 {
				sum.Geolocation.Note = fmt.Sprintf("The geolocation of the %s is split into %d files of at most %d bytes each: file each part with its own statement.",
					plural(len(sum.Plots), "plot", "plots"), len(files), opts.maxBytes())
			}
		}
	}
	if sum.Geolocation.Files == nil {
		sum.Geolocation.Files = []FileInfo{}
	}

	for _, so := range rep.Suppliers {
		sp := Supplier{Record: so.Record, Recorder: so.Recorder, Kind: so.Kind, Scheme: so.Scheme}
		if d := so.Disclosure; d != nil {
			sp.Name, sp.ID, sp.Disclosure = d.Name, d.ID, d
		}
		sum.Suppliers = append(sum.Suppliers, sp)
	}

	// The verdict and every record behind it.
	sum.Verdict = Verdict{Verdict: rep.Verdict, Summary: rep.Summary}
	for _, c := range rep.Checks {
		sum.Verdict.Checks = append(sum.Verdict.Checks, Check{Name: c.Name, Title: c.Title, Status: c.Status, Summary: c.Summary, Reasons: c.Reasons})
	}
	for _, sg := range rep.Signers {
		sum.Signers = append(sum.Signers, Organisation{Name: sg.Name, Key: sg.Key, Country: sg.Country, Roles: sg.Roles, Trusted: sg.Trusted, Why: sg.Why})
	}
	for _, r := range recs {
		if r.Record == nil {
			continue
		}
		sum.Records = append(sum.Records, RecordRef{CID: r.CID, Type: r.Type(), Signer: signer(r.Author), Time: time.UnixMilli(r.Time).UTC()})
	}
	if tr != nil {
		if _, ok := byCID[s.Transfer.CID]; !ok {
			sum.Records = append(sum.Records, RecordRef{CID: s.Transfer.CID, Type: protocol.TypeTransfer, Signer: signer(s.Transfer.Author), Time: time.UnixMilli(s.Transfer.Time).UTC()})
		}
	}
	return sum
}

// startNode returns the report's node of the batch verified.
func startNode(rep *provenance.Report) *provenance.Node {
	for i, n := range rep.Graph.Nodes {
		if n.Kind == provenance.NodeBatch && n.ID == rep.Batch.String() {
			return &rep.Graph.Nodes[i]
		}
	}
	return nil
}

// mass returns q as a net mass.
func mass(q protocol.Quantity) Mass {
	m := Mass{Qty: q}
	if base, dim, err := q.Base(); err == nil && dim == protocol.Mass && base >= 0 {
		// base is in milligrams.
		m.Kg = strconv.FormatInt(base/1_000_000, 10)
		if f := base % 1_000_000; f != 0 {
			m.Kg += "." + trimZeros(fmt.Sprintf("%06d", f))
		}
	}
	return m
}

// signerNames returns a function naming the organisation behind a key
// (a device key or an organisation key), as the report's signers do.
func signerNames(rep *provenance.Report) func(protocol.PublicKey) string {
	names := map[protocol.PublicKey]string{}
	for _, s := range rep.Signers {
		names[s.Key] = s.Name
		for _, d := range s.Devices {
			names[d.Key] = s.Name
		}
	}
	return func(k protocol.PublicKey) string {
		if n, ok := names[k]; ok {
			return n
		}
		return k.Short()
	}
}

// orgNameOf names organisation key k: as a signer of the report, as a
// node of its graph names it, by the latest profile k signed among recs
// (the addressee of a transfer signs nothing in the trace: the node may add
// its profile record), or by the key itself.
func orgNameOf(rep *provenance.Report, recs []protocol.Signed, k protocol.PublicKey) string {
	for _, s := range rep.Signers {
		if s.Key == k {
			return s.Name
		}
	}
	for _, n := range rep.Graph.Nodes {
		if n.ToOrgKey != nil && *n.ToOrgKey == k && n.ToOrg != "" && !strings.HasPrefix(n.ToOrg, protocol.KeyPrefix) {
			return n.ToOrg
		}
	}
	name, at := "", int64(0)
	for _, r := range recs {
		if o, ok := r.Body.(*protocol.Org); ok && r.Author == k && (name == "" || r.Time > at) {
			name, at = o.Name, r.Time
		}
	}
	if name != "" {
		return name
	}
	return k.Short()
}

func signerCountry(rep *provenance.Report, k protocol.PublicKey) string {
	for _, s := range rep.Signers {
		if s.Key == k {
			return s.Country
		}
	}
	return ""
}

// harvestRecords returns the origin records of the report's land, each
// once, in the order of the origins.
func harvestRecords(rep *provenance.Report) []protocol.CID {
	var out []protocol.CID
	seen := map[protocol.CID]bool{}
	for _, o := range rep.Origins {
		if !protocol.IsLandKind(o.Kind) {
			continue
		}
		for _, c := range o.Records {
			if !seen[c] {
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}

// statement is a Statement with the origin records it covers.
type statement struct {
	Statement
	records []protocol.CID
}

// statementsOf returns the statements upstream and those on the subject's
// transfer, which cover every origin; start is the report's node of the
// batch (startNode), or nil.
func statementsOf(rep *provenance.Report, recs []protocol.Signed, s Subject, tr *protocol.Transfer, start *provenance.Node,
	signer func(protocol.PublicKey) string) []statement {
	names := map[protocol.CID]string{}
	for _, o := range rep.Origins {
		names[o.Place] = o.Name
	}
	refs := func(places []protocol.CID) []PlaceRef {
		out := []PlaceRef{}
		for _, pc := range places {
			if n, ok := names[pc]; ok {
				out = append(out, PlaceRef{Place: pc, Name: n})
			}
		}
		return out
	}
	var out []statement
	for _, st := range rep.Statements {
		out = append(out, statement{Statement: Statement{Ref: st.Ref, Verification: st.Verification, Transfer: st.Transfer,
			From: st.From, To: st.To, Time: st.Time, Product: st.Product, Qty: st.Qty, Plots: refs(st.Origins)}, records: st.OriginRecords})
	}
	if tr == nil {
		return out
	}
	var all, records []protocol.CID
	for _, o := range rep.Origins {
		all = append(all, o.Place)
		records = append(records, o.Records...)
	}
	product := ""
	if start != nil {
		product = start.Product
	}
	for _, d := range tr.Docs {
		if d.Kind != protocol.DocDDS {
			continue
		}
		out = append(out, statement{Statement: Statement{Ref: d.Ref, Verification: d.Verification, Transfer: s.Transfer.CID,
			From: signer(s.Transfer.Author), To: orgNameOf(rep, recs, tr.To), Time: time.UnixMilli(s.Transfer.Time).UTC(),
			Product: product, Qty: tr.Qty, Plots: refs(all), OnSubject: true}, records: records})
	}
	return out
}

// statusText says a plot's EUDR status for people.
func statusText(status string) string {
	switch status {
	case provenance.PlotAssessed:
		return "assessed deforestation-free after 2020-12-31"
	case provenance.PlotAssessedBeforeCutoff:
		return "assessed only before the cut-off (2020-12-31): cannot show the land was not deforested since"
	}
	return "not assessed"
}

// schemeNames are the full names of the certification schemes Jejak
// knows, and where they are mandatory.
var schemeNames = map[string][2]string{
	"RSPO":     {"Roundtable on Sustainable Palm Oil", ""},
	"MSPO":     {"Malaysian Sustainable Palm Oil", "Malaysia"},
	"ISPO":     {"Indonesian Sustainable Palm Oil", "Indonesia"},
	"ISCC":     {"International Sustainability and Carbon Certification", ""},
	"RMI-RMAP": {"Responsible Minerals Assurance Process (Responsible Minerals Initiative)", ""},
}

// SchemeName returns a certification scheme's full name ("Malaysian
// Sustainable Palm Oil" for "MSPO"), or the code itself when unknown.
func SchemeName(code string) string {
	if n, ok := schemeNames[strings.ToUpper(code)]; ok {
		return n[0]
	}
	return code
}

// schemes collects the claims of the trace's batches and the
// certificates of its signers, by scheme, in the order met.
func schemes(rep *provenance.Report) []Scheme {
	out := []Scheme{}
	at := map[string]int{}
	get := func(code string) *Scheme {
		k := strings.ToUpper(code)
		i, ok := at[k]
		if !ok {
			i = len(out)
			at[k] = i
			n := schemeNames[k]
			name := n[0]
			if name == "" {
				name = code
			}
			out = append(out, Scheme{Code: code, Name: name, Mandatory: n[1], Claims: []Claim{}, Certificates: []Certificate{}})
		}
		return &out[i]
	}
	for _, n := range rep.Graph.Nodes {
		if n.Kind != provenance.NodeBatch || n.Claim == nil || n.Corrected {
			continue
		}
		id, err := protocol.ParseBatchID(n.ID)
		if err != nil {
			continue
		}
		sc := get(n.Claim.Scheme)
		sc.Claims = append(sc.Claims, Claim{Batch: id, Product: n.Product, Model: n.Claim.Model, Org: n.Org})
	}
	for _, s := range rep.Signers {
		for _, en := range s.Endorsements {
			c := en.Certificate
			if c == nil {
				continue
			}
			if _, ok := at[strings.ToUpper(c.Scheme)]; !ok {
				continue // a certificate no claim in the trace relies on
			}
			sc := get(c.Scheme)
			sc.Certificates = append(sc.Certificates, Certificate{Holder: s.Name, Number: c.Number, Model: c.Model,
				ValidFrom: c.ValidFrom, ValidUntil: c.ValidUntil, IssuedBy: en.ByName, Endorsement: en.Record, Trusted: en.Trusted})
		}
	}
	return out
}

func roundHa(f float64) float64 { return float64(int64(f*100+0.5)) / 100 }

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
