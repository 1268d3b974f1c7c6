package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/jejak/jejak/internal/atomicfile"
	"github.com/jejak/jejak/node/api"
	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/interop/export"
	"github.com/jejak/jejak/protocol/interop/places"
)

func exportHelp() string {
	var b strings.Builder
	b.WriteString("FORMAT is one of:\n\n")
	for _, f := range export.Formats() {
		fmt.Fprintf(&b, "  %-9s %s: %s\n", f.Name, f.Title, f.About)
	}
	b.WriteString("\nThe files are named after the batch (its lot code and CID) in the folder\n-o names (default: the current folder); -o FILE.ext names a single file.\nFor eudr, a TRANSFER's CID in place of BATCH declares what that transfer sends.\nA format that does not apply (smelters of palm oil, plots of a circuit board)\nsays so and writes nothing.\n")
	return b.String()
}

func cmdExport(c *cli, args []string) error {
	fs := c.flags("export")
	out := fs.String("o", "", "write to `PATH`: a folder, or a file name when the export is one file (default: the current folder)")
	forward := fs.Bool("forward", false, "also trace forward to every product made from the batch")
	asOf := fs.String("as-of", "", "export the batch as it stood on `DATE` (as verify --as-of)")
	if err := c.parse(fs, args, 2, 2); err != nil {
		return err
	}
	format, err := export.Lookup(fs.Arg(0))
	if err != nil {
		return usageErrorf("FORMAT: %v", err)
	}
	// A batch, or (for the EUDR export) a transfer: everything it sends.
	var transfer *protocol.Signed
	var transferCID protocol.CID
	id, err := parseBatchArg(fs.Arg(1))
	if err != nil {
		c2, cerr := protocol.ParseCID(strings.TrimSpace(fs.Arg(1)))
		if cerr != nil || format.Name != "eudr" {
			return err
		}
		transferCID = c2
	}
	req := api.VerifyRequest{Forward: *forward}
	if *asOf != "" {
		if req.AsOf, err = parseAsOf(*asOf); err != nil {
			return usageErrorf("--as-of: %v", err)
		}
	}
	var ev *api.Evidence
	err = c.withService(func(ctx context.Context, svc api.Service) error {
		if !transferCID.IsZero() {
			rec, err := svc.Get(ctx, transferCID)
			if err != nil {
				return err
			}
			t, ok := rec.Body.(*protocol.Transfer)
			if !ok {
				return inputErrorf("%s is a %s record, not a transfer: give a BATCH or a TRANSFER", transferCID.Short(), rec.Type())
			}
			id, transfer = t.Batch, &rec
		}
		req.Batch = id
		var err error
		ev, err = svc.Evidence(ctx, req)
		return err
	})
	var ae *api.Error
	if errors.Is(err, api.ErrNotFound) && errors.As(err, &ae) && ae.Err != nil {
		return &incomplete{msg: ae.Err.Error()}
	}
	if err != nil {
		return err
	}
	files, err := format.Write(export.Input{Report: ev.Report, Records: ev.Records, Transfer: transfer, Network: ev.Network, Maker: ev.Maker})
	if err != nil {
		return inputErrorf("%v", err)
	}
	paths, err := writeFiles(*out, files)
	if err != nil {
		return err
	}
	if c.g.json {
		return c.printJSON(map[string]any{"batch": id.String(), "format": format.Name, "verdict": ev.Report.Verdict,
			"records": len(ev.Records), "files": paths})
	}
	for _, p := range paths {
		fmt.Fprintf(c.stdout, "wrote %s\n", p)
	}
	fmt.Fprintf(c.stdout, "%s of batch %s (%s, %s behind it)\n", format.Title, id, ev.Report.Verdict, count(len(ev.Records), "record", "records"))
	return nil
}

// writeFiles writes an export's files, each whole or not at all, into the
// folder out (or as the file out, when there is one file and out is not a
// folder), and returns their paths. "-" writes a single file to standard
// output.
func writeFiles(out string, files []export.File) ([]string, error) {
	dir, name := out, ""
	if strings.HasSuffix(out, string(filepath.Separator)) || strings.HasSuffix(out, "/") {
		if err := os.MkdirAll(out, 0o755); err != nil {
			return nil, inputErrorf("export: %v", err)
		}
	}
	if out == "" {
		dir = "."
	} else if fi, err := os.Stat(out); err != nil || !fi.IsDir() {
		if len(files) != 1 {
			return nil, usageErrorf("-o %s: this export is %d files; name a folder", out, len(files))
		}
		dir, name = filepath.Dir(out), filepath.Base(out)
	}
	var paths []string
	for _, f := range files {
		p := filepath.Join(dir, f.Name)
		if name != "" {
			p = filepath.Join(dir, name)
		}
		if err := atomicfile.Write(p, f.Data, 0o644); err != nil {
			return paths, fmt.Errorf("export: %w", err)
		}
		paths = append(paths, p)
	}
	return paths, nil
}

