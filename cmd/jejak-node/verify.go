package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	qrcode "github.com/skip2/go-qrcode"

	"github.com/jejak/jejak/i18n"
	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/printout"
	"github.com/jejak/jejak/protocol/provenance"
)

// commandHelp is extra help for some commands, shown after the synopsis.
var commandHelp = map[string]string{
	"record": `TYPE is one of org, device, endorse, revoke, place, origin, process,
transfer, receive, correct. Every type can be read from a JSON file of the
body (--file); place, origin, process, transfer, receive, endorse, correct
and revoke can also be given with flags, for example:

  jejak-node record place --name "Blok A" --kind plot --country MY --point 1.70,103.90 --area 20000
  jejak-node record origin --place CID --product FFB --qty "100 TNE" --lot H-1 --from 2026-01-01 --until 2026-01-02
  jejak-node record process --in "BATCH=100 TNE" --out "CPO=21 TNE@CPO-7" --out "PK=5 TNE"
  jejak-node record transfer --batch BATCH --qty "21 TNE" --to KEY --doc invoice=INV-42
  jejak-node record receive --transfer CID
  jejak-node record endorse --org KEY --role mill

org, device, endorse and revoke records are signed by the organisation key,
so they ask for the organisation passphrase (JEJAK_ORG_PASSPHRASE, or typed
at the terminal); the others are signed by the device key without asking.
`,
	"init": `Makes the organisation key and this computer's device key, and asks for
the organisation passphrase, which keeps the organisation key encrypted in
the data folder (JEJAK_ORG_PASSPHRASE, or typed twice at the terminal).
With --backup, the key backup gets a passphrase of its own
(JEJAK_PASSPHRASE): the two must differ, since the backup is what recovers
a forgotten organisation passphrase.
`,
	"keys": `  export FILE        write a key backup (asks the backup's passphrase, and the
                     organisation passphrase to unlock the organisation key)
  import FILE        take a backup's keys (with --new-device: a new device key
                     for this computer); a backup with the organisation key asks
                     for this install's organisation passphrase
  rotate             replace this computer's device key (organisation passphrase)
  revoke DEVICE-KEY  withdraw a device key of this organisation, such as a
                     stolen laptop's, from --from (default now) with --reason:
                     what it signs after that fails verification on every node.
                     Run it on any install that holds the organisation key.
  passphrase         change the organisation passphrase (the current one, then
                     the new one), or protect an unprotected organisation key
  reset-passphrase   a forgotten organisation passphrase: read the organisation
                     key from --backup FILE (the backup's passphrase) and set a
                     new organisation passphrase

Passphrases come from the terminal (no echo) or, for scripts, from
JEJAK_PASSPHRASE (the key backup's), JEJAK_ORG_PASSPHRASE (the
organisation passphrase) and JEJAK_NEW_ORG_PASSPHRASE (a new one).

Without the organisation passphrase and without the key backup, this
install cannot sign as the organisation: no new devices, no revocations,
no endorsements. Records already signed stay valid, and the device key
keeps signing daily records.
`,
	"verify": `Exits 0 when the batch is trusted, 1 when it is failed or unendorsed
(authentic records, but a signer nobody this install trusts vouches for).
With --pdf FILE the report is also written as an A4 PDF to print, in the
language of JEJAK_LANG or the locale (en, ms, id).
`,
	"label": `-o writes one batch's QR code as a PNG. --pdf writes the labels of every
BATCH as a PDF at actual size: one a page on a label roll (label-50x30,
label-100x50) or many on a sheet of A4 or US Letter labels (a4-3x8,
a4-2x7, letter-2x7, letter-2x5). --zpl writes them as ZPL II for a thermal
label printer (Zebra, or TSC in ZPL mode) of --dpi dots per inch, sized
to the roll of --sheet; send it with "lp -d PRINTER -o raw FILE". The
words on a label follow JEJAK_LANG or the locale (en, ms, id).
`,
	"export": exportHelp(),
	"bench":  benchHelp(),
	"import": importHelp(),
	"check": `Exits 0 when the indexes match a rebuild, 1 when they differ (then run
"jejak-node reindex").
`,
	"serve": `Prints "peer ID" and one "listening ADDR" line per address, serves the
local API socket in the data folder, and runs until SIGINT or SIGTERM.
Environment: JEJAK_LISTEN, JEJAK_BOOTSTRAP, JEJAK_RELAYS, JEJAK_METRICS,
JEJAK_SYNC_INTERVAL.
`,
}

