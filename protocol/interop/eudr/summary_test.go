package eudr_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/interop/eudr"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

func summarize(t *testing.T, rep *provenance.Report, recs []protocol.Signed, s eudr.Subject, opts eudr.Options) eudr.Summary {
	t.Helper()
	sum, err := eudr.Summarize(rep, recs, s, opts)
	if err != nil {
		t.Fatalf("Summarize: %v", err)
	}
	return sum
}

// transferOf returns the scenario's transfer of batch b.
func transferOf(t *testing.T, s *scenario.Scenario, b protocol.BatchID) protocol.Signed {
	t.Helper()
	for _, r := range s.Records {
		if x, ok := r.Body.(*protocol.Transfer); ok && x.Batch == b {
			return r
		}
	}
	t.Fatalf("no transfer of %s", b)
	return protocol.Signed{}
}

// TestSummary checks what the summary of the honest palm chain with a
// statement on the mill's CPO transfer declares, claim by claim, as an
// auditor would read it.
func TestSummary(t *testing.T) {
	s := scenario.StatementUpstream()
	rep, recs := verifiedScenario(t, s)
	sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
	m := s.Marks

	if sum.Subject.Kind != eudr.KindBatch || sum.Subject.Batch != s.Batch || sum.Subject.Lot != "SPN-MG-240320" || sum.Subject.Maker != "PT Sinar Pangan Nusantara" {
		t.Errorf("subject %+v", sum.Subject)
	}
	p := sum.Product
	if p.Name != scenario.CookingOil || !p.Known || p.HS.Code != "1511 90" || p.HS.Heading != "1511" || p.HS.Species != "Elaeis guineensis" || p.HS.Commodity != "oil palm" {
		t.Errorf("product %+v", p)
	}
	if sum.NetMass.Kg != "14850" || sum.NetMass.Qty.String() != "14.85 TNE" {
		t.Errorf("net mass %+v, want 14850 kg", sum.NetMass)
	}
	if !slices.Equal(sum.Countries, []string{"MY"}) {
		t.Errorf("countries %v", sum.Countries)
	}
	if len(sum.Producers) != 1 || sum.Producers[0].Name != "Ladang Sungai Lebam Sdn Bhd" || sum.Producers[0].Plots != 3 || sum.Producers[0].Country != "MY" {
		t.Errorf("producers %+v", sum.Producers)
	}
	if len(sum.Harvests) != 1 || sum.Harvests[0].Record != m["plantation.origin"].CID || sum.Harvests[0].Places != 3 ||
		!sum.Harvests[0].Until.After(sum.Harvests[0].From) || sum.Harvests[0].Qty[0].String() != "100 TNE" {
		t.Errorf("harvests %+v", sum.Harvests)
	}
	if len(sum.Plots) != 3 {
		t.Fatalf("%d plots, want 3", len(sum.Plots))
	}
	for _, pl := range sum.Plots {
		if pl.Status != provenance.PlotAssessed || pl.Deforestation == nil || pl.Legality == nil ||
			!strings.HasPrefix(pl.Deforestation.Ref, "GFW-2024-") || pl.Legality.Method != "land title" ||
			!slices.Equal(pl.Statements, []string{scenario.DDSRef}) || !slices.Equal(pl.Records, []protocol.CID{m["plantation.origin"].CID}) {
			t.Errorf("plot %+v", pl)
		}
	}
	if sum.Plots[0].Place != m["plot.12a"].CID || sum.Plots[0].Shape != "polygon" || sum.Plots[2].Shape != "point" || sum.Plots[2].AreaHa != 2.5 {
		t.Errorf("plots %+v", sum.Plots)
	}
	if len(sum.Statements) != 1 || len(sum.Undeclared) != 0 {
		t.Fatalf("statements %+v, undeclared %v", sum.Statements, sum.Undeclared)
	}
	st := sum.Statements[0]
	if st.Ref != scenario.DDSRef || st.Verification != scenario.DDSVerification || st.Transfer != m["mill.transfer"].CID ||
		st.From != "Kilang Sawit Bukit Lebam Sdn Bhd" || st.To != "Pasir Gudang Edible Oils Sdn Bhd" || len(st.Plots) != 3 || st.OnSubject {
		t.Errorf("statement %+v", st)
	}
	if len(sum.Schemes) != 1 || sum.Schemes[0].Code != "RSPO" || sum.Schemes[0].Name != "Roundtable on Sustainable Palm Oil" {
		t.Fatalf("schemes %+v", sum.Schemes)
	}
	rspo := sum.Schemes[0]
	if len(rspo.Claims) != 4 || len(rspo.Certificates) < 4 { // FFB, CPO, olein, cooking oil; a certificate per holder
		t.Errorf("RSPO claims %+v, certificates %+v", rspo.Claims, rspo.Certificates)
	}
	for _, c := range rspo.Certificates {
		if !c.Trusted || c.Number == "" || c.IssuedBy != "Borneo Assurance Services Sdn Bhd" || c.Endorsement.IsZero() {
			t.Errorf("certificate %+v", c)
		}
	}
	if len(sum.Geolocation.Files) != 1 || sum.Geolocation.Files[0].Features != 3 || sum.Geolocation.Error != "" || sum.Geolocation.Note != "" {
		t.Errorf("geolocation %+v", sum.Geolocation)
	}
	if sum.Verdict.Verdict != provenance.Trusted || len(sum.Verdict.Checks) != len(rep.Checks) {
		t.Errorf("verdict %+v", sum.Verdict)
	}

	// Every record a claim names is among the records listed, so an
	// auditor can fetch and check it.
	listed := map[protocol.CID]bool{}
	for _, r := range sum.Records {
		listed[r.CID] = true
		if r.Signer == "" || r.Type == "" || r.Time.IsZero() {
			t.Errorf("record %+v", r)
		}
	}
	if len(sum.Records) != len(recs) {
		t.Errorf("%d records listed, %d behind the verdict", len(sum.Records), len(recs))
	}
	named := []protocol.CID{st.Transfer}
	for _, pl := range sum.Plots {
		named = append(named, pl.Place)
		named = append(named, pl.Records...)
	}
	for _, h := range sum.Harvests {
		named = append(named, h.Record)
	}
	for _, c := range rspo.Certificates {
		named = append(named, c.Endorsement)
	}
	for _, c := range rspo.Claims {
		named = append(named, c.Batch.Record)
	}
	for _, c := range sum.Verdict.Checks {
		for _, r := range c.Reasons {
			named = append(named, r.Records...)
		}
	}
	for _, c := range named {
		if !listed[c] {
			t.Errorf("the summary names record %s but does not list it", c)
		}
	}
}

