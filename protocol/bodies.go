package protocol

// Type names a kind of record.
type Type string

// The record types.
const (
	TypeOrg      Type = "org"
	TypeDevice   Type = "device"
	TypeEndorse  Type = "endorse"
	TypeRevoke   Type = "revoke"
	TypePlace    Type = "place"
	TypeOrigin   Type = "origin"
	TypeProcess  Type = "process"
	TypeTransfer Type = "transfer"
	TypeReceive  Type = "receive"
	TypeCorrect  Type = "correct"
)

// Types lists every record type.
func Types() []Type {
	return []Type{TypeOrg, TypeDevice, TypeEndorse, TypeRevoke, TypePlace,
		TypeOrigin, TypeProcess, TypeTransfer, TypeReceive, TypeCorrect}
}

// Body is the type-specific part of a record: one of *Org, *Device,
// *Endorse, *Revoke, *Place, *Origin, *Process, *Transfer, *Receive,
// *Correct.
type Body interface {
	// Type returns the record type this body belongs to.
	Type() Type
	// validate checks the body's fields by the rules of record version v;
	// field paths start with "body".
	validate(v int) error
}

// newBody returns an empty body of type t, or nil for an unknown type.
func newBody(t Type) Body {
	switch t {
	case TypeOrg:
		return new(Org)
	case TypeDevice:
		return new(Device)
	case TypeEndorse:
		return new(Endorse)
	case TypeRevoke:
		return new(Revoke)
	case TypePlace:
		return new(Place)
	case TypeOrigin:
		return new(Origin)
	case TypeProcess:
		return new(Process)
	case TypeTransfer:
		return new(Transfer)
	case TypeReceive:
		return new(Receive)
	case TypeCorrect:
		return new(Correct)
	}
	return nil
}

// Role is what an organisation does in a supply chain.
type Role string

// The roles.
const (
	RolePlantation   Role = "plantation"
	RoleMill         Role = "mill"
	RoleRefinery     Role = "refinery"
	RoleSmelter      Role = "smelter"
	RoleManufacturer Role = "manufacturer"
	RoleTrader       Role = "trader"
	RoleBuyer        Role = "buyer"
	RoleCertifier    Role = "certifier"
	RoleRelay        Role = "relay"
)

// Roles lists every role.
func Roles() []Role {
	return []Role{RolePlantation, RoleMill, RoleRefinery, RoleSmelter, RoleManufacturer,
		RoleTrader, RoleBuyer, RoleCertifier, RoleRelay}
}

// Org is an organisation's profile. It is authored by the organisation key
// itself; a later org record of the same key replaces the profile.
type Org struct {
	Name    string `cbor:"name" json:"name"`
	Roles   []Role `cbor:"roles" json:"roles"`
	Country string `cbor:"country" json:"country"` // ISO 3166-1 alpha-2, e.g. "MY"
	RSPO    string `cbor:"rspo,omitempty" json:"rspo,omitempty"`
	GLN     string `cbor:"gln,omitempty" json:"gln,omitempty"` // GS1 Global Location Number, 13 digits
}

// Device delegates a device key that writes records for the organisation.
// It is authored by the organisation key.
type Device struct {
	Key  PublicKey `cbor:"key" json:"key"`
	Name string    `cbor:"name" json:"name"`
}

// Supply-chain models of a certification claim, strongest first.
const (
	ModelIP = "IP" // identity preserved
	ModelSG = "SG" // segregated
	ModelMB = "MB" // mass balance
)

// Certificate is a certification an endorsement vouches for.
type Certificate struct {
	Scheme string `cbor:"scheme" json:"scheme"` // e.g. "RSPO", "ISCC", "RMI-RMAP"
	Model  string `cbor:"model,omitempty" json:"model,omitempty"`
	Number string `cbor:"number" json:"number"`
	From   int64  `cbor:"from" json:"from"`   // valid from, Unix milliseconds
	Until  int64  `cbor:"until" json:"until"` // valid until, Unix milliseconds
}

