package scenario

import (
	"time"

	"github.com/jejak/jejak/protocol"
)

// Palm-oil products, as the default conversion table names them.
const (
	FFB        = "FFB"
	CPO        = "CPO"
	PK         = "PK"
	Olein      = "RBD PALM OLEIN"
	Stearin    = "RBD PALM STEARIN"
	PFAD       = "PFAD"
	CookingOil = "COOKING OIL"
	RSPO       = "RSPO"
	MSPO       = "MSPO" // Malaysian Sustainable Palm Oil, mandatory in Malaysia
	ISPO       = "ISPO" // Indonesian Sustainable Palm Oil, mandatory in Indonesia
)

// DDSRef and DDSVerification are the numbers of the due diligence
// statement the mill's CPO transfer carries in StatementUpstream.
const (
	DDSRef          = "24MYKSBL240311"
	DDSVerification = "K7R8LA90"
)

// palm says how to build a palm-oil chain; the zero value is honest.
type palm struct {
	cpoMilli         int64     // CPO made from 100 t of FFB, in kg; 0 means 21 t
	millModel        string    // the mill's certificate and claim model; "" means SG
	refineryUntil    time.Time // end of the refinery's certificate; zero means 2028-05-31
	harvestFrom      time.Time // start of the harvest period; zero means a week before
	collectionCentre bool      // the FFB origin names a collection centre, not plots
	revokeMillDevice bool      // the mill withdraws its device key, which signs on
	forkMill         bool      // the mill's device signs two records at one seq
	dropMillProcess  bool      // the mill's process record is left out
	doubleClaim      bool      // the mill sells the same CPO twice
	noCustody        bool      // the CPO goes elsewhere; the refinery uses it anyway
	unendorsedMill   bool      // the mill's only endorsement is from an unknown certifier
	correctMill      bool      // the mill corrects its process record
	doubleReceipt    bool      // the refinery receives the CPO transfer twice
	strangerReceipt  bool      // another refinery signs a receipt of the CPO sent to this one
	doubledStockSold bool      // the refinery receives the CPO twice and sells on what it thinks it holds
	overConsume      bool      // the refinery refines more CPO than it received
	oldBowTie        bool      // plot 12B is a self-crossing polygon, signed in record format 1
	plotNotAssessed  bool      // plot 12B carries no evidence
	assessedBefore   time.Time // plot 12A's assessment date; zero means 2024-01-15
	scheme           string    // the scheme of every certificate and claim; "" means RSPO
	millOtherScheme  bool      // the mill holds an RSPO certificate only, yet claims the chain's scheme
	dds              bool      // the mill's CPO transfer carries a due diligence statement
}

// chain holds the actors of a palm-oil chain.
type chain struct {
	w                                        *world
	owner, cb                                *org // the scheme's owner (the anchor) and a certification body
	plantation, mill, refinery, manufacturer *org
	other                                    *org
}

