package provenance

import (
	"fmt"
	"sort"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Mass-balance reason codes.
const (
	CodeImplausible  = "implausible_conversion"
	CodeCountExceeds = "count_exceeds_components"
	CodeUnknownPair  = "unknown_conversion"
)

// amount is a total of one product in one process, in base units.
type amount struct {
	product string
	qty     protocol.Quantity // the first quantity seen, for its unit
	base    int64
	dim     protocol.Dimension
	mixed   bool // quantities of different dimensions: not comparable
}

func addAmount(m map[string]*amount, order *[]string, product string, q protocol.Quantity) {
	p := NormProduct(product)
	base, dim, err := q.Base()
	a, ok := m[p]
	if !ok {
		a = &amount{product: product, qty: q, dim: dim}
		m[p] = a
		*order = append(*order, p)
	}
	if err != nil || dim != a.dim {
		a.mixed = true
		return
	}
	a.base = addSat(a.base, base)
}

// checkMassBalance: each process's outputs are plausible for its inputs,
// by the conversion-bounds table; pieces never outnumber the pieces they
// are assembled from; the same product never grows.
func (v *verifier) checkMassBalance() Check {
	b := newCheck("mass_balance", "Mass balance")
	table := v.opts.Bounds
	for _, e := range v.tracedRecords() {
		p, ok := e.rec.Body.(*protocol.Process)
		if !ok || v.corrected(e.cid) {
			continue
		}
		ins, outs := map[string]*amount{}, map[string]*amount{}
		var inOrder, outOrder []string
		complete := true
		for _, in := range p.In {
			ib := v.batchOf(in.Batch, e.cid, "input")
			if !ib.known() {
				complete = false
				break
			}
			addAmount(ins, &inOrder, ib.out.Product, in.Qty)
		}
		if !complete {
			b.unknown = true
			continue
		}
		for _, o := range p.Out {
			addAmount(outs, &outOrder, o.Product, o.Qty)
		}
		b.judged++
		who := fmt.Sprintf("%s record %s by %s", e.rec.Type(), e.cid.Short(), v.signerName(e.rec.Author))
		for _, r := range judgeYields(table, ins, inOrder, outs, outOrder, who) {
			b.add(r.Level, r.Code, r.Text, []protocol.CID{e.cid}, r.Numbers)
		}
	}
	if b.unknown {
		b.info("incomplete", "processes with inputs whose records are missing could not be checked (see integrity)")
	}
	return b.done(fmt.Sprintf("the outputs of %s are plausible for their inputs", plural(b.judged, "process", "processes")), "no process in the trace")
}

// judgeYields judges one process's outputs against its inputs (totals by
// product, in their order) by the conversion-bounds table: the reasons of
// the mass-balance check, without their records. who names the process
// for people.
func judgeYields(table *Table, ins map[string]*amount, inOrder []string, outs map[string]*amount, outOrder []string, who string) []Reason {
	var rs []Reason
	add := func(level Level, code, text string, numbers map[string]string) {
		rs = append(rs, Reason{Level: level, Code: code, Text: text, Numbers: numbers})
	}
	for _, op := range outOrder {
		out := outs[op]
		judged := false
		var unknown []string
		for _, ip := range inOrder {
			in := ins[ip]
			if in.mixed || out.mixed {
				continue
			}
			if bd, ok := table.Lookup(ip, op); ok {
				judged = true
				r, ok := bd.ratio(in.base, in.dim, out.base, out.dim)
				if !ok {
					add(LevelWarn, CodeUnknownPair, fmt.Sprintf("%s: %s → %s is measured in %s and %s, which the bound for this pair cannot compare", who, in.product, out.product, in.qty.Unit, out.qty.Unit), nil)
					continue
				}
				if r < bd.Min-1e-9 || r > bd.Max+1e-9 {
					add(LevelFail, CodeImplausible, fmt.Sprintf("%s makes %s of %s from %s of %s: %s, outside the plausible %s (%s)",
						who, inUnit(out.base, out.qty.Unit), out.product, inUnit(in.base, in.qty.Unit), in.product, bd.format(r), bd.rangeText(), bd.Source),
						map[string]string{"input": inUnit(in.base, in.qty.Unit), "output": inUnit(out.base, out.qty.Unit), "ratio": bd.format(r), "min": bd.format(bd.Min), "max": bd.format(bd.Max)})
				}
				continue
			}
			if in.dim == out.dim && (in.dim == protocol.Count || ip == op) {
				judged = true
				if out.base > in.base {
					code, what := CodeCountExceeds, "an assembly cannot outnumber its components"
					if in.dim != protocol.Count {
						code, what = CodeImplausible, "a product cannot grow in processing"
					}
					add(LevelFail, code, fmt.Sprintf("%s makes %s of %s from only %s of %s: %s",
						who, inUnit(out.base, out.qty.Unit), out.product, inUnit(in.base, in.qty.Unit), in.product, what),
						map[string]string{"input": inUnit(in.base, in.qty.Unit), "output": inUnit(out.base, out.qty.Unit)})
				}
				continue
			}
			unknown = append(unknown, in.product)
		}
		if !judged && len(unknown) > 0 {
			sort.Strings(unknown)
			add(LevelWarn, CodeUnknownPair, fmt.Sprintf("%s: no conversion bounds for %s → %s in the table, so its plausibility was not checked",
				who, strings.Join(unknown, " + "), out.product), nil)
		}
	}
	return rs
}