func importHelp() string {
	return `FORMAT is one of:

  car    records from a CAR file (jejak-node export car, ipfs dag export):
         each is checked as if a peer sent it; all or nothing
  epcis  an EPCIS 2.0 JSON-LD document: the Jejak records it carries are
         imported as with car; every other event becomes a draft, written as
         a JSON file to review and sign with "jejak-node record TYPE --file",
         with what did not map listed
  places    plots and other places from GeoJSON (QGIS, KoboToolbox, an EUDR
            geolocation file) or CSV (docs/templates/places.csv)
  harvests  harvests from CSV (docs/templates/harvests.csv), naming their
            places by name or CID

places and harvests are all or nothing: a file with one bad line records
nothing, and every problem is listed with its line (or feature) and column.
Importing the same file again records nothing twice. The columns, the names
recognised and examples are in docs/IMPORT.md.

`
}

func cmdImport(c *cli, args []string) error {
	fs := c.flags("import")
	drafts := fs.String("drafts", "", "epcis: write drafts to `FOLDER` (default: FILE's name with .drafts)")
	country := fs.String("country", "", "places: the country `code` of places that name none (default: this organisation's)")
	kind := fs.String("kind", "", "places: the kind of places that name none (default: plot)")
	product := fs.String("product", "", "harvests: the `product` of harvests that name none, e.g. FFB")
	unit := fs.String("unit", "", "harvests: the `unit` of quantities that give none, e.g. TNE or kg")
	var columns multi
	fs.Var(&columns, "column", "places, harvests: read the file's column `NAME=OURS`, e.g. Nama_Kebun=name (repeatable; see docs/IMPORT.md)")
	if err := c.parse(fs, args, 2, 2); err != nil {
		return err
	}
	path := fs.Arg(1)
	opt := places.Options{Country: strings.ToUpper(*country), Kind: *kind, Product: *product, Unit: *unit}
	for _, m := range columns {
		from, to, ok := strings.Cut(m, "=")
		if !ok {
			return usageErrorf("--column %q: want NAME=OURS, e.g. Nama_Kebun=name", m)
		}
		if opt.Columns == nil {
			opt.Columns = map[string]string{}
		}
		opt.Columns[strings.TrimSpace(from)] = strings.TrimSpace(to)
	}
	switch fs.Arg(0) {
	case "car":
		return c.importCAR(path)
	case "epcis":
		return c.importEPCIS(path, *drafts)
	case "places", "harvests":
		return c.importPlaces(fs.Arg(0), path, opt)
	}
	return usageErrorf("FORMAT: unknown import %q (want car, epcis, places or harvests)", fs.Arg(0))
}

// importPlaces reads a file of places (GeoJSON or CSV) or harvests (CSV)
// and records them, all or nothing.
func (c *cli) importPlaces(what, path string, opt places.Options) error {
	r, err := c.openInput(path)
	if err != nil {
		return err
	}
	data, err := io.ReadAll(io.LimitReader(r, places.MaxFileSize+1))
	r.Close()
	if err != nil {
		return inputErrorf("import %s: %v", path, err)
	}
	f, tty := c.stderr.(*os.File)
	tty = tty && isTerminal(f)
	if tty {
		opt.Progress = func(read, total int64) {
			if total > 0 {
				fmt.Fprintf(c.stderr, "\rchecking %s: %d%%", filepath.Base(path), read*100/total)
			}
		}
	}
	return c.withService(func(ctx context.Context, svc api.Service) error {
		if opt.Country == "" {
			if id, err := svc.Identity(ctx); err == nil {
				opt.Country = id.Country
			}
		}
		f, err := places.ReadFile(what, path, data, opt)
		if tty {
			fmt.Fprintln(c.stderr)
		}
		if err != nil {
			return inputErrorf("import %s %s: %v", what, path, err)
		}
		imp := api.PlaceImport{Source: f.Source, Places: f.Places, Harvests: f.Harvests}
		res, err := svc.ImportPlaces(ctx, imp, func(done, total int64) {
			if tty {
				fmt.Fprintf(c.stderr, "\rrecording: %d of %d", done, total)
			}
		})
		if tty {
			fmt.Fprintln(c.stderr)
		}
		if err != nil {
			return err
		}
		if c.g.json {
			return c.printJSON(map[string]any{"file": path, "places": res.Places, "origins": res.Origins})
		}
		switch what {
		case "places":
			fmt.Fprintf(c.stdout, "%s: recorded %s\n", path, count(len(res.Places), "place", "places"))
		default:
			fmt.Fprintf(c.stdout, "%s: recorded %s\n", path, count(len(res.Origins), "harvest", "harvests"))
			for _, o := range res.Origins {
				fmt.Fprintf(c.stdout, "  batch %s/0\n", o)
			}
		}
		return nil
	})
}

// openInput opens the file to import ("-" is standard input).
func (c *cli) openInput(path string) (io.ReadCloser, error) {
	if path == "-" {
		return io.NopCloser(c.stdin), nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, inputErrorf("import: %v", err)
	}
	return f, nil
}