func (p palm) build(name, desc string) *Scenario {
	w := newWorld()
	c := &chain{w: w}
	scheme := p.scheme
	switch scheme {
	case "", RSPO:
		scheme = RSPO
		c.owner = w.newOrg("rspo", "Roundtable on Sustainable Palm Oil (demo)", "MY", protocol.RoleCertifier)
	case MSPO:
		c.owner = w.newOrg("mpocc", "Malaysian Palm Oil Certification Council (demo)", "MY", protocol.RoleCertifier)
	default:
		panic("scenario: no owner for scheme " + scheme)
	}
	c.cb = w.newOrg("borneo-assurance", "Borneo Assurance Services Sdn Bhd", "MY", protocol.RoleCertifier)
	w.endorse(c.owner, c.cb, protocol.RoleCertifier, nil)
	c.plantation = w.newOrg("sungai-lebam", "Ladang Sungai Lebam Sdn Bhd", "MY", protocol.RolePlantation)
	c.mill = w.newOrg("bukit-lebam-mill", "Kilang Sawit Bukit Lebam Sdn Bhd", "MY", protocol.RoleMill)
	c.refinery = w.newOrg("pasir-gudang", "Pasir Gudang Edible Oils Sdn Bhd", "MY", protocol.RoleRefinery)
	c.manufacturer = w.newOrg("sinar-pangan", "PT Sinar Pangan Nusantara", "ID", protocol.RoleManufacturer)
	c.other = w.newOrg("lahad-datu", "Lahad Datu Palm Products Sdn Bhd", "MY", protocol.RoleRefinery)

	valid, until := date(2023, 6, 1), date(2028, 5, 31)
	millModel := p.millModel
	if millModel == "" {
		millModel = protocol.ModelSG
	}
	refUntil := p.refineryUntil
	refFrom := valid
	if !refUntil.IsZero() {
		refFrom = refUntil.AddDate(-5, 0, 1)
	} else {
		refUntil = until
	}
	w.endorse(c.cb, c.plantation, protocol.RolePlantation, cert(scheme, protocol.ModelIP, scheme+"-PC-2023-0412", valid, until))
	if p.unendorsedMill {
		rogue := w.newOrg("sawit-lestari-cert", "Sawit Lestari Certification", "MY", protocol.RoleCertifier)
		w.endorse(rogue, c.mill, protocol.RoleMill, cert(scheme, millModel, "SLC-2023-0091", valid, until))
	} else if p.millOtherScheme {
		w.endorse(c.cb, c.mill, protocol.RoleMill, cert(RSPO, millModel, "RSPO-SCC-2023-0877", valid, until))
	} else {
		w.endorse(c.cb, c.mill, protocol.RoleMill, cert(scheme, millModel, scheme+"-SCC-2023-0877", valid, until))
	}
	w.endorse(c.cb, c.refinery, protocol.RoleRefinery, cert(scheme, protocol.ModelSG, scheme+"-SCC-2022-1520", refFrom, refUntil))
	w.endorse(c.cb, c.manufacturer, protocol.RoleManufacturer, cert(scheme, protocol.ModelMB, scheme+"-SCC-2023-2231", valid, until))
	w.endorse(c.cb, c.other, protocol.RoleRefinery, cert(scheme, protocol.ModelSG, scheme+"-SCC-2021-0310", valid, until))

	// Plantation: three plots near Kota Tinggi, Johor, and a harvest.
	pl := c.plantation.dev
	p12a := plot("Blok 12A", "MY", rect(103.9510, 1.8020, 0.0060, 0.0060))
	if !p.assessedBefore.IsZero() {
		p12a.Evidence[0].Date = p.assessedBefore.UnixMilli()
	}
	b12a := w.mark("plot.12a", pl.add(p12a))
	var b12b protocol.Signed
	if p.oldBowTie {
		// Format 1 took any closed ring that encloses some area; this one
		// crosses itself, and its two lobes differ, so its area is not 0.
		lon, lat := 103.9570, 1.8020
		tie := []protocol.Position{protocol.Pos(lon, lat), protocol.Pos(lon+0.0050, lat+0.0060), protocol.Pos(lon+0.0050, lat),
			protocol.Pos(lon, lat+0.0040), protocol.Pos(lon, lat)}
		old := plot("Blok 12B", "MY", tie)
		old.Evidence = nil // format 1 had none
		b12b = w.mark("plot.12b", pl.addVersion(old, protocol.Version1))
	} else {
		p12b := plot("Blok 12B", "MY", rect(103.9570, 1.8020, 0.0050, 0.0060))
		if p.plotNotAssessed {
			p12b.Evidence = nil
		}
		b12b = w.mark("plot.12b", pl.add(p12b))
	}
	small := pl.add(&protocol.Place{Name: "Kebun Pak Hamid (smallholder)", Kind: protocol.PlacePlot, Country: "MY",
		Geo: protocol.PointGeometry(protocol.Pos(103.9655, 1.8110)), Area: 25_000, Evidence: landEvidence("KPH")})
	places := []protocol.CID{b12a.CID, b12b.CID, small.CID}
	if p.collectionCentre {
		ramp := w.mark("place.ramp", pl.add(site("Ramp Sungai Lebam (FFB collection centre)", protocol.PlaceWarehouse, "MY", 103.9702, 1.7951)))
		places = []protocol.CID{ramp.CID}
	}
	from := time.UnixMilli(w.clock).Add(-7 * 24 * time.Hour)
	if !p.harvestFrom.IsZero() {
		from = p.harvestFrom
	}
	until2 := from.Add(6 * 24 * time.Hour)
	harvest := w.mark("plantation.origin", pl.add(&protocol.Origin{Places: places, From: from.UnixMilli(), Until: until2.UnixMilli(),
		Out: []protocol.Output{{Product: FFB, Qty: tne(100_000), Lot: "LSL-FFB-2403-01", Claim: &protocol.Claim{Scheme: scheme, Model: protocol.ModelIP}}}}))
	ffb := batch(harvest, 0)
	t1 := pl.add(&protocol.Transfer{Batch: ffb, Qty: tne(100_000), To: c.mill.key.pub(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-0307-118"}}})
	c.mill.dev.add(&protocol.Receive{Transfer: t1.CID, Qty: tne(100_000)})

	// Mill: FFB → CPO + PK.
	md := c.mill.dev
	millPlace := md.add(site("Kilang Sawit Bukit Lebam", protocol.PlaceMill, "MY", 103.9420, 1.7880))
	if p.revokeMillDevice {
		w.mark("mill.revoke", c.mill.key.add(&protocol.Revoke{Key: keyPtr(md.pub()), From: w.clock, Reason: "desk laptop stolen"}))
		c.mill.key.add(&protocol.Device{Key: Key("bukit-lebam-mill/device-2").Public(), Name: c.mill.name + " desk 2"})
	}
	cpo := p.cpoMilli
	if cpo == 0 {
		cpo = 21_000
	}
	millClaim := &protocol.Claim{Scheme: scheme, Model: millModel}
	millOut := func(cpo int64) *protocol.Process {
		return &protocol.Process{In: []protocol.Input{{Batch: ffb, Qty: tne(100_000)}}, Place: &millPlace.CID,
			Out: []protocol.Output{{Product: CPO, Qty: tne(cpo), Lot: "KSBL-CPO-0307", Claim: millClaim},
				{Product: PK, Qty: tne(5_000), Lot: "KSBL-PK-0307", Claim: millClaim}}}
	}
	if p.correctMill {
		cpo = 22_000
	}
	millProc := w.mark("mill.process", md.add(millOut(cpo)))
	if p.forkMill {
		w.mark("fork.a", millProc)
		w.mark("fork.b", md.fork(site("Kilang Sawit Bukit Lebam (annex)", protocol.PlaceMill, "MY", 103.9430, 1.7890)))
	}
	cpoBatch := batch(millProc, 0)
	to := c.refinery
	if p.noCustody {
		to = c.other
	}
	millDocs := []protocol.Document{{Kind: "invoice", Ref: "INV-KSBL-24-0311"}}
	if p.dds {
		millDocs = append(millDocs, protocol.Document{Kind: protocol.DocDDS, Ref: DDSRef, Verification: DDSVerification})
	}
	t2 := w.mark("mill.transfer", md.add(&protocol.Transfer{Batch: cpoBatch, Qty: tne(21_000), To: to.key.pub(), Docs: millDocs}))
	w.mark("refinery.receive", to.dev.add(&protocol.Receive{Transfer: t2.CID, Qty: tne(21_000)}))
	if p.doubleReceipt || p.doubledStockSold {
		w.mark("refinery.receive2", to.dev.add(&protocol.Receive{Transfer: t2.CID, Qty: tne(21_000)}))
	}
	if p.strangerReceipt {
		w.mark("stranger.receive", c.other.dev.add(&protocol.Receive{Transfer: t2.CID, Qty: tne(21_000)}))
	}
	if p.correctMill {
		fixed := w.mark("mill.process2", md.add(millOut(21_000)))
		w.mark("mill.correct", md.add(&protocol.Correct{Record: millProc.CID, Reason: "CPO weight re-read from weighbridge ticket", By: &fixed.CID}))
	}

	// Refinery: CPO → olein + stearin + PFAD.
	rd := c.refinery.dev
	refPlace := rd.add(site("Pasir Gudang refinery", protocol.PlaceRefinery, "MY", 103.9050, 1.4700))
	refClaim := &protocol.Claim{Scheme: scheme, Model: protocol.ModelSG}
	// 21 t of CPO refined, or 30 t when the refinery refines more than it
	// received; the yields stay those of a real refinery.
	refIn := int64(21_000)
	if p.overConsume {
		refIn = 30_000
	}
	refProc := w.mark("refinery.process", rd.add(&protocol.Process{In: []protocol.Input{{Batch: cpoBatch, Qty: tne(refIn)}}, Place: &refPlace.CID,
		Out: []protocol.Output{
			{Product: Olein, Qty: tne(refIn * 750 / 1000), Lot: "PGEO-OL-2403-07", Claim: refClaim},
			{Product: Stearin, Qty: tne(refIn * 200 / 1000), Lot: "PGEO-ST-2403-07", Claim: refClaim},
			{Product: PFAD, Qty: tne(refIn * 45 / 1000), Lot: "PGEO-FA-2403-07", Claim: refClaim},
		}}))
	if p.doubledStockSold {
		// It thinks it holds 42 t, refines 21 and sells 21 more.
		t5 := w.mark("refinery.transfer", rd.add(&protocol.Transfer{Batch: cpoBatch, Qty: tne(21_000), To: c.other.key.pub(),
			Docs: []protocol.Document{{Kind: "invoice", Ref: "INV-PGEO-24-0330"}}}))
		c.other.dev.add(&protocol.Receive{Transfer: t5.CID, Qty: tne(21_000)})
	}
	t4 := rd.add(&protocol.Transfer{Batch: batch(refProc, 0), Qty: tne(15_000), To: c.manufacturer.key.pub(),
		Docs: []protocol.Document{{Kind: "bill-of-lading", Ref: "BL-PGU-JKT-24-0415"}}})

	// Manufacturer: olein → cooking oil.
	fd := c.manufacturer.dev
	fd.add(&protocol.Receive{Transfer: t4.CID, Qty: tne(15_000)})
	factory := fd.add(site("Pabrik Cikarang", protocol.PlaceFactory, "ID", 107.1530, -6.3020))
	final := w.mark("manufacturer.process", fd.add(&protocol.Process{In: []protocol.Input{{Batch: batch(refProc, 0), Qty: tne(15_000)}}, Place: &factory.CID,
		Out: []protocol.Output{{Product: CookingOil, Qty: tne(14_850), Lot: "SPN-MG-240320", Claim: &protocol.Claim{Scheme: scheme, Model: protocol.ModelMB}}}}))

	if p.doubleClaim {
		// Later, the mill sells the same CPO again: a buyer who checked
		// the cooking oil before this saw an honest chain.
		t3 := w.mark("mill.transfer2", md.add(&protocol.Transfer{Batch: cpoBatch, Qty: tne(15_000), To: c.other.key.pub(),
			Docs: []protocol.Document{{Kind: "invoice", Ref: "INV-KSBL-24-0312"}}}))
		c.other.dev.add(&protocol.Receive{Transfer: t3.CID, Qty: tne(15_000)})
	}

	s := w.scenario(name, desc, batch(final, 0), c.owner.key.pub())
	if p.dropMillProcess {
		var kept []protocol.Signed
		for _, r := range s.Records {
			if r.CID != millProc.CID {
				kept = append(kept, r)
			}
		}
		s.Records, s.Missing = kept, []protocol.CID{millProc.CID}
	}
	return s
}

func keyPtr(k protocol.PublicKey) *protocol.PublicKey { return &k }
