package provenance

import (
	"time"

	"github.com/jejak/jejak/protocol"
)

// Verdict is the one-word answer of a verification. Its values are stable
// strings: the GUI, the CLI's --json output and exports rely on them.
type Verdict string

// The verdicts.
const (
	// Trusted: every check passed (warnings aside) and every signer chains
	// to a trust anchor.
	Trusted Verdict = "trusted"
	// Unendorsed: the records are authentic and consistent, but some
	// signer or certificate does not chain to a trust anchor.
	Unendorsed Verdict = "unendorsed"
	// Incomplete: records the story needs could not be had (their maker
	// may be offline); nothing found so far breaks a rule. Report.Missing
	// names them. Missing is not guilty: verify again once they arrive.
	Incomplete Verdict = "incomplete"
	// Failed: a record is forged or breaks a rule, or a key was used after
	// its revocation.
	Failed Verdict = "failed"
)

// Status is the outcome of one check.
type Status string

// The statuses of a check.
const (
	Pass Status = "pass" // checked, nothing wrong
	Fail Status = "fail" // something is wrong; the reasons say what
	Warn Status = "warn" // something a buyer should look at; not a failure
	Skip Status = "skip" // nothing to check, or could not be checked
)

// Level says how much a reason weighs.
type Level string

// The levels of a reason.
const (
	LevelFail Level = "fail"
	LevelWarn Level = "warn"
	LevelInfo Level = "info"
)

// Report is everything a verification found about one batch. Its JSON
// field names are stable and documented in REPORT.md.
type Report struct {
	Batch   protocol.BatchID `json:"batch"`
	Verdict Verdict          `json:"verdict"`
	Summary string           `json:"summary"`
	// SummaryKey and SummaryParams are Summary as a message of the
	// catalog: SummaryIn renders it in any language.
	SummaryKey    string            `json:"summary_key,omitempty"`
	SummaryParams map[string]string `json:"summary_params,omitempty"`
	CheckedAt     time.Time         `json:"checked_at"`
	// AsOf is set when the batch was verified as it stood at CheckedAt
	// (Options.AsOf), leaving out what was recorded later.
	AsOf    bool                 `json:"as_of,omitempty"`
	Forward bool                 `json:"forward"`
	Anchors []protocol.PublicKey `json:"anchors"`
	Stats   Stats                `json:"stats"`
	Missing []Missing            `json:"missing"`
	Checks  []Check              `json:"checks"`
	Graph   Graph                `json:"graph"`
	Origins []Origin             `json:"origins"`
	// Statements are the EUDR due diligence statements on transfers
	// upstream, each with the origins it covers.
	Statements []Statement `json:"statements"`
	Signers    []Signer    `json:"signers"`
	// Suppliers are the origins recorded on behalf of a supplier who runs
	// no Jejak, with their disclosures when given (Options.Disclosures).
	Suppliers []SupplierOrigin `json:"suppliers,omitempty"`
}

// Stats counts what the walk read.
type Stats struct {
	Records   int  `json:"records"`   // records in the trace (ancestry and, with Forward, descendants)
	Context   int  `json:"context"`   // other records read: keys, endorsements, other uses
	Missing   int  `json:"missing"`   // records referenced but not found
	Fetched   int  `json:"fetched"`   // records obtained through the Fetcher
	Truncated bool `json:"truncated"` // the walk stopped at Options.MaxRecords
}

// Missing is a record the trace needs that neither the source nor the
// Fetcher had: what a node should fetch from its peers before verifying
// again.
type Missing struct {
	Record       protocol.CID `json:"record"`
	ReferencedBy protocol.CID `json:"referenced_by,omitempty"`
	What         string       `json:"what"` // what the reference was: "input", "place of origin", …
	// WhatKey and WhatParams are What as a message of the catalog.
	WhatKey    string            `json:"what_key,omitempty"`
	WhatParams map[string]string `json:"what_params,omitempty"`
	// ReferencedByOrg names the organisation whose record named it: the
	// one whose partner's records are missing, to ask or to wait for.
	ReferencedByOrg string              `json:"referenced_by_org,omitempty"`
	OrgKey          *protocol.PublicKey `json:"referenced_by_org_key,omitempty"`
	// Asked are the peers asked for it (none when there were no peers).
	Asked []string `json:"asked"`
}

// Check is the outcome of one check with its reasons.
type Check struct {
	Name    string `json:"name"`  // stable identifier, e.g. "double_claim"
	Title   string `json:"title"` // for people, e.g. "Double claims"
	Status  Status `json:"status"`
	Summary string `json:"summary"`
	// SummaryKey and SummaryParams are Summary as a message of the
	// catalog: SummaryIn renders it in any language.
	SummaryKey    string            `json:"summary_key,omitempty"`
	SummaryParams map[string]string `json:"summary_params,omitempty"`
	Reasons       []Reason          `json:"reasons,omitempty"`
}

// Reason is one finding, in plain words, with the records behind it.
type Reason struct {
	Level Level  `json:"level"`
	Code  string `json:"code"` // stable identifier of the kind of finding
	// Key is the message of the catalog (package i18n) that says it, and
	// Params its parameters: In renders it in any language. Text is its
	// English rendering.
	Key     string            `json:"key,omitempty"`
	Params  map[string]string `json:"params,omitempty"`
	Text    string            `json:"text"`
	Records []protocol.CID    `json:"records,omitempty"`
	Numbers map[string]string `json:"numbers,omitempty"`
}