// TestSummarySubjects covers what changes with the subject and the chain:
// a transfer (its quantity, its own statement), plots without evidence,
// MSPO and ISPO by name, a product the HS table lacks, an incomplete trace.
func TestSummarySubjects(t *testing.T) {
	t.Run("everything one transfer sends", func(t *testing.T) {
		s := scenario.HonestPalm()
		olein := protocol.BatchID{Record: s.Marks["refinery.process"].CID}
		// The refinery ships 10 t more olein, with a statement it filed.
		tr := appendTo(t, s, "pasir-gudang/device-1", &protocol.Transfer{Batch: olein, Qty: protocol.Q(10, protocol.TNE),
			To: scenario.Key("lahad-datu").Public(), Docs: []protocol.Document{{Kind: protocol.DocDDS, Ref: "24MYPGEO000415"}}})
		rep, recs := verified(t, s.Records, s.Anchors, olein)
		for _, r := range s.Records {
			if _, ok := r.Body.(*protocol.Org); ok && r.Author == scenario.Key("lahad-datu").Public() {
				recs = append(recs, r) // the addressee's profile, as the node adds it
			}
		}
		recs = append(recs, tr)
		sum := summarize(t, rep, recs, eudr.TransferSubject(tr), eudr.Options{})
		if sum.Subject.Kind != eudr.KindTransfer || *sum.Subject.Transfer != tr.CID || sum.Subject.From != "Pasir Gudang Edible Oils Sdn Bhd" ||
			sum.Subject.To != "Lahad Datu Palm Products Sdn Bhd" || sum.Subject.Time == nil {
			t.Errorf("subject %+v", sum.Subject)
		}
		if sum.NetMass.Kg != "10000" || sum.Product.Name != scenario.Olein || sum.Product.HS.Code != "1511 90" {
			t.Errorf("net mass %+v, product %+v", sum.NetMass, sum.Product)
		}
		if len(sum.Statements) != 1 || !sum.Statements[0].OnSubject || sum.Statements[0].Ref != "24MYPGEO000415" || len(sum.Statements[0].Plots) != 3 || len(sum.Undeclared) != 0 {
			t.Errorf("statements %+v, undeclared %v", sum.Statements, sum.Undeclared)
		}
		files, err := eudr.GeoJSON(rep, recs, eudr.TransferSubject(tr), eudr.Options{})
		if err != nil || files[0].Name != "eudr-transfer-"+tail(tr.CID)+".geojson" {
			t.Errorf("files %v, %v", files, err)
		}
	})
	t.Run("plots not assessed, none declared", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.PlotNotAssessed())
		sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
		var statuses []string
		for _, p := range sum.Plots {
			statuses = append(statuses, p.StatusText)
		}
		if !slices.Equal(statuses, []string{"assessed deforestation-free after 2020-12-31", "not assessed", "assessed deforestation-free after 2020-12-31"}) {
			t.Errorf("statuses %v", statuses)
		}
		if p := sum.Plots[1]; p.Deforestation != nil || p.Legality != nil || p.Status != provenance.PlotNotAssessed {
			t.Errorf("plot %+v", p)
		}
		if len(sum.Undeclared) != 3 {
			t.Errorf("undeclared %v", sum.Undeclared)
		}
	})
	t.Run("MSPO by name", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.MSPOPalm())
		sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
		if len(sum.Schemes) != 1 || sum.Schemes[0].Name != "Malaysian Sustainable Palm Oil" || sum.Schemes[0].Mandatory != "Malaysia" || len(sum.Schemes[0].Claims) != 4 {
			t.Errorf("schemes %+v", sum.Schemes)
		}
	})
	t.Run("ISPO by name, certificates without a model", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.ISPOPalm())
		sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
		if len(sum.Schemes) != 1 || sum.Schemes[0].Name != "Indonesian Sustainable Palm Oil" || sum.Schemes[0].Mandatory != "Indonesia" {
			t.Fatalf("schemes %+v", sum.Schemes)
		}
		for _, c := range sum.Schemes[0].Certificates {
			if c.Model != "" || !c.Trusted {
				t.Errorf("certificate %+v", c)
			}
		}
		if sum.Product.HS.Code != "1511 10" || !slices.Equal(sum.Countries, []string{"ID"}) || sum.NetMass.Kg != "12900" {
			t.Errorf("product %+v, countries %v, mass %+v", sum.Product, sum.Countries, sum.NetMass)
		}
	})
	t.Run("a product the table lacks", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.HonestElectronics())
		sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{})
		if sum.Product.Known || sum.Product.HS.Code != "" || sum.Product.HS.Product != "PCBA" {
			t.Errorf("product %+v", sum.Product)
		}
		if !strings.Contains(sum.Geolocation.Error, "no land to declare") || len(sum.Geolocation.Files) != 0 {
			t.Errorf("geolocation %+v", sum.Geolocation)
		}
	})
	t.Run("incomplete", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.MissingAncestor())
		if _, err := eudr.Summarize(rep, recs, eudr.Subject{}, eudr.Options{}); !errors.Is(err, eudr.ErrIncomplete) {
			t.Errorf("error %v, want ErrIncomplete", err)
		}
	})
	t.Run("split geolocation", func(t *testing.T) {
		w := bigWorld()
		rep, recs := verified(t, w.Records, w.Anchors, w.Batch)
		sum := summarize(t, rep, recs, eudr.Subject{}, eudr.Options{MaxFileBytes: 60_000})
		n := len(sum.Geolocation.Files)
		if n < 3 || !strings.Contains(sum.Geolocation.Note, fmt.Sprintf("split into %d files", n)) || !strings.Contains(sum.Geolocation.Note, "each part with its own statement") {
			t.Errorf("the summary does not say the geolocation is split: %+v", sum.Geolocation)
		}
		// Two statements cover the first 500 plots; the rest are named.
		if len(sum.Statements) != 2 || len(sum.Plots) != plots || len(sum.Undeclared) != plots/2 || len(sum.Statements[0].Plots) != 250 {
			t.Errorf("%d statements, %d plots, %d undeclared", len(sum.Statements), len(sum.Plots), len(sum.Undeclared))
		}
	})
}

