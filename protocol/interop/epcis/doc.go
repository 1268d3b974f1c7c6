// Package epcis converts between Jejak records and GS1 EPCIS 2.0 JSON-LD
// documents: Export writes a batch's evidence as events and master data a
// supply-chain system can read, each carrying the signed record it came
// from; Import reads any EPCIS 2.0 document into drafts of records for a
// user to review and sign, and lists whatever it could not map.
//
// The package is pure like protocol: it reads an io.Reader and writes an
// io.Writer, and does no file or network I/O. JSON field names are
// EPCIS's own (camelCase, as the standard spells them), not Jejak's
// snake_case.
//
// # Identifiers
//
// Jejak things are named by URNs, and by GS1 identifiers where Jejak has
// them:
//
//	batch          urn:jejak:batch:<cid>:<n>     a class-level ID (epcClass), with quantities
//	place          urn:jejak:place:<cid>         a location (bizLocation, sourceList)
//	organisation   https://id.gs1.org/417/<GLN>  a party, when its profile has a GLN (GS1 Digital Link, AI 417)
//	               urn:jejak:org:ed25519:<key>   a party otherwise
//	record         urn:jejak:record:<cid>        an eventID
//	claim          urn:jejak:claim:<scheme>:<model>   in certificationInfo, e.g. urn:jejak:claim:RSPO:SG
//	document       ni:///sha-256;<base64url>?ref=<ref>   a business transaction with a hash (RFC 6920)
//	               urn:jejak:doc:<ref>           one with a reference only
//	position       geo:<lat>,<lon>               a readPoint (RFC 5870), decimal degrees
//
// Each eventID is the record's URN, so it is derived from the record and
// unique; it is not the CBV's event hash (ni:///…?ver=CBV2.0), which
// hashes the event rather than the signed record.
//
// # The extension namespace
//
// The @context names GS1's EPCIS 2.0 context and declares the prefix
// jejak as Namespace (urn:jejak:epcis:), with jejak:record and
// jejak:signature typed xsd:base64Binary. Every event and master-data
// element made from a record carries:
//
//	jejak:cid        the record's CID (CIDv1, dag-cbor, sha2-256)
//	jejak:signature  its Ed25519 signature, base64
//	jejak:record     its exact DAG-CBOR bytes, base64
//
// A reader verifies a record by decoding jejak:record, checking that its
// sha2-256 CID is jejak:cid, and checking the signature by the record's
// author over "jejak-record-v1\x00" and the record without its sig
// (protocol.Open does all three). Records with no EPCIS expression
// (device delegations, endorsements, revocations, and a receipt or
// correction whose other record is not in the document) are carried in
// epcisHeader as jejak:evidence, with their jejak:type. Import reads jejak:
// fields only when the document's @context declares the prefix as
// Namespace.
//
// # Records as EPCIS
//
//	origin    ObjectEvent, action ADD, bizStep commissioning, disposition active.
//	          quantityList: each output batch, quantity and uom (the Rec 20 unit).
//	          sourceList: each place, type location, in order; bizLocation: the first place;
//	          readPoint: the first place's position as a geo URI.
//	          ilmd: jejak:periodStart, jejak:periodEnd (the production period) and
//	          jejak:outputs, each output's jejak:batch, jejak:product, jejak:lot, jejak:claim.
//	          certificationInfo: the outputs' claims.
//	process   TransformationEvent, bizStep commissioning, disposition active.
//	          inputQuantityList: each input batch and the quantity consumed;
//	          outputQuantityList, ilmd and certificationInfo as for an origin;
//	          bizLocation: the process's place; readPoint: its position.
//	transfer  ObjectEvent, action OBSERVE, bizStep shipping, disposition in_transit.
//	          quantityList: the batch and quantity sent; sourceList: the sender's
//	          organisation, destinationList: the receiver's, both type owning_party;
//	          bizTransactionList: the documents, typed by the CBV where it has the kind
//	          (invoice inv, bill-of-lading bol, purchase-order po, despatch-advice desadv,
//	          receiving-advice recadv, certificate cert, production-order prodorder),
//	          else urn:jejak:doc-kind:<kind>.
//	receive   ObjectEvent, action OBSERVE, bizStep receiving, disposition in_progress.
//	          quantityList: the transfer's batch and the quantity that arrived;
//	          bizTransactionList: the transfer as the despatch advice
//	          (type desadv, urn:jejak:record:<transfer>); source and destination parties.
//	correct   EPCIS's error declaration: a copy of the corrected record's event with
//	          errorDeclaration: declarationTime (the correction's time), reason
//	          incorrect_data when it names a replacement (correctiveEventIDs: the
//	          replacement's eventID) and did_not_occur when not, jejak:reason (the
//	          author's words), and the correction's own jejak:cid, signature and record.
//	place     master data, BusinessLocation: CBV's name, countryCode, latitude and
//	          longitude (of the point, or the polygon's mean corner), and jejak:kind,
//	          jejak:areaM2 and jejak:geometry, the exact GeoJSON Point or Polygon.
//	org       master data, SourceDest (parties): name, countryCode and jejak:key, which
//	          lets a GLN name the organisation.
//	device, endorse, revoke   jejak:evidence in the header.
//
// eventTime is the record's time in UTC to the millisecond, with
// eventTimeZoneOffset "+00:00". Quantities, areas and coordinates are
// written as exact decimals from their integers, never through floating
// point, so an export reads back exactly. The document's creationDate is
// ExportOptions.Created, else the report's check time, else the newest
// record's time: the same records give the same bytes. A report's batch
// is named at the top as jejak:batch.
//
// # EPCIS as drafts
//
// Import maps the other way: an ObjectEvent with action ADD and bizStep
// commissioning (or creating_class_instance) is an origin; shipping is a
// transfer and receiving a receipt (one per class the event names: a
// Jejak transfer moves one batch); a TransformationEvent is a process;
// an event with an errorDeclaration is a correction; location master data
// with a position is a place. Instance identifiers count as pieces of
// their class (two SGTINs of a GTIN are 2 H87 of it); a quantity without
// a uom is a count (H87); units Jejak does not record are listed, not
// converted. Aggregation, association and transaction events, sensor
// readings and every other part no draft takes are listed in
// Result.Unmapped with their JSON path, their value (shortened) and the
// reason. References a draft needs but the document does not give as
// Jejak's (an SGTIN for a batch, an SGLN for a place, a GLN without a
// key) are listed in Result.Unresolved for the node to resolve or to ask
// the user. A record carried whole is opened and verified; when the event
// says exactly what it says, its draft is marked as signed.
//
// Import refuses, as ErrTooLarge, a document that passes its Limits
// (16 MiB, nesting 64 deep, 100,000 items in an array or object, a
// million values, by default) as soon as it shows: it reads no more than
// the size limit allows, and holds at most about four times the document
// and 130 bytes a value in memory. It refuses, as ErrMalformed with the JSON path, a document
// that is not JSON or whose fields the mapping reads are not shaped as
// EPCIS 2.0 says; it is not a full schema validator (the tests validate
// every export against GS1's schema; the schema is not shipped).
package epcis