// Check returns the check with the given name, or nil.
func (r *Report) Check(name string) *Check {
	for i := range r.Checks {
		if r.Checks[i].Name == name {
			return &r.Checks[i]
		}
	}
	return nil
}

// Graph is the provenance graph: batches and transfers as nodes, what
// was consumed and sent as edges.
type Graph struct {
	Nodes []Node `json:"nodes"`
	Edges []Edge `json:"edges"`
}

// Node kinds.
const (
	NodeBatch    = "batch"
	NodeTransfer = "transfer"
)

// Node is a batch (an output of an origin or process record) or a
// transfer of a batch between organisations.
type Node struct {
	ID         string              `json:"id"`   // batch ID "<cid>/<n>", or the transfer's CID
	Kind       string              `json:"kind"` // "batch" or "transfer"
	Record     protocol.CID        `json:"record"`
	Type       protocol.Type       `json:"type,omitempty"`
	Product    string              `json:"product,omitempty"`
	Qty        *protocol.Quantity  `json:"qty,omitempty"`
	Lot        string              `json:"lot,omitempty"`
	Claim      *protocol.Claim     `json:"claim,omitempty"`
	Org        string              `json:"org,omitempty"`
	OrgKey     *protocol.PublicKey `json:"org_key,omitempty"`
	ToOrg      string              `json:"to_org,omitempty"`
	ToOrgKey   *protocol.PublicKey `json:"to_org_key,omitempty"`
	Received   *protocol.Quantity  `json:"received,omitempty"`
	Place      string              `json:"place,omitempty"`
	Time       *time.Time          `json:"time,omitempty"`
	Role       string              `json:"role"` // "start", "ancestor" or "descendant"
	Corrected  bool                `json:"corrected,omitempty"`
	ReplacedBy string              `json:"replaced_by,omitempty"`
	Missing    bool                `json:"missing,omitempty"`
	Failing    bool                `json:"failing,omitempty"`
}

// Edge kinds.
const (
	EdgeConsumed = "consumed" // an input batch (or the transfer it came by) to an output batch
	EdgeSent     = "sent"     // a batch (or the transfer it came by) to a transfer of it
	EdgeReplaced = "replaced" // a corrected batch to the batch that replaces it
)

// Edge links two nodes by their IDs.
type Edge struct {
	From   string             `json:"from"`
	To     string             `json:"to"`
	Kind   string             `json:"kind"`
	Record protocol.CID       `json:"record"`
	Qty    *protocol.Quantity `json:"qty,omitempty"`
}

// Origin is a place where raw material entered the chain.
type Origin struct {
	Place    protocol.CID        `json:"place"`
	Name     string              `json:"name"`
	Kind     string              `json:"kind"`
	Country  string              `json:"country"`
	Lat      float64             `json:"lat"`
	Lon      float64             `json:"lon"`
	AreaHa   float64             `json:"area_ha"`
	Polygon  bool                `json:"polygon"`
	Geometry map[string]any      `json:"geometry"`
	Org      string              `json:"org,omitempty"`
	OrgKey   *protocol.PublicKey `json:"org_key,omitempty"`
	Products []string            `json:"products"`
	From     time.Time           `json:"from"`
	Until    time.Time           `json:"until"`
	Records  []protocol.CID      `json:"records"`
	// EUDR is what the plot's record shows for the EUDR (production land
	// only): assessed deforestation-free after the cut-off or not, and
	// the evidence.
	EUDR *PlotEvidence `json:"eudr,omitempty"`
	// IDs are the place's identifiers in other registries.
	IDs []protocol.PlaceID `json:"ids,omitempty"`
}

// Signer is an organisation that signed records in the trace.
type Signer struct {
	Key          protocol.PublicKey `json:"key"`
	Name         string             `json:"name"`
	Roles        []protocol.Role    `json:"roles"`
	Country      string             `json:"country,omitempty"`
	RSPO         string             `json:"rspo,omitempty"`
	GLN          string             `json:"gln,omitempty"`
	Records      int                `json:"records"`
	Devices      []SignerDevice     `json:"devices"`
	Endorsements []Endorsement      `json:"endorsements"`
	Trusted      bool               `json:"trusted"`
	Why          string             `json:"why"`
	// WhyKey and WhyParams are Why as a message of the catalog.
	WhyKey    string            `json:"why_key,omitempty"`
	WhyParams map[string]string `json:"why_params,omitempty"`
}

// SignerDevice is a device key that signed records for an organisation.
type SignerDevice struct {
	Key        protocol.PublicKey `json:"key"`
	Name       string             `json:"name,omitempty"`
	Delegation *protocol.CID      `json:"delegation,omitempty"`
	Records    int                `json:"records"`
	RevokedAt  *time.Time         `json:"revoked_at,omitempty"`
}

// Endorsement is a certifier's statement about an organisation.
type Endorsement struct {
	Record      protocol.CID       `json:"record"`
	By          protocol.PublicKey `json:"by"`
	ByName      string             `json:"by_name,omitempty"`
	Role        protocol.Role      `json:"role"`
	Certificate *Certificate       `json:"certificate,omitempty"`
	RevokedAt   *time.Time         `json:"revoked_at,omitempty"`
	Trusted     bool               `json:"trusted"`
}

// Certificate is a certificate carried by an endorsement.
type Certificate struct {
	Scheme     string    `json:"scheme"`
	Model      string    `json:"model,omitempty"`
	Number     string    `json:"number"`
	ValidFrom  time.Time `json:"valid_from"`
	ValidUntil time.Time `json:"valid_until"`
}
