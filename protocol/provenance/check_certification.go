package provenance

import (
	"fmt"
	"strings"

	"github.com/jejak/jejak/protocol"
)

// Certification reason codes.
const (
	CodeNoCertificate = "no_certificate"
	CodeCertInvalid   = "certificate_not_valid"
	CodeModelUpgrade  = "model_upgrade"
	CodeOverCertified = "certified_output_exceeds_input"
)

// modelRank orders supply-chain models: IP above SG above MB.
func modelRank(m string) int {
	switch m {
	case protocol.ModelIP:
		return 3
	case protocol.ModelSG:
		return 2
	case protocol.ModelMB:
		return 1
	}
	return 0
}

// certFor finds a certificate of scheme held by organisation o at time t
// that allows model: an endorsement carrying it, not withdrawn, valid at t,
// of the model or a stronger one (a certificate without a model allows
// any). It prefers one issued by a trusted certifier. When none fits, it
// says why (of the first certificate that does not fit).
func (v *verifier) certFor(o protocol.PublicKey, scheme, model string, t int64) (*endorsement, msg) {
	var found *endorsement
	var why []msg
	for _, en := range v.orgOf(o).endorsements {
		c := en.body.Cert
		if c == nil || !strings.EqualFold(c.Scheme, scheme) {
			continue
		}
		switch {
		case en.revoked.at(t):
			why = append(why, m("reason.cert.withdrawn", "number", c.Number, "withdrawn", day(en.revoked.from), "cause", en.revoked.reason))
		case t < c.From || t > c.Until:
			why = append(why, m("reason.cert.expired", "number", c.Number, "from", day(c.From), "until", day(c.Until)))
		case c.Model != "" && modelRank(c.Model) < modelRank(model):
			why = append(why, m("reason.cert.model", "number", c.Number, "cert_model", c.Model))
		default:
			if found == nil || (!v.trustedCertifier(found.by, t, 0) && v.trustedCertifier(en.by, t, 0)) {
				found = en
			}
		}
	}
	if found != nil {
		return found, msg{}
	}
	if len(why) == 0 {
		return nil, m("reason.cert.none", "scheme", scheme)
	}
	key := "reason.cert.invalid"
	if len(why) > 1 {
		key = "reason.cert.invalid.more"
	}
	return nil, m(key, "scheme", scheme, "on", day(t), "more", len(why)-1).nest("cert", why[0])
}

// checkCertification: every claim rests on a certificate of its scheme,
// valid at the record's time and endorsed for the claiming organisation;
// supply-chain models only go down the chain (IP → SG → MB); and the
// certified share of each output never exceeds the certified share of the
// inputs.
func (v *verifier) checkCertification() Check {
	b := newCheck("certification")
	claims := 0
	for _, e := range v.tracedRecords() {
		var outs []protocol.Output
		var proc *protocol.Process
		switch body := e.rec.Body.(type) {
		case *protocol.Origin:
			outs = body.Out
		case *protocol.Process:
			outs, proc = body.Out, body
		default:
			continue
		}
		if v.corrected(e.cid) {
			continue
		}
		o := v.orgKey(e.rec.Author)
		schemes := map[string]bool{}
		type failure struct {
			code, claim       string
			why               msg
			products, batches []string
		}
		var fails []*failure
		for i, out := range outs {
			if out.Claim == nil {
				continue
			}
			claims++
			b.judged++
			c := out.Claim
			if en, why := v.certFor(o, c.Scheme, c.Model, e.rec.Time); en == nil {
				code := CodeCertInvalid
				if why.key == "reason.cert.none" {
					code = CodeNoCertificate
				}
				claim := c.Scheme + " " + c.Model
				var f *failure
				for _, x := range fails {
					if x.claim == claim && x.why.en() == why.en() {
						f = x
					}
				}
				if f == nil {
					f = &failure{code: code, claim: claim, why: why}
					fails = append(fails, f)
				}
				f.products = append(f.products, out.Product)
				f.batches = append(f.batches, shortBatch(protocol.BatchID{Record: e.cid, Index: uint32(i)}))
			} else {
				v.relied = append(v.relied, reliedCert{en: en, claim: e})
			}
			if proc != nil && !schemes[NormProduct(c.Scheme)] {
				schemes[NormProduct(c.Scheme)] = true
				v.judgeInputs(b, e, proc, c.Scheme)
			}
		}
		for _, f := range fails {
			b.fail(f.code, m("reason.certificate", "org", v.orgName(o), "claim", f.claim, "products_list", list(f.products),
				"batches", strings.Join(f.batches, ", "), "record", e.cid.Short(), "date", day(e.rec.Time)).nest("why", f.why), e.cid)
		}
	}
	if b.unknown {
		b.info("incomplete", m("reason.incomplete.certification"))
	}
	return b.done(m("report.summary.certification.pass", "n", claims), m("report.summary.certification.skip"))
}

