package scenario

import "time"

// HonestPalm is an honest palm-oil chain: a Johor plantation's FFB (RSPO
// IP) milled into CPO and kernels (SG), refined into olein, stearin and
// PFAD (SG), and bottled as cooking oil in Indonesia (MB).
func HonestPalm() *Scenario {
	return palm{}.build("palm-honest", "plantation → mill → refinery → manufacturer, RSPO IP → SG → MB, every record in order")
}

// HonestPalmCorrected is HonestPalm in which the mill corrects its
// processing record (22 t of CPO re-read as 21 t) after shipping the batch
// under its first ID.
func HonestPalmCorrected() *Scenario {
	return palm{correctMill: true}.build("palm-corrected", "the mill corrects its CPO weight after shipping; the replacement is used")
}

// DoubleClaim: the mill sells its 21 t CPO batch in full to the refinery
// and sells 15 t of the same batch again to another buyer.
func DoubleClaim() *Scenario {
	return palm{doubleClaim: true}.build("palm-double-claim", "the mill sells 21 t of its 21 t CPO batch to the refinery and 15 t more to Lahad Datu").
		expect("failed", "double_claim")
}

// NoCustody: the mill's CPO goes to another refinery, yet Pasir Gudang
// records refining it.
func NoCustody() *Scenario {
	return palm{noCustody: true}.build("palm-no-custody", "the refinery consumes a CPO batch that was sent to someone else").
		expect("failed", "custody")
}

// ImplausibleYield: the mill claims 35 t of CPO from 100 t of FFB.
func ImplausibleYield() *Scenario {
	return palm{cpoMilli: 35_000}.build("palm-implausible-yield", "the mill claims a 35 % oil extraction rate").
		expect("failed", "mass_balance")
}

// SGFromMB: the mill is certified and claims mass balance only, yet the
// refinery sells its olein as segregated.
func SGFromMB() *Scenario {
	return palm{millModel: "MB"}.build("palm-sg-from-mb", "the refinery claims RSPO SG for olein made from MB CPO").
		expect("failed", "certification")
}

// ExpiredCertificate: the refinery's RSPO certificate ran out a month
// before it claimed SG.
func ExpiredCertificate() *Scenario {
	return palm{refineryUntil: time.Date(2024, 1, 31, 0, 0, 0, 0, time.UTC)}.
		build("palm-expired-certificate", "the refinery claims RSPO SG after its certificate expired on 2024-01-31").
		expect("failed", "certification")
}

// RevokedDevice: the mill withdraws its desk's key (stolen laptop) and the
// key goes on signing the mill's processing and shipping.
func RevokedDevice() *Scenario {
	return palm{revokeMillDevice: true}.build("palm-revoked-device", "records signed by a mill device key after the mill revoked it").
		expect("failed", "trust")
}

// Fork: the mill's device signs two different records at one seq.
func Fork() *Scenario {
	return palm{forkMill: true}.build("palm-fork", "the mill's device key signs two different records at one seq").
		expect("failed", "forks")
}

// MissingAncestor: the mill's processing record is not in the store (its
// maker offline, say): the verdict is incomplete, not failed, and the
// integrity check names the record.
func MissingAncestor() *Scenario {
	return palm{dropMillProcess: true}.build("palm-missing-ancestor", "the mill's processing record is missing from the store").
		expect("incomplete", "integrity")
}

// PlotWithoutGeometry: the FFB is recorded as coming from a collection
// centre, a warehouse located by a point, not from geolocated plots.
func PlotWithoutGeometry() *Scenario {
	return palm{collectionCentre: true}.build("palm-plot-without-geometry", "FFB recorded at a collection centre (a point), not at its plots").
		expect("failed", "eudr")
}

// HarvestBeforeCutoff: the FFB was harvested in late 2020, before the
// EUDR cut-off, from plots assessed deforestation-free since. The cut-off
// is about the land, not the harvest date: trusted.
func HarvestBeforeCutoff() *Scenario {
	return palm{harvestFrom: time.Date(2020, 12, 20, 0, 0, 0, 0, time.UTC)}.
		build("palm-harvest-before-cutoff", "FFB harvested from 2020-12-20, before the EUDR cut-off, on plots assessed since")
}