// Endorse is a certifier's or consortium's statement that an organisation
// key has a role, optionally with a certificate. It is authored by the
// certifier's organisation key.
type Endorse struct {
	Org  PublicKey    `cbor:"org" json:"org"`
	Role Role         `cbor:"role" json:"role"`
	Cert *Certificate `cbor:"cert,omitempty" json:"cert,omitempty"`
}

// Revoke withdraws a key (a device key of the author's organisation, or the
// author's own key) or one of the author's endorsements, from From on. It
// sets exactly one of Key and Record.
type Revoke struct {
	Key       *PublicKey `cbor:"key,omitempty" json:"key,omitempty"`
	Record    *CID       `cbor:"record,omitempty" json:"record,omitempty"`
	From      int64      `cbor:"from" json:"from"`
	Reason    string     `cbor:"reason" json:"reason"`
	Successor *PublicKey `cbor:"successor,omitempty" json:"successor,omitempty"`
}

// Kinds of place.
const (
	PlacePlot      = "plot"
	PlaceEstate    = "estate"
	PlaceMill      = "mill"
	PlaceRefinery  = "refinery"
	PlaceSmelter   = "smelter"
	PlaceMine      = "mine"
	PlaceFactory   = "factory"
	PlaceWarehouse = "warehouse"
)

// PlaceKinds lists every kind of place.
func PlaceKinds() []string {
	return []string{PlacePlot, PlaceEstate, PlaceMill, PlaceRefinery, PlaceSmelter,
		PlaceMine, PlaceFactory, PlaceWarehouse}
}

// Place is a plot, estate, mill, smelter or factory.
type Place struct {
	Name    string   `cbor:"name" json:"name"`
	Kind    string   `cbor:"kind" json:"kind"`
	Country string   `cbor:"country" json:"country"`
	Geo     Geometry `cbor:"geo" json:"geo"`
	Area    int64    `cbor:"area,omitempty" json:"area_m2,omitempty"` // square metres
	// IDs are the place's identifiers in other registries (format 2).
	IDs []PlaceID `cbor:"ids,omitempty" json:"ids,omitempty"`
	// Evidence is what shows the land was not deforested after the EUDR
	// cut-off and is used legally (format 2). None means "not assessed".
	Evidence []Evidence `cbor:"evidence,omitempty" json:"evidence,omitempty"`
}

// IsLand reports whether p is production land (a plot or an estate): land
// a harvest grows on, which needs its area, a polygon over 4 ha, and the
// EUDR's evidence.
func (p *Place) IsLand() bool { return IsLandKind(p.Kind) }

// IsLandKind reports whether places of this kind are production land.
func IsLandKind(kind string) bool { return kind == PlacePlot || kind == PlaceEstate }

// Identifier schemes of places with a checked shape; any other scheme of
// lower-case letters, digits and hyphens is accepted as it is.
const (
	// IDRMI is the Responsible Minerals Initiative's smelter identification
	// number, as in the Conflict Minerals Reporting Template: "CID"
	// and six digits.
	IDRMI = "rmi"
	// IDGLN is a GS1 Global Location Number: 13 digits.
	IDGLN = "gln"
	// IDUML is a palm oil mill's ID in the Universal Mill List: "PO" and
	// ten digits.
	IDUML = "uml"
)

// PlaceID is a place's identifier in another registry.
type PlaceID struct {
	Scheme string `cbor:"scheme" json:"scheme"`
	ID     string `cbor:"id" json:"id"`
}

// Kinds of evidence about a place.
const (
	// EvidenceDeforestationFree shows the land was not deforested after
	// the EUDR cut-off (2020-12-31): a satellite assessment, a field
	// survey. Its Date is when the assessment was made.
	EvidenceDeforestationFree = "deforestation-free"
	// EvidenceLegality shows the land is used under the laws of its
	// country: a land title, a concession or plantation permit (HGU, IUP,
	// MPOB licence).
	EvidenceLegality = "legality"
)