// parseBatchArg reads the BATCH argument: a batch ID in any case, or a
// label's URL.
func parseBatchArg(s string) (protocol.BatchID, error) {
	id, err := protocol.ParseLabel(s)
	if err != nil {
		return id, usageErrorf("BATCH: %v", err)
	}
	return id, nil
}

func (c *cli) report(args []string, name string) (*provenance.Report, error) {
	fs := c.flags(name)
	forward := fs.Bool("forward", false, "also trace forward to every product made from the batch")
	asOf := fs.String("as-of", "", "show the batch as it stood on `DATE` (2026-01-31: the end of that day, UTC; or an RFC 3339 time), e.g. when its due diligence statement was filed")
	if name == "verify" {
		fs.StringVar(&c.reportPDF, "pdf", "", "also write the report as a PDF to `FILE` (A4, to print), whatever the verdict")
		fs.String("capsule", "", "verify from the capsule `FILE` alone (jejak-node export capsule): no store, no network; BATCH is then optional")
		fs.Var(&stringList{}, "anchor", "with --capsule, also trust `KEY` (repeatable), besides the anchors saved in the data folder")
	}
	if err := c.parse(fs, args, 1, 1); err != nil {
		return nil, err
	}
	id, err := parseBatchArg(fs.Arg(0))
	if err != nil {
		return nil, err
	}
	req := api.VerifyRequest{Batch: id, Forward: *forward}
	if *asOf != "" {
		if req.AsOf, err = parseAsOf(*asOf); err != nil {
			return nil, usageErrorf("--as-of: %v", err)
		}
	}
	var rep *provenance.Report
	err = c.withService(func(ctx context.Context, svc api.Service) error {
		var err error
		rep, err = svc.Verify(ctx, req)
		return err
	})
	var ae *api.Error
	if errors.Is(err, api.ErrNotFound) && errors.As(err, &ae) && ae.Err != nil {
		return nil, &incomplete{msg: ae.Err.Error()}
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}

// parseAsOf reads a moment to verify as of: a date means the end of that
// day (UTC), so everything recorded that day counts.
func parseAsOf(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q: want a date like 2026-01-31 or an RFC 3339 time", s)
	}
	return d.Add(24*time.Hour - time.Millisecond), nil
}

func cmdVerify(c *cli, args []string) error {
	var rep *provenance.Report
	var err error
	if capsuleArg(args) {
		rep, err = c.capsuleReport(args)
	} else {
		rep, err = c.report(args, "verify")
	}
	if err != nil {
		return err
	}
	l, err := c.language()
	if err != nil {
		return err
	}
	if c.g.json {
		if err := c.printJSON(rep); err != nil {
			return err
		}
	} else {
		fmt.Fprint(c.stdout, rep.TextIn(l))
	}
	if c.reportPDF != "" {
		data, err := printout.ReportPDF(rep, i18n.FromEnv(c.getenv))
		if err == nil {
			err = atomicfile.Write(c.reportPDF, data, 0o644)
		}
		if err != nil {
			return fmt.Errorf("verify --pdf: %w", err)
		}
		fmt.Fprintf(c.stderr, "report written to %s\n", c.reportPDF)
	}
	switch rep.Verdict {
	case provenance.Trusted:
		return nil
	case provenance.Unendorsed:
		return &verifyFailed{msg: i18n.T(l, "cli.verify.unendorsed", "batch", rep.Batch)}
	case provenance.Incomplete:
		return &incomplete{msg: i18n.T(l, "cli.verify.incomplete", "batch", rep.Batch, "n", len(rep.Missing))}
	}
	var reasons []string
	for _, ch := range rep.Checks {
		if ch.Status == provenance.Fail {
			reasons = append(reasons, ch.Name)
		}
	}
	return &verifyFailed{msg: i18n.T(l, "cli.verify.failed", "batch", rep.Batch, "checks", strings.Join(reasons, ", "))}
}

