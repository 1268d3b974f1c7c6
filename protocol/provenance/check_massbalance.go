package provenance

import (
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
	b := newCheck("mass_balance")
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
			ib := v.batchOf(in.Batch, e.cid, m("reason.what.input"))
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
		who := v.who(e)
		for _, r := range judgeYields(table, ins, inOrder, outs, outOrder, who) {
			b.add(r.Level, r.Code, msg{key: r.Key, params: r.Params}, []protocol.CID{e.cid}, r.Numbers)
		}
	}
	if b.unknown {
		b.info("incomplete", m("reason.incomplete.mass_balance"))
	}
	return b.done(m("report.summary.mass_balance.pass", "n", b.judged), m("report.summary.mass_balance.skip"))
}

// judgeYields judges one process's outputs against its inputs (totals by
// product, in their order) by the conversion-bounds table: the reasons of
// the mass-balance check, without their records. who names the process
// for people.
func judgeYields(table *Table, ins map[string]*amount, inOrder []string, outs map[string]*amount, outOrder []string, who msg) []Reason {
	var rs []Reason
	add := func(level Level, code string, x msg, numbers map[string]string) {
		x = x.nest("who", who)
		rs = append(rs, Reason{Level: level, Code: code, Key: x.key, Params: x.params, Text: x.en(), Numbers: numbers})
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
					add(LevelWarn, CodeUnknownPair, m("reason.unknown_conversion.units", "input", in.product, "output", out.product, "in_unit", in.qty.Unit, "out_unit", out.qty.Unit), nil)
					continue
				}
				if r < bd.Min-1e-9 || r > bd.Max+1e-9 {
					add(LevelFail, CodeImplausible, m("reason.implausible_conversion", "out_qty", inUnit(out.base, out.qty.Unit), "output", out.product,
						"in_qty", inUnit(in.base, in.qty.Unit), "input", in.product, "ratio", bd.format(r), "range", bd.rangeText(), "source", bd.Source),
						map[string]string{"input": string(inUnit(in.base, in.qty.Unit)), "output": string(inUnit(out.base, out.qty.Unit)), "ratio": bd.format(r), "min": bd.format(bd.Min), "max": bd.format(bd.Max)})
				}
				continue
			}
			if in.dim == out.dim && (in.dim == protocol.Count || ip == op) {
				judged = true
				if out.base > in.base {
					code, key := CodeCountExceeds, "reason.count_exceeds_components"
					if in.dim != protocol.Count {
						code, key = CodeImplausible, "reason.implausible_conversion.grows"
					}
					add(LevelFail, code, m(key, "out_qty", inUnit(out.base, out.qty.Unit), "output", out.product, "in_qty", inUnit(in.base, in.qty.Unit), "input", in.product),
						map[string]string{"input": string(inUnit(in.base, in.qty.Unit)), "output": string(inUnit(out.base, out.qty.Unit))})
				}
				continue
			}
			unknown = append(unknown, in.product)
		}
		if !judged && len(unknown) > 0 {
			sort.Strings(unknown)
			add(LevelWarn, CodeUnknownPair, m("reason.unknown_conversion", "input", strings.Join(unknown, " + "), "output", out.product), nil)
		}
	}
	return rs
}

// who names a record for people: its type, short CID and signer, as the
// parameter "who" of a message.
func (v *verifier) who(e *entry) msg {
	return v.signer(m("reason.who.record", "who_type_key", typeKey(e.rec.Type()), "who_record", e.cid.Short()), "who_signer", e.rec.Author)
}
