package scenario

import (
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/jejak/jejak/protocol"
)

// maxLanes is how many plantation and mill devices a bulk ancestry spreads
// its harvests over, so that feeds can be signed in parallel.
const maxLanes = 16

// fanIn is how many batches one bulk process consumes.
const fanIn = 64

// Ancestry builds an honest palm-oil ancestry whose trace holds about n
// records (the organisations, keys and endorsements come on top): harvests of 10 t of FFB, each sent to and received by a mill (three
// records per harvest), milled 64 at a time into CPO at a 21 % extraction
// rate, the CPO sent to a refinery and blended 64 batches at a time until
// one batch remains; RSPO IP harvests, SG from the mill on. Batch is that last batch. It is for benchmarks: the
// time to verify Batch grows with n.
func Ancestry(n int) *Scenario {
	name := fmt.Sprintf("ancestry-%d", n)
	w := newWorld()
	anchor := w.newOrg(name+"/anchor", "Bulk Anchor (demo)", "MY", protocol.RoleCertifier)
	plant := w.newOrg(name+"/plantation", "Bulk Plantation", "MY", protocol.RolePlantation)
	mill := w.newOrg(name+"/mill", "Bulk Mill", "MY", protocol.RoleMill)
	ref := w.newOrg(name+"/refinery", "Bulk Refinery", "MY", protocol.RoleRefinery)
	valid, until := date(2023, 6, 1), date(2028, 5, 31)
	w.endorse(anchor, plant, protocol.RolePlantation, cert(RSPO, protocol.ModelIP, "BULK-IP-1", valid, until))
	w.endorse(anchor, mill, protocol.RoleMill, cert(RSPO, protocol.ModelSG, "BULK-SG-2", valid, until))
	w.endorse(anchor, ref, protocol.RoleRefinery, cert(RSPO, protocol.ModelSG, "BULK-SG-3", valid, until))
	ip, sg := &protocol.Claim{Scheme: RSPO, Model: protocol.ModelIP}, &protocol.Claim{Scheme: RSPO, Model: protocol.ModelSG}
	place := plant.dev.add(plot("Bulk Blok 1", "MY", rect(103.95, 1.80, 0.006, 0.006)))
	// Traced records per harvest: 3, plus per mill process (one per fanIn
	// harvests) the process, a transfer, a receipt and a share of the
	// blending above.
	leaves := max(1, int(float64(n-1)/(3+3.1/fanIn)))
	lanes := min(maxLanes, max(1, leaves/fanIn))
	perLane := leaves / lanes
	extra := leaves % lanes
	pdevs, mdevs := make([]*actor, lanes), make([]*actor, lanes)
	for i := range lanes {
		pdevs[i] = w.actor(fmt.Sprintf("%s/plantation/lane-%d", name, i))
		mdevs[i] = w.actor(fmt.Sprintf("%s/mill/lane-%d", name, i))
		plant.key.add(&protocol.Device{Key: pdevs[i].pub(), Name: fmt.Sprintf("lane %d", i)})
		mill.key.add(&protocol.Device{Key: mdevs[i].pub(), Name: fmt.Sprintf("lane %d", i)})
	}
	results := make([][]protocol.Signed, lanes)
	cpo := make([][]protocol.BatchID, lanes)
	cpoQty := make([][]int64, lanes)
	clocks := make([]int64, lanes)
	var wg sync.WaitGroup
	for i := range lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			lw := &world{clock: w.clock, marks: map[string]protocol.Signed{}}
			p, m := *pdevs[i], *mdevs[i]
			p.w, m.w = lw, lw
			var ffb []protocol.BatchID
			flush := func() {
				if len(ffb) == 0 {
					return
				}
				in := make([]protocol.Input, len(ffb))
				for j, b := range ffb {
					in[j] = protocol.Input{Batch: b, Qty: tne(10_000)}
				}
				total := int64(len(ffb)) * 10_000
				pr := m.add(&protocol.Process{In: in, Out: []protocol.Output{{Product: CPO, Qty: tne(total * 21 / 100), Claim: sg}}})
				cpo[i] = append(cpo[i], batch(pr, 0))
				cpoQty[i] = append(cpoQty[i], total*21/100)
				ffb = ffb[:0]
			}
			count := perLane
			if i < extra {
				count++
			}
			for range count {
				o := p.add(&protocol.Origin{Places: []protocol.CID{place.CID}, From: lw.clock - 86_400_000, Until: lw.clock,
					Out: []protocol.Output{{Product: FFB, Qty: tne(10_000), Claim: ip}}})
				t := p.add(&protocol.Transfer{Batch: batch(o, 0), Qty: tne(10_000), To: mill.key.pub()})
				m.add(&protocol.Receive{Transfer: t.CID, Qty: tne(10_000)})
				ffb = append(ffb, batch(o, 0))
				if len(ffb) == fanIn {
					flush()
				}
			}
			flush()
			results[i], clocks[i] = lw.recs, lw.clock
			p.w, m.w = w, w
			*pdevs[i], *mdevs[i] = p, m
		}()
	}
	wg.Wait()
	for i := range lanes {
		w.recs = append(w.recs, results[i]...)
		w.clock = max(w.clock, clocks[i])
	}
	// The refinery receives every CPO batch and blends them down to one.
	level := []protocol.BatchID{}
	qty := map[protocol.BatchID]int64{}
	for i := range lanes {
		for j, b := range cpo[i] {
			q := cpoQty[i][j]
			t := mdevs[i].add(&protocol.Transfer{Batch: b, Qty: tne(q), To: ref.key.pub()})
			ref.dev.add(&protocol.Receive{Transfer: t.CID, Qty: tne(q)})
			level = append(level, b)
			qty[b] = q
		}
	}
	for first := true; first || len(level) > 1; first = false {
		var next []protocol.BatchID
		for j := 0; j < len(level); j += fanIn {
			group := level[j:min(j+fanIn, len(level))]
			in := make([]protocol.Input, len(group))
			var total int64
			for k, b := range group {
				in[k] = protocol.Input{Batch: b, Qty: tne(qty[b])}
				total += qty[b]
			}
			pr := ref.dev.add(&protocol.Process{In: in, Out: []protocol.Output{{Product: CPO, Qty: tne(total), Claim: sg}}})
			next = append(next, batch(pr, 0))
			qty[batch(pr, 0)] = total
		}
		level = next
	}
	return w.scenario(name, fmt.Sprintf("a bulk ancestry of %d records", len(w.recs)), level[0], anchor.key.pub())
}

