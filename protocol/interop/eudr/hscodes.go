package eudr

import "github.com/jejak/jejak/protocol/provenance"

// HSCode is the customs classification of a product as a due diligence
// statement declares it, and the relevant commodity it is made of.
type HSCode struct {
	// Product is the product name records use (provenance.NormProduct
	// form): "CPO", "RBD PALM OLEIN".
	Product string `json:"product"`
	// Code is the Harmonized System subheading, six digits in pairs
	// ("1511 10"); Heading the Annex I entry of Regulation (EU) 2023/1115
	// it falls under ("1511"; "ex" before it where Annex I lists only part
	// of the code, as "ex 2905 45" for glycerol of 95 % purity or more).
	Code    string `json:"hs_code"`
	Heading string `json:"annex_i"`
	// Description is the subheading's description in the Combined
	// Nomenclature.
	Description string `json:"description"`
	// Commodity is the relevant commodity ("oil palm"), Species its
	// scientific name ("Elaeis guineensis").
	Commodity string `json:"commodity"`
	Species   string `json:"species"`
	// Note says what to check before filing, if anything.
	Note string `json:"note,omitempty"`
}

// Oil palm, the relevant commodity of every palm product.
const (
	commodityPalm = "oil palm"
	speciesPalm   = "Elaeis guineensis"
)

// hsCodes maps the product names the default conversion table and the
// scenarios use (provenance.Product…), and the usual names of other palm
// products, to their HS subheadings.
//
// Sources: Annex I of Regulation (EU) 2023/1115 (the oil palm rows: 1207
// 10, 1511, 1513 21, 1513 29, 2306 60, ex 2905 45, 2915 70, 2915 90, 3823
// 11, 3823 12, 3823 19, 3823 70; the Commission may amend Annex I by
// delegated act, so check it before filing); the subheadings and descriptions of the Combined Nomenclature
// (Council Regulation (EEC) No 2658/87, Annex I); the Commission's scope
// guidance (green-business.ec.europa.eu, "What products are included in
// the Regulation?"): a product not in Annex I is outside the Regulation even
// when made of palm oil, so soap (3401), margarine and blended cooking
// oils (1517) and biodiesel (3826) are not here and must not be declared
// as in scope. A name not in this table has no code: the summary says
// "HS code not known: add it".
var hsCodes = []HSCode{
	{Product: provenance.ProductFFB, Code: "1207 10", Heading: "1207 10", Description: "Palm nuts and kernels",
		Note: "fresh fruit bunches are the fruit of the oil palm; confirm the classification with your customs office (FFB seldom cross a border)"},
	{Product: provenance.ProductPK, Code: "1207 10", Heading: "1207 10", Description: "Palm nuts and kernels"},
	{Product: provenance.ProductCPO, Code: "1511 10", Heading: "1511", Description: "Palm oil and its fractions: crude oil"},
	{Product: provenance.ProductRBDPO, Code: "1511 90", Heading: "1511", Description: "Palm oil and its fractions, whether or not refined, but not chemically modified: other than crude"},
	{Product: provenance.ProductOlein, Code: "1511 90", Heading: "1511", Description: "Palm oil and its fractions, whether or not refined, but not chemically modified: other than crude (liquid fraction)"},
	{Product: provenance.ProductStearin, Code: "1511 90", Heading: "1511", Description: "Palm oil and its fractions, whether or not refined, but not chemically modified: other than crude (solid fraction)"},
	{Product: provenance.ProductCookingOil, Code: "1511 90", Heading: "1511", Description: "Palm oil and its fractions, refined: palm olein in packages",
		Note: "only when it is palm olein alone; a blend with other oils is heading 1517, outside Annex I"},
	{Product: provenance.ProductCPKO, Code: "1513 21", Heading: "1513 21", Description: "Palm kernel or babassu oil: crude oil"},
	{Product: "RBDPKO", Code: "1513 29", Heading: "1513 29", Description: "Palm kernel or babassu oil and their fractions: other than crude"},
	{Product: "RBD PALM KERNEL OIL", Code: "1513 29", Heading: "1513 29", Description: "Palm kernel or babassu oil and their fractions: other than crude"},
	{Product: "PALM KERNEL OLEIN", Code: "1513 29", Heading: "1513 29", Description: "Palm kernel or babassu oil and their fractions: other than crude"},
	{Product: "PALM KERNEL STEARIN", Code: "1513 29", Heading: "1513 29", Description: "Palm kernel or babassu oil and their fractions: other than crude"},
	{Product: provenance.ProductPKE, Code: "2306 60", Heading: "2306 60", Description: "Oilcake and other solid residues of palm nuts or kernels"},
	{Product: provenance.ProductPFAD, Code: "3823 19", Heading: "3823 19", Description: "Other industrial monocarboxylic fatty acids; acid oils from refining (fatty acid distillate)"},
	{Product: "STEARIC ACID", Code: "3823 11", Heading: "3823 11", Description: "Industrial monocarboxylic fatty acids: stearic acid",
		Note: "pure (not industrial) stearic acid is 2915 70, also in Annex I"},
	{Product: "OLEIC ACID", Code: "3823 12", Heading: "3823 12", Description: "Industrial monocarboxylic fatty acids: oleic acid"},
	{Product: "FATTY ALCOHOL", Code: "3823 70", Heading: "3823 70", Description: "Industrial fatty alcohols"},
	{Product: "PALMITIC ACID", Code: "2915 70", Heading: "2915 70", Description: "Palmitic acid, stearic acid, their salts and esters"},
	{Product: "GLYCEROL", Code: "2905 45", Heading: "ex 2905 45", Description: "Glycerol",
		Note: "in Annex I only with a purity of 95 % or more (of the weight of the dry product)"},
}

// HSCodes returns the table of products and their HS codes.
func HSCodes() []HSCode {
	out := make([]HSCode, len(hsCodes))
	for i, h := range hsCodes {
		h.Commodity, h.Species = commodityPalm, speciesPalm
		out[i] = h
	}
	return out
}

// HSCodeOf returns the HS code of a product, by its name as records write
// it (case and spacing aside), and whether the table knows it.
func HSCodeOf(product string) (HSCode, bool) {
	p := provenance.NormProduct(product)
	for _, h := range hsCodes {
		if h.Product == p {
			h.Commodity, h.Species = commodityPalm, speciesPalm
			return h, true
		}
	}
	return HSCode{}, false
}
