package provenance

import "github.com/jejak/jejak/protocol"

// Product names the default table and the scenarios use: protocol's
// (protocol/products.go), named here too so that the table reads on its
// own. Records may use any names; the table must then name the same
// products.
const (
	ProductFFB         = protocol.ProductFFB
	ProductCPO         = protocol.ProductCPO
	ProductPK          = protocol.ProductPK
	ProductCPKO        = protocol.ProductCPKO
	ProductPKE         = protocol.ProductPKE
	ProductRBDPO       = protocol.ProductRBDPO
	ProductOlein       = protocol.ProductOlein
	ProductStearin     = protocol.ProductStearin
	ProductPFAD        = protocol.ProductPFAD
	ProductCookingOil  = protocol.ProductCookingOil
	ProductTin         = protocol.ProductTin
	ProductSolder      = protocol.ProductSolder
	ProductTaPowder    = protocol.ProductTaPowder
	ProductTaCapacitor = protocol.ProductTaCapacitor
	ProductPCB         = protocol.ProductPCB
	ProductPCBA        = protocol.ProductPCBA
)

// DefaultTable returns the conversion bounds that ship with Jejak. They are
// deliberately wider than any one mill's figures: a bound flags the
// implausible, not the unusual. Replace them with your own figures through
// LoadTable.
//
// Pieces to pieces (H87 to H87) need no entry: without one, an output
// counted in pieces may not exceed any counted input (an assembly cannot
// exceed its components). Same product in and out may not grow.
func DefaultTable() *Table {
	t := &Table{Version: 1, Bounds: []Bound{
		// Milling. MPOB's Malaysian Oil Palm Statistics give a national
		// average oil extraction rate (OER) of about 19.5–20.5 % and a kernel
		// extraction rate (KER) of about 5.0–5.5 % over 2015–2023; single
		// mills range from about 17 % (unripe or rain-soaked crop) to about
		// 23–25 % (Indonesian estates, high-yield planting material; GAPKI and
		// RSPO ACOP reports). Kernels: 4–7 % covers the mill-level spread.
		{In: ProductFFB, Out: ProductCPO, Min: 0.17, Max: 0.25, Source: "MPOB national average OER ~20 %; mill range 17–25 % (MPOB, GAPKI, RSPO ACOP)"},
		{In: ProductFFB, Out: ProductPK, Min: 0.04, Max: 0.07, Source: "MPOB national average KER ~5–5.5 %; mill range 4–7 %"},
		// Kernel crushing. Kernels hold about 47–50 % oil; screw pressing
		// recovers about 42–46 % of the kernel as CPKO and leaves about
		// 50–55 % as expeller (MPOB/PORIM kernel-crushing technology notes,
		// industry averages).
		{In: ProductPK, Out: ProductCPKO, Min: 0.40, Max: 0.50, Source: "kernel oil content 47–50 %, pressing recovery 42–46 % (MPOB/PORIM, industry averages)"},
		{In: ProductPK, Out: ProductPKE, Min: 0.45, Max: 0.58, Source: "expeller 50–55 % of kernel weight (industry averages)"},
		// Refining. Physical refining of CPO (PORAM standard: FFA at most
		// 5 %) yields RBDPO at about 92–95 % and PFAD at about 3–6 % (the FFA
		// distilled off). Dry fractionation of RBDPO gives olein at about
		// 70–80 % and stearin at about 20–30 % (MPOB fractionation data).
		// Refining and fractionation recorded as one process multiply the
		// two: olein 64–80 %, stearin 17–28 % of the CPO.
		{In: ProductCPO, Out: ProductRBDPO, Min: 0.90, Max: 0.96, Source: "physical refining yield 92–95 % (PORAM, MPOB)"},
		{In: ProductCPO, Out: ProductPFAD, Min: 0.03, Max: 0.06, Source: "PFAD 3–6 % of CPO, from FFA ≤ 5 % (PORAM, MPOB)"},
		{In: ProductCPO, Out: ProductOlein, Min: 0.64, Max: 0.80, Source: "refining 92–95 % × fractionation olein 70–80 % (MPOB)"},
		{In: ProductCPO, Out: ProductStearin, Min: 0.17, Max: 0.28, Source: "refining 92–95 % × fractionation stearin 20–30 % (MPOB)"},
		{In: ProductRBDPO, Out: ProductOlein, Min: 0.70, Max: 0.82, Source: "dry fractionation olein 70–80 % (MPOB)"},
		{In: ProductRBDPO, Out: ProductStearin, Min: 0.18, Max: 0.30, Source: "dry fractionation stearin 20–30 % (MPOB)"},
		// Bottling loses a little to line flushing and drums; nothing is
		// gained. This is an assumption, not a published statistic.
		{In: ProductOlein, Out: ProductCookingOil, Min: 0.97, Max: 1.00, Source: "assumption: packing conserves mass, losses up to 3 %"},
		// Solder is mostly tin: Sn99.3Cu0.7 is 1.007 kg per kg of tin,
		// SAC305 (Sn96.5Ag3Cu0.5) 1.036, Sn63Pb37 1.587 (alloy compositions
		// per IPC J-STD-006); the lower bound allows 5 % dross.
		{In: ProductTin, Out: ProductSolder, Min: 0.95, Max: 1.60, Source: "alloy compositions per IPC J-STD-006, 5 % dross allowance"},
		// A chip tantalum capacitor's anode holds from about 1 mg (0402
		// case) to about 200 mg (7343 case) of tantalum: an order-of-magnitude
		// estimate from manufacturers' datasheet masses, not an industry
		// statistic. Replace it with your bill of materials.
		{In: ProductTaPowder, Out: ProductTaCapacitor, InUnit: protocol.KGM, OutUnit: protocol.H87, Min: 5_000, Max: 1_000_000, Source: "estimate: 1–200 mg tantalum per chip capacitor (datasheet masses)"},
	}, EUDR: []string{
		// EUDR (Regulation (EU) 2023/1115) Annex I: oil palm and the palm
		// products of HS 1207 10, 1511, 1513 21/29, 2306 60, 3823 (fatty
		// acids); and the other relevant commodities by their usual names.
		ProductFFB, ProductCPO, ProductPK, ProductCPKO, ProductPKE, ProductRBDPO,
		ProductOlein, ProductStearin, ProductPFAD, ProductCookingOil,
		"COCOA BEANS", "COFFEE BEANS", "SOYBEANS", "NATURAL RUBBER", "LATEX", "CATTLE", "WOOD",
	}}
	if err := t.build(); err != nil {
		panic(err) // the defaults are fixed; a test keeps them valid
	}
	return t
}