// Evidence is one piece of due-diligence evidence about a place: what it
// shows (Kind), its reference (a report number, a title deed number), how
// it was established (Method: "satellite imagery (Global Forest Watch)",
// "field survey", "land title"), when (Date, Unix milliseconds) and
// optionally the sha2-256 of the document.
type Evidence struct {
	Kind   string `cbor:"kind" json:"kind"`
	Ref    string `cbor:"ref" json:"ref"`
	Method string `cbor:"method" json:"method"`
	Date   int64  `cbor:"date" json:"date"`
	Hash   []byte `cbor:"hash,omitempty" json:"hash,omitempty"`
}

// Claim is a certification claim on a batch: a scheme (RSPO, ISCC,
// RMI-RMAP) and a supply-chain model. A claim always names a model; for a
// scheme whose certificates carry none (RMAP audits smelters, not chains of
// custody), any model may be claimed under the certificate and the model
// rules (IP, then SG, then MB, only downgrading) still apply along the chain.
type Claim struct {
	Scheme string `cbor:"scheme" json:"scheme"`
	Model  string `cbor:"model" json:"model"`
}

// Output is a batch a record creates.
type Output struct {
	Product string   `cbor:"product" json:"product"`
	Qty     Quantity `cbor:"qty" json:"qty"`
	Lot     string   `cbor:"lot,omitempty" json:"lot,omitempty"` // the author's own lot code
	Claim   *Claim   `cbor:"claim,omitempty" json:"claim,omitempty"`
}

// Origin records raw material entering the chain at one or more places
// (fresh fruit bunches harvested from plots, ore from a mine, metal from a
// smelter) over a period. Each output is a batch.
type Origin struct {
	Places []CID    `cbor:"places" json:"places"`
	From   int64    `cbor:"from" json:"from"`   // production period start, Unix ms
	Until  int64    `cbor:"until" json:"until"` // production period end, Unix ms
	Out    []Output `cbor:"out" json:"out"`
	// Supplier, when set, says the author (a mill) recorded this delivery
	// on behalf of a smallholder or dealer who runs no Jejak (format 3).
	Supplier *Supplier `cbor:"supplier,omitempty" json:"supplier,omitempty"`
}

// Kinds of supplier who runs no Jejak.
const (
	SupplierSmallholder = "smallholder" // a person growing fruit on their own land
	SupplierDealer      = "dealer"      // a collector who buys from smallholders
)

// SupplierKinds lists every kind of supplier.
func SupplierKinds() []string { return []string{SupplierSmallholder, SupplierDealer} }

// Schemes of a supplier's ID: an MPOB licence, an MSPO or ISPO certificate,
// an RSPO membership, or another registry's.
const (
	SchemeMPOB  = "MPOB"
	SchemeMSPO  = "MSPO"
	SchemeISPO  = "ISPO"
	SchemeRSPO  = "RSPO"
	SchemeOther = "other"
)

// SupplierSchemes lists every scheme of a supplier's ID.
func SupplierSchemes() []string {
	return []string{SchemeMPOB, SchemeMSPO, SchemeISPO, SchemeRSPO, SchemeOther}
}

// Supplier is who a mill bought an origin's fruit from when the supplier
// runs no Jejak. A smallholder is a person, and records are replicated and
// kept forever, so the name and the ID are not in the record: Name and ID
// are commitments (CommitSupplier) that a Disclosure, handed only to those
// who need it, opens.
type Supplier struct {
	Kind   string `cbor:"kind" json:"kind"`     // SupplierSmallholder or SupplierDealer
	Scheme string `cbor:"scheme" json:"scheme"` // the ID's scheme, one of SupplierSchemes
	Name   []byte `cbor:"name" json:"name"`     // commitment to the name, 32 bytes
	ID     []byte `cbor:"id" json:"id"`         // commitment to the ID, 32 bytes
}

