package protocol

import "slices"

// Product names as records write them, for the products Jejak's forms
// offer. A record may name any product; these are the ones the supply
// chains Jejak serves use, and the names the default conversion table
// (package provenance) checks for mass balance.
const (
	ProductFFB         = "FFB"              // fresh fruit bunches
	ProductCPO         = "CPO"              // crude palm oil
	ProductPK          = "PK"               // palm kernels
	ProductCPKO        = "CPKO"             // crude palm kernel oil
	ProductPKE         = "PKE"              // palm kernel expeller (cake)
	ProductRBDPO       = "RBDPO"            // refined, bleached, deodorised palm oil
	ProductOlein       = "RBD PALM OLEIN"   // the liquid fraction
	ProductStearin     = "RBD PALM STEARIN" // the solid fraction
	ProductPFAD        = "PFAD"             // palm fatty acid distillate
	ProductCookingOil  = "COOKING OIL"      // packed olein
	ProductTinOre      = "TIN ORE"          // cassiterite concentrate
	ProductTin         = "TIN"              // refined tin metal (ingots)
	ProductSolder      = "SOLDER"           // solder alloy
	ProductTaOre       = "TANTALUM ORE"     // coltan concentrate
	ProductTaPowder    = "TANTALUM POWDER"  // capacitor-grade tantalum powder
	ProductTaCapacitor = "TANTALUM CAPACITOR"
	ProductWOre        = "TUNGSTEN ORE" // wolframite concentrate
	ProductTungsten    = "TUNGSTEN"     // tungsten metal or APT
	ProductGoldOre     = "GOLD ORE"
	ProductGold        = "GOLD"       // refined gold
	ProductComponents  = "COMPONENTS" // electronic components
	ProductPCB         = "PCB"        // bare printed circuit board
	ProductPCBA        = "PCBA"       // assembled circuit board
	ProductAssembly    = "ASSEMBLY"   // a finished electronic assembly
)

// productsByRole is what an organisation of each role makes or handles,
// most usual first. Traders, buyers, certifiers and relays are not listed:
// they may deal in anything.
var productsByRole = map[Role][]string{
	RolePlantation: {ProductFFB},
	RoleMill:       {ProductCPO, ProductPK, ProductFFB, ProductCPKO, ProductPKE},
	RoleRefinery: {ProductRBDPO, ProductOlein, ProductStearin, ProductPFAD, ProductCPO,
		ProductCPKO, ProductCookingOil},
	RoleSmelter: {ProductTin, ProductTinOre, ProductTaPowder, ProductTaOre, ProductTungsten,
		ProductWOre, ProductGold, ProductGoldOre},
	RoleManufacturer: {ProductPCBA, ProductPCB, ProductComponents, ProductAssembly, ProductSolder,
		ProductTaCapacitor, ProductTin, ProductTaPowder, ProductCookingOil, ProductOlein},
}

// Products lists every product name the forms know: the palm-oil chain's,
// then the minerals' and electronics'.
func Products() []string {
	return []string{ProductFFB, ProductCPO, ProductPK, ProductCPKO, ProductPKE, ProductRBDPO,
		ProductOlein, ProductStearin, ProductPFAD, ProductCookingOil,
		ProductTinOre, ProductTin, ProductSolder, ProductTaOre, ProductTaPowder, ProductTaCapacitor,
		ProductWOre, ProductTungsten, ProductGoldOre, ProductGold,
		ProductComponents, ProductPCB, ProductPCBA, ProductAssembly}
}

// ProductsFor lists the products an organisation with the given roles makes
// or handles, the first role's first, without repeats: a palm-oil mill is
// offered CPO and kernels, not tin. An organisation whose roles name no
// products (a trader, a buyer, no roles at all) is offered every product.
func ProductsFor(roles []Role) []string {
	var out []string
	for _, r := range roles {
		for _, p := range productsByRole[r] {
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
		}
	}
	if len(out) == 0 {
		return Products()
	}
	return out
}
