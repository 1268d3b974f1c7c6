package epcis

import "encoding/json"

// The shapes Export writes. Field names are EPCIS 2.0's own (camelCase,
// as the standard spells them) and Jejak's extension fields under the
// prefix "jejak". Fields are in the order a person reads them.

type document struct {
	Context       []any      `json:"@context"`
	Type          string     `json:"type"`
	SchemaVersion string     `json:"schemaVersion"`
	CreationDate  string     `json:"creationDate"`
	Batch         string     `json:"jejak:batch,omitempty"`
	Header        *header    `json:"epcisHeader,omitempty"`
	Body          eventsBody `json:"epcisBody"`
}

type header struct {
	MasterData *masterData `json:"epcisMasterData,omitempty"`
	Evidence   []evidence  `json:"jejak:evidence,omitempty"`
}

type masterData struct {
	Vocabularies []vocabulary `json:"vocabularyList"`
}

type vocabulary struct {
	Type     string    `json:"type"`
	Elements []element `json:"vocabularyElementList"`
}

type element struct {
	ID         string      `json:"id"`
	Attributes []attribute `json:"attributes"`
}

type attribute struct {
	ID    string `json:"id"`
	Value any    `json:"attribute"`
}

type eventsBody struct {
	Events []*event `json:"eventList"`
}

// signedRecord carries a record whole, so that a reader can check it: its
// CID, its signature and its bytes (DAG-CBOR), base64.
type signedRecord struct {
	CID       string `json:"jejak:cid,omitempty"`
	Signature string `json:"jejak:signature,omitempty"`
	Record    string `json:"jejak:record,omitempty"`
}

type evidence struct {
	Type string `json:"jejak:type"`
	signedRecord
}

type event struct {
	Type                string            `json:"type"`
	EventID             string            `json:"eventID,omitempty"`
	EventTime           string            `json:"eventTime"`
	EventTimeZoneOffset string            `json:"eventTimeZoneOffset"`
	Action              string            `json:"action,omitempty"`
	BizStep             string            `json:"bizStep,omitempty"`
	Disposition         string            `json:"disposition,omitempty"`
	QuantityList        []quantity        `json:"quantityList,omitempty"`
	InputQuantityList   []quantity        `json:"inputQuantityList,omitempty"`
	OutputQuantityList  []quantity        `json:"outputQuantityList,omitempty"`
	ReadPoint           *location         `json:"readPoint,omitempty"`
	BizLocation         *location         `json:"bizLocation,omitempty"`
	BizTransactionList  []bizTransaction  `json:"bizTransactionList,omitempty"`
	SourceList          []source          `json:"sourceList,omitempty"`
	DestinationList     []destination     `json:"destinationList,omitempty"`
	CertificationInfo   []string          `json:"certificationInfo,omitempty"`
	ILMD                *ilmd             `json:"ilmd,omitempty"`
	ErrorDeclaration    *errorDeclaration `json:"errorDeclaration,omitempty"`
	signedRecord
}

type quantity struct {
	EPCClass string      `json:"epcClass"`
	Quantity json.Number `json:"quantity"`
	UOM      string      `json:"uom"`
}

type location struct {
	ID string `json:"id"`
}

type bizTransaction struct {
	Type string `json:"type,omitempty"`
	ID   string `json:"bizTransaction"`
}

type source struct {
	Type string `json:"type"`
	ID   string `json:"source"`
}

type destination struct {
	Type string `json:"type"`
	ID   string `json:"destination"`
}

// ilmd is the lot master data of the batches an event makes: per output,
// its product, lot and claim; for an origin, the production period.
type ilmd struct {
	PeriodStart string   `json:"jejak:periodStart,omitempty"`
	PeriodEnd   string   `json:"jejak:periodEnd,omitempty"`
	Outputs     []output `json:"jejak:outputs"`
}

type output struct {
	Batch   string `json:"jejak:batch"`
	Product string `json:"jejak:product"`
	Lot     string `json:"jejak:lot,omitempty"`
	Claim   string `json:"jejak:claim,omitempty"`
}

type errorDeclaration struct {
	DeclarationTime    string   `json:"declarationTime"`
	Reason             string   `json:"reason,omitempty"`
	CorrectiveEventIDs []string `json:"correctiveEventIDs,omitempty"`
	JejakReason        string   `json:"jejak:reason"`
	signedRecord
}

// geoJSON is a GeoJSON geometry with exact decimal coordinates.
type geoJSON struct {
	Type        string `json:"type"`
	Coordinates any    `json:"coordinates"`
}

// The CBV values Export writes and Import reads.
const (
	vtypeLocation = "urn:epcglobal:epcis:vtype:BusinessLocation"
	vtypeReadPt   = "urn:epcglobal:epcis:vtype:ReadPoint"
	vtypeParty    = "urn:epcglobal:epcis:vtype:SourceDest"

	mdaName      = "urn:epcglobal:cbv:mda#name"
	mdaCountry   = "urn:epcglobal:cbv:mda#countryCode"
	mdaLatitude  = "urn:epcglobal:cbv:mda#latitude"
	mdaLongitude = "urn:epcglobal:cbv:mda#longitude"

	sdOwner     = "owning_party"
	sdPossessor = "possessing_party"
	sdLocation  = "location"

	stepCommissioning = "commissioning"
	stepShipping      = "shipping"
	stepReceiving     = "receiving"

	dispActive     = "active"
	dispInTransit  = "in_transit"
	dispInProgress = "in_progress"
)

// Jejak's extension names, as written under the prefix "jejak".
const (
	xCID       = "jejak:cid"
	xSignature = "jejak:signature"
	xRecord    = "jejak:record"
	xType      = "jejak:type"
	xBatch     = "jejak:batch"
	xEvidence  = "jejak:evidence"
	xOutputs   = "jejak:outputs"
	xProduct   = "jejak:product"
	xLot       = "jejak:lot"
	xClaim     = "jejak:claim"
	xStart     = "jejak:periodStart"
	xEnd       = "jejak:periodEnd"
	xReason    = "jejak:reason"
	xKind      = "jejak:kind"
	xArea      = "jejak:areaM2"
	xGeometry  = "jejak:geometry"
	xIDs       = "jejak:ids"
	xLand      = "jejak:landEvidence"
	xKey       = "jejak:key"
)