// PlotNotAssessed: plot Blok 12B's record carries no evidence about
// deforestation or legality. EUDR warns, naming the plot; nothing fails.
func PlotNotAssessed() *Scenario {
	return palm{plotNotAssessed: true}.build("palm-plot-not-assessed", "plot Blok 12B carries no deforestation or legality evidence").
		expectWarning("eudr")
}

// AssessedBeforeCutoff: plot Blok 12A's only deforestation assessment is
// from June 2020, before the cut-off. EUDR warns with the date.
func AssessedBeforeCutoff() *Scenario {
	return palm{assessedBefore: time.Date(2020, 6, 30, 0, 0, 0, 0, time.UTC)}.
		build("palm-assessed-before-cutoff", "plot Blok 12A was assessed only in June 2020, before the cut-off").
		expectWarning("eudr")
}

// UnendorsedMill: the mill's only endorsement (and certificate) comes from
// a certifier no trust anchor recognises.
func UnendorsedMill() *Scenario {
	return palm{unendorsedMill: true}.build("palm-unendorsed-mill", "the mill is endorsed only by a certifier no anchor recognises").
		expect("unendorsed", "trust")
}

// DoubleReceipt: the refinery signs two receipts for the one transfer of
// 21 t of CPO. Custody fails, naming both receipts; the CPO counts once,
// so nothing is claimed beyond it.
func DoubleReceipt() *Scenario {
	return palm{doubleReceipt: true}.build("palm-double-receipt", "the refinery receives the mill's CPO transfer twice").
		expect("failed", "custody")
}

// StrangerReceipt: another refinery signs a receipt of the CPO the mill
// sent to Pasir Gudang. Custody fails, naming the receipt and the
// transfer.
func StrangerReceipt() *Scenario {
	return palm{strangerReceipt: true}.build("palm-stranger-receipt", "a refinery the CPO was not sent to signs a receipt of it").
		expect("failed", "custody")
}

// DoubledStockSold: the refinery receives the CPO twice, believes it holds
// 42 t, refines 21 and sells 21 more. Custody fails on the second receipt
// and double claims on the 42 t claimed of 21 t received.
func DoubledStockSold() *Scenario {
	return palm{doubledStockSold: true}.build("palm-doubled-stock-sold", "the refinery receives the CPO twice and sells on the doubled stock").
		expect("failed", "custody,double_claim")
}

// OverConsumed: the refinery received 21 t of CPO and refines 30 t.
func OverConsumed() *Scenario {
	return palm{overConsume: true}.build("palm-over-consumed", "the refinery refines 30 t of CPO, having received 21 t").
		expect("failed", "double_claim")
}

// OldFormatBowTie: plot Blok 12B was recorded in record format 1, which
// took a polygon that crosses itself (a bow tie). Every peer still accepts
// the record (it is judged by the rules of its format), but verification
// holds plots to today's rules: EUDR fails, naming the plot, the crossing
// edges and the format.
func OldFormatBowTie() *Scenario {
	return palm{oldBowTie: true}.build("palm-old-format-bow-tie", "a plot recorded in format 1 crosses itself").
		expect("failed", "eudr")
}

// StatementUpstream is HonestPalm in which the mill's CPO transfer to
// the refinery carries an EUDR due diligence statement (DDSRef, with its
// verification number): it covers every plot the CPO came from.
func StatementUpstream() *Scenario {
	return palm{dds: true}.build("palm-dds-upstream", "the mill's CPO transfer carries due diligence statement "+DDSRef)
}

// MSPOPalm is HonestPalm certified under MSPO (Malaysian Sustainable Palm
// Oil, mandatory in Malaysia) instead of RSPO: every certificate and
// claim is MSPO, the certification body endorsed by MPOCC, the scheme's
// owner, which is the anchor. MSPO claims are checked like RSPO's.
func MSPOPalm() *Scenario {
	return palm{scheme: MSPO}.build("palm-mspo", "plantation → mill → refinery → manufacturer, MSPO IP → SG → MB")
}

// MSPOWithoutCertificate is MSPOPalm in which the mill holds an RSPO
// certificate only, yet claims MSPO SG for its CPO and kernels.
func MSPOWithoutCertificate() *Scenario {
	return palm{scheme: MSPO, millOtherScheme: true}.build("palm-mspo-no-certificate", "the mill claims MSPO SG holding only an RSPO certificate").
		expect("failed", "certification")
}