func cmdTrace(c *cli, args []string) error {
	rep, err := c.report(args, "trace")
	if err != nil {
		return err
	}
	if c.g.json {
		return c.printJSON(rep.Graph)
	}
	w := c.stdout
	fmt.Fprintf(w, "Provenance of %s (%s)\n\nNodes\n-----\n", rep.Batch, rep.Verdict)
	for _, n := range rep.Graph.Nodes {
		var desc []string
		if n.Product != "" {
			desc = append(desc, n.Product)
		}
		if n.Qty != nil {
			desc = append(desc, n.Qty.Text())
		}
		if n.Lot != "" {
			desc = append(desc, "lot "+n.Lot)
		}
		if n.Org != "" {
			desc = append(desc, "by "+n.Org)
		}
		if n.ToOrg != "" {
			desc = append(desc, "to "+n.ToOrg)
		}
		if n.Missing {
			desc = append(desc, "MISSING")
		}
		if n.Failing {
			desc = append(desc, "FAILING")
		}
		fmt.Fprintf(w, "%-9s %-10s %s  %s\n", n.Kind, n.Role, n.ID, strings.Join(desc, ", "))
	}
	fmt.Fprintf(w, "\nEdges\n-----\n")
	for _, e := range rep.Graph.Edges {
		fmt.Fprintf(w, "%s -%s-> %s\n", e.From, e.Kind, e.To)
	}
	return nil
}

