package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/jejak/jejak/internal/jsonerr"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/node/localapi"
	"github.com/jejak/jejak/protocol"
)

// recordFlags holds every flag of "record"; which ones a type reads is in
// buildDraft.
type recordFlags struct {
	file                                        string
	name, kind, country, point, polygon         string
	area                                        int64
	places, ins, outs, docs, ids                multi
	assessment, assessMethod, assessDate        string
	legality, legalMethod, legalDate, dds       string
	product, qty, lot, from, until, claim       string
	place, batch, to, transfer, org, role       string
	scheme, model, number, certFrom, certUntil  string
	record, reason, by, key, successor, revFrom string
	draftID                                     string
	unbacked                                    bool
	supplier                                    protocol.SupplierDraft
}

func cmdRecord(c *cli, args []string) error {
	fs := c.flags("record")
	var f recordFlags
	fs.StringVar(&f.file, "file", "", "read the body from a JSON `file` (\"-\" for standard input); its fields are the body's JSON names")
	fs.StringVar(&f.name, "name", "", "place: its `name`")
	fs.StringVar(&f.kind, "kind", "", "place: its `kind` ("+strings.Join(protocol.PlaceKinds(), ", ")+")")
	fs.StringVar(&f.country, "country", "", "place: its country `code`")
	fs.StringVar(&f.point, "point", "", "place: its position as `LAT,LON` in degrees")
	fs.StringVar(&f.polygon, "polygon", "", "place: its boundary as `\"LAT,LON LAT,LON …\"` (closed automatically)")
	fs.Int64Var(&f.area, "area", 0, "place: its area in `m2` (default: computed from --polygon)")
	fs.Var(&f.ids, "id", "place: its identifier in a registry, `SCHEME=ID`: rmi=CID001070 (RMI smelter ID), uml=PO1000001234 (Universal Mill List), gln=… (repeatable)")
	fs.StringVar(&f.assessment, "assessment", "", "place: the `REF` of an assessment that its land was not deforested after 2020-12-31 (EUDR)")
	fs.StringVar(&f.assessMethod, "assessment-method", "", "place: how it was assessed, e.g. \"satellite imagery (Global Forest Watch)\" or \"field survey\"")
	fs.StringVar(&f.assessDate, "assessment-date", "", "place: when it was assessed, `DATE`")
	fs.StringVar(&f.legality, "legality", "", "place: the `REF` of the evidence that its land is used legally (a land title, a concession or permit number)")
	fs.StringVar(&f.legalMethod, "legality-method", "land title", "place: what that evidence is")
	fs.StringVar(&f.legalDate, "legality-date", "", "place: the `DATE` of that evidence")
	fs.Var(&f.places, "place", "origin: a place record `CID` (repeatable); process: where it ran")
	fs.StringVar(&f.product, "product", "", "origin: the `product`, e.g. FFB")
	fs.StringVar(&f.qty, "qty", "", "origin, transfer, receive: the `quantity`, e.g. \"100 TNE\" (receive: default all that was sent)")
	fs.StringVar(&f.lot, "lot", "", "origin: your lot `code`")
	fs.StringVar(&f.claim, "claim", "", "origin: a certification claim `SCHEME/MODEL`, e.g. RSPO/SG")
	fs.StringVar(&f.supplier.Name, "supplier-name", "", "origin: bought from a supplier who runs no Jejak: the supplier's `name` (kept on this computer; the record holds a salted commitment)")
	fs.StringVar(&f.supplier.ID, "supplier-id", "", "origin: the supplier's licence or certificate `ID`, e.g. an MPOB licence number (kept on this computer, like the name)")
	fs.StringVar(&f.supplier.Scheme, "supplier-scheme", "", "origin: the scheme of --supplier-id: "+strings.Join(protocol.SupplierSchemes(), ", "))
	fs.StringVar(&f.supplier.Kind, "supplier-kind", protocol.SupplierSmallholder, "origin: the supplier is a "+strings.Join(protocol.SupplierKinds(), " or a "))
	fs.StringVar(&f.from, "from", "", "origin: start of the period, `DATE` (2006-01-02 or RFC 3339); revoke: from when")
	fs.StringVar(&f.until, "until", "", "origin: end of the period, `DATE`")
	fs.Var(&f.ins, "in", "process: an input `\"BATCH=QTY\"` (repeatable)")
	fs.Var(&f.outs, "out", "process: an output `\"PRODUCT=QTY[@LOT]\"` (repeatable)")
	fs.StringVar(&f.batch, "batch", "", "transfer: the `BATCH` sent")
	fs.StringVar(&f.to, "to", "", "transfer: the receiving organisation's `KEY`")
	fs.Var(&f.docs, "doc", "transfer: a document `KIND=REF`, e.g. invoice=INV-42 (repeatable)")
	fs.StringVar(&f.dds, "dds", "", "transfer: the EUDR due diligence statement filed for the goods, `REF[/VERIFICATION]`, e.g. 24ITYGBJFOS258/K7R8LA90")
	fs.StringVar(&f.transfer, "transfer", "", "receive: the transfer record's `CID`")
	fs.StringVar(&f.org, "org", "", "endorse: the organisation's `KEY`")
	fs.StringVar(&f.role, "role", "", "endorse: the `role` vouched for")
	fs.StringVar(&f.scheme, "scheme", "", "endorse: certificate `scheme`, e.g. RSPO")
	fs.StringVar(&f.model, "model", "", "endorse: certificate supply-chain `model` (IP, SG, MB)")
	fs.StringVar(&f.number, "number", "", "endorse: certificate `number`")
	fs.StringVar(&f.certFrom, "valid-from", "", "endorse: certificate valid from `DATE`")
	fs.StringVar(&f.certUntil, "valid-until", "", "endorse: certificate valid until `DATE`")
	fs.StringVar(&f.record, "record", "", "correct, revoke: the record's `CID`")
	fs.StringVar(&f.reason, "reason", "", "correct, revoke: the `reason`")
	fs.StringVar(&f.by, "by", "", "correct: the replacing record's `CID`")
	fs.StringVar(&f.key, "key", "", "revoke: the `KEY` revoked")
	fs.StringVar(&f.successor, "successor", "", "revoke: the revoked key's successor `KEY`")
	fs.StringVar(&f.draftID, "draft-id", "", "name this draft `ID`, so that repeating the command records it once (default: a new ID, printed when the outcome is uncertain)")
	fs.BoolVar(&f.unbacked, "unbacked", false, "record it even though the records here say verification will fail it (fruit held whose transfer has not arrived yet); says what verification will say")
	if err := c.parse(fs, args, 1, 1); err != nil {
		return err
	}
	t := protocol.Type(fs.Arg(0))
	if localapi.NewBody(t) == nil {
		return usageErrorf("unknown record type %q (want one of %s)", t, typeNames())
	}
	var body protocol.Body
	var err error
	if f.file != "" {
		// The supplier's clear fields are not part of the body: they go
		// beside it, with the file's body or the flags'.
		set := slices.DeleteFunc(flagsSet(fs, "file"), func(n string) bool { return strings.HasPrefix(n, "supplier-") })
		if len(set) > 0 {
			return usageErrorf("--file and --%s: give the body one way", set[0])
		}
		body, err = c.readDraft(t, f.file)
	} else {
		body, err = buildDraft(t, &f)
	}
	if err != nil {
		return err
	}
	supplier, err := supplierDraft(fs, t, &f)
	if err != nil {
		return err
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		if rb, ok := body.(*protocol.Receive); ok && rb.Qty == (protocol.Quantity{}) {
			tr, err := svc.Get(ctx, rb.Transfer)
			if err != nil {
				return err
			}
			sent, ok := tr.Body.(*protocol.Transfer)
			if !ok {
				return inputErrorf("--transfer %s is a %s record, not a transfer", rb.Transfer, tr.Type())
			}
			rb.Qty = sent.Qty
		}
		// A clock that is plainly wrong dates the record wrongly: say so
		// before it is signed.
		if st, err := svc.Status(ctx); err == nil && st.ClockWarning != "" {
			fmt.Fprintf(c.stderr, "jejak-node record: warning: %s\n", st.ClockWarning)
		}
		d := api.Draft{Body: body, ID: f.draftID, Supplier: supplier}
		if d.ID == "" {
			d.ID = api.NewDraftID()
		}
		var rec protocol.Signed
		publish := func() error {
			return c.withOrgPassphrase(false, "Organisation passphrase", func(org string) error {
				var err error
				d.OrgPassphrase = org
				rec, err = svc.Publish(ctx, d)
				return err
			})
		}
		err := publish()
		var ue *api.UnbackedError
		if errors.Is(err, api.ErrUnbacked) && errors.As(err, &ue) {
			if !f.unbacked {
				return inputErrorf("%s. Nothing was recorded. If you hold it anyway (its records have not reached this computer yet), repeat with --unbacked", ue)
			}
			fmt.Fprintf(c.stderr, "jejak-node record: recording it anyway; until the records that back it arrive, verification will say: %s\n", ue)
			d.Unbacked = true
			err = publish()
		}
		if errors.Is(err, localapi.ErrNoAnswer) {
			return fmt.Errorf("%w. The %s may have been recorded: repeat with --draft-id %s; it will not record twice", err, t, d.ID)
		}
		if err != nil {
			return err
		}
		return c.printRecord(rec)
	})
}

