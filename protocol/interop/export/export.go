// Package export turns the evidence behind a verdict (the report and the
// records VerifyWithEvidence returns) into the files other tools read: a
// CAR for IPFS tools and other installs, EPCIS 2.0 for GS1 systems, and
// the others its Formats list. The app and jejak-node both export through
// it, so a file made from one is the file made from the other.
//
// Pure: files come back as bytes, for the caller to write.
package export

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/capsule"
	"github.com/jejak/jejak/protocol/interop/car"
	"github.com/jejak/jejak/protocol/interop/cmrt"
	"github.com/jejak/jejak/protocol/interop/epcis"
	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance"
)

// Format is one kind of export.
type Format struct {
	Name  string // as jejak-node export takes it: "car", "epcis", …
	Title string // for people: "CAR (IPFS)", …
	About string // one line of what it is for
	write func(in Input) ([]File, error)
}

// Input is what an export is made from.
type Input struct {
	Report  *provenance.Report
	Records []protocol.Signed
	// Transfer, when set, is a transfer of the report's batch: the EUDR
	// export then declares what it sends (its quantity, to its
	// addressee) instead of the whole batch.
	Transfer *protocol.Signed
	// Network and Maker go into a capsule's manifest: the network the
	// records belong to and who made the file (an organisation's name, a
	// relay's peer ID).
	Network, Maker string
}

// File is one file of an export.
type File struct {
	Name string // a file name (no folder), from the batch and the format
	Data []byte
}

// Formats lists the exports, in the order a menu shows them.
func Formats() []Format {
	return []Format{
		{Name: "car", Title: "CAR (IPFS)", About: "the signed records behind the verdict, for ipfs dag import and other Jejak installs", write: writeCAR},
		{Name: "capsule", Title: "Verification capsule", About: "one file that verifies the batch offline with nothing else: its ancestry, the trust records and the uses and revocations known now (jejak-node verify --capsule, the app's Open capsule, the relay's page)", write: writeCapsule},
		{Name: "epcis", Title: "EPCIS 2.0", About: "GS1 EPCIS 2.0 JSON-LD events and master data, each carrying its signed record", write: writeEPCIS},
		{Name: "eudr", Title: "EUDR due diligence", About: "the geolocation file the EU Information System (TRACES) takes, and the due diligence summary beside it (JSON and a page to print)", write: writeEUDR},
		{Name: "smelters", Title: "CMRT smelter list", About: "the smelters behind an electronics batch in the columns of the RMI Conflict Minerals Reporting Template (XLSX and CSV)", write: writeSmelters},
	}
}

// Lookup returns the format named name.
func Lookup(name string) (Format, error) {
	var names []string
	for _, f := range Formats() {
		if f.Name == name {
			return f, nil
		}
		names = append(names, f.Name)
	}
	return Format{}, fmt.Errorf("unknown export %q (want %s)", name, strings.Join(names, ", "))
}

// Write makes the format's files from in.
func (f Format) Write(in Input) ([]File, error) {
	if in.Report == nil {
		return nil, fmt.Errorf("export %s: no report", f.Name)
	}
	files, err := f.write(in)
	if err != nil {
		return nil, fmt.Errorf("export %s: %w", f.Name, err)
	}
	return files, nil
}

// BaseName is the name an export's files start with: the batch's lot code
// when it has one, then the start of its record's CID, so that two exports
// of different batches never share a name ("KSBL-CPO-0307-bafyreic23y-0").
func BaseName(r *provenance.Report) string {
	id := r.Batch.Record.String()
	if len(id) > 16 {
		id = id[:16]
	}
	name := fmt.Sprintf("%s-%d", id, r.Batch.Index)
	for _, n := range r.Graph.Nodes {
		if n.Role == "start" && n.Lot != "" {
			name = n.Lot + "-" + name
			break
		}
	}
	return safeName(name)
}

// safeName keeps letters, digits, '.', '-' and '_', so the name is a file
// name on every system.
func safeName(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '-', r == '_':
			return r
		}
		return '_'
	}, s)
}

func writeCAR(in Input) ([]File, error) {
	var b bytes.Buffer
	if err := car.Write(&b, []protocol.CID{in.Report.Batch.Record}, in.Records); err != nil {
		return nil, err
	}
	return []File{{Name: BaseName(in.Report) + ".car", Data: b.Bytes()}}, nil
}

func writeCapsule(in Input) ([]File, error) {
	var b bytes.Buffer
	m := capsule.Manifest{Network: in.Network, Batch: in.Report.Batch, Made: in.Report.CheckedAt, Maker: in.Maker}
	// The importer the capsule is for sees the suppliers the exporter
	// disclosed (and that opened their commitments when it verified).
	for _, so := range in.Report.Suppliers {
		if so.Disclosure != nil {
			m.Disclosures = append(m.Disclosures, *so.Disclosure)
		}
	}
	if err := capsule.Write(&b, m, in.Records); err != nil {
		return nil, err
	}
	return []File{{Name: BaseName(in.Report) + ".capsule.car", Data: b.Bytes()}}, nil
}

func writeEPCIS(in Input) ([]File, error) {
	var b bytes.Buffer
	if err := epcis.Export(&b, in.Report, in.Records, epcis.ExportOptions{}); err != nil {
		return nil, err
	}
	return []File{{Name: BaseName(in.Report) + ".epcis.jsonld", Data: b.Bytes()}}, nil
}

func writeEUDR(in Input) ([]File, error) {
	subject := eudr.Subject{Transfer: in.Transfer}
	base := BaseName(in.Report)
	if in.Transfer != nil {
		base = safeName("transfer-" + in.Transfer.CID.String()[:16])
	}
	sum, geo, err := eudr.Export(in.Report, in.Records, subject, eudr.Options{Name: base + ".eudr"})
	if err != nil {
		return nil, err
	}
	var files []File
	for _, g := range geo {
		files = append(files, File{Name: g.Name, Data: g.Data})
	}
	js, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return nil, err
	}
	files = append(files, File{Name: base + ".eudr-summary.json", Data: append(js, '\n')})
	var page bytes.Buffer
	if err := eudr.WriteHTML(&page, sum); err != nil {
		return nil, err
	}
	return append(files, File{Name: base + ".eudr-summary.html", Data: page.Bytes()}), nil
}

func writeSmelters(in Input) ([]File, error) {
	rows, err := cmrt.Smelters(in.Report, in.Records)
	if err != nil {
		return nil, err
	}
	var x, c bytes.Buffer
	if err := cmrt.WriteXLSX(&x, rows); err != nil {
		return nil, err
	}
	if err := cmrt.WriteCSV(&c, rows); err != nil {
		return nil, err
	}
	base := BaseName(in.Report)
	return []File{{Name: base + ".smelters.xlsx", Data: x.Bytes()}, {Name: base + ".smelters.csv", Data: c.Bytes()}}, nil
}
