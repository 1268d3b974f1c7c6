// Package scenario builds supply chains of signed records, honest and
// dishonest, for tests, demos and benchmarks: a palm-oil chain
// (plantation → mill → refinery → manufacturer) and an electronics chain
// (smelters → component maker → assembler), and variants that each break
// one rule. Keys are derived from names (Key), so every build gives the
// same records.
//
// The names of organisations and places are made up; any likeness to a
// real company is chance. Certifiers marked "(demo)" stand for real
// schemes but sign with demo keys.
package scenario

import (
	"github.com/jejak/jejak/protocol"
)

// Scenario is one supply chain as records, with the batch a buyer would
// scan and what verifying it should give.
type Scenario struct {
	Name        string
	Description string
	// Records is everything a node would hold.
	Records []protocol.Signed
	// Missing lists records that belong to the chain but are left out of
	// Records on purpose.
	Missing []protocol.CID
	// Anchors are the trust anchors a buyer would configure.
	Anchors []protocol.PublicKey
	// Batch is the batch to verify (the end product).
	Batch protocol.BatchID
	// Verdict is the verdict verification should give: "trusted",
	// "unendorsed" or "failed".
	Verdict string
	// Fails names the checks that should fail, comma-separated (one, as a
	// rule: a scenario breaks one rule), or "" when none should.
	Fails string
	// Warns names the checks that should warn (and not fail),
	// comma-separated, or "" when none should.
	Warns string
	// Marks names notable records ("mill.process", "fork.b", …).
	Marks map[string]protocol.Signed
	// Orgs are the key names of the organisations: Key(id) is an
	// organisation's key and Key(id+"/device-1") its first device's.
	Orgs []string
}

// registry lists the scenarios by name, honest ones first.
var registry = []struct {
	name  string
	build func() *Scenario
}{
	{"palm-honest", HonestPalm},
	{"palm-corrected", HonestPalmCorrected},
	{"electronics-honest", HonestElectronics},
	{"palm-dds-upstream", StatementUpstream},
	{"palm-mspo", MSPOPalm},
	{"palm-ispo", ISPOPalm},
	{"palm-double-claim", DoubleClaim},
	{"palm-no-custody", NoCustody},
	{"palm-implausible-yield", ImplausibleYield},
	{"palm-sg-from-mb", SGFromMB},
	{"palm-expired-certificate", ExpiredCertificate},
	{"palm-revoked-device", RevokedDevice},
	{"palm-fork", Fork},
	{"palm-missing-ancestor", MissingAncestor},
	{"palm-plot-without-geometry", PlotWithoutGeometry},
	{"palm-harvest-before-cutoff", HarvestBeforeCutoff},
	{"palm-plot-not-assessed", PlotNotAssessed},
	{"palm-assessed-before-cutoff", AssessedBeforeCutoff},
	{"palm-unendorsed-mill", UnendorsedMill},
	{"electronics-count-inflation", AssemblyExceedsComponents},
	{"palm-double-receipt", DoubleReceipt},
	{"palm-stranger-receipt", StrangerReceipt},
	{"palm-doubled-stock-sold", DoubledStockSold},
	{"palm-over-consumed", OverConsumed},
	{"palm-old-format-bow-tie", OldFormatBowTie},
	{"palm-mspo-no-certificate", MSPOWithoutCertificate},
}

// Names lists the scenarios' names, honest ones first.
func Names() []string {
	names := make([]string, len(registry))
	for i, r := range registry {
		names[i] = r.name
	}
	return names
}

// All builds every scenario, honest ones first.
func All() []*Scenario {
	out := make([]*Scenario, len(registry))
	for i, r := range registry {
		out[i] = r.build()
	}
	return out
}

// ByName builds the scenario with the given name, or returns nil.
func ByName(name string) *Scenario {
	for _, r := range registry {
		if r.name == name {
			return r.build()
		}
	}
	return nil
}

func (w *world) scenario(name, desc string, end protocol.BatchID, anchors ...protocol.PublicKey) *Scenario {
	return &Scenario{Name: name, Description: desc, Records: w.recs, Anchors: anchors, Batch: end,
		Verdict: "trusted", Marks: w.marks, Orgs: w.orgs}
}

func (s *Scenario) expect(verdict, fails string) *Scenario {
	s.Verdict, s.Fails = verdict, fails
	return s
}

func (s *Scenario) expectWarning(checks string) *Scenario {
	s.Warns = checks
	return s
}
