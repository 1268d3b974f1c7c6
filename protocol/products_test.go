package protocol_test

import (
	"slices"
	"testing"

	"github.com/jejak/jejak/protocol"
	"github.com/jejak/jejak/protocol/provenance"
)

func TestProductsForRoles(t *testing.T) {
	mill := protocol.ProductsFor([]protocol.Role{protocol.RoleMill})
	if mill[0] != protocol.ProductCPO || !slices.Contains(mill, protocol.ProductPK) || !slices.Contains(mill, protocol.ProductFFB) {
		t.Errorf("a mill is offered %q, want CPO first, PK and FFB", mill)
	}
	for _, p := range []string{protocol.ProductTin, protocol.ProductTaPowder, protocol.ProductPCBA, protocol.ProductGold} {
		if slices.Contains(mill, p) {
			t.Errorf("a palm-oil mill is offered %s", p)
		}
	}
	smelter := protocol.ProductsFor([]protocol.Role{protocol.RoleSmelter})
	if !slices.Contains(smelter, protocol.ProductTin) || slices.Contains(smelter, protocol.ProductCPO) {
		t.Errorf("a smelter is offered %q", smelter)
	}
	both := protocol.ProductsFor([]protocol.Role{protocol.RolePlantation, protocol.RoleMill})
	ffb := 0
	for _, p := range both {
		if p == protocol.ProductFFB {
			ffb++
		}
	}
	if both[0] != protocol.ProductFFB || ffb != 1 {
		t.Errorf("a plantation with a mill is offered %q, want FFB first and once", both)
	}
	for _, roles := range [][]protocol.Role{nil, {protocol.RoleTrader}, {protocol.RoleBuyer, protocol.RoleCertifier}} {
		if got := protocol.ProductsFor(roles); !slices.Equal(got, protocol.Products()) {
			t.Errorf("roles %v are offered %q, want every product", roles, got)
		}
	}
}

// Every product the default conversion table checks is offered by its
// exact name to some role, so that a product picked from a list is checked
// for mass balance.
func TestProductsCoverConversionTable(t *testing.T) {
	offered := map[string]bool{}
	for _, r := range protocol.Roles() {
		for _, p := range protocol.ProductsFor([]protocol.Role{r}) {
			offered[p] = true
		}
	}
	for _, b := range provenance.DefaultTable().Bounds {
		for _, p := range []string{b.In, b.Out} {
			if !offered[p] || !slices.Contains(protocol.Products(), p) {
				t.Errorf("the conversion table checks %q, which no role is offered", p)
			}
		}
	}
}

func TestUnitsReadOneWay(t *testing.T) {
	for _, tc := range []struct {
		q    protocol.Quantity
		want string
	}{
		{protocol.Quantity{Milli: 15_750_000, Unit: protocol.TNE}, "15,750 t"},
		{protocol.Quantity{Milli: 945, Unit: protocol.TNE}, "0.945 t"},
		{protocol.Q(1200, protocol.H87), "1,200 pcs"},
		{protocol.Q(38, protocol.KGM), "38 kg"},
		{protocol.Q(5, protocol.LTR), "5 L"},
		{protocol.Q(2, protocol.MTQ), "2 m³"},
		{protocol.Q(7, protocol.GRM), "7 g"},
		{protocol.Quantity{Milli: -1_234_500, Unit: protocol.KGM}, "-1,234.5 kg"},
		{protocol.Q(3, "TON"), "3 TON"},
	} {
		if got := tc.q.Text(); got != tc.want {
			t.Errorf("%s.Text() = %q, want %q", tc.q, got, tc.want)
		}
	}
	for _, u := range protocol.Units() {
		if s := u.Symbol(); s == string(u) || s == "" {
			t.Errorf("unit %s has no symbol of its own: %q", u, s)
		}
		for _, typed := range []string{"12.5 " + u.Symbol(), "12.5 " + string(u)} {
			q, err := protocol.ParseQuantity(typed)
			if err != nil || q != (protocol.Quantity{Milli: 12_500, Unit: u}) {
				t.Errorf("ParseQuantity(%q) = %v, %v; want 12.5 %s", typed, q, err, u)
			}
		}
	}
	if q, err := protocol.ParseQuantity("3 m3"); err != nil || q.Unit != protocol.MTQ {
		t.Errorf(`ParseQuantity("3 m3") = %v, %v`, q, err)
	}
}