// Input is a quantity consumed from a batch.
type Input struct {
	Batch BatchID  `cbor:"batch" json:"batch"`
	Qty   Quantity `cbor:"qty" json:"qty"`
}

// Process records a transformation of input batches into output batches,
// optionally at a place (the mill, refinery or factory).
type Process struct {
	In    []Input  `cbor:"in" json:"in"`
	Out   []Output `cbor:"out" json:"out"`
	Place *CID     `cbor:"place,omitempty" json:"place,omitempty"`
}

// Document is a document that travels by hash: an invoice, a bill of
// lading, an EUDR due-diligence statement.
type Document struct {
	Kind string `cbor:"kind" json:"kind"`
	Ref  string `cbor:"ref,omitempty" json:"ref,omitempty"`
	Hash []byte `cbor:"hash,omitempty" json:"hash,omitempty"` // sha2-256 of the document
	// Verification is a due diligence statement's verification number
	// (kind DocDDS only; format 2).
	Verification string `cbor:"verification,omitempty" json:"verification,omitempty"`
}

// DocDDS is the kind of document that is an EUDR due diligence statement
// filed in the EU Information System (TRACES) for the goods: Ref is its
// reference number ("24ITYGBJFOS258": two digits of the year, the
// country, ten letters or digits), Verification its verification number
// (eight letters or digits), which need not be passed on.
const DocDDS = "eudr-dds"

// Transfer records the holder sending a quantity of a batch to another
// organisation (named by its organisation key).
type Transfer struct {
	Batch BatchID    `cbor:"batch" json:"batch"`
	Qty   Quantity   `cbor:"qty" json:"qty"`
	To    PublicKey  `cbor:"to" json:"to"`
	Docs  []Document `cbor:"docs,omitempty" json:"docs,omitempty"`
}

// Receive confirms a transfer; Qty is what arrived (at most what was sent).
type Receive struct {
	Transfer CID      `cbor:"transfer" json:"transfer"`
	Qty      Quantity `cbor:"qty" json:"qty"`
}

// Correct supersedes one of the author's own earlier records, with a reason
// and optionally the record that replaces it. A replacement of an origin or
// process record keeps the order of its outputs: batch <old>/n continues as
// batch <by>/n, so labels already printed still lead to the right history.
type Correct struct {
	Record CID    `cbor:"record" json:"record"`
	Reason string `cbor:"reason" json:"reason"`
	By     *CID   `cbor:"by,omitempty" json:"by,omitempty"`
}

// Type implements Body.
func (*Org) Type() Type { return TypeOrg }

// Type implements Body.
func (*Device) Type() Type { return TypeDevice }

// Type implements Body.
func (*Endorse) Type() Type { return TypeEndorse }

// Type implements Body.
func (*Revoke) Type() Type { return TypeRevoke }

// Type implements Body.
func (*Place) Type() Type { return TypePlace }

// Type implements Body.
func (*Origin) Type() Type { return TypeOrigin }

// Type implements Body.
func (*Process) Type() Type { return TypeProcess }

// Type implements Body.
func (*Transfer) Type() Type { return TypeTransfer }

// Type implements Body.
func (*Receive) Type() Type { return TypeReceive }

// Type implements Body.
func (*Correct) Type() Type { return TypeCorrect }

// Outputs returns the batches a body makes: the outputs of an origin or a
// process record, and nil for every other type. Output i of the record with
// CID c is batch c/i.
func Outputs(b Body) []Output {
	switch b := b.(type) {
	case *Origin:
		return b.Out
	case *Process:
		return b.Out
	}
	return nil
}

// OutputOf returns output id.Index of body b, the record id.Record, and
// whether it has one.
func OutputOf(b Body, id BatchID) (Output, bool) {
	outs := Outputs(b)
	if int(id.Index) >= len(outs) {
		return Output{}, false
	}
	return outs[id.Index], true
}
