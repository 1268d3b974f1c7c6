package cmrt

import (
	"strings"
	"time"

	"github.com/jejak/jejak/protocol"
)

// Version is the revision of the Conflict Minerals Reporting Template whose
// Smelter List columns this package writes (Revision 6.5, April 25, 2025;
// 6.4 has the same columns).
const Version = "6.5"

// SheetName is the name of the template's tab that lists the smelters.
const SheetName = "Smelter List"

// header is the template's header row of the Smelter List tab, columns A
// to Q, in English, character for character: "(*)" marks the template's
// mandatory columns, "(1)" a column required when the Smelter Look-up is
// "Smelter not listed", and "Smelter Street " has the template's trailing
// space. The template also holds formula columns R and beyond, hidden;
// they are not part of what a user fills in or exchanges.
var header = [...]string{
	"Smelter Identification Number Input Column",
	"Metal (*)",
	"Smelter Look-up (*)",
	"Smelter Name (1)",
	"Smelter Country (*)",
	"Smelter Identification",
	"Source of Smelter Identification Number",
	"Smelter Street ",
	"Smelter City",
	"Smelter Facility Location: State / Province",
	"Smelter Contact Name",
	"Smelter Contact Email",
	"Proposed next steps",
	`Name of Mine(s) or if recycled or scrap sourced, enter "recycled" or "scrap"`,
	`Location (Country) of Mine(s) or if recycled or scrap sourced, enter "recycled" or "scrap"`,
	"Does 100% of the smelter\u2019s feedstock originate from recycled or scrap sources?",
	"Comments",
}

// Header returns the template's header row of the Smelter List tab, in its
// column order (A to Q).
func Header() []string { return append([]string(nil), header[:]...) }

// Values of the template's drop-downs that rows use.
const (
	// LookupNotListed is the Smelter Look-up's choice for a smelter the
	// user names in Smelter Name (1) rather than picks from the RMI's list.
	LookupNotListed = "Smelter not listed"
	// SourceRMI is the Source of Smelter Identification Number of an RMI
	// smelter identification number ("CID" and six digits).
	SourceRMI = "RMI"
	// AnswerNo is the template's "No" to "Does 100% of the smelter's
	// feedstock originate from recycled or scrap sources?".
	AnswerNo = "No"
)

// SchemeRMAP is the certification scheme of the RMI's Responsible Minerals
// Assurance Process, as endorsements and claims name it.
const SchemeRMAP = "RMI-RMAP"

// Row is one smelter and metal behind a batch: a line of the Smelter List.
type Row struct {
	// Metal is the template's metal ("Gold", "Tantalum", "Tin",
	// "Tungsten"), or "" when the smelter's product is none of them by
	// Jejak's table (MetalOf); the comment then says so.
	Metal string
	// Products are the product names the smelter's records give the
	// metal ("TIN", "TANTALUM POWDER").
	Products []string
	// Name is the smelter's name as its place record gives it.
	Name string
	// Country is the template's name of the smelter's country
	// ("INDONESIA"); CountryCode is the ISO 3166-1 alpha-2 code the place
	// record gives ("ID").
	Country, CountryCode string
	// ID is the smelter's RMI smelter identification number from its place
	// record ("CID001070"), or "" when it carries none; IDSource is then
	// "RMI", else "".
	ID, IDSource string
	// Mines are the mines the trace shows supplying the smelter, in the
	// order the trace reads them; none when it shows none.
	Mines []Mine
	// RMAP says whether the smelter's organisation held a valid RMAP
	// certificate in the trace.
	RMAP Conformance
	// Place is the smelter's place record; Records are the origin and
	// process records at it that made the metal, in the order of the
	// report's graph.
	Place   protocol.CID
	Records []protocol.CID
}

// Mine is a mine upstream of a smelter.
type Mine struct {
	Name string
	// Country is the template's name of the mine's country; CountryCode
	// the ISO code the place record gives.
	Country, CountryCode string
	// Place is the mine's place record; Records the origin and process
	// records at it, in the order of the report's graph.
	Place   protocol.CID
	Records []protocol.CID
}

// RMAPStatus is what the trace shows of a smelter's RMAP conformance.
type RMAPStatus string