// TestExport: Export gives what Summarize and GeoJSON give with the same
// arguments; when the geolocation cannot be written, the summary that says
// why and GeoJSON's error; for an incomplete trace, only the error.
func TestExport(t *testing.T) {
	palm := scenario.HonestPalm()
	olein := protocol.BatchID{Record: palm.Marks["refinery.process"].CID}
	tr := appendTo(t, palm, "pasir-gudang/device-1", &protocol.Transfer{Batch: olein, Qty: protocol.Q(10, protocol.TNE),
		To: scenario.Key("lahad-datu").Public(), Docs: []protocol.Document{{Kind: protocol.DocDDS, Ref: "24MYPGEO000415"}}})
	oleinRep, oleinRecs := verified(t, palm.Records, palm.Anchors, olein)
	big := bigWorld()
	bigRep, bigRecs := verified(t, big.Records, big.Anchors, big.Batch)
	type args struct {
		rep  *provenance.Report
		recs []protocol.Signed
		s    eudr.Subject
		opts eudr.Options
	}
	scenarioArgs := func(s *scenario.Scenario, opts eudr.Options) args {
		rep, recs := verifiedScenario(t, s)
		return args{rep, recs, eudr.Subject{}, opts}
	}
	for _, c := range []struct {
		name string
		args args
		is   error // nil when the geolocation can be written
	}{
		{"a batch with a statement upstream", scenarioArgs(scenario.StatementUpstream(), eudr.Options{Name: "lot-7.eudr"}), nil},
		{"everything one transfer sends", args{oleinRep, append(oleinRecs, tr), eudr.TransferSubject(tr), eudr.Options{}}, nil},
		{"split geolocation", args{bigRep, bigRecs, eudr.Subject{}, eudr.Options{MaxFileBytes: 60_000}}, nil},
		{"no land", scenarioArgs(scenario.HonestElectronics(), eudr.Options{}), eudr.ErrNoPlots},
		{"a plot that crosses itself", scenarioArgs(scenario.OldFormatBowTie(), eudr.Options{}), eudr.ErrGeolocation},
	} {
		t.Run(c.name, func(t *testing.T) {
			a := c.args
			sum, files, err := eudr.Export(a.rep, a.recs, a.s, a.opts)
			wantSum := summarize(t, a.rep, a.recs, a.s, a.opts)
			wantFiles, wantErr := eudr.GeoJSON(a.rep, a.recs, a.s, a.opts)
			if !reflect.DeepEqual(sum, wantSum) {
				t.Errorf("Export's summary is not Summarize's:\n%+v\n%+v", sum, wantSum)
			}
			if c.is == nil {
				if err != nil || wantErr != nil {
					t.Fatalf("Export: %v; GeoJSON: %v", err, wantErr)
				}
				if len(files) == 0 || !reflect.DeepEqual(files, wantFiles) {
					t.Errorf("Export's %d files are not GeoJSON's %d", len(files), len(wantFiles))
				}
				return
			}
			if !errors.Is(err, c.is) || wantErr == nil || err.Error() != wantErr.Error() || files != nil {
				t.Errorf("Export: %d files, error %v; want none and GeoJSON's error %v", len(files), err, wantErr)
			}
			if sum.Geolocation.Error == "" || len(sum.Geolocation.Files) != 0 {
				t.Errorf("the summary's geolocation %+v does not say why there is no file", sum.Geolocation)
			}
		})
	}
	t.Run("incomplete", func(t *testing.T) {
		rep, recs := verifiedScenario(t, scenario.MissingAncestor())
		sum, files, err := eudr.Export(rep, recs, eudr.Subject{}, eudr.Options{})
		if !errors.Is(err, eudr.ErrIncomplete) || files != nil || !reflect.DeepEqual(sum, eudr.Summary{}) {
			t.Errorf("Export of an incomplete trace: %d files, subject %+v, error %v; want only ErrIncomplete", len(files), sum.Subject, err)
		}
	})
}

