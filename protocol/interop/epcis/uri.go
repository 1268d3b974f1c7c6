package epcis

import (
	"encoding/base64"
	"net/url"
	"strconv"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Namespace is the IRI the prefix "jejak" stands for in a document's
// @context: the namespace of Jejak's extension fields (jejak:cid,
// jejak:record, …).
const Namespace = "urn:jejak:epcis:"

// ContextURL is the JSON-LD context of EPCIS 2.0 that every document names.
const ContextURL = "https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld"

// Identifier prefixes. Each names one kind of Jejak thing as a URN.
const (
	batchPrefix   = "urn:jejak:batch:"
	placePrefix   = "urn:jejak:place:"
	orgPrefix     = "urn:jejak:org:"
	recordPrefix  = "urn:jejak:record:"
	claimPrefix   = "urn:jejak:claim:"
	docPrefix     = "urn:jejak:doc:"
	docKindPrefix = "urn:jejak:doc-kind:"
	glnPrefix     = "https://id.gs1.org/417/" // a party's GLN as a GS1 Digital Link
	niPrefix      = "ni:///sha-256;"          // RFC 6920 named information
)

// BatchURI names a batch as an EPCIS class-level identifier (an epcClass):
// "urn:jejak:batch:<cid>:<n>".
func BatchURI(id protocol.BatchID) string {
	return batchPrefix + id.Record.String() + ":" + strconv.FormatUint(uint64(id.Index), 10)
}

// PlaceURI names a place record as an EPCIS location: "urn:jejak:place:<cid>".
func PlaceURI(c protocol.CID) string { return placePrefix + c.String() }

// RecordURI names a record as an EPCIS event ID: "urn:jejak:record:<cid>".
func RecordURI(c protocol.CID) string { return recordPrefix + c.String() }

// OrgURI names an organisation by its key as an EPCIS party:
// "urn:jejak:org:ed25519:…". Export uses a GLN instead where the
// organisation's profile has one (see the package documentation).
func OrgURI(k protocol.PublicKey) string { return orgPrefix + k.String() }

// glnURI names a party by its GLN, as a GS1 Digital Link with AI 417.
func glnURI(gln string) string { return glnPrefix + gln }

func parseBatchURI(s string) (protocol.BatchID, bool) {
	rest, ok := strings.CutPrefix(s, batchPrefix)
	if !ok {
		return protocol.BatchID{}, false
	}
	c, n, ok := strings.Cut(rest, ":")
	if !ok {
		return protocol.BatchID{}, false
	}
	id, err := protocol.ParseBatchID(c + "/" + n)
	if err != nil || BatchURI(id) != s {
		return protocol.BatchID{}, false
	}
	return id, true
}

// parseCIDURI reads prefix followed by a CID in its canonical form.
func parseCIDURI(s, prefix string) (protocol.CID, bool) {
	rest, ok := strings.CutPrefix(s, prefix)
	if !ok {
		return protocol.CID{}, false
	}
	c, err := protocol.ParseCID(rest)
	if err != nil || c.String() != rest {
		return protocol.CID{}, false
	}
	return c, true
}

func parseOrgURI(s string) (protocol.PublicKey, bool) {
	rest, ok := strings.CutPrefix(s, orgPrefix)
	if !ok {
		return protocol.PublicKey{}, false
	}
	k, err := protocol.ParsePublicKey(rest)
	if err != nil || k.String() != rest {
		return protocol.PublicKey{}, false
	}
	return k, true
}

// claimURI names a certification claim: "urn:jejak:claim:<scheme>:<model>".
func claimURI(c protocol.Claim) string {
	return claimPrefix + url.PathEscape(c.Scheme) + ":" + url.PathEscape(c.Model)
}

func parseClaimURI(s string) (protocol.Claim, bool) {
	rest, ok := strings.CutPrefix(s, claimPrefix)
	if !ok {
		return protocol.Claim{}, false
	}
	i := strings.LastIndexByte(rest, ':')
	if i < 0 {
		return protocol.Claim{}, false
	}
	scheme, err1 := url.PathUnescape(rest[:i])
	model, err2 := url.PathUnescape(rest[i+1:])
	if err1 != nil || err2 != nil || scheme == "" {
		return protocol.Claim{}, false
	}
	return protocol.Claim{Scheme: scheme, Model: model}, true
}

// docKinds maps Jejak's names for documents to the CBV's business
// transaction types.
var docKinds = map[string]string{
	"invoice":          "inv",
	"bill-of-lading":   "bol",
	"purchase-order":   "po",
	"despatch-advice":  "desadv",
	"receiving-advice": "recadv",
	"certificate":      "cert",
	"production-order": "prodorder",
}

// cbvDocKinds is docKinds the other way round.
var cbvDocKinds = func() map[string]string {
	m := map[string]string{}
	for k, v := range docKinds {
		m[v] = k
	}
	return m
}()

// bizTransactionTypes are the CBV's business transaction types, as the
// EPCIS 2.0 schema lists them.
var bizTransactionTypes = map[string]bool{"bol": true, "cert": true, "desadv": true, "inv": true, "pedigree": true,
	"po": true, "poc": true, "prodorder": true, "recadv": true, "rma": true, "testprd": true, "testres": true, "upevt": true}

// docType returns the business transaction type for a document kind: the
// CBV code where there is one, else "urn:jejak:doc-kind:<kind>".
func docType(kind string) string {
	if t, ok := docKinds[kind]; ok {
		return t
	}
	return docKindPrefix + url.PathEscape(kind)
}

// docKind reads a business transaction type back into a document kind.
func docKind(t string) string {
	if rest, ok := strings.CutPrefix(t, docKindPrefix); ok {
		if k, err := url.PathUnescape(rest); err == nil {
			return k
		}
		return t
	}
	for _, p := range []string{"urn:epcglobal:cbv:btt:", "https://ns.gs1.org/cbv/BTT-", "https://ref.gs1.org/cbv/BTT-"} {
		if code, ok := strings.CutPrefix(t, p); ok && bizTransactionTypes[code] {
			t = code
		}
	}
	if k, ok := cbvDocKinds[t]; ok {
		return k
	}
	return t
}

// docURI names a document as a business transaction: its hash as an RFC
// 6920 "ni" URI (with its reference as a query parameter) when it has one,
// else "urn:jejak:doc:<reference>".
func docURI(d protocol.Document) string {
	q := url.Values{}
	if d.Verification != "" {
		q.Set("verification", d.Verification)
	}
	if d.Hash != nil {
		s := niPrefix + base64.RawURLEncoding.EncodeToString(d.Hash)
		if d.Ref != "" {
			q.Set("ref", d.Ref)
		}
		if len(q) > 0 {
			s += "?" + q.Encode()
		}
		return s
	}
	s := docPrefix + url.PathEscape(d.Ref)
	if len(q) > 0 {
		s += "?" + q.Encode()
	}
	return s
}

// parseDocURI reads a business transaction URI into a document's
// reference, hash and (for a due diligence statement) verification number.
// A URI Jejak did not write is the reference itself.
func parseDocURI(s string) (d protocol.Document) {
	if rest, ok := strings.CutPrefix(s, docPrefix); ok {
		path, query, _ := strings.Cut(rest, "?")
		r, err := url.PathUnescape(path)
		q, qerr := url.ParseQuery(query)
		if err != nil || qerr != nil {
			return protocol.Document{Ref: s}
		}
		return protocol.Document{Ref: r, Verification: q.Get("verification")}
	}
	if rest, ok := strings.CutPrefix(s, niPrefix); ok {
		val, query, _ := strings.Cut(rest, "?")
		h, err := base64.RawURLEncoding.DecodeString(val)
		if err != nil || len(h) != 32 {
			return protocol.Document{Ref: s}
		}
		q, err := url.ParseQuery(query)
		if err != nil {
			return protocol.Document{Ref: s}
		}
		return protocol.Document{Ref: q.Get("ref"), Hash: h, Verification: q.Get("verification")}
	}
	return protocol.Document{Ref: s}
}

// geoURI names a position as an RFC 5870 "geo" URI: "geo:<lat>,<lon>".
func geoURI(p protocol.Position) string {
	return "geo:" + degrees(p[1]) + "," + degrees(p[0])
}

// parseGeoURI reads "geo:<lat>,<lon>[,<alt>][;params]".
func parseGeoURI(s string) (protocol.Position, bool) {
	rest, ok := strings.CutPrefix(s, "geo:")
	if !ok {
		return protocol.Position{}, false
	}
	rest, _, _ = strings.Cut(rest, ";")
	parts := strings.Split(rest, ",")
	if len(parts) < 2 || len(parts) > 3 {
		return protocol.Position{}, false
	}
	lat, ok1 := parseDegrees(parts[0])
	lon, ok2 := parseDegrees(parts[1])
	if !ok1 || !ok2 {
		return protocol.Position{}, false
	}
	return protocol.Position{lon, lat}, true
}

// classOf returns the class an instance-level identifier belongs to: an
// SGTIN's GTIN as a pattern ("urn:epc:idpat:sgtin:<company>.<item>.*"), a
// GS1 Digital Link's GTIN ("https://id.gs1.org/01/<gtin>"), or, for any
// other identifier, the identifier itself.
func classOf(epc string) string {
	if rest, ok := strings.CutPrefix(epc, "urn:epc:id:sgtin:"); ok {
		if i := strings.LastIndexByte(rest, '.'); i > 0 {
			return "urn:epc:idpat:sgtin:" + rest[:i] + ".*"
		}
	}
	if rest, ok := strings.CutPrefix(epc, "https://id.gs1.org/01/"); ok {
		if gtin, _, ok := strings.Cut(rest, "/21/"); ok {
			return "https://id.gs1.org/01/" + gtin
		}
	}
	return epc
}
