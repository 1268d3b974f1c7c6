package cmrt

import (
	"strings"

	"github.com/jejak/jejak/protocol/provenance"
)

// The metals, as the template's "Metal" drop-down spells them.
const (
	Gold     = "Gold"
	Tantalum = "Tantalum"
	Tin      = "Tin"
	Tungsten = "Tungsten"
)

// metals is the one table from product names to the template's metals: the
// products a smelter or refiner makes of each, in the upper case and single
// spaces of provenance.NormProduct. A product not named here whose first
// word is a metal's name ("TIN INGOT 99.9", "GOLD GRAIN 999.9") is of that
// metal too. Any other product is no metal of the template (MetalOf says
// ""): a smelter that makes one still gets a row, with no metal, for the
// user to settle (see Smelters).
var metals = []struct {
	metal    string
	products []string
}{
	{Gold, []string{"GOLD", "FINE GOLD", "REFINED GOLD", "GOLD BAR", "GOLD BULLION", "GOLD GRAIN", "GOLD INGOT"}},
	{Tantalum, []string{"TANTALUM", "TANTALUM POWDER", "TANTALUM INGOT", "TANTALUM WIRE", "TANTALUM OXIDE",
		"TANTALUM PENTOXIDE", "TA2O5", "K2TAF7", "POTASSIUM FLUOROTANTALATE", "TANTALUM CARBIDE"}},
	// Secondary tin smelters make solder (the template's definition of a
	// tin smelter); at a factory solder is no smelter's output, and only
	// smelters' outputs are looked up.
	{Tin, []string{"TIN", "TIN INGOT", "REFINED TIN", "TIN METAL", "TIN BAR", "SOLDER"}},
	{Tungsten, []string{"TUNGSTEN", "APT", "AMMONIUM PARATUNGSTATE", "AMT", "AMMONIUM METATUNGSTATE", "TUNGSTEN OXIDE",
		"TUNGSTEN POWDER", "TUNGSTEN CARBIDE", "TUNGSTEN CARBIDE POWDER", "FERROTUNGSTEN"}},
}

// MetalOf returns the template's metal of a product name ("TANTALUM
// POWDER" → "Tantalum"), or "" when the product is none of tin, tantalum,
// tungsten and gold by the table above.
func MetalOf(product string) string {
	p := provenance.NormProduct(product)
	for _, m := range metals {
		for _, name := range m.products {
			if p == name {
				return m.metal
			}
		}
	}
	first, _, _ := strings.Cut(p, " ")
	for _, m := range metals {
		if first == strings.ToUpper(m.metal) {
			return m.metal
		}
	}
	return ""
}

// metalRank orders metals as the template's Smelter Look-up lists them,
// alphabetically; a row with no metal comes last.
func metalRank(m string) int {
	switch m {
	case Gold:
		return 0
	case Tantalum:
		return 1
	case Tin:
		return 2
	case Tungsten:
		return 3
	}
	return 4
}
