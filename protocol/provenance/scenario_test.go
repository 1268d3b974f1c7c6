package provenance_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
	"github.com/jejak/jejak/protocol/provenance/scenario"
)

// checkedAt is the fixed clock of the scenario tests.
var checkedAt = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)

func verifyScenario(t *testing.T, s *scenario.Scenario, forward bool) *provenance.Report {
	t.Helper()
	src := provenance.NewMemSource(s.Records...)
	r, err := provenance.Verify(context.Background(), src, s.Batch, provenance.Options{
		Anchors: s.Anchors, Forward: forward, Now: func() time.Time { return checkedAt },
	})
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return r
}

// TestScenarios verifies every scenario: honest ones are trusted with no
// check failing or warning; each dishonest one fails exactly the check it
// should, and every other check passes or is skipped.
func TestScenarios(t *testing.T) {
	for _, s := range scenario.All() {
		t.Run(s.Name, func(t *testing.T) {
			for _, forward := range []bool{false, true} {
				r := verifyScenario(t, s, forward)
				if string(r.Verdict) != s.Verdict {
					t.Errorf("forward=%v: verdict %q, want %q\n%s", forward, r.Verdict, s.Verdict, r.Text())
				}
				for _, c := range r.Checks {
					want := []provenance.Status{provenance.Pass, provenance.Skip}
					if slices.Contains(strings.Split(s.Fails, ","), c.Name) {
						want = []provenance.Status{provenance.Fail}
					} else if slices.Contains(strings.Split(s.Warns, ","), c.Name) {
						want = []provenance.Status{provenance.Warn}
					}
					if c.Status != want[0] && (len(want) == 1 || c.Status != want[1]) {
						t.Errorf("forward=%v: check %s is %s, want %v\n%s", forward, c.Name, c.Status, want, r.Text())
					}
				}
				if t.Failed() {
					return
				}
			}
		})
	}
}

// TestAncestry verifies a bulk ancestry (the benchmarks' shape): every
// check passes and the trace holds what was built.
func TestAncestry(t *testing.T) {
	s := scenario.Ancestry(600)
	r := verifyScenario(t, s, false)
	for _, c := range r.Checks {
		if c.Status != provenance.Pass {
			t.Errorf("check %s is %s: %v", c.Name, c.Status, c.Reasons)
		}
	}
	if r.Stats.Records < 600 || r.Stats.Records > 650 {
		t.Errorf("%d records in the trace, want about 600", r.Stats.Records)
	}
}