// supplierDraft returns the supplier the --supplier-* flags name, nil
// when none is set.
func supplierDraft(fs *flag.FlagSet, t protocol.Type, f *recordFlags) (*protocol.SupplierDraft, error) {
	set := false
	fs.Visit(func(fl *flag.Flag) { set = set || strings.HasPrefix(fl.Name, "supplier-") })
	if !set {
		return nil, nil
	}
	if t != protocol.TypeOrigin {
		return nil, usageErrorf("record %s: --supplier-* name the supplier of an origin, not of a %s", t, t)
	}
	if err := f.supplier.Check(); err != nil {
		var fe *protocol.FieldError
		if errors.As(err, &fe) {
			flagName := "--" + strings.ReplaceAll(fe.Field, ".", "-")
			if f.supplier.Scheme == "" && fe.Field == "supplier.scheme" || f.supplier.Name == "" && fe.Field == "supplier.name" || f.supplier.ID == "" && fe.Field == "supplier.id" {
				return nil, usageErrorf("record origin: missing %s", flagName)
			}
			return nil, usageErrorf("record origin: %s: %s", flagName, fe.Rule)
		}
		return nil, usageErrorf("record origin: %v", err)
	}
	return &f.supplier, nil
}

// printRecord tells what was recorded, with the batches it made.
func (c *cli) printRecord(rec protocol.Signed) error {
	outs := protocol.Outputs(rec.Body)
	type batchOut struct {
		ID      protocol.BatchID  `json:"id"`
		Product string            `json:"product"`
		Qty     protocol.Quantity `json:"qty"`
		Lot     string            `json:"lot,omitempty"`
	}
	var batches []batchOut
	for i, o := range outs {
		batches = append(batches, batchOut{protocol.BatchID{Record: rec.CID, Index: uint32(i)}, o.Product, o.Qty, o.Lot})
	}
	if c.g.json {
		return c.printJSON(struct {
			CID     protocol.CID       `json:"cid"`
			Type    protocol.Type      `json:"type"`
			Author  protocol.PublicKey `json:"author"`
			Seq     uint64             `json:"seq"`
			Batches []batchOut         `json:"batches,omitempty"`
		}{rec.CID, rec.Type(), rec.Author, rec.Seq, batches})
	}
	fmt.Fprintf(c.stdout, "recorded %s %s\n", rec.Type(), rec.CID)
	if o, ok := rec.Body.(*protocol.Origin); ok && o.Supplier != nil {
		fmt.Fprintf(c.stdout, "on behalf of a %s who runs no Jejak: the name and %s ID are kept in this install's data folder, not in the record\n", o.Supplier.Kind, o.Supplier.Scheme)
	}
	for _, b := range batches {
		lot := ""
		if b.Lot != "" {
			lot = ", lot " + b.Lot
		}
		fmt.Fprintf(c.stdout, "batch %s  %s %s%s\n", b.ID, b.Product, b.Qty.Text(), lot)
	}
	return nil
}