// judgeInputs checks a process's claims of one scheme against its inputs.
func (v *verifier) judgeInputs(b *checkBuilder, e *entry, p *protocol.Process, scheme string) {
	type share struct{ certified, total int64 }
	in := map[protocol.Dimension]*share{}
	weakest, weakestBatch := 4, protocol.BatchID{}
	for _, x := range p.In {
		ib := v.batchOf(x.Batch, e.cid, m("reason.what.input"))
		if !ib.known() {
			b.unknown = true
			return
		}
		base, dim, err := x.Qty.Base()
		if err != nil {
			continue
		}
		s := in[dim]
		if s == nil {
			s = &share{}
			in[dim] = s
		}
		s.total = addSat(s.total, base)
		rank := 0
		if c := ib.out.Claim; c != nil && strings.EqualFold(c.Scheme, scheme) {
			s.certified = addSat(s.certified, base)
			rank = modelRank(c.Model)
		}
		if rank < weakest {
			weakest, weakestBatch = rank, ib.id
		}
	}
	inShare := 1.0
	for _, s := range in {
		if s.total > 0 {
			inShare = min(inShare, float64(s.certified)/float64(s.total))
		}
	}
	outs := map[string]*share{}
	upgraded, upgradedBatches := map[string][]string{}, map[string][]string{}
	for i, o := range p.Out {
		base, _, err := o.Qty.Base()
		if err != nil {
			continue
		}
		k := NormProduct(o.Product)
		if outs[k] == nil {
			outs[k] = &share{}
		}
		outs[k].total = addSat(outs[k].total, base)
		if o.Claim == nil || !strings.EqualFold(o.Claim.Scheme, scheme) {
			continue
		}
		outs[k].certified = addSat(outs[k].certified, base)
		if r := modelRank(o.Claim.Model); r > modelRank(protocol.ModelMB) && weakest < r {
			upgraded[o.Claim.Model] = append(upgraded[o.Claim.Model], o.Product)
			upgradedBatches[o.Claim.Model] = append(upgradedBatches[o.Claim.Model], shortBatch(protocol.BatchID{Record: e.cid, Index: uint32(i)}))
		}
	}
	for _, model := range []string{protocol.ModelIP, protocol.ModelSG} {
		if len(upgraded[model]) == 0 {
			continue
		}
		have := "reason.cert.have.none"
		if weakest > 0 {
			have = "reason.cert.have.only"
		}
		b.fail(CodeModelUpgrade, v.signer(m("reason.model_upgrade", "record", e.cid.Short(), "scheme", scheme, "model", model,
			"products_list", list(upgraded[model]), "batches", strings.Join(upgradedBatches[model], ", "),
			"input", shortBatch(weakestBatch), "have_key", have, "have_model", [...]string{"", "MB", "SG", "IP"}[weakest]), "signer", e.rec.Author), e.cid, weakestBatch.Record)
	}
	for _, o := range p.Out {
		s := outs[NormProduct(o.Product)]
		if s == nil || s.total == 0 {
			continue
		}
		outShare := float64(s.certified) / float64(s.total)
		if outShare > inShare+1e-9 {
			b.add(LevelFail, CodeOverCertified, v.signer(m("reason.certified_output_exceeds_input", "record", e.cid.Short(), "scheme", scheme,
				"out_share", fmt.Sprintf("%.0f %%", outShare*100), "product", o.Product, "in_share", fmt.Sprintf("%.0f %%", inShare*100)), "signer", e.rec.Author), []protocol.CID{e.cid},
				map[string]string{"certified_output": fmt.Sprintf("%.1f %%", outShare*100), "certified_input": fmt.Sprintf("%.1f %%", inShare*100)})
			delete(outs, NormProduct(o.Product))
		}
	}
}