// TestScenarioReasons checks that each dishonest scenario's failing
// reason names the record and the numbers.
func TestScenarioReasons(t *testing.T) {
	tests := []struct {
		s     *scenario.Scenario
		check string
		code  string
		texts func(m map[string]protocol.Signed) []string
		cids  func(m map[string]protocol.Signed) []protocol.CID
	}{
		{scenario.DoubleClaim(), "double_claim", provenance.CodeDoubleClaim,
			func(m map[string]protocol.Signed) []string {
				return []string{m["mill.process"].CID.Short() + "/0", "holds 21 t", "36 t is claimed by 2 records", m["mill.transfer2"].CID.Short()}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["mill.process"].CID, m["mill.transfer"].CID, m["mill.transfer2"].CID}
			}},
		{scenario.NoCustody(), "custody", provenance.CodeNoCustody,
			func(m map[string]protocol.Signed) []string {
				return []string{"Pasir Gudang", "21 t", m["refinery.process"].CID.Short(), "never held it", "Lahad Datu"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["refinery.process"].CID} }},
		{scenario.ImplausibleYield(), "mass_balance", provenance.CodeImplausible,
			func(m map[string]protocol.Signed) []string {
				return []string{m["mill.process"].CID.Short(), "35 t of CPO from 100 t of FFB", "35 %", "17–25 %"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["mill.process"].CID} }},
		{scenario.SGFromMB(), "certification", provenance.CodeModelUpgrade,
			func(m map[string]protocol.Signed) []string {
				return []string{m["refinery.process"].CID.Short(), "RSPO SG", "only RSPO MB", m["mill.process"].CID.Short() + "/0"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["refinery.process"].CID, m["mill.process"].CID}
			}},
		{scenario.ExpiredCertificate(), "certification", provenance.CodeCertInvalid,
			func(m map[string]protocol.Signed) []string {
				return []string{m["refinery.process"].CID.Short(), "RSPO-SCC-2022-1520", "2024-01-31"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["refinery.process"].CID} }},
		{scenario.RevokedDevice(), "trust", provenance.CodeRevokedKey,
			func(m map[string]protocol.Signed) []string {
				return []string{"revoked", "desk laptop stolen", m["mill.revoke"].CID.Short(), "2 records"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["mill.process"].CID, m["mill.transfer"].CID}
			}},
		{scenario.Fork(), "forks", provenance.CodeFork,
			func(m map[string]protocol.Signed) []string {
				return []string{m["fork.a"].CID.Short(), m["fork.b"].CID.Short(), "seq 3"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["fork.a"].CID, m["fork.b"].CID}
			}},
		{scenario.MissingAncestor(), "integrity", provenance.CodeMissing,
			func(m map[string]protocol.Signed) []string {
				return []string{m["mill.process"].CID.Short() + " is missing", m["refinery.process"].CID.Short()}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["mill.process"].CID, m["refinery.process"].CID}
			}},
		{scenario.PlotWithoutGeometry(), "eudr", provenance.CodeNotLand,
			func(m map[string]protocol.Signed) []string {
				return []string{m["plantation.origin"].CID.Short(), "Ramp Sungai Lebam", "warehouse", "point"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["plantation.origin"].CID, m["place.ramp"].CID}
			}},
		{scenario.PlotNotAssessed(), "eudr", provenance.CodeNotAssessed,
			func(m map[string]protocol.Signed) []string {
				return []string{m["plantation.origin"].CID.Short(), `"Blok 12B"`, m["plot.12b"].CID.Short(), "not assessed", "after 2020-12-31"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["plantation.origin"].CID, m["plot.12b"].CID}
			}},
		{scenario.PlotNotAssessed(), "eudr", provenance.CodeNoLegality,
			func(m map[string]protocol.Signed) []string {
				return []string{`"Blok 12B"`, "used legally"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["plantation.origin"].CID, m["plot.12b"].CID}
			}},
		{scenario.AssessedBeforeCutoff(), "eudr", provenance.CodeOldAssessment,
			func(m map[string]protocol.Signed) []string {
				return []string{`"Blok 12A"`, "2020-06-30", "before the cut-off", "GFW-2024-Blok 12A"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["plantation.origin"].CID, m["plot.12a"].CID}
			}},
		{scenario.UnendorsedMill(), "trust", provenance.CodeUnendorsed,
			func(m map[string]protocol.Signed) []string {
				return []string{"Kilang Sawit Bukit Lebam", "Sawit Lestari Certification", "3 records"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["mill.process"].CID} }},
		{scenario.AssemblyExceedsComponents(), "mass_balance", provenance.CodeCountExceeds,
			func(m map[string]protocol.Signed) []string {
				return []string{m["assembler.process"].CID.Short(), "10,500 pcs of PCBA", "10,000 pcs of PCB"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["assembler.process"].CID} }},
		{scenario.DoubleReceipt(), "custody", provenance.CodeDoubleReceipt,
			func(m map[string]protocol.Signed) []string {
				return []string{m["mill.transfer"].CID.Short(), "21 t", "Pasir Gudang", "received twice", m["refinery.receive"].CID.Short(), m["refinery.receive2"].CID.Short(), "counts once"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["mill.transfer"].CID, m["refinery.receive"].CID, m["refinery.receive2"].CID}
			}},
		{scenario.StrangerReceipt(), "custody", provenance.CodeWrongReceiver,
			func(m map[string]protocol.Signed) []string {
				return []string{m["stranger.receive"].CID.Short(), m["mill.transfer"].CID.Short(), "Lahad Datu", "addressed to Pasir Gudang"}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["stranger.receive"].CID, m["mill.transfer"].CID}
			}},
		{scenario.DoubledStockSold(), "double_claim", provenance.CodeDoubleClaim,
			func(m map[string]protocol.Signed) []string {
				return []string{"Pasir Gudang", "received 21 t", "claims 42 t", m["refinery.transfer"].CID.Short(), m["refinery.process"].CID.Short()}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["refinery.transfer"].CID, m["refinery.process"].CID, m["refinery.receive"].CID}
			}},
		{scenario.OldFormatBowTie(), "eudr", provenance.CodeOutdatedPlace,
			func(m map[string]protocol.Signed) []string {
				return []string{"Blok 12B", m["plot.12b"].CID.Short(), "format 1", fmt.Sprintf("format %d", protocol.Version), "crosses itself", m["plantation.origin"].CID.Short()}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["plantation.origin"].CID, m["plot.12b"].CID}
			}},
		{scenario.MSPOWithoutCertificate(), "certification", provenance.CodeNoCertificate,
			func(m map[string]protocol.Signed) []string {
				return []string{"Kilang Sawit Bukit Lebam", "claims MSPO SG", m["mill.process"].CID.Short(), "holds no MSPO certificate"}
			},
			func(m map[string]protocol.Signed) []protocol.CID { return []protocol.CID{m["mill.process"].CID} }},
		{scenario.OverConsumed(), "double_claim", provenance.CodeDoubleClaim,
			func(m map[string]protocol.Signed) []string {
				return []string{"Pasir Gudang", "received 21 t", "claims 30 t", m["refinery.process"].CID.Short()}
			},
			func(m map[string]protocol.Signed) []protocol.CID {
				return []protocol.CID{m["refinery.process"].CID, m["refinery.receive"].CID}
			}},
	}
	for _, tc := range tests {
		t.Run(tc.s.Name, func(t *testing.T) {
			r := verifyScenario(t, tc.s, false)
			x := reason(t, r, tc.check, tc.code)
			want := provenance.LevelFail
			if slices.Contains(strings.Split(tc.s.Warns, ","), tc.check) {
				want = provenance.LevelWarn
			}
			if x.Level != want {
				t.Errorf("reason level %s, want %s", x.Level, want)
			}
			mentions(t, x, tc.texts(tc.s.Marks), tc.cids(tc.s.Marks)...)
		})
	}
}

// TestScenarioReport prints one report of each kind when run with -v.
func TestScenarioReport(t *testing.T) {
	for _, s := range []*scenario.Scenario{scenario.HonestPalm(), scenario.DoubleClaim()} {
		r := verifyScenario(t, s, false)
		t.Logf("%s:\n%s", s.Name, r.Text())
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(b), `"verdict":"`+s.Verdict+`"`) {
			t.Errorf("JSON lacks the verdict")
		}
	}
}