func cmdLabel(c *cli, args []string) error {
	fs := c.flags("label")
	out := fs.String("o", "", "write one batch's QR code as a PNG to `FILE`")
	pdfOut := fs.String("pdf", "", "write the labels of every BATCH as a PDF to `FILE`, to print at 100 % (actual size)")
	zplOut := fs.String("zpl", "", "write the labels of every BATCH as ZPL II to `FILE`, for a thermal printer (lp -o raw FILE)")
	sheetName := fs.String("sheet", printout.Roll50x30.Name, "the `SHEET` --pdf lays labels on: "+printout.SheetNames()+"; --zpl takes a roll's label size")
	dpi := fs.Int("dpi", 203, "with --zpl, the printer's `dots` per inch (203, 300 or 600)")
	size := fs.Int("size", 512, "with -o, the image size in `pixels`")
	if err := c.parse(fs, args, 1, -1); err != nil {
		return err
	}
	if *out == "" && *pdfOut == "" && *zplOut == "" {
		return usageErrorf("missing -o FILE (a PNG), --pdf FILE or --zpl FILE")
	}
	var ids []protocol.BatchID
	for _, a := range fs.Args() {
		id, err := parseBatchArg(a)
		if err != nil {
			return err
		}
		ids = append(ids, id)
	}
	if *out != "" && len(ids) > 1 {
		return usageErrorf("-o writes one batch's PNG; for %d batches use --pdf FILE (a sheet of labels) or --zpl FILE", len(ids))
	}
	if *size < 64 || *size > 8192 {
		return usageErrorf("-size %d: want 64 to 8192", *size)
	}
	sheet, ok := printout.SheetByName(*sheetName)
	if !ok {
		return usageErrorf("--sheet %q: want one of %s", *sheetName, printout.SheetNames())
	}
	if *zplOut != "" && sheet.PerPage() != 1 {
		return usageErrorf("--zpl prints on a roll of labels: --sheet %s, not %s", strings.Join(rollNames(), " or "), sheet.Name)
	}
	if *dpi < 100 || *dpi > 600 {
		return usageErrorf("--dpi %d: want 203, 300 or 600", *dpi)
	}
	var labels []printout.Label
	err := c.withService(func(ctx context.Context, svc api.Service) error {
		ident, err := svc.Identity(ctx)
		if err != nil {
			return err
		}
		for _, id := range ids {
			l, err := batchLabel(ctx, svc, ident, id)
			if err != nil {
				return err
			}
			l.Lang = i18n.FromEnv(c.getenv)
			labels = append(labels, l)
		}
		return nil
	})
	if err != nil {
		return err
	}
	var written []string
	if *out != "" {
		png, err := qrcode.Encode(labels[0].Payload, qrcode.Medium, *size)
		if err != nil {
			return fmt.Errorf("label: %w", err)
		}
		if err := atomicfile.Write(*out, png, 0o644); err != nil {
			return fmt.Errorf("label: %w", err)
		}
		written = append(written, *out)
	}
	if *pdfOut != "" {
		data, err := printout.LabelsPDF(labels, sheet)
		if err != nil {
			return fmt.Errorf("label: %w", err)
		}
		if err := atomicfile.Write(*pdfOut, data, 0o644); err != nil {
			return fmt.Errorf("label: %w", err)
		}
		written = append(written, *pdfOut)
	}
	if *zplOut != "" {
		z, err := printout.LabelsZPL(labels, *dpi, sheet.LabelW, sheet.LabelH)
		if err != nil {
			return fmt.Errorf("label: %w", err)
		}
		if err := atomicfile.Write(*zplOut, []byte(z), 0o644); err != nil {
			return fmt.Errorf("label: %w", err)
		}
		written = append(written, *zplOut)
	}
	if c.g.json {
		var batches, texts []string
		for _, l := range labels {
			batches = append(batches, l.ID.String())
			texts = append(texts, l.Payload)
		}
		return c.printJSON(map[string]any{"batch": batches[0], "batches": batches, "file": written[0], "files": written,
			"text": texts[0], "texts": texts, "sheet": sheet.Name})
	}
	if len(labels) == 1 {
		fmt.Fprintf(c.stdout, "label for %s written to %s (its QR code reads %s)\n", labels[0].ID, strings.Join(written, " and "), labels[0].Payload)
	} else {
		fmt.Fprintf(c.stdout, "%d labels written to %s (%s)\n", len(labels), strings.Join(written, " and "), sheet.Title)
	}
	return nil
}

// rollNames names the sheets of one label a page.
func rollNames() []string {
	var names []string
	for _, s := range printout.Sheets() {
		if s.PerPage() == 1 {
			names = append(names, s.Name)
		}
	}
	return names
}

// batchLabel is what the label of batch id shows: the batch as this
// organisation holds it, or, for a batch it does not hold, what the record
// that made it says.
func batchLabel(ctx context.Context, svc api.Service, ident api.Identity, id protocol.BatchID) (printout.Label, error) {
	l := printout.Label{ID: id}
	if b, err := svc.Batch(ctx, id); err == nil {
		l.Product, l.Qty, l.Lot, l.Org, l.Date = b.Product, b.Qty.String(), b.Lot, b.MakerName, b.Made
	} else {
		rec, err := svc.Get(ctx, id.Record)
		if err != nil {
			return l, err
		}
		if out, ok := protocol.OutputOf(rec.Body, id); ok {
			l.Product, l.Qty, l.Lot = out.Product, out.Qty.String(), out.Lot
		}
	}
	l.Payload = protocol.LabelPayload(ident.LabelResolver, ident.GTINs[l.Product], l.Lot, id)
	return l, nil
}

// count says how many: "1 record", "3 records".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
