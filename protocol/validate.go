package protocol

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits on the parts of a record, beyond MaxRecordSize.
const (
	MaxOutputs    = 256 // outputs of one origin or process
	MaxInputs     = 256 // inputs of one process
	MaxTextLength = 200 // names, lot codes, reasons, references, in characters
	MaxDocuments  = 32  // documents on one transfer
	MaxPlaces     = 256 // places of one origin
	MaxPlaceIDs   = 8   // identifiers of one place
	MaxEvidence   = 16  // pieces of evidence about one place
)

// Validate checks the envelope and body of r against the rules of the
// format and returns a *FieldError naming the first broken one. It does not
// check the signature or anything that needs other records.
func (r *Record) Validate() error {
	switch {
	case r.V < MinVersion || r.V > Version:
		return invalid("v", "rule.version", "v", r.V, "min", MinVersion, "max", Version)
	case r.Body == nil:
		return invalid("body", "rule.missing")
	case r.Author.IsZero():
		return invalid("author", "rule.missing")
	case r.Seq == 0:
		return invalid("seq", "rule.seq_positive")
	case r.Seq == 1 && !r.Prev.IsZero():
		return invalid("prev", "rule.prev_first")
	case r.Seq > 1 && r.Prev.IsZero():
		return invalid("prev", "rule.prev_missing", "seq", r.Seq)
	case r.Time < MinTime:
		return invalid("time", "rule.time_early", "time", r.Time)
	case len(r.Sig) != 64:
		return invalid("sig", "rule.sig_size", "n", len(r.Sig))
	}
	return r.Body.validate(r.V)
}

// text checks a required or optional text field.
func text(field, s string, required bool) error {
	if s == "" {
		if required {
			return invalid(field, "rule.missing")
		}
		return nil
	}
	if n := utf8.RuneCountInString(s); n > MaxTextLength {
		return invalid(field, "rule.text_long", "n", n, "max", MaxTextLength)
	}
	if strings.TrimSpace(s) != s {
		return invalid(field, "rule.text_space")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return invalid(field, "rule.text_control")
		}
	}
	return nil
}

// withArticle puts "a" or "an" before a kind of place.
func withArticle(kind string) string {
	if kind != "" && strings.ContainsRune("aeiou", rune(kind[0])) {
		return "an " + kind
	}
	return "a " + kind
}

// country checks an ISO 3166-1 alpha-2 code. Version 1 records need two
// capital letters; from version 2 the code must be in the standard's list
// (countries.go), so "XX" or "UK" (the United Kingdom is GB) is refused.
func country(field, c string, v int) error {
	if len(c) != 2 || c[0] < 'A' || c[0] > 'Z' || c[1] < 'A' || c[1] > 'Z' {
		return invalid(field, "rule.country_code", "code", quoted(c))
	}
	if v >= Version2 && !IsCountry(c) {
		return invalid(field, "rule.country_unknown", "code", quoted(c))
	}
	return nil
}

func timeField(field string, t int64) error {
	if t < MinTime {
		return invalid(field, "rule.times_early", "time", t)
	}
	return nil
}

func validRole(r Role) bool {
	for _, x := range Roles() {
		if r == x {
			return true
		}
	}
	return false
}

func validModel(m string) bool { return m == ModelIP || m == ModelSG || m == ModelMB }