func (c *cli) importCAR(path string) error {
	r, err := c.openInput(path)
	if err != nil {
		return err
	}
	defer r.Close()
	file, err := car.Read(r, car.DefaultLimits())
	if err != nil {
		return inputErrorf("import %s: %v; nothing was imported", path, err)
	}
	return c.importRecords(path, file.RecordBytes(), nil)
}

// importRecords hands records to the node and says what it did.
func (c *cli) importRecords(path string, data [][]byte, extra map[string]any) error {
	var res api.ImportResult
	err := c.withService(func(ctx context.Context, svc api.Service) error {
		var err error
		res, err = svc.ImportRecords(ctx, data)
		return err
	})
	if err != nil {
		return err
	}
	if c.g.json {
		out := map[string]any{"file": path, "result": res}
		for k, v := range extra {
			out[k] = v
		}
		return c.printJSON(out)
	}
	fmt.Fprintf(c.stdout, "%s: imported %s, %d already here", path, count(res.Added, "new record", "new records"), res.Known)
	if res.Pending > 0 {
		fmt.Fprintf(c.stdout, ", %s of a newer format kept for a later release of Jejak", count(res.Pending, "record", "records"))
	}
	if res.Forks > 0 {
		fmt.Fprintf(c.stdout, "; %s a second record at one seq of its feed: kept as evidence of a fork", count(res.Forks, "record is", "records are"))
	}
	if res.Held > 0 {
		fmt.Fprintf(c.stdout, "; %s dated ahead of this computer's clock: held, and taken when the clock reaches it (if this process still runs then; otherwise import the file again)", count(res.Held, "record is", "records are"))
	}
	fmt.Fprintln(c.stdout)
	return nil
}

func (c *cli) importEPCIS(path, draftDir string) error {
	r, err := c.openInput(path)
	if err != nil {
		return err
	}
	defer r.Close()
	res, err := epcis.Import(r, epcis.ImportOptions{})
	if err != nil {
		return inputErrorf("import %s: %v; nothing was imported", path, err)
	}
	data := res.RecordBytes()
	// Drafts that a carried, verified record already says are not for
	// signing again: the record itself is imported.
	var todo []epcis.Draft
	for _, i := range res.Unsigned() {
		todo = append(todo, res.Drafts[i])
	}
	if draftDir == "" && len(todo) > 0 {
		draftDir = strings.TrimSuffix(path, filepath.Ext(path)) + ".drafts"
	}
	var written []string
	if len(todo) > 0 {
		if err := os.MkdirAll(draftDir, 0o755); err != nil {
			return inputErrorf("import: %v", err)
		}
		for i, d := range todo {
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetIndent("", "  ")
			if err := enc.Encode(d.Body); err != nil {
				return fmt.Errorf("import: draft %d: %w", i+1, err)
			}
			p := filepath.Join(draftDir, fmt.Sprintf("%03d-%s.json", i+1, d.Body.Type()))
			if err := atomicfile.Write(p, b.Bytes(), 0o644); err != nil {
				return fmt.Errorf("import: %w", err)
			}
			written = append(written, p)
		}
	}
	if len(data) > 0 {
		if err := c.importRecords(path, data, map[string]any{"drafts": written, "unresolved": res.Unresolved,
			"unmapped": res.Unmapped, "problems": res.Problems}); err != nil {
			return err
		}
	} else if c.g.json {
		return c.printJSON(map[string]any{"file": path, "drafts": written, "unresolved": res.Unresolved,
			"unmapped": res.Unmapped, "problems": res.Problems})
	}
	if c.g.json {
		return nil
	}
	w := c.stdout
	if len(written) > 0 {
		fmt.Fprintf(w, "%s to review and sign, in %s:\n", count(len(written), "draft", "drafts"), draftDir)
		for i, p := range written {
			fmt.Fprintf(w, "  %s  (%s, from %s)\n", p, todo[i].Body.Type(), todo[i].Path)
		}
		fmt.Fprintf(w, "Sign one with: jejak-node record TYPE --file FILE\n")
	}
	if len(res.Unresolved) > 0 {
		fmt.Fprintf(w, "\n%s to fill in before signing:\n", count(len(res.Unresolved), "reference", "references"))
		for _, u := range res.Unresolved {
			fmt.Fprintf(w, "  draft %d, %s: %s %s", u.Draft+1, u.Field, u.Kind, u.URI)
			if u.Hint != "" {
				fmt.Fprintf(w, " (%s)", u.Hint)
			}
			fmt.Fprintln(w)
		}
	}
	if len(res.Unmapped) > 0 {
		fmt.Fprintf(w, "\n%s with no place in a Jejak record:\n", count(len(res.Unmapped), "field", "fields"))
		for _, u := range res.Unmapped {
			fmt.Fprintf(w, "  %s = %s: %s\n", u.Path, u.Value, u.Reason)
		}
	}
	if len(res.Problems) > 0 {
		fmt.Fprintf(w, "\n%s:\n", count(len(res.Problems), "problem", "problems"))
		for _, p := range res.Problems {
			fmt.Fprintf(w, "  %s: %s\n", p.Path, p.Text)
		}
	}
	return nil
}