// readDraft reads a body of type t from a JSON file.
func (c *cli) readDraft(t protocol.Type, path string) (protocol.Body, error) {
	var data []byte
	var err error
	if path == "-" {
		data, err = io.ReadAll(c.stdin)
	} else {
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, inputErrorf("draft: %v", err)
	}
	body := localapi.NewBody(t)
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(body); err != nil {
		if strings.HasPrefix(err.Error(), "json: unknown field") {
			return nil, inputErrorf("draft %s: %s body: %v", path, t, strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil, inputErrorf("draft %s: %s", path, jsonerr.Describe(data, err))
	}
	if dec.More() {
		return nil, inputErrorf("draft %s: more than one JSON value", path)
	}
	return body, nil
}

// buildDraft makes a body of type t from flags.
func buildDraft(t protocol.Type, f *recordFlags) (protocol.Body, error) {
	var err error
	must := func(name, v string) {
		if err == nil && v == "" {
			err = usageErrorf("record %s: missing --%s", t, name)
		}
	}
	check := func(name string, e error) {
		if err == nil && e != nil {
			err = usageErrorf("record %s: --%s: %v", t, name, e)
			if errors.Is(e, protocol.ErrAmbiguousAmount) {
				// A question to answer, not a wrong argument: one line.
				err = inputErrorf("record %s: --%s: %w", t, name, e)
			}
		}
	}
	switch t {
	case protocol.TypePlace:
		must("name", f.name)
		must("kind", f.kind)
		must("country", f.country)
		p := &protocol.Place{Name: f.name, Kind: f.kind, Country: strings.ToUpper(f.country), Area: f.area}
		switch {
		case f.point != "" && f.polygon != "":
			check("polygon", errors.New("give --point or --polygon, not both"))
		case f.point != "":
			pos, e := parsePos(f.point)
			check("point", e)
			p.Geo = protocol.PointGeometry(pos)
		case f.polygon != "":
			var ring []protocol.Position
			for _, s := range strings.Fields(f.polygon) {
				pos, e := parsePos(s)
				check("polygon", e)
				ring = append(ring, pos)
			}
			if len(ring) > 0 && ring[0] != ring[len(ring)-1] {
				ring = append(ring, ring[0])
			}
			p.Geo = protocol.PolygonGeometry(ring)
			if p.Area == 0 {
				p.Area = int64(p.Geo.Area())
			}
		default:
			must("point", "")
		}
		for _, id := range f.ids {
			scheme, v, ok := strings.Cut(id, "=")
			if !ok {
				check("id", fmt.Errorf("%q: want SCHEME=ID, e.g. rmi=CID001070", id))
			}
			p.IDs = append(p.IDs, protocol.PlaceID{Scheme: strings.ToLower(strings.TrimSpace(scheme)), ID: strings.TrimSpace(v)})
		}
		if f.assessment != "" {
			must("assessment-method", f.assessMethod)
			must("assessment-date", f.assessDate)
			p.Evidence = append(p.Evidence, protocol.Evidence{Kind: protocol.EvidenceDeforestationFree, Ref: f.assessment,
				Method: f.assessMethod, Date: parseDate("assessment-date", f.assessDate, check)})
		} else if f.assessMethod != "" || f.assessDate != "" {
			must("assessment", "")
		}
		if f.legality != "" {
			must("legality-date", f.legalDate)
			p.Evidence = append(p.Evidence, protocol.Evidence{Kind: protocol.EvidenceLegality, Ref: f.legality,
				Method: f.legalMethod, Date: parseDate("legality-date", f.legalDate, check)})
		} else if f.legalDate != "" {
			must("legality", "")
		}
		return p, err
	case protocol.TypeOrigin:
		if len(f.places) == 0 {
			must("place", "")
		}
		must("product", f.product)
		must("qty", f.qty)
		must("from", f.from)
		must("until", f.until)
		o := &protocol.Origin{}
		for _, s := range f.places {
			id, e := protocol.ParseCID(s)
			check("place", e)
			o.Places = append(o.Places, id)
		}
		out := protocol.Output{Product: f.product, Lot: f.lot}
		out.Qty, _ = parseQty("qty", f.qty, check)
		if f.claim != "" {
			scheme, model, ok := strings.Cut(f.claim, "/")
			if !ok {
				check("claim", errors.New("want SCHEME/MODEL, e.g. RSPO/SG"))
			}
			out.Claim = &protocol.Claim{Scheme: scheme, Model: model}
		}
		o.Out = []protocol.Output{out}
		o.From = parseDate("from", f.from, check)
		o.Until = parseDate("until", f.until, check)
		return o, err
	case protocol.TypeProcess:
		if len(f.ins) == 0 {
			must("in", "")
		}
		if len(f.outs) == 0 {
			must("out", "")
		}
		p := &protocol.Process{}
		for _, s := range f.ins {
			b, q, ok := strings.Cut(s, "=")
			if !ok {
				check("in", fmt.Errorf("%q: want BATCH=QTY", s))
				continue
			}
			id, e := protocol.ParseBatchID(b)
			check("in", e)
			qty, _ := parseQty("in", q, check)
			p.In = append(p.In, protocol.Input{Batch: id, Qty: qty})
		}
		for _, s := range f.outs {
			prod, rest, ok := strings.Cut(s, "=")
			if !ok {
				check("out", fmt.Errorf("%q: want PRODUCT=QTY[@LOT]", s))
				continue
			}
			q, lot, _ := strings.Cut(rest, "@")
			qty, _ := parseQty("out", q, check)
			p.Out = append(p.Out, protocol.Output{Product: prod, Qty: qty, Lot: lot})
		}
		if len(f.places) > 1 {
			check("place", errors.New("a process runs at one place"))
		} else if len(f.places) == 1 {
			id, e := protocol.ParseCID(f.places[0])
			check("place", e)
			p.Place = &id
		}
		return p, err
	case protocol.TypeTransfer:
		must("batch", f.batch)
		must("qty", f.qty)
		must("to", f.to)
		tr := &protocol.Transfer{}
		if err == nil {
			var e error
			tr.Batch, e = protocol.ParseBatchID(f.batch)
			check("batch", e)
			tr.Qty, _ = parseQty("qty", f.qty, check)
			tr.To, e = protocol.ParsePublicKey(f.to)
			check("to", e)
		}
		for _, d := range f.docs {
			kind, ref, _ := strings.Cut(d, "=")
			tr.Docs = append(tr.Docs, protocol.Document{Kind: kind, Ref: ref})
		}
		if f.dds != "" {
			tr.Docs = append(tr.Docs, protocol.ParseDDS(f.dds))
		}
		return tr, err
	case protocol.TypeReceive:
		must("transfer", f.transfer)
		r := &protocol.Receive{}
		if err == nil {
			var e error
			r.Transfer, e = protocol.ParseCID(f.transfer)
			check("transfer", e)
			if f.qty != "" {
				r.Qty, _ = parseQty("qty", f.qty, check)
			}
		}
		return r, err
	case protocol.TypeEndorse:
		must("org", f.org)
		must("role", f.role)
		e := &protocol.Endorse{}
		if err == nil {
			var e1, e2 error
			e.Org, e1 = protocol.ParsePublicKey(f.org)
			check("org", e1)
			e.Role, e2 = parseRole(f.role)
			check("role", e2)
		}
		if f.scheme != "" {
			must("number", f.number)
			must("valid-from", f.certFrom)
			must("valid-until", f.certUntil)
			e.Cert = &protocol.Certificate{Scheme: f.scheme, Model: f.model, Number: f.number,
				From: parseDate("valid-from", f.certFrom, check), Until: parseDate("valid-until", f.certUntil, check)}
		}
		return e, err
	case protocol.TypeCorrect:
		must("record", f.record)
		must("reason", f.reason)
		co := &protocol.Correct{Reason: f.reason}
		if err == nil {
			var e error
			co.Record, e = protocol.ParseCID(f.record)
			check("record", e)
			if f.by != "" {
				by, e := protocol.ParseCID(f.by)
				check("by", e)
				co.By = &by
			}
		}
		return co, err
	case protocol.TypeRevoke:
		must("reason", f.reason)
		if (f.key == "") == (f.record == "") {
			check("key", errors.New("give exactly one of --key and --record"))
		}
		rv := &protocol.Revoke{Reason: f.reason, From: time.Now().UnixMilli()}
		if f.from != "" {
			rv.From = parseDate("from", f.from, check)
		}
		if f.key != "" {
			k, e := protocol.ParsePublicKey(f.key)
			check("key", e)
			rv.Key = &k
		}
		if f.record != "" {
			id, e := protocol.ParseCID(f.record)
			check("record", e)
			rv.Record = &id
		}
		if f.successor != "" {
			k, e := protocol.ParsePublicKey(f.successor)
			check("successor", e)
			rv.Successor = &k
		}
		return rv, err
	}
	return nil, usageErrorf("record %s: give the body with --file", t)
}

func parseQty(name, s string, check func(string, error)) (protocol.Quantity, bool) {
	q, err := protocol.ParseQuantity(strings.TrimSpace(s))
	check(name, err)
	return q, err == nil
}

// parseDate reads a date (2006-01-02, in UTC) or an RFC 3339 time and
// returns it in Unix milliseconds.
func parseDate(name, s string, check func(string, error)) int64 {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UnixMilli()
	}
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		check(name, fmt.Errorf("%q: want a date like 2026-01-31 or an RFC 3339 time", s))
		return 0
	}
	return t.UnixMilli()
}

// parsePos reads "LAT,LON" in degrees.
func parsePos(s string) (protocol.Position, error) {
	la, lo, ok := strings.Cut(s, ",")
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(la), 64)
	lon, err2 := strconv.ParseFloat(strings.TrimSpace(lo), 64)
	if !ok || err1 != nil || err2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
		return protocol.Position{}, fmt.Errorf("%q: want LAT,LON in degrees", s)
	}
	return protocol.Pos(lon, lat), nil
}

// flagsSet returns the names of the flags set on fs, other than the global
// ones and except.
func flagsSet(fs *flag.FlagSet, except string) []string {
	var names []string
	fs.Visit(func(f *flag.Flag) {
		switch f.Name {
		case except, "data", "network", "config", "json":
			return
		}
		names = append(names, f.Name)
	})
	return names
}

func typeNames() string {
	var names []string
	for _, t := range protocol.Types() {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}
