package scenario

import "github.com/jejak/jejak/protocol"

// Electronics products, as the default conversion table names them.
const (
	Tin         = "TIN"
	Solder      = "SOLDER"
	TaPowder    = "TANTALUM POWDER"
	TaCapacitor = "TANTALUM CAPACITOR"
	PCB         = "PCB"
	PCBA        = "PCBA"
	RMAP        = "RMI-RMAP"
)

// The smelters' identification numbers in the Responsible Minerals
// Initiative's list (protocol.IDRMI). They are made up, like the smelters,
// and lie far above the numbers the RMI has assigned (its list in CMRT 6.5
// ends near CID005300), so they name no real smelter.
const (
	DemoRMITin      = "CID900142"
	DemoRMITantalum = "CID900057"
)

// smelter returns a smelter place located by a point, with its RMI
// smelter identification number.
func smelter(name, country string, lon, lat float64, rmi string) *protocol.Place {
	p := site(name, protocol.PlaceSmelter, country, lon, lat)
	p.IDs = []protocol.PlaceID{{Scheme: protocol.IDRMI, ID: rmi}}
	return p
}

func kgm(n int64) protocol.Quantity { return protocol.Q(n, protocol.KGM) }
func pcs(n int64) protocol.Quantity { return protocol.Q(n, protocol.H87) }

// electronics says how to build the electronics chain; the zero value is
// honest.
type electronics struct {
	boards int64 // PCBA made from 10,000 bare boards; 0 means 10,000
}

func (p electronics) build(name, desc string) *Scenario {
	w := newWorld()
	rmi := w.newOrg("rmi", "Responsible Minerals Initiative (demo)", "US", protocol.RoleCertifier)
	tin := w.newOrg("bangka-timah", "PT Bangka Timah Lestari", "ID", protocol.RoleSmelter)
	ta := w.newOrg("rayong-tantalum", "Rayong Tantalum Industries Co., Ltd.", "TH", protocol.RoleSmelter)
	comp := w.newOrg("penang-passives", "Penang Passive Components Sdn Bhd", "MY", protocol.RoleManufacturer)
	asm := w.newOrg("batam-rakitan", "PT Batam Elektronika Rakitan", "ID", protocol.RoleManufacturer)
	valid, until := date(2023, 9, 1), date(2026, 8, 31)
	w.endorse(rmi, tin, protocol.RoleSmelter, cert(RMAP, protocol.ModelSG, "RMAP-SN-0142", valid, until))
	w.endorse(rmi, ta, protocol.RoleSmelter, cert(RMAP, protocol.ModelSG, "RMAP-TA-0057", valid, until))
	w.endorse(rmi, comp, protocol.RoleManufacturer, nil)
	w.endorse(rmi, asm, protocol.RoleManufacturer, nil)
	claim := &protocol.Claim{Scheme: RMAP, Model: protocol.ModelSG}

	// Smelters: tin ingots at Muntok, tantalum powder at Rayong, each with
	// its smelter identification number in the RMI's list.
	muntok := tin.dev.add(smelter("Muntok smelter", "ID", 105.1610, -2.0610, DemoRMITin))
	from, to := w.clock-5*24*3_600_000, w.clock-3_600_000
	ingots := w.mark("tin.origin", tin.dev.add(&protocol.Origin{Places: []protocol.CID{muntok.CID}, From: from, Until: to,
		Out: []protocol.Output{{Product: Tin, Qty: kgm(25_000), Lot: "BTL-SN-2403-11", Claim: claim}}}))
	t1 := tin.dev.add(&protocol.Transfer{Batch: batch(ingots, 0), Qty: kgm(2_000), To: comp.key.pub()})
	rayong := ta.dev.add(smelter("Rayong tantalum plant", "TH", 101.2820, 12.7050, DemoRMITantalum))
	powder := w.mark("ta.origin", ta.dev.add(&protocol.Origin{Places: []protocol.CID{rayong.CID}, From: from, Until: to,
		Out: []protocol.Output{{Product: TaPowder, Qty: kgm(500), Lot: "RTI-TA-2403-02", Claim: claim}}}))
	t2 := ta.dev.add(&protocol.Transfer{Batch: batch(powder, 0), Qty: kgm(100), To: comp.key.pub()})

	// Component maker: solder from tin (SAC305), capacitors from powder.
	cd := comp.dev
	cd.add(&protocol.Receive{Transfer: t1.CID, Qty: kgm(2_000)})
	cd.add(&protocol.Receive{Transfer: t2.CID, Qty: kgm(100)})
	plant := cd.add(site("Bayan Lepas plant", protocol.PlaceFactory, "MY", 100.2870, 5.2970))
	solder := w.mark("comp.solder", cd.add(&protocol.Process{In: []protocol.Input{{Batch: batch(ingots, 0), Qty: kgm(2_000)}}, Place: &plant.CID,
		Out: []protocol.Output{{Product: Solder, Qty: kgm(2_060), Lot: "PPC-SAC305-0412"}}}))
	caps := w.mark("comp.capacitors", cd.add(&protocol.Process{In: []protocol.Input{{Batch: batch(powder, 0), Qty: kgm(100)}}, Place: &plant.CID,
		Out: []protocol.Output{{Product: TaCapacitor, Qty: pcs(2_000_000), Lot: "PPC-TC-B-0412"}}}))
	t3 := cd.add(&protocol.Transfer{Batch: batch(solder, 0), Qty: kgm(500), To: asm.key.pub()})
	t4 := cd.add(&protocol.Transfer{Batch: batch(caps, 0), Qty: pcs(120_000), To: asm.key.pub()})

	// Assembler: bare boards bought in, 12 capacitors a board, solder.
	ad := asm.dev
	ad.add(&protocol.Receive{Transfer: t3.CID, Qty: kgm(500)})
	ad.add(&protocol.Receive{Transfer: t4.CID, Qty: pcs(120_000)})
	factory := ad.add(site("Batamindo assembly line 3", protocol.PlaceFactory, "ID", 104.0380, 1.0450))
	boards := ad.add(&protocol.Origin{Places: []protocol.CID{factory.CID}, From: w.clock - 48*3_600_000, Until: w.clock,
		Out: []protocol.Output{{Product: PCB, Qty: pcs(10_000), Lot: "BER-PCB-0415"}}})
	n := p.boards
	if n == 0 {
		n = 10_000
	}
	final := w.mark("assembler.process", ad.add(&protocol.Process{
		In:  []protocol.Input{{Batch: batch(boards, 0), Qty: pcs(10_000)}, {Batch: batch(caps, 0), Qty: pcs(120_000)}, {Batch: batch(solder, 0), Qty: kgm(50)}},
		Out: []protocol.Output{{Product: PCBA, Qty: pcs(n), Lot: "BER-PCBA-0416"}}, Place: &factory.CID}))
	return w.scenario(name, desc, batch(final, 0), rmi.key.pub())
}

// HonestElectronics is an honest electronics chain: RMAP-conformant tin and
// tantalum smelters, a Penang component maker (solder, tantalum
// capacitors) and a Batam board assembler.
func HonestElectronics() *Scenario {
	return electronics{}.build("electronics-honest", "smelters → component maker → assembler, RMAP certificates, counts conserved")
}

// AssemblyExceedsComponents: the assembler reports 10,500 assembled boards
// from 10,000 bare boards.
func AssemblyExceedsComponents() *Scenario {
	return electronics{boards: 10_500}.build("electronics-count-inflation", "10,500 assembled boards from 10,000 bare boards").
		expect("failed", "mass_balance")
}
