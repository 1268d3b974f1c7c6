package scenario

import (
	"math"
	"time"

	"github.com/jejak/jejak/protocol"
)

// ISPOPalm is an honest Indonesian chain under ISPO (Indonesian
// Sustainable Palm Oil, mandatory in Indonesia): a Riau plantation's FFB
// and a smallholder's, claimed ISPO IP, milled into CPO and kernels
// claimed ISPO SG. ISPO certifies plantations and mills, not chains of
// custody, so its certificates carry no supply-chain model (like
// RMI-RMAP's): any model may be claimed under one, and models still only
// go down the chain. The certification body is endorsed by the ISPO
// Committee, the anchor. The batch is the mill's CPO.
func ISPOPalm() *Scenario {
	w := newWorld()
	komite := w.newOrg("komite-ispo", "Komite ISPO (demo)", "ID", protocol.RoleCertifier)
	cb := w.newOrg("sertifikasi-nusantara", "PT Sertifikasi Sawit Nusantara", "ID", protocol.RoleCertifier)
	w.endorse(komite, cb, protocol.RoleCertifier, nil)
	plantation := w.newOrg("kebun-siak", "PT Kebun Sawit Siak", "ID", protocol.RolePlantation)
	mill := w.newOrg("pks-siak", "PT Pabrik Kelapa Sawit Siak", "ID", protocol.RoleMill)
	valid, until := date(2023, 2, 1), date(2028, 1, 31)
	w.endorse(cb, plantation, protocol.RolePlantation, cert(ISPO, "", "ISPO-KBN-2023-0117", valid, until))
	w.endorse(cb, mill, protocol.RoleMill, cert(ISPO, "", "ISPO-PKS-2023-0058", valid, until))

	// Plantation: an estate block near Siak Sri Indrapura, Riau, and a
	// smallholder's plot it buys from.
	pd := plantation.dev
	blok := w.mark("plot.a7", pd.add(plot("Afdeling 7 Blok A", "ID", rect(101.9810, 0.8120, 0.0070, 0.0060))))
	small := w.mark("plot.smallholder", pd.add(&protocol.Place{Name: "Kebun Pak Sutrisno (smallholder)", Kind: protocol.PlacePlot, Country: "ID",
		Geo: protocol.PointGeometry(protocol.Pos(101.9930, 0.8210)), Area: 32_000, Evidence: landEvidence("SHM-1402")}))
	from := time.UnixMilli(w.clock).Add(-5 * 24 * time.Hour)
	harvest := w.mark("plantation.origin", pd.add(&protocol.Origin{Places: []protocol.CID{blok.CID, small.CID},
		From: from.UnixMilli(), Until: from.Add(4 * 24 * time.Hour).UnixMilli(),
		Out: []protocol.Output{{Product: FFB, Qty: tne(60_000), Lot: "KSS-FFB-2403-02", Claim: &protocol.Claim{Scheme: ISPO, Model: protocol.ModelIP}}}}))
	t := pd.add(&protocol.Transfer{Batch: batch(harvest, 0), Qty: tne(60_000), To: mill.key.pub(),
		Docs: []protocol.Document{{Kind: "weighbridge-ticket", Ref: "WB-SIAK-0412"}}})
	md := mill.dev
	md.add(&protocol.Receive{Transfer: t.CID, Qty: tne(60_000)})

	// Mill: FFB → CPO + PK, 21.5 % and 5 % (round to the kilogram).
	millSite := md.add(site("PKS Siak", protocol.PlaceMill, "ID", 102.0150, 0.7980))
	claim := &protocol.Claim{Scheme: ISPO, Model: protocol.ModelSG}
	cpo := int64(math.Round(60_000 * 0.215))
	proc := w.mark("mill.process", md.add(&protocol.Process{In: []protocol.Input{{Batch: batch(harvest, 0), Qty: tne(60_000)}}, Place: &millSite.CID,
		Out: []protocol.Output{{Product: CPO, Qty: tne(cpo), Lot: "PKSS-CPO-0412", Claim: claim},
			{Product: PK, Qty: tne(3_000), Lot: "PKSS-PK-0412", Claim: claim}}}))
	return w.scenario("palm-ispo", "Indonesian plantation → mill, ISPO certificates without a model, IP → SG", batch(proc, 0), komite.key.pub())
}