func (b *Org) validate(v int) error {
	if err := text("body.name", b.Name, true); err != nil {
		return err
	}
	if len(b.Roles) == 0 {
		return invalid("body.roles", "rule.roles_none")
	}
	seen := map[Role]bool{}
	for i, r := range b.Roles {
		f := fmt.Sprintf("body.roles[%d]", i)
		if !validRole(r) {
			return invalid(f, "rule.role_unknown", "role", quoted(r))
		}
		if seen[r] {
			return invalid(f, "rule.role_twice", "role", quoted(r))
		}
		seen[r] = true
	}
	if err := country("body.country", b.Country, v); err != nil {
		return err
	}
	if err := text("body.rspo", b.RSPO, false); err != nil {
		return err
	}
	if b.GLN != "" && !isDigits(b.GLN, 13) {
		return invalid("body.gln", "rule.gln", "gln", quoted(b.GLN))
	}
	return nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

func (b *Device) validate(v int) error {
	if b.Key.IsZero() {
		return invalid("body.key", "rule.missing")
	}
	return text("body.name", b.Name, true)
}

func (c *Certificate) validate(field string) error {
	if err := text(field+".scheme", c.Scheme, true); err != nil {
		return err
	}
	if c.Model != "" && !validModel(c.Model) {
		return invalid(field+".model", "rule.model", "model", quoted(c.Model))
	}
	if err := text(field+".number", c.Number, true); err != nil {
		return err
	}
	if err := timeField(field+".from", c.From); err != nil {
		return err
	}
	if c.Until <= c.From {
		return invalid(field+".until", "rule.until_before")
	}
	return nil
}

func (b *Endorse) validate(v int) error {
	if b.Org.IsZero() {
		return invalid("body.org", "rule.missing")
	}
	if !validRole(b.Role) {
		return invalid("body.role", "rule.role_unknown", "role", quoted(b.Role))
	}
	if b.Cert != nil {
		return b.Cert.validate("body.cert")
	}
	return nil
}

func (b *Revoke) validate(v int) error {
	if (b.Key == nil) == (b.Record == nil) {
		return invalid("body", "rule.revoke_one")
	}
	if b.Key != nil && b.Key.IsZero() {
		return invalid("body.key", "rule.all_zero")
	}
	if err := timeField("body.from", b.From); err != nil {
		return err
	}
	if err := text("body.reason", b.Reason, true); err != nil {
		return err
	}
	if b.Successor != nil {
		if b.Key == nil {
			return invalid("body.successor", "rule.successor_revoked")
		}
		if *b.Successor == *b.Key || b.Successor.IsZero() {
			return invalid("body.successor", "rule.successor_other")
		}
	}
	return nil
}

func validPlaceKind(k string) bool {
	for _, x := range PlaceKinds() {
		if k == x {
			return true
		}
	}
	return false
}

// AreaTolerance is how far (as a fraction) a plot's declared area may differ
// from the area its polygon encloses.
const AreaTolerance = 0.10

func (b *Place) validate(v int) error {
	if err := text("body.name", b.Name, true); err != nil {
		return err
	}
	if !validPlaceKind(b.Kind) {
		return invalid("body.kind", "rule.place_kind", "kind", quoted(b.Kind), "kinds", strings.Join(PlaceKinds(), ", "))
	}
	if err := country("body.country", b.Country, v); err != nil {
		return err
	}
	if err := b.Geo.validate("body.geo", v); err != nil {
		return err
	}
	if b.Area < 0 {
		return invalid("body.area", "rule.negative")
	}
	if b.IsLand() {
		if b.Area == 0 {
			return invalid("body.area", "rule.area_needed", "place_key", "rule.place_a."+b.Kind)
		}
		if b.Area > PolygonRequiredArea && b.Geo.Type != GeoPolygon {
			return invalid("body.geo", "rule.area_polygon", "place_key", "rule.place_a."+b.Kind, "ha", FormatMilli(b.Area/10))
		}
	}
	if b.Geo.Type == GeoPolygon && b.Area > 0 {
		enclosed := b.Geo.Area()
		// float64(…) rounds the product first: no fused multiply-add, so
		// every platform draws the line at the same place.
		if diff, allowed := float64(b.Area)-enclosed, float64(AreaTolerance*enclosed)+100; diff > allowed || -diff > allowed {
			return invalid("body.area", "rule.area_mismatch", "declared", FormatMilli(b.Area/10), "enclosed", FormatMilli(int64(enclosed)/10))
		}
	}
	if v < Version2 && (len(b.IDs) > 0 || len(b.Evidence) > 0) {
		return invalid("body", "rule.place_v2", "v", v)
	}
	if len(b.IDs) > MaxPlaceIDs {
		return invalid("body.ids", "rule.ids_many", "max", MaxPlaceIDs, "n", len(b.IDs))
	}
	seen := map[string]bool{}
	for i, id := range b.IDs {
		f := fmt.Sprintf("body.ids[%d]", i)
		if err := placeID(f, id); err != nil {
			return err
		}
		if seen[id.Scheme] {
			return invalid(f+".scheme", "rule.id_twice", "scheme", quoted(id.Scheme))
		}
		seen[id.Scheme] = true
	}
	if len(b.Evidence) > MaxEvidence {
		return invalid("body.evidence", "rule.evidence_many", "max", MaxEvidence, "n", len(b.Evidence))
	}
	for i, e := range b.Evidence {
		f := fmt.Sprintf("body.evidence[%d]", i)
		if e.Kind != EvidenceDeforestationFree && e.Kind != EvidenceLegality {
			return invalid(f+".kind", "rule.evidence_kind", "kind", quoted(e.Kind), "a", quoted(EvidenceDeforestationFree), "b", quoted(EvidenceLegality))
		}
		if err := text(f+".ref", e.Ref, true); err != nil {
			return err
		}
		if err := text(f+".method", e.Method, true); err != nil {
			return err
		}
		if err := timeField(f+".date", e.Date); err != nil {
			return err
		}
		if e.Hash != nil && len(e.Hash) != 32 {
			return invalid(f+".hash", "rule.hash_size", "n", len(e.Hash))
		}
	}
	return nil
}

// placeID checks a place's identifier: a scheme of lower-case letters,
// digits and hyphens, and for the schemes Jejak knows, the shape of the
// identifier.
func placeID(field string, id PlaceID) error {
	if id.Scheme == "" || len(id.Scheme) > 16 || strings.Trim(id.Scheme, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return invalid(field+".scheme", "rule.scheme", "scheme", quoted(id.Scheme), "a", quoted(IDRMI), "b", quoted(IDGLN), "c", quoted(IDUML))
	}
	if err := text(field+".id", id.ID, true); err != nil {
		return err
	}
	switch id.Scheme {
	case IDRMI:
		if len(id.ID) != 9 || !strings.HasPrefix(id.ID, "CID") || !isDigits(id.ID[3:], 6) {
			return invalid(field+".id", "rule.rmi", "id", quoted(id.ID))
		}
	case IDGLN:
		if !isDigits(id.ID, 13) {
			return invalid(field+".id", "rule.gln", "gln", quoted(id.ID))
		}
	case IDUML:
		if len(id.ID) != 12 || !strings.HasPrefix(id.ID, "PO") || !isDigits(id.ID[2:], 10) {
			return invalid(field+".id", "rule.uml", "id", quoted(id.ID))
		}
	}
	return nil
}

func (q Quantity) validate(field string) error {
	if !q.Unit.Valid() {
		return invalid(field+".unit", "rule.unit", "unit", quoted(q.Unit))
	}
	if q.Milli <= 0 {
		return invalid(field+".n", "rule.qty_positive", "qty", q)
	}
	if q.Milli > MaxQuantity {
		return invalid(field+".n", "rule.qty_large", "qty", q, "max", Quantity{Milli: MaxQuantity, Unit: q.Unit})
	}
	if q.Unit == H87 && q.Milli%1000 != 0 {
		return invalid(field+".n", "rule.qty_whole", "n", FormatMilli(q.Milli))
	}
	return nil
}

func validateOutputs(out []Output) error {
	if len(out) == 0 {
		return invalid("body.out", "rule.out_none")
	}
	if len(out) > MaxOutputs {
		return invalid("body.out", "rule.out_many", "max", MaxOutputs, "n", len(out))
	}
	lots := map[string]bool{}
	for i, o := range out {
		f := fmt.Sprintf("body.out[%d]", i)
		if err := text(f+".product", o.Product, true); err != nil {
			return err
		}
		if err := o.Qty.validate(f + ".qty"); err != nil {
			return err
		}
		if err := text(f+".lot", o.Lot, false); err != nil {
			return err
		}
		if o.Lot != "" {
			if lots[o.Lot] {
				return invalid(f+".lot", "rule.lot_twice", "lot", quoted(o.Lot))
			}
			lots[o.Lot] = true
		}
		if o.Claim != nil {
			if err := text(f+".claim.scheme", o.Claim.Scheme, true); err != nil {
				return err
			}
			if !validModel(o.Claim.Model) {
				return invalid(f+".claim.model", "rule.model", "model", quoted(o.Claim.Model))
			}
		}
	}
	return nil
}

func (b *Origin) validate(v int) error {
	if len(b.Places) == 0 {
		return invalid("body.places", "rule.places_none")
	}
	if len(b.Places) > MaxPlaces {
		return invalid("body.places", "rule.places_many", "max", MaxPlaces, "n", len(b.Places))
	}
	seen := map[CID]bool{}
	for i, p := range b.Places {
		if seen[p] {
			return invalid(fmt.Sprintf("body.places[%d]", i), "rule.place_twice")
		}
		seen[p] = true
	}
	if err := timeField("body.from", b.From); err != nil {
		return err
	}
	if b.Until < b.From {
		return invalid("body.until", "rule.period_reversed")
	}
	if b.Supplier != nil {
		if v < Version3 {
			return invalid("body.supplier", "rule.supplier_version", "min", Version3, "v", v)
		}
		if err := b.Supplier.validate("body.supplier"); err != nil {
			return err
		}
	}
	return validateOutputs(b.Out)
}

func (s *Supplier) validate(field string) error {
	if !slices.Contains(SupplierKinds(), s.Kind) {
		return invalid(field+".kind", "rule.supplier_kind", "kind", quoted(s.Kind), "kinds", strings.Join(SupplierKinds(), " or "))
	}
	if !slices.Contains(SupplierSchemes(), s.Scheme) {
		return invalid(field+".scheme", "rule.supplier_scheme", "scheme", quoted(s.Scheme), "schemes", strings.Join(SupplierSchemes(), ", "))
	}
	if len(s.Name) != CommitmentSize {
		return invalid(field+".name", "rule.commitment_size", "n", len(s.Name), "size", CommitmentSize)
	}
	if len(s.ID) != CommitmentSize {
		return invalid(field+".id", "rule.commitment_size", "n", len(s.ID), "size", CommitmentSize)
	}
	return nil
}

func (b *Process) validate(v int) error {
	if len(b.In) == 0 {
		return invalid("body.in", "rule.in_none")
	}
	if len(b.In) > MaxInputs {
		return invalid("body.in", "rule.in_many", "max", MaxInputs, "n", len(b.In))
	}
	seen := map[BatchID]bool{}
	for i, in := range b.In {
		f := fmt.Sprintf("body.in[%d]", i)
		if in.Batch.IsZero() {
			return invalid(f+".batch", "rule.missing")
		}
		if in.Batch.Index >= MaxOutputs {
			return invalid(f+".batch.n", "rule.output_index", "n", in.Batch.Index)
		}
		if seen[in.Batch] {
			return invalid(f+".batch", "rule.batch_twice", "batch", in.Batch)
		}
		seen[in.Batch] = true
		if err := in.Qty.validate(f + ".qty"); err != nil {
			return err
		}
	}
	return validateOutputs(b.Out)
}

func (b *Transfer) validate(v int) error {
	if b.Batch.IsZero() {
		return invalid("body.batch", "rule.missing")
	}
	if b.Batch.Index >= MaxOutputs {
		return invalid("body.batch.n", "rule.output_index", "n", b.Batch.Index)
	}
	if err := b.Qty.validate("body.qty"); err != nil {
		return err
	}
	if b.To.IsZero() {
		return invalid("body.to", "rule.missing")
	}
	if len(b.Docs) > MaxDocuments {
		return invalid("body.docs", "rule.docs_many", "max", MaxDocuments, "n", len(b.Docs))
	}
	for i, d := range b.Docs {
		f := fmt.Sprintf("body.docs[%d]", i)
		if err := text(f+".kind", d.Kind, true); err != nil {
			return err
		}
		if err := text(f+".ref", d.Ref, false); err != nil {
			return err
		}
		if d.Hash != nil && len(d.Hash) != 32 {
			return invalid(f+".hash", "rule.hash_size", "n", len(d.Hash))
		}
		if d.Ref == "" && d.Hash == nil {
			return invalid(f, "rule.doc_empty")
		}
		if err := ddsDocument(f, d, v); err != nil {
			return err
		}
	}
	return nil
}

// ddsDocument checks a due diligence statement's numbers, and that only a
// statement carries a verification number.
func ddsDocument(field string, d Document, v int) error {
	if d.Kind != DocDDS {
		if d.Verification != "" {
			return invalid(field+".verification", "rule.verification_dds", "kind", quoted(DocDDS))
		}
		return nil
	}
	if v < Version2 {
		// Format 1 took any reference under any kind.
		if d.Verification != "" {
			return invalid(field+".verification", "rule.needs_v2", "v", v)
		}
		return nil
	}
	r := d.Ref
	if len(r) != 14 || !isDigits(r[:2], 2) || strings.Trim(r[2:4], "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" || !upperAlnum(r[4:]) {
		return invalid(field+".ref", "rule.dds_ref", "ref", quoted(r))
	}
	if d.Verification != "" && (len(d.Verification) != 8 || !upperAlnum(d.Verification)) {
		return invalid(field+".verification", "rule.verification", "number", quoted(d.Verification))
	}
	return nil
}

// upperAlnum reports whether s is only upper-case letters and digits.
func upperAlnum(s string) bool {
	return strings.Trim(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") == ""
}

func (b *Receive) validate(v int) error {
	if b.Transfer.IsZero() {
		return invalid("body.transfer", "rule.missing")
	}
	return b.Qty.validate("body.qty")
}

func (b *Correct) validate(v int) error {
	if b.Record.IsZero() {
		return invalid("body.record", "rule.missing")
	}
	if b.By != nil && *b.By == b.Record {
		return invalid("body.by", "rule.replace_self")
	}
	return text("body.reason", b.Reason, true)
}

// CheckDraft checks a body the way a node does before it publishes one: the
// type's field rules, then that a record holding it, with the largest
// envelope and the signature, stays within MaxRecordSize. It returns a
// *FieldError naming the first broken rule (field paths start with "body"),
// or nil. User interfaces use it to validate a form as it is typed.
func CheckDraft(body Body) error {
	if body == nil {
		return invalid("body", "rule.missing")
	}
	if err := body.validate(Version); err != nil {
		return err
	}
	r := &Record{V: Version, Author: PublicKey{1}, Seq: 1<<63 - 1, Prev: ComputeCID(nil),
		Time: 1<<63 - 1, Body: body, Sig: make([]byte, 64)}
	b, err := r.Encode()
	if err != nil {
		return invalid("body", "rule.encode", "error", err)
	}
	if len(b) > MaxRecordSize {
		return invalid("body", "rule.record_large", "n", len(b), "max", MaxRecordSize)
	}
	return nil
}