// Filler returns n signed records of unrelated supply chains (harvest,
// transfer, receipt, processing; keys named after seed), to pad a store
// without touching any other scenario's batches. It signs on every CPU.
func Filler(seed string, n int) []protocol.Signed {
	workers := runtime.GOMAXPROCS(0)
	out := make([][]protocol.Signed, workers)
	var wg sync.WaitGroup
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w := &world{clock: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC).UnixMilli(), marks: map[string]protocol.Signed{}}
			share := n / workers
			if i == 0 {
				share += n % workers
			}
			for c := 0; len(w.recs) < share; c++ {
				// A new pair of feeds every 1,000 chains, like many small
				// organisations.
				id := fmt.Sprintf("filler/%s/%d/%d", seed, i, c)
				grower, buyer := w.actor(id+"/grower"), w.actor(id+"/buyer")
				for k := 0; k < 1000 && len(w.recs) < share; k++ {
					o := grower.add(&protocol.Origin{Places: []protocol.CID{fillerPlace}, From: w.clock - 86_400_000, Until: w.clock,
						Out: []protocol.Output{{Product: FFB, Qty: tne(8_000)}}})
					if len(w.recs) >= share {
						break
					}
					t := grower.add(&protocol.Transfer{Batch: batch(o, 0), Qty: tne(8_000), To: buyer.pub()})
					if len(w.recs) >= share {
						break
					}
					buyer.add(&protocol.Receive{Transfer: t.CID, Qty: tne(8_000)})
					if len(w.recs) >= share {
						break
					}
					buyer.add(&protocol.Process{In: []protocol.Input{{Batch: batch(o, 0), Qty: tne(8_000)}},
						Out: []protocol.Output{{Product: CPO, Qty: tne(1_700)}}})
				}
			}
			out[i] = w.recs
		}()
	}
	wg.Wait()
	var all []protocol.Signed
	for _, rs := range out {
		all = append(all, rs...)
	}
	return all
}

// fillerPlace is a place CID filler origins name; the place itself is not
// among the records (filler is never verified).
var fillerPlace = protocol.ComputeCID([]byte("jejak scenario filler place"))