// The RMAP statuses, strongest first.
const (
	// RMAPConformant: the smelter's organisation held an RMAP certificate
	// valid when it recorded the metal (whether or not it was withdrawn
	// since), from a certifier a trust anchor endorses.
	RMAPConformant RMAPStatus = "conformant"
	// RMAPUnendorsed: it held a valid RMAP certificate, but from a
	// certifier no trust anchor endorses.
	RMAPUnendorsed RMAPStatus = "unendorsed"
	// RMAPNotValid: it holds RMAP certificates, none of them valid when it
	// recorded the metal (expired, not yet valid, or withdrawn).
	RMAPNotValid RMAPStatus = "not_valid"
	// RMAPNone: the trace shows no RMAP certificate of it.
	RMAPNone RMAPStatus = "none"
)

// Conformance is a smelter's RMAP status with the certificate behind it
// (the best one it holds; none for RMAPNone).
type Conformance struct {
	Status      RMAPStatus
	Certificate string // the certificate number
	Certifier   string // who issued it
	ValidFrom   time.Time
	ValidUntil  time.Time
	RevokedAt   *time.Time
	// Record is the endorsement that carries the certificate.
	Record protocol.CID
}

// Cells returns the row in the template's columns, A to Q (Header).
// A smelter with an RMI ID has it in the input column A as well as in F,
// so pasting column A into the template looks the RMI's own record of the
// smelter up; its Smelter Look-up is its recorded name (the template would
// fill in the RMI's standard name, which Jejak does not ship). A smelter
// without one is "Smelter not listed", named in D. Street, city, state,
// contacts and next steps are left empty: records do not carry them.
func (r Row) Cells() []string {
	c := make([]string, len(header))
	c[0] = r.ID
	c[1] = r.Metal
	c[2] = LookupNotListed
	if r.ID != "" {
		c[2] = r.Name
	}
	c[3] = r.Name
	c[4] = r.Country
	c[5] = r.ID
	c[6] = r.IDSource
	var names, countries []string
	for _, m := range r.Mines {
		names = appendNew(names, m.Name)
		countries = appendNew(countries, m.Country)
	}
	c[13] = strings.Join(names, "; ")
	c[14] = strings.Join(countries, "; ")
	if len(r.Mines) > 0 {
		// Some of its feedstock was mined.
		c[15] = AnswerNo
	}
	c[16] = r.Comment()
	return c
}

// Comment returns the row's Comments cell: the metal when the product
// table does not know it, the smelter's RMAP status in the trace, and the
// CIDs of the records behind the row, for an auditor to check.
func (r Row) Comment() string {
	var b strings.Builder
	if r.Metal == "" {
		b.WriteString("Metal not known: Jejak's product table does not take " + quoteList(r.Products) +
			" for tin, tantalum, tungsten or gold; give the metal or delete this row. ")
	}
	c := r.RMAP
	cert := func() string {
		return "certificate " + c.Certificate + " from " + c.Certifier + ", valid " + day(c.ValidFrom) + " to " + day(c.ValidUntil)
	}
	// A valid certificate may have been withdrawn since the metal was
	// recorded.
	withdrawnSince := func() string {
		if c.RevokedAt == nil {
			return ""
		}
		return ", withdrawn from " + day(*c.RevokedAt) + ", after the metal was recorded"
	}
	switch c.Status {
	case RMAPConformant:
		b.WriteString("RMAP conformant per the trace: " + cert() + withdrawnSince() + ".")
	case RMAPUnendorsed:
		b.WriteString("RMAP " + cert() + withdrawnSince() + ", but no trust anchor of this export endorses its certifier.")
	case RMAPNotValid:
		b.WriteString("Not RMAP conformant per the trace: " + cert())
		if c.RevokedAt != nil {
			b.WriteString(", withdrawn from " + day(*c.RevokedAt))
		}
		b.WriteString(", not valid when the metal was recorded.")
	default:
		b.WriteString("No RMAP certificate in the trace.")
	}
	b.WriteString(" Jejak records: smelter " + r.Place.String() + ", its output " + joinCIDs(r.Records))
	if !c.Record.IsZero() {
		b.WriteString("; certificate " + c.Record.String())
	}
	for _, m := range r.Mines {
		b.WriteString("; mine " + m.Place.String() + ", its output " + joinCIDs(m.Records))
	}
	b.WriteString(".")
	return b.String()
}

func joinCIDs(cs []protocol.CID) string {
	ss := make([]string, len(cs))
	for i, c := range cs {
		ss[i] = c.String()
	}
	return strings.Join(ss, ", ")
}

func day(t time.Time) string { return t.UTC().Format("2006-01-02") }

func quoteList(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ", ")
}

// appendNew appends s to ss unless it is empty or already there.
func appendNew(ss []string, s string) []string {
	if s == "" {
		return ss
	}
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}