// TestSummaryJSON: every field name the summary writes is snake_case, and
// the top level is pinned.
func TestSummaryJSON(t *testing.T) {
	rep, recs := verifiedScenario(t, scenario.StatementUpstream())
	b, err := json.Marshal(summarize(t, rep, recs, eudr.Subject{}, eudr.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	want := []string{"certification_schemes", "countries_of_production", "geolocation", "harvest_periods", "net_mass", "plots",
		"plots_without_statement", "producers", "product", "records", "signers", "statements", "subject", "suppliers", "verdict"}
	if !slices.Equal(keys(v), want) {
		t.Errorf("top level %v, want %v", keys(v), want)
	}
	snake := regexp.MustCompile(`^[a-z][a-z0-9]*(_[a-z0-9]+)*$`)
	var walk func(path string, x any)
	walk = func(path string, x any) {
		switch x := x.(type) {
		case map[string]any:
			for k, y := range x {
				if !snake.MatchString(k) {
					t.Errorf("%s.%s is not snake_case", path, k)
				}
				walk(path+"."+k, y)
			}
		case []any:
			for _, y := range x {
				walk(path+"[]", y)
			}
		}
	}
	walk("summary", v)
}

// TestHSCodes: every palm product the default table names has a code of
// the Annex I oil palm list, and nothing outside Annex I is there.
func TestHSCodes(t *testing.T) {
	annex := []string{"1207 10", "1511", "1513 21", "1513 29", "2306 60", "ex 2905 45", "2915 70", "2915 90", "3823 11", "3823 12", "3823 19", "3823 70"}
	for _, p := range []string{provenance.ProductFFB, provenance.ProductCPO, provenance.ProductPK, provenance.ProductCPKO, provenance.ProductPKE,
		provenance.ProductRBDPO, provenance.ProductOlein, provenance.ProductStearin, provenance.ProductPFAD, provenance.ProductCookingOil, "rbd  palm olein"} {
		h, ok := eudr.HSCodeOf(p)
		if !ok || h.Species != "Elaeis guineensis" {
			t.Errorf("%s: %+v, %v", p, h, ok)
		}
	}
	for _, h := range eudr.HSCodes() {
		if !slices.Contains(annex, h.Heading) || !strings.HasPrefix(h.Code, strings.TrimPrefix(h.Heading, "ex ")) || h.Description == "" {
			t.Errorf("%s: code %s under Annex I entry %q", h.Product, h.Code, h.Heading)
		}
	}
	for _, p := range []string{"SOAP", "TIN", "MARGARINE"} {
		if _, ok := eudr.HSCodeOf(p); ok {
			t.Errorf("%s has a code, but is not in Annex I", p)
		}
	}
}
